"""Updates processed concurrently across chats, in order within a chat.

One chat sending a flood of messages queues behind itself only: the chat's lock is taken
before a processing slot, so waiting messages hold no slot. Past MAX_QUEUED_PER_CHAT waiting
messages, further ones are answered "attenda" and dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

logger = logging.getLogger(__name__)

MAX_CONCURRENT = 16
MAX_QUEUED_PER_CHAT = 10

OnOverflow = Callable[[Update], Awaitable[None]]


def chat_key(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerChatProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        max_concurrent: int = MAX_CONCURRENT,
        max_queued_per_chat: int = MAX_QUEUED_PER_CHAT,
    ) -> None:
        super().__init__(max_concurrent)
        self._slots = asyncio.Semaphore(max_concurrent)
        self._locks: dict[int | None, asyncio.Lock] = {}
        self._waiting: Counter[int | None] = Counter()
        self._max_queued = max_queued_per_chat
        self._told: set[int] = set()
        self.on_overflow: OnOverflow | None = None

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = chat_key(update)
        if key is not None and self._waiting[key] >= self._max_queued:
            _close(coroutine)
            if self.on_overflow and key not in self._told:
                self._told.add(key)  # once per flood: until the chat's queue drains
                await self.on_overflow(update)  # type: ignore[arg-type]
            return
        self._waiting[key] += 1
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock, self._slots:
                await self.do_process_update(update, coroutine)
        finally:
            self._waiting[key] -= 1
            if self._waiting[key] <= 0:
                del self._waiting[key]
                self._locks.pop(key, None)
                self._told.discard(key)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _close(coroutine: Awaitable[Any]) -> None:
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
