"""The chat widget in headless Chromium, against the real servers: what a doctor sees."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from bot.tickets import change_status, file_ticket
from tests.e2e.servers import BotServers
from tests.tickets.conftest import build_request, store_documents
from tests.widget.chat import BOT, PANEL, UPLOADS, USER, ChatPage
from tests.widget.conftest import RasaApi
from tests.widget.proxy import CuttableProxy


def _greet(chat: ChatPage) -> None:
    chat.goto().open()
    chat.wait_online()
    chat.send("buongiorno")
    chat.bot_says("credenziali")
    expect(chat.page.locator(".quick button").first).to_be_visible(timeout=60_000)


def test_quick_reply_explains_the_path_with_links_that_open_safely(chat: ChatPage) -> None:
    _greet(chat)
    chat.screenshot("1-greeting")
    chat.quick_reply(re.compile("CNS")).first.click()

    chat.bot_says("InailRisponde")
    expect(chat.page.locator(USER).last).to_contain_text("CNS")
    link = chat.page.locator(f"{BOT} a[href^='https://www.inail.it']").first
    expect(link).to_be_visible()
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", re.compile("noopener"))
    expect(chat.page.locator(".row time").first).to_have_text(re.compile(r"^\d\d:\d\d$"))
    chat.screenshot("2-path-a")


def test_reload_shows_the_history_again_with_the_same_session(chat: ChatPage) -> None:
    _greet(chat)
    session = chat.session_id()
    assert re.fullmatch(r"[0-9a-f]{32}", session)

    chat.page.reload()
    expect(chat.page.locator(PANEL)).to_be_visible()  # stays open as it was left
    expect(chat.page.locator(USER).first).to_have_text(re.compile("buongiorno"))
    assert chat.session_id() == session

    second = ChatPage(chat.page.context.new_page(), chat.url, chat.screenshots).goto().open()
    assert second.session_id() == session
    expect(second.page.locator(BOT).filter(has_text="credenziali").first).to_be_visible()
    second.send("grazie")  # the first tab sees the message and the reply too
    expect(chat.page.locator(USER).filter(has_text="grazie")).to_be_visible()
    chat.bot_says("Prego")

    # Without the browser's copy, the server's history brings the conversation back.
    chat.page.evaluate(f"localStorage.removeItem('inail-chat:{session}:transcript')")
    chat.page.reload()
    expect(chat.page.locator(USER).first).to_have_text(re.compile("buongiorno"))
    expect(chat.page.locator(BOT).filter(has_text="credenziali").first).to_be_visible()


def test_html_typed_by_the_user_is_shown_as_text(chat: ChatPage) -> None:
    chat.goto().open()
    chat.wait_online()
    typed = '<img src=x onerror="window.__pwned=1"><b>grassetto</b>'
    chat.send(typed)
    bubble = chat.user_bubble("grassetto")
    expect(bubble).to_contain_text(typed)
    assert bubble.locator("img, b").count() == 0
    chat.page.wait_for_timeout(300)
    assert chat.page.evaluate("window.__pwned") is None


def test_bot_text_with_html_and_unsafe_links_is_shown_as_text(chat: ChatPage) -> None:
    reply = {
        "accepted": True,
        "purpose": "modulo",
        "attachment_id": 1,
        "problems": [],
        "warnings": [],
        "flags": [],
        "messages": [
            {
                "text": "<script>window.__pwned=1</script> **Ricevuto** "
                "[clic](javascript:window.__pwned=2) e https://www.inail.it/pagina."
            }
        ],
    }
    chat.page.route(UPLOADS, lambda route: route.fulfill(json=reply))
    chat.goto().open()
    chat.attach("modulo.pdf", b"%PDF-1.4 finto", "application/pdf")
    chat.page.locator(".send").click()
    message = chat.bot_says("Ricevuto")
    expect(message).to_contain_text("<script>window.__pwned=1</script>")
    expect(message.locator("strong")).to_have_text("Ricevuto")
    assert message.locator("script").count() == 0
    assert message.locator("a[href^='javascript']").count() == 0
    expect(message.locator("a")).to_have_attribute("href", "https://www.inail.it/pagina")
    assert chat.page.evaluate("window.__pwned") is None


def test_a_status_change_arrives_as_a_notice_while_the_chat_is_closed(
    chat: ChatPage, servers: tuple[BotServers, CuttableProxy]
) -> None:
    _greet(chat)
    chat.page.locator("button.launcher").click()  # closed: the notice shows on the bubble
    bot = servers[0]
    conversation = chat.session_id()
    uow = bot.unit_of_work()
    store_documents(uow, conversation, bot.var_dir / "files")
    filed = file_ticket(uow, build_request(conversation, channel="socketio"), f"key-{conversation}")
    change_status(uow, filed.number, "da_integrare", "staff", "Manca il retro del documento.")
    expect(chat.page.locator(".badge")).to_have_text("1", timeout=60_000)
    expect(chat.page.locator("button.launcher")).to_have_attribute(
        "aria-label", re.compile(r"\(1 nuovo messaggio\)")
    )
    expect(chat.page.locator(".toast")).to_contain_text("Aggiornamento sulla sua richiesta")
    chat.screenshot("5-notice-closed")
    chat.open()
    notice = chat.page.locator(".bubble.notice").last
    expect(notice).to_contain_text(filed.number)
    expect(notice).to_contain_text("Manca il retro del documento.")
    expect(chat.page.locator(".badge")).to_be_hidden()
    chat.page.reload()  # the notice is in the conversation's history, as a notice
    expect(chat.page.locator(".bubble.notice").filter(has_text=filed.number)).to_be_visible()


def test_new_conversation_forgets_the_old_one_in_this_browser(chat: ChatPage) -> None:
    _greet(chat)
    old = chat.session_id()
    chat.page.once("dialog", lambda dialog: dialog.accept())
    chat.page.get_by_role("button", name="Nuova conversazione").click()
    expect(chat.page.locator(USER)).to_have_count(0)
    assert chat.session_id() != old
    # The new conversation opens with the first question and its buttons, at once.
    chat.bot_says("credenziali")
    expect(chat.quick_reply(re.compile("CNS"))).to_be_visible()
    chat.wait_online()
    chat.page.reload()
    expect(chat.page.locator(USER)).to_have_count(0)


def test_opening_the_chat_shows_the_first_question_with_its_buttons(chat: ChatPage) -> None:
    chat.goto().open()
    chat.bot_says("credenziali")
    expect(chat.quick_reply(re.compile("CNS"))).to_be_visible()
    expect(chat.page.locator(USER)).to_have_count(0)  # nothing to tap first
    chat.quick_reply(re.compile("Nessuna")).click()
    chat.bot_says("registrazione-utente-generico")


def test_the_options_of_a_message_stay_when_another_message_follows(
    chat: ChatPage, rasa_api: RasaApi
) -> None:
    chat.goto().open()
    chat.bot_says("credenziali")
    expect(chat.quick_reply(re.compile("CNS"))).to_be_visible()
    rasa_api.say(chat.session_id(), "Un messaggio che arriva subito dopo.")
    chat.bot_says("arriva subito dopo")
    expect(chat.quick_reply(re.compile("CNS"))).to_be_visible()  # still there
    chat.send("grazie")
    expect(chat.page.locator(".quick button")).to_have_count(0)  # until the doctor writes


def test_choosing_a_file_says_to_press_send(chat: ChatPage) -> None:
    chat.goto().open()
    chat.attach("modulo.pdf", b"%PDF-1.4 finto", "application/pdf")
    expect(chat.page.locator(".tray .tray-hint")).to_have_text("Premere Invia per mandare il file.")
