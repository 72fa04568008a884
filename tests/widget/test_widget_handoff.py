"""A person when the doctor needs one: a doctor's page and an operator's page open at once.

Real servers (Rasa, actions, web, notifier), headless Chromium for both sides.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from bot.handoff.models import Handoff
from bot.intake.samples.forms import filled_form_pdf
from bot.intake.samples.signed import pades_signed_pdf
from bot.web.console.models import AuditEntry
from tests.e2e.servers import BotServers
from tests.handoff.helpers import PASSWORD, make_operator
from tests.widget.chat import BOT, ChatPage
from tests.widget.proxy import CuttableProxy

Servers = tuple[BotServers, CuttableProxy]


def operator_page(browser: Browser, web_url: str, username: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(f"{web_url}/staff/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{web_url}/staff/assistenza")
    expect(page.get_by_role("heading", name="Assistenza ai medici")).to_be_visible()
    return context, page


def _operator(servers: Servers) -> str:
    username = f"op{uuid.uuid4().hex[:6]}.rossi"
    make_operator(servers[0], username)
    return username


def _waiting_row(page: Page, conversation_id: str):
    return page.locator("tr[data-handoff]").filter(has_text=conversation_id)


def test_the_whole_hand_off_with_a_doctor_and_an_operator_at_once(
    chat: ChatPage, browser: Browser, servers: Servers, web_url: str, tmp_path: Path
) -> None:
    username = _operator(servers)
    console, staff = operator_page(browser, web_url, username)
    try:
        chat.goto().open()
        chat.bot_says("credenziali")  # the first question, at once
        chat.send("voglio parlare con un operatore")
        queued = chat.bot_says("in coda")
        expect(queued).to_contain_text("posto n. 1")
        expect(chat.page.locator(".handoff")).to_contain_text("posto n. 1 in coda")
        assert "Quali credenziali" not in queued.inner_text()
        conversation = chat.session_id()

        # The operator's inbox shows the waiting doctor (it refreshes by itself) and takes it.
        row = _waiting_row(staff, conversation)
        expect(row).to_be_visible(timeout=20_000)
        expect(row).to_contain_text("Widget web")
        row.get_by_role("button", name="Prendi in carico").click()
        expect(staff.locator("#handoff-status")).to_have_text("Con operatore")

        # The doctor is told who answers now; the header shows the operator's name.
        name = username.split(".")[0].capitalize() + " R."
        chat.bot_says(f"Ora è in contatto con {name}")
        expect(chat.page.locator(".subtitle")).to_contain_text(f"In contatto con {name}")
        expect(chat.page.locator(".handoff")).to_be_hidden()

        # "Sta scrivendo" while the operator types, then the message.
        staff.fill("#risposta", "Buongiorno dottore,")
        staff.type("#risposta", " mi dica pure.")
        expect(chat.page.locator(".typing")).to_be_visible(timeout=15_000)
        expect(chat.page.locator(".typing")).to_contain_text(f"{name} sta scrivendo")
        staff.get_by_role("button", name="Invia", exact=True).click()
        answer = chat.bot_says("mi dica pure")
        expect(answer.locator(".author")).to_have_text(f"{name} · operatore INAIL")

        # The doctor's message and file reach the operator, not the bot.
        chat.send("ho un dubbio sul modulo firmato")
        expect(
            staff.locator(".turn.user").filter(has_text="ho un dubbio sul modulo")
        ).to_be_visible()
        chat.attach("modulo-firmato.pdf", pades_signed_pdf(), "application/pdf")
        chat.page.locator(".send").click()
        expect(chat.page.locator(".row.user.accepted")).to_be_visible(timeout=60_000)
        expect(staff.locator(".turn.file").filter(has_text="modulo-firmato.pdf")).to_be_visible()
        staff.reload()
        expect(staff.locator(".document").filter(has_text="modulo-firmato.pdf")).to_be_visible()
        assert chat.page.locator(BOT).filter(has_text="non ho capito").count() == 0

        # A file from the operator: the doctor downloads it from the chat.
        leaflet = tmp_path / "istruzioni.pdf"
        leaflet.write_bytes(filled_form_pdf())
        staff.set_input_files("#file-operatore", str(leaflet))
        staff.get_by_role("button", name="Invia", exact=True).click()
        shared = chat.bot_says("le ha inviato un file")
        link = shared.locator("a.download")
        expect(link).to_have_attribute(
            "href", re.compile(rf"/api/conversations/{conversation}/files/")
        )
        with chat.page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "istruzioni.pdf"

        chat.screenshot("handoff-doctor")
        staff.screenshot(path=str(chat.screenshots / "handoff-operator.png"))

        # Hand back: the bot says so and asks one satisfaction question.
        staff.get_by_role("button", name="Restituisci all'assistente").click()
        chat.bot_says("ha concluso la conversazione")
        expect(chat.page.locator(".subtitle")).not_to_contain_text("In contatto")
        chat.quick_reply("👍 Bene").click()
        chat.bot_says("Grazie del giudizio")
        chat.bot_says("Vuole aggiungere un commento")
        expect(chat.quick_reply("Nessun commento")).to_be_visible()
        chat.send("gentilissimo, grazie")
        chat.bot_says("il suo commento ci aiuta")
        chat.send("voglio parlare con un operatore")  # the bot answers again
        chat.bot_says(re.compile("in coda|nessun operatore"))
    finally:
        console.close()

    bot = servers[0]
    with bot.unit_of_work() as uow:
        rows = (
            uow.session.execute(
                select(Handoff).where(Handoff.conversation_id == conversation).order_by(Handoff.id)
            )
            .scalars()
            .all()
        )
        assert rows[0].status == "resolved" and rows[0].rating == "up"
        assert rows[0].comment == "gentilissimo, grazie"
        audited = set(
            uow.session.execute(select(AuditEntry.action).where(AuditEntry.actor == username))
            .scalars()
            .all()
        )
    assert {
        "assistenza_presa",
        "assistenza_messaggio",
        "assistenza_file",
        "assistenza_restituita",
    } <= audited


def test_the_doctor_cancels_the_wait_from_the_chat(
    chat: ChatPage, browser: Browser, servers: Servers, web_url: str
) -> None:
    console, staff = operator_page(browser, web_url, _operator(servers))
    try:
        chat.goto().open()
        chat.send("voglio parlare con un operatore")
        chat.bot_says("in coda")
        conversation = chat.session_id()
        expect(_waiting_row(staff, conversation)).to_be_visible(timeout=20_000)
        chat.page.locator(".handoff-cancel").click()
        chat.bot_says("ho annullato la richiesta dell'operatore")
        expect(chat.page.locator(".handoff")).to_be_hidden()
        expect(_waiting_row(staff, conversation)).to_have_count(0, timeout=20_000)
    finally:
        console.close()


@pytest.mark.parametrize("attempt", [1, 2])
def test_two_operators_racing_for_one_conversation_only_one_gets_it(
    chat: ChatPage, browser: Browser, servers: Servers, web_url: str, attempt: int
) -> None:
    first_context, first = operator_page(browser, web_url, _operator(servers))
    second_context, second = operator_page(browser, web_url, _operator(servers))
    try:
        chat.goto().open()
        chat.send("voglio parlare con un operatore")
        chat.bot_says("in coda")
        conversation = chat.session_id()
        for page in (first, second):
            expect(_waiting_row(page, conversation)).to_be_visible(timeout=20_000)
        # Both click at once: both forms are posted before either answer comes back.
        buttons = [
            _waiting_row(page, conversation).get_by_role("button", name="Prendi in carico")
            for page in (first, second)
        ]
        for page in (first, second):
            page.evaluate("document.activeElement && document.activeElement.blur()")
        first_click = first.evaluate_handle(
            "(b) => { b.closest('form').requestSubmit(); return true; }",
            buttons[0].element_handle(),
        )
        second.evaluate(
            "(b) => { b.closest('form').requestSubmit(); return true; }",
            buttons[1].element_handle(),
        )
        first_click.dispose()
        first.wait_for_load_state()
        second.wait_for_load_state()
        outcomes = []
        for page in (first, second):
            page.wait_for_url(re.compile(r"/staff/assistenza(/\d+)?\?"))
            outcomes.append("won" if page.locator("#handoff-status").count() else page.url)
        assert outcomes.count("won") == 1, outcomes
        loser = second if outcomes[0] == "won" else first
        expect(loser.locator(".error")).to_contain_text("già stata presa in carico")
        chat.bot_says("Ora è in contatto con")
        assert chat.page.locator(BOT).filter(has_text="Ora è in contatto con").count() == 1
    finally:
        first_context.close()
        second_context.close()
