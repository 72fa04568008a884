"""`python -m bot.rasa_ext.server [options of rasa run]`: the Rasa server, its API secret kept
off the command line.

`rasa run --auth-token …` would show the token to anyone running `ps`, and Rasa accepts that
token only in URL query strings, which end up in logs. Here RASA_API_TOKEN, read from the
environment, becomes Rasa's JWT secret: the HTTP API then accepts only
`Authorization: Bearer <JWT signed with it>` (`bot.rasa_client.api_jwt`). Every log record of
the process is redacted (`bot.logging_setup`).
"""

from __future__ import annotations

import sys

from bot.config import get_settings
from bot.logging_setup import install_redaction

FORBIDDEN = ("--auth-token", "-t", "--jwt-secret")


def rasa_arguments(argv: list[str], secret: str) -> list[str]:
    """The arguments handed to `rasa run` inside this process (never visible in `ps`)."""
    for argument in argv:
        if argument.split("=", 1)[0] in FORBIDDEN:
            raise SystemExit(
                f"{argument.split('=', 1)[0]} is not accepted here: set RASA_API_TOKEN in the "
                "environment instead"
            )
    if "--enable-api" in argv and not secret:
        raise SystemExit("RASA_API_TOKEN must be set when the HTTP API is enabled")
    # `--jwt-secret=…` in one argument: a random secret may start with "-" (token_urlsafe),
    # which argparse would take for an option and refuse to start.
    jwt = [f"--jwt-secret={secret}", "--jwt-method", "HS256"] if secret else []
    return ["rasa", "run", *argv, *jwt]


def main(argv: list[str] | None = None) -> None:
    install_redaction()
    from bot.rasa_ext import action_results, event_types

    action_results.install()  # the action server's answers checked without re-checking the schema
    event_types.install()  # each event read finds its class in a table, not by a walk
    sys.argv = rasa_arguments(
        list(sys.argv[1:] if argv is None else argv), get_settings().rasa_api_token
    )
    from rasa.__main__ import main as rasa_main

    from bot.rasa_ext.tracker_store import install_strict_tracker_store

    install_strict_tracker_store()  # a database error fails the turn, never half-records it
    rasa_main()


if __name__ == "__main__":
    main()
