"""`python -m bot.telegram`: the Telegram bridge; `make run` starts it with TELEGRAM_BOT_TOKEN."""

from __future__ import annotations

import asyncio
import signal
import sys

from bot.logging_setup import configure_logging
from bot.telegram import redact
from bot.telegram.app import serve
from bot.telegram.settings import load_telegram_settings


async def _main() -> None:
    settings = load_telegram_settings()
    redact.install(settings.token)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await serve(settings, stop)


def main() -> int:
    configure_logging()
    try:
        asyncio.run(_main())
    except ValueError as error:  # settings
        print(f"Telegram bridge: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
