"""`python -m bot.web`: the web process, on WEB_HOST:WEB_PORT."""

from __future__ import annotations

import uvicorn

from bot.config import get_settings
from bot.logging_setup import configure_logging
from bot.web.app import create_app


def main() -> None:
    configure_logging()
    settings = get_settings()
    uvicorn.run(create_app(), host=settings.web_host, port=settings.web_port, log_config=None)


if __name__ == "__main__":
    main()
