"""Driving the hand-off against real servers: staff users, a logged-in console over HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from bot.config import get_settings
from bot.db.engine import dispose_engines
from bot.web.console.settings import get_console_settings
from bot.web.console.users import create_user
from tests.e2e.servers import BotServers

PASSWORD = "password-di-prova-12"


@contextmanager
def on_database(servers: BotServers) -> Iterator[None]:
    """This test process uses the servers' database (and var dir) while the block runs."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", servers.database_url)
        patch.setenv("VAR_DIR", str(servers.var_dir))
        get_settings.cache_clear()
        get_console_settings.cache_clear()
        try:
            yield
        finally:
            dispose_engines()
            get_settings.cache_clear()
            get_console_settings.cache_clear()


def make_operator(servers: BotServers, username: str, role: str = "operatore") -> None:
    with on_database(servers):
        create_user(username, role, PASSWORD)


def csrf_of(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


class Console:
    """A staff member's browser session, over plain HTTP."""

    def __init__(self, servers: BotServers, username: str, home: str = "/staff/assistenza") -> None:
        self.http = httpx.Client(base_url=servers.web_url, timeout=30, follow_redirects=False)
        page = self.http.get("/staff/login")
        response = self.http.post(
            "/staff/login",
            data={"csrf_token": csrf_of(page.text), "username": username, "password": PASSWORD},
        )
        assert response.status_code == 303, response.text
        self.csrf = csrf_of(self.http.get(home).text)  # the inbox also marks an operator online

    def post(self, path: str, **fields: Any) -> httpx.Response:
        files = fields.pop("files", None)
        return self.http.post(path, data={"csrf_token": self.csrf, **fields}, files=files)

    def close(self) -> None:
        self.http.close()


def wait_for(condition: Callable[[], Any], timeout: float = 30, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what or condition}")


def notices_in(servers: BotServers, conversation_id: str) -> list[dict[str, Any]]:
    """The bot messages said into the conversation from outside (with their notice)."""
    return [
        event
        for event in servers.tracker(conversation_id).get("events") or []
        if event.get("event") == "bot" and (event.get("metadata") or {}).get("notice")
    ]
