"""`python -m bot.web`: the web process, on WEB_HOST:WEB_PORT."""

from __future__ import annotations

import uvicorn

from bot.config import get_settings
from bot.logging_setup import configure_logging
from bot.web.app import create_app


def main() -> None:
    configure_logging()
    settings = get_settings()
    # No WebSocket routes here (the widget's socket.io is Rasa's); uvicorn's "auto" would import
    # a websockets API newer than the 10.x that Rasa pins, and fail at start. No proxy headers:
    # bot.web.proxies believes X-Forwarded-* only from TRUSTED_PROXIES.
    uvicorn.run(
        create_app(),
        host=settings.web_host,
        port=settings.web_port,
        log_config=None,
        ws="none",
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
