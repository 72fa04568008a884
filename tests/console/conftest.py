"""A private var/ dir and SQLite database per test, migrated, with Rasa's `events` table."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.config import get_settings
from bot.db import upgrade_to_head
from bot.db.engine import dispose_engines
from bot.web.console.settings import get_console_settings
from tests.console.helpers import PASSWORD, create_events_table


@dataclass
class ConsoleEnv:
    var_dir: Path
    database_url: str

    def env(self) -> dict[str, str]:
        return {
            "VAR_DIR": str(self.var_dir),
            "DATABASE_URL": self.database_url,
            "CONSOLE_SECRET_KEY": "test-secret-key",
            "RETENTION_DAYS": "0",
            "LOGIN_MAX_FAILURES": "3",
            "LOGIN_MAX_FAILURES_IP": "6",
            "SMTP_HOST": "",
        }


def _clear_caches() -> None:
    get_settings.cache_clear()
    get_console_settings.cache_clear()
    dispose_engines()


@pytest.fixture
def console_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ConsoleEnv]:
    env = ConsoleEnv(tmp_path / "var", f"sqlite:///{tmp_path / 'var' / 'bot.db'}")
    for name, value in env.env().items():
        monkeypatch.setenv(name, value)
    _clear_caches()
    upgrade_to_head(env.database_url)
    create_events_table(env.database_url)
    yield env
    _clear_caches()


@pytest.fixture
def client(console_env: ConsoleEnv) -> Iterator[TestClient]:
    from bot.web.app import create_app

    with TestClient(create_app(), base_url="http://testserver") as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str = PASSWORD) -> int:
    """Logs in through the form (login CSRF cookie + token); returns the status code."""
    page = client.get("/staff/login")
    token = page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        "/staff/login",
        data={"csrf_token": token, "username": username, "password": password},
        follow_redirects=False,
    )
    return response.status_code


def csrf_of(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
