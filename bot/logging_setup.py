"""One logging set-up for our processes.

HTTP client libraries log full request URLs at INFO; ours carry tokens (Rasa's API token,
Telegram's bot token), so those loggers are kept at WARNING.
"""

from __future__ import annotations

import logging
import os

QUIET = ("httpx", "httpcore", "telegram", "telegram.ext", "uvicorn.access", "pypdf")


def configure_logging() -> None:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
