"""Files from the widget: attach, drag & drop, progress, the Italian answers of the upload API."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from bot.intake.samples.signed import pades_signed_pdf
from tests.widget.chat import UPLOADS, ChatPage
from tests.widget.proxy import HoldingHttpProxy


def test_a_valid_form_is_received_and_the_bot_answers(chat: ChatPage) -> None:
    chat.goto().open()
    chat.wait_online()
    chat.attach("domanda_firmata.pdf", pades_signed_pdf(), "application/pdf", purpose="modulo")
    expect(chat.page.locator(".tray")).to_contain_text("domanda_firmata.pdf")
    chat.screenshot("3-file-ready")
    chat.page.locator(".send").click()

    card = chat.page.locator(".row.user").filter(has_text="domanda_firmata.pdf")
    expect(card).to_contain_text("File ricevuto", timeout=60_000)
    expect(card).to_contain_text("Modulo di domanda firmato")
    expect(chat.page.locator(".row.bot").last).to_be_visible()
    expect(chat.page.locator(".tray")).to_be_hidden()


def test_a_file_that_is_not_a_pdf_is_rejected_with_the_italian_reason(chat: ChatPage) -> None:
    chat.goto().open()
    chat.wait_online()
    chat.attach("modulo.pdf", b"solo testo, non un PDF " * 20, "application/pdf")
    chat.page.locator(".send").click()

    card = chat.page.locator(".row.user").filter(has_text="modulo.pdf")
    expect(card).to_contain_text("File non accettato", timeout=60_000)
    expect(chat.page.locator(".row").filter(has_text=re.compile("non è un PDF"))).not_to_have_count(
        0
    )
    chat.screenshot("4-file-rejected")


def test_wrong_type_and_too_big_are_refused_before_sending(chat: ChatPage) -> None:
    chat.goto().open()
    chat.attach("appunti.docx", b"PK\x03\x04 documento", "application/octet-stream")
    expect(chat.page.locator(".tray-error")).to_contain_text("Formato non accettato")
    expect(chat.page.locator(".tray select")).to_have_count(0)

    chat.attach("scansione.jpg", b"\xff\xd8\xff" + b"0" * (10 * 2**20 + 1), "image/jpeg")
    expect(chat.page.locator(".tray-error")).to_contain_text("supera il limite di 10 MB")
    chat.page.locator(".send").click()
    expect(chat.page.locator(".row.user")).to_have_count(0)


def test_server_down_shows_the_italian_message_and_can_retry(chat: ChatPage) -> None:
    unavailable = {
        "error": "servizio_non_disponibile",
        "message": "Servizio momentaneamente non disponibile.",
    }
    chat.page.route(UPLOADS, lambda route: route.fulfill(status=503, json=unavailable))
    chat.goto().open()
    chat.attach(
        "fronte.png", b"\x89PNG\r\n\x1a\n" + b"0" * 2000, "image/png", purpose="documento_fronte"
    )
    chat.page.locator(".send").click()
    card = chat.page.locator(".row.user").filter(has_text="fronte.png")
    expect(card).to_contain_text("Servizio momentaneamente non disponibile")
    expect(card).to_contain_text("File non inviato")

    chat.page.unroute(UPLOADS)
    rejected = {
        "accepted": False,
        "purpose": "documento_fronte",
        "attachment_id": None,
        "problems": [{"code": "x", "message": "Foto troppo piccola."}],
        "warnings": [],
        "flags": [],
        "messages": [],
    }
    chat.page.route(UPLOADS, lambda route: route.fulfill(status=422, json=rejected))
    card.locator("button.retry").click()
    expect(card).to_contain_text("Foto troppo piccola.")
    expect(card).to_contain_text("File non accettato")


def test_a_sent_file_says_it_is_being_checked_until_the_answer_comes(
    chat: ChatPage, web_url: str
) -> None:
    relay = HoldingHttpProxy(web_url)
    relay.start()
    try:
        chat.goto(f"{relay.url}/demo").open()
        chat.wait_online()
        chat.attach("modulo.pdf", pades_signed_pdf(), "application/pdf", purpose="modulo")
        chat.page.locator(".send").click()

        card = chat.page.locator(".row.user").filter(has_text="modulo.pdf")
        assert relay.held.wait(timeout=60)  # checked by the web process, its answer held back
        expect(card).to_contain_text("File inviato: lo sto controllando, un momento")
        expect(chat.page.locator(".typing")).to_be_visible()
        relay.release()
        expect(card).to_contain_text("File ricevuto", timeout=60_000)
        expect(card).not_to_contain_text("lo sto controllando")
        expect(chat.page.locator(".row.bot").last).to_be_visible()
    finally:
        relay.close()


def test_a_file_dropped_on_the_panel_is_ready_to_send(chat: ChatPage) -> None:
    chat.goto().open()
    drop = chat.page.evaluate_handle(
        """() => {
            const data = new DataTransfer();
            data.items.add(new File(["%PDF-1.4"], "trascinato.pdf", {type: "application/pdf"}));
            return data;
        }"""
    )
    panel = chat.page.locator("section.panel")
    panel.dispatch_event("dragenter", {"dataTransfer": drop})
    expect(chat.page.locator(".drop")).to_contain_text("Rilasci qui il file")
    panel.dispatch_event("drop", {"dataTransfer": drop})
    expect(chat.page.locator(".drop")).to_be_hidden()
    expect(chat.page.locator(".tray")).to_contain_text("trascinato.pdf")
