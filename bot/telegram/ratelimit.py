"""Telegram's flood control: after a 429 every request waits `retry_after`, then is retried.

Telegram's limits apply to the whole bot, so one 429 pauses all outgoing calls, not just the
one that got it. A request is retried a few times; a wait longer than MAX_WAIT is not waited
for in-line (the caller fails, and e.g. the notifier's outbox retries later).
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

logger = logging.getLogger(__name__)

MAX_RETRIES = 3
MAX_WAIT_S = 60.0


def seconds(retry_after: int | float | dtm.timedelta) -> float:
    if isinstance(retry_after, dtm.timedelta):
        return retry_after.total_seconds()
    return float(retry_after)


class FloodWait(BaseRateLimiter[None]):
    """Reacts to 429s only; Telegram's own counters decide when we are too fast."""

    def __init__(self, max_retries: int = MAX_RETRIES, max_wait_s: float = MAX_WAIT_S) -> None:
        self._max_retries = max_retries
        self._max_wait_s = max_wait_s
        self._paused_until = 0.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def _wait_for_pause(self) -> None:
        loop = asyncio.get_running_loop()
        while (delay := self._paused_until - loop.time()) > 0:
            await asyncio.sleep(delay)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        attempt = 0
        while True:
            await self._wait_for_pause()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                delay = seconds(error.retry_after)
                attempt += 1
                if attempt > self._max_retries or delay > self._max_wait_s:
                    raise
                logger.warning("Telegram flood control on %s: waiting %.1fs", endpoint, delay)
                loop = asyncio.get_running_loop()
                self._paused_until = max(self._paused_until, loop.time() + delay)
