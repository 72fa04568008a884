"""Keyboard, ARIA and embedding on another site."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.widget.chat import INPUT, LAUNCHER, PANEL, ChatPage


def test_keyboard_opens_and_closes_the_chat_with_focus_in_the_right_place(chat: ChatPage) -> None:
    chat.goto()
    launcher = chat.page.locator(LAUNCHER)
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.focus()
    chat.page.keyboard.press("Enter")
    panel = chat.page.locator(PANEL)
    expect(panel).to_be_visible()
    expect(panel).to_have_attribute("role", "dialog")
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(chat.page.locator(INPUT)).to_be_focused()
    expect(chat.page.locator("[role=log]")).to_have_attribute("aria-live", "polite")
    expect(chat.page.locator(INPUT)).to_have_attribute("aria-label", "Scriva un messaggio")

    chat.page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(launcher).to_be_focused()


def test_the_widget_works_embedded_on_another_site(chat: ChatPage, web_url: str) -> None:
    page_html = f"""<!doctype html><html lang="it"><head><title>Ordine dei medici</title></head>
        <body><h1>Ordine dei medici</h1>
        <script src="{web_url}/widget/widget.js" data-open="true" data-title="Supporto INAIL"
          data-primary-color="#5a2d82"></script></body></html>"""
    chat.page.route(
        "http://ordine-medici.example/**",
        lambda route: route.fulfill(body=page_html, content_type="text/html"),
    )
    chat.goto("http://ordine-medici.example/servizi")
    expect(chat.page.locator(PANEL)).to_be_visible()
    expect(chat.page.locator("h2")).to_have_text("Supporto INAIL")
    chat.wait_online()
    chat.send("buongiorno")
    chat.bot_says("credenziali")
    chat.attach("modulo.pdf", b"testo qualsiasi " * 10, "application/pdf")  # CORS of the upload API
    chat.page.locator(".send").click()
    expect(chat.page.locator(".row.user").filter(has_text="modulo.pdf")).to_contain_text(
        "File non accettato", timeout=60_000
    )
