"""Keyboard, ARIA and embedding on another site."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from playwright.sync_api import expect

from tests.widget.chat import INPUT, LAUNCHER, PANEL, ChatPage


@contextmanager
def other_site(html: str) -> Iterator[str]:
    """A page on another origin (another port) that embeds the widget with its script tag."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/servizi"
    finally:
        server.shutdown()


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
    with other_site(page_html) as url:
        chat.goto(url)
        expect(chat.page.locator(PANEL)).to_be_visible()
        expect(chat.page.locator("h2")).to_have_text("Supporto INAIL")
        chat.wait_online()
        chat.send("buongiorno")
        chat.bot_says("credenziali")
        chat.attach("modulo.pdf", b"testo qualsiasi " * 10, "application/pdf")  # CORS of uploads
        chat.page.locator(".send").click()
        expect(chat.page.locator(".row.user").filter(has_text="modulo.pdf")).to_contain_text(
            "File non accettato", timeout=60_000
        )
        chat.screenshot("7-other-site")
