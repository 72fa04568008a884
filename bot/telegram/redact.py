"""Keeps the bot token out of every log line (file download URLs and API URLs contain it)."""

from __future__ import annotations

import logging

MASK = "<telegram-token>"


class TokenRedactingFilter(logging.Filter):
    """Replaces the token in a record's message, arguments and exception text."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def _clean(self, value: str) -> str:
        return value.replace(self._token, MASK)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._token:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg = self._clean(message)
        record.args = None
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        # The formatted text above is what handlers print; don't let them format again.
        record.exc_info = None if record.exc_text else record.exc_info
        return True


def install(token: str) -> None:
    """On every handler of the root logger, so records from any library pass through it."""
    redactor = TokenRedactingFilter(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
