"""The bridge's parts that need no server: formatting, fairness, storage, notifier, redaction."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from telegram import Chat, Message, Update
from telegram.error import TelegramError

import bot.notify.models
import bot.telegram.models  # noqa: F401
from bot.db import upgrade_to_head
from bot.db.base import Base
from bot.db.engine import create_db_engine, dispose_engines, session_factory
from bot.db.schema import include_name
from bot.notify.deliveries import Deliveries
from bot.notify.worker import Notifier
from bot.telegram import bridge
from bot.telegram.formatting import chunks, to_html
from bot.telegram.processor import PerChatProcessor
from bot.telegram.redact import MASK, TokenRedactingFilter
from bot.telegram.store import BridgeStore
from bot.tickets import Notification, UnitOfWork

TOKEN = "555:secret-token"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade_to_head(url)
    yield url
    dispose_engines()


def test_text_telegram_would_parse_is_escaped_and_links_kept() -> None:
    html = to_html("<b>1 < 2 & 3</b> vedi [il modulo](https://www.inail.it/a?b=1&c=2)")
    assert html.startswith("&lt;b&gt;1 &lt; 2 &amp; 3&lt;/b&gt;")
    assert '<a href="https://www.inail.it/a?b=1&amp;c=2">il modulo</a>' in html


def test_long_texts_are_split_at_spaces() -> None:
    pieces = chunks("parola " * 1000, size=100)
    assert all(len(piece) <= 100 for piece in pieces)
    assert " ".join(pieces).split() == ["parola"] * 1000


def test_the_migration_creates_the_bridge_tables_as_declared(db_url: str) -> None:
    engine = create_db_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": include_name, "compare_type": True}
        )
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_a_keyboard_can_be_chosen_from_once(db_url: str) -> None:
    store = BridgeStore(session_factory(db_url))
    first, second = store.offer(1, [("Sì", "/affirm"), ("No", "/deny")])
    chosen = store.choose(1, second, update_id=10)
    assert chosen is not None and chosen.payload == "/deny" and chosen.first_time
    assert store.choose(1, first, update_id=11) is None  # the other button, later
    again = store.choose(1, second, update_id=10)  # the same update, processed again
    assert again is not None and not again.first_time
    assert store.choose(2, first, update_id=12) is None  # another chat's button


def test_an_update_id_is_processed_once(db_url: str) -> None:
    store = BridgeStore(session_factory(db_url))
    assert store.first_delivery(1, 7)
    assert not store.first_delivery(1, 7)


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, "private")
    message = Message(update_id, datetime.now(timezone.utc), chat, text="x")
    return Update(update_id, message=message)


async def test_a_flooding_chat_does_not_starve_the_others() -> None:
    processor = PerChatProcessor(max_concurrent=2, max_queued_per_chat=50)
    done: list[int] = []
    release = asyncio.Event()

    async def slow(chat: int) -> None:
        await release.wait()
        done.append(chat)

    async def fast(chat: int) -> None:
        done.append(chat)

    flood = [
        asyncio.create_task(processor.process_update(_update(i, 1), slow(1))) for i in range(30)
    ]
    await asyncio.sleep(0.05)
    await asyncio.wait_for(processor.process_update(_update(100, 2), fast(2)), timeout=2)
    assert done == [2]
    release.set()
    await asyncio.gather(*flood)
    assert done.count(1) == 30


async def test_past_the_queue_limit_a_chat_is_told_to_wait() -> None:
    processor = PerChatProcessor(max_concurrent=4, max_queued_per_chat=2)
    told: list[int] = []
    release = asyncio.Event()

    async def on_overflow(update: Update) -> None:
        told.append(update.update_id)

    processor.on_overflow = on_overflow
    tasks = [
        asyncio.create_task(processor.process_update(_update(i, 1), release.wait()))
        for i in range(5)
    ]
    await asyncio.sleep(0.05)
    release.set()
    await asyncio.gather(*tasks)
    assert len(told) == 1


class _RecordingSender:
    def __init__(self) -> None:
        self.sent: list[int] = []

    async def send(self, notification: Notification) -> str | None:
        self.sent.append(notification.id)
        return "ok"

    async def aclose(self) -> None:
        return None


async def test_a_notification_with_a_receipt_is_not_sent_again(db_url: str) -> None:
    sender = _RecordingSender()
    deliveries = Deliveries(session_factory(db_url))
    notifier = Notifier(
        {"telegram": sender},
        deliveries=deliveries,
        unit_of_work=lambda: UnitOfWork(session_factory(db_url)),
    )
    deliveries.record(41, "telegram", "earlier")
    notification = Notification(
        41, 1, "telegram", "telegram:1", "status_changed", {}, 1, datetime.now(timezone.utc)
    )
    assert await notifier.deliver(notification)
    assert sender.sent == []


def test_the_token_is_masked_in_log_records() -> None:
    record = logging.LogRecord(
        "httpx", logging.ERROR, __file__, 1, "GET %s failed", (f"/file/bot{TOKEN}/x",), None
    )
    TokenRedactingFilter(TOKEN).filter(record)
    assert TOKEN not in record.getMessage() and MASK in record.getMessage()


class _TypingBot:
    """Records the chat actions sent; the first one fails as Telegram sometimes does."""

    def __init__(self) -> None:
        self.actions: list[tuple[int, str]] = []

    async def send_chat_action(self, chat_id: int, action: str) -> None:
        self.actions.append((chat_id, action))
        if len(self.actions) == 1:
            raise TelegramError("Timed out")


def test_the_chat_shows_typing_until_a_slow_answer_is_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bridge, "TYPING_EVERY_S", 0.05)
    bot = _TypingBot()

    async def slow_check() -> list[str]:
        await asyncio.sleep(0.4)  # a file check queued behind other doctors' files
        return ["File ricevuto."]

    async def broken() -> None:
        await asyncio.sleep(0.1)
        raise ConnectionError("Rasa down")

    async def scenario() -> tuple[list[str], int, int]:
        answer = await bridge.typing_while(bot, 42, slow_check())  # type: ignore[arg-type]
        shown = len(bot.actions)
        with pytest.raises(ConnectionError):
            await bridge.typing_while(bot, 42, broken())  # type: ignore[arg-type]
        after_failure = len(bot.actions)
        await asyncio.sleep(0.3)
        return answer, shown, after_failure

    answer, shown, after_failure = asyncio.run(scenario())
    assert answer == ["File ricevuto."]
    assert shown >= 5  # renewed while it waited, though the first action failed
    assert set(bot.actions) == {(42, "typing")}
    assert after_failure > shown and len(bot.actions) == after_failure  # stops with the work
