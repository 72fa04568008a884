"""`python -m bot.rasa_ext.action_server`: rasa-sdk's action server, answering only Rasa.

rasa-sdk answers anyone who reaches its port. Here every request but `/health` must carry
`Authorization: Bearer <ACTION_SERVER_TOKEN>`, which Rasa sends from endpoints.yml
(`action_endpoint.headers`); otherwise 401. With ACTION_SERVER_TOKEN empty nothing is checked
(`make run` always sets one). Every log record of the process is redacted.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os

from rasa_sdk import endpoint, utils
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import get_settings
from bot.logging_setup import install_redaction

logger = logging.getLogger(__name__)
OPEN_PATHS = frozenset({"/health"})
REFUSED = {"error": "non_autorizzato", "message": "Richiesta non autorizzata."}


def authorised(request: Request, token: str) -> bool:
    presented = request.headers.get("authorization") or ""
    return hmac.compare_digest(presented.encode(), f"Bearer {token}".encode())


def create_app(actions_package: str, token: str) -> Sanic:
    app = endpoint.create_app(actions_package, cors_origins=None)
    if token:

        @app.middleware("request")
        async def only_rasa(request: Request) -> HTTPResponse | None:
            if request.path in OPEN_PATHS or authorised(request, token):
                return None
            logger.warning("action server: refused a call without the shared secret")
            return response.json(REFUSED, status=401)

    else:
        logger.warning("action server: ACTION_SERVER_TOKEN is not set, calls are not checked")
    return app


def main(argv: list[str] | None = None) -> None:
    install_redaction()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", default="actions")
    parser.add_argument("--port", type=int, default=get_settings().action_server_port)
    args = parser.parse_args(argv)
    utils.configure_colored_logging(os.environ.get("LOG_LEVEL", "INFO").upper())
    utils.update_sanic_log_level()
    settings = get_settings()
    app = create_app(args.actions, settings.action_server_token)
    logger.info("Action server on %s:%s", settings.action_server_host, args.port)
    app.run(
        settings.action_server_host,
        args.port,
        workers=utils.number_of_sanic_workers(),
        access_log=False,
    )


if __name__ == "__main__":
    main()
