"""The widget as a test drives it: what a doctor clicks, types and reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

# Playwright's CSS selectors go through the widget's open shadow root.
LAUNCHER = "button.launcher"
PANEL = "section.panel"
INPUT = "textarea"
BOT = ".row.bot .bubble"
USER = ".row.user .bubble"
UPLOADS = re.compile(r"/api/conversations/[^/]+/uploads\?")


@dataclass
class ChatPage:
    page: Page
    url: str
    screenshots: Path

    def goto(self, url: str | None = None) -> ChatPage:
        self.page.goto(url or self.url)
        expect(self.page.locator(LAUNCHER)).to_be_visible()
        return self

    def open(self) -> ChatPage:
        if self.page.locator(PANEL).is_hidden():
            self.page.locator(LAUNCHER).click()
        expect(self.page.locator(PANEL)).to_be_visible()
        return self

    def wait_online(self) -> None:
        expect(self.page.locator(PANEL)).to_have_attribute("data-state", "online")

    def send(self, text: str) -> None:
        box = self.page.locator(INPUT)
        box.fill(text)
        box.press("Enter")

    def bot_says(self, text: str | re.Pattern[str]) -> Locator:
        message = self.page.locator(BOT).filter(has_text=text).last
        expect(message).to_be_visible(timeout=60_000)
        return message

    def user_bubble(self, text: str) -> Locator:
        return self.page.locator(USER).filter(has_text=text).last

    def quick_reply(self, title: str | re.Pattern[str]) -> Locator:
        return self.page.locator(".quick button").filter(has_text=title)

    def session_id(self) -> str:
        return str(self.page.evaluate("window.InailChat.sessionId"))

    def attach(self, name: str, data: bytes, mime: str, purpose: str | None = None) -> None:
        self.page.locator("input[type=file]").set_input_files(
            {"name": name, "mimeType": mime, "buffer": data}
        )
        if purpose is not None:
            self.page.locator(".tray select").select_option(purpose)

    def screenshot(self, name: str) -> Path:
        self.screenshots.mkdir(parents=True, exist_ok=True)
        path = self.screenshots / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path
