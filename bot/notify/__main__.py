"""`python -m bot.notify`: delivers status notifications (outbox) on every configured channel."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from bot.config import get_settings
from bot.logging_setup import configure_logging
from bot.notify.registry import build_senders
from bot.notify.worker import Notifier


async def _main() -> None:
    senders = build_senders(get_settings())
    poll = float(os.environ.get("NOTIFY_POLL_SECONDS") or 2.0)
    notifier = Notifier(senders, poll_interval=poll)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await notifier.run(stop)
    finally:
        await notifier.aclose()


def main() -> int:
    configure_logging()
    asyncio.run(_main())
    return 0


if __name__ == "__main__":
    sys.exit(main())
