"""Rasa down, Telegram redelivering after a restart, webhook mode: bridges of their own.

Each test starts `python -m bot.telegram` against its own fake Bot API, talking to the Rasa
server of the shared stack (through a proxy that can play "down").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.servers import free_port
from tests.telegram.conftest import Stack
from tests.telegram.fake_telegram import FakeTelegram, texts_of
from tests.telegram.processes import BridgeProcess, SwitchableProxy

TOKEN = "987654:OTHER-bot-token-ZZZZ"
SECRET = "webhook-secret-123"


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram(TOKEN)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def proxy(stack: Stack) -> Iterator[SwitchableProxy]:
    switch = SwitchableProxy(stack.servers.rasa_port)
    yield switch
    switch.close()


def _bridge(tmp_path: Path, stack: Stack, telegram: FakeTelegram, rasa_url: str, **env: str):
    return BridgeProcess(
        tmp_path / "var",
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": telegram.url,
            "RASA_URL": rasa_url,
            "RASA_API_TOKEN": stack.servers.token,
            **env,
        },
    )


def test_rasa_down_the_doctor_is_told_and_answered_when_it_is_back(
    stack: Stack, telegram: FakeTelegram, proxy: SwitchableProxy, tmp_path: Path, chat: int
) -> None:
    bridge = _bridge(tmp_path, stack, telegram, proxy.url)
    bridge.start()
    try:
        telegram.wait_for_call("getUpdates")
        proxy.down = True
        telegram.say(chat, "ho la CNS")
        notice = texts_of(telegram.wait_for_messages(chat))
        assert "Servizio momentaneamente non disponibile" in notice
        assert "conservato" in notice
        proxy.down = False
        answer = texts_of(telegram.wait_for_messages(chat, after=1))
        assert "InailRisponde" in answer  # the kept message, answered
    finally:
        bridge.stop()
    assert TOKEN not in bridge.log()


def test_an_update_seen_before_a_restart_is_not_processed_again(
    stack: Stack, telegram: FakeTelegram, tmp_path: Path, chat: int
) -> None:
    bridge = _bridge(tmp_path, stack, telegram, stack.servers.rasa_url)
    update = telegram.message_update(chat, text="ho la CNS")
    bridge.start()
    try:
        telegram.wait_for_call("getUpdates")
        telegram.push(update)
        answered = len(telegram.wait_for_messages(chat))
    finally:
        bridge.stop()
    bridge.start()
    try:
        telegram.push(update)  # redelivered after the restart
        telegram.say(chat, "grazie")
        later = telegram.wait_for_messages(chat, after=answered)
        assert "InailRisponde" not in texts_of(later)
    finally:
        bridge.stop()


def test_webhook_mode_checks_the_secret_on_every_request(
    stack: Stack, telegram: FakeTelegram, tmp_path: Path, chat: int
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    bridge = _bridge(
        tmp_path,
        stack,
        telegram,
        stack.servers.rasa_url,
        TELEGRAM_WEBHOOK_URL=url,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_WEBHOOK_PORT=str(port),
    )
    bridge.start()
    try:
        registered = telegram.wait_for_call("setWebhook")
        assert registered["url"] == url and registered["secret_token"] == SECRET
        update = telegram.message_update(chat, text="ho la CNS")
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            refused = httpx.post(url, json=update, headers=headers, timeout=30)
            assert refused.status_code == 403
        assert telegram.messages(chat) == []
        telegram.push(update)  # Telegram posts it with the right secret
        assert telegram.webhook_responses == [200]
        assert "InailRisponde" in texts_of(telegram.wait_for_messages(chat))
        assert not telegram.called("getUpdates")
    finally:
        bridge.stop()
