"""Network drops: the widget reconnects, and what the doctor typed meanwhile is not lost."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.widget.chat import PANEL, ChatPage
from tests.widget.conftest import RasaApi
from tests.widget.proxy import CuttableProxy


def test_a_message_typed_during_a_drop_is_sent_after_reconnecting(
    chat: ChatPage, proxy: CuttableProxy, rasa_api: RasaApi
) -> None:
    chat.goto().open()
    chat.wait_online()
    proxy.drop()
    expect(chat.page.locator(PANEL)).to_have_attribute("data-state", "offline")
    expect(chat.page.locator(".banner")).to_contain_text("Connessione persa")

    chat.send("non ho nessuna credenziale")
    queued = chat.user_bubble("non ho nessuna credenziale")
    expect(queued.locator("xpath=..")).to_contain_text("In attesa di connessione")
    chat.page.locator("textarea").fill("bozza non ancora inviata")
    chat.screenshot("6-offline")

    chat.page.reload()  # even a reload while offline keeps both
    chat.open()
    expect(chat.user_bubble("non ho nessuna credenziale")).to_be_visible()
    expect(chat.page.locator("textarea")).to_have_value("bozza non ancora inviata")

    # Said while the page was cut off (e.g. a notice): shown from the history once back.
    rasa_api.trigger_intent(chat.session_id(), "greet", output_channel="socketio")
    proxy.restore()
    chat.wait_online()
    chat.bot_says("Sono l'assistente INAIL")
    chat.bot_says(re.compile("registrazione-utente-generico|utente generico"))
    expect(chat.page.locator(".row.user .state")).to_have_count(0)
    expect(chat.page.locator(".banner")).to_be_hidden(timeout=10_000)
