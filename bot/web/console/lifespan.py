"""Background work of the console inside the web process: the retention run, at start and daily."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.config import get_settings
from bot.web.console.retention import run_retention
from bot.web.console.settings import get_console_settings
from bot.web.console.users import count_users

logger = logging.getLogger(__name__)
DAY_S = 24 * 3600


async def _daily_retention(days: int, orphan_hours: int) -> None:
    while True:
        try:
            await asyncio.to_thread(run_retention, days, orphan_hours)
        except Exception:  # a failed run must not stop tomorrow's
            logger.exception("retention run failed")
        await asyncio.sleep(DAY_S)


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    settings = get_console_settings()
    try:
        if await asyncio.to_thread(count_users) == 0:
            logger.warning(
                "staff console: no users yet; create the first admin with "
                "`python -m bot.web.console create-admin <username>`"
            )
    except Exception:  # the schema may not be migrated yet in some test set-ups
        logger.warning("staff console: cannot count users (database not migrated?)")
    # Always: even with RETENTION_DAYS=0 the files that never reached a request, and the files
    # without a row, are not kept.
    task = asyncio.create_task(
        _daily_retention(settings.retention_days, get_settings().upload_orphan_hours)
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
