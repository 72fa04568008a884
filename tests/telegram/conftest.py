"""One set of real servers (Rasa, actions, web, Telegram bridge, notifier) against a fake Bot API.

Started once for the package, as `make run` starts them, with TELEGRAM_BOT_TOKEN set and
TELEGRAM_API_URL pointing at the fake. Each test uses chats of its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.e2e.servers import BotServers
from tests.telegram.fake_telegram import FakeTelegram

TOKEN = "123456:TEST-token-never-logged-AAAA"
_chats = itertools.count(7_000_001)


@dataclass
class Stack:
    servers: BotServers
    telegram: FakeTelegram

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.servers.var_dir / 'bot.db'}"


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    telegram = FakeTelegram(TOKEN)
    telegram.start()
    servers = BotServers(
        var_dir=tmp_path_factory.mktemp("var"),
        extra_env={
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": telegram.url,
            "TELEGRAM_RETRY_SECONDS": "1",
            "NOTIFY_POLL_SECONDS": "0.3",
            "MAX_UPLOAD_BYTES": str(2 * 1024 * 1024),
            "HANDOFF_HOURS": "sempre",  # operators in service whenever the tests run
        },
    )
    servers.start()
    try:
        telegram.wait_for_call("getUpdates")
        yield Stack(servers, telegram)
    finally:
        servers.stop()
        telegram.stop()


@pytest.fixture
def chat() -> int:
    """A new doctor's chat id."""
    return next(_chats)
