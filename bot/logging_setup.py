"""One logging set-up for every process, with one redaction filter.

`configure_logging()` (our processes) and `install_redaction()` (the Rasa server and the action
server, whose logging Rasa configures) make every log record of the process pass through
`RedactingFilter`, whatever logger or handler it goes to: the configured secrets (Rasa API
token, action server token, Telegram bot token, SMTP password, console and conversation
secrets), bearer tokens and JWTs, `token=` URL parameters, codici fiscali, e-mail addresses and
phone numbers become placeholders. Uncaught exceptions are logged through it too. `redact()` is
the same rule for text stored elsewhere (the outbox's last error).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from collections.abc import Iterable
from types import TracebackType

from bot.personal_data_patterns import CODICE_FISCALE, EMAIL, PHONE

SECRET_VARIABLES = (
    "RASA_API_TOKEN",
    "ACTION_SERVER_TOKEN",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "SMTP_PASSWORD",
    "CONSOLE_SECRET_KEY",
    "CONVERSATION_SECRET",
)
# HTTP client libraries log full request URLs at INFO; keep them quiet as well.
QUIET = ("httpx", "httpcore", "telegram", "telegram.ext", "uvicorn.access", "pypdf")

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"), r"\1<token>"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), "<jwt>"),
    (re.compile(r"(?i)([?&](?:token|auth_token|access_token)=)[^&\s'\"]+"), r"\1<token>"),
    (re.compile(r"(?i)\bbot\d{5,}:[A-Za-z0-9_-]{20,}"), "bot<telegram-token>"),
    (CODICE_FISCALE, "<codice-fiscale>"),
    (EMAIL, "<e-mail>"),
    (PHONE, "<telefono>"),
)


class Redactor:
    """Replaces secrets and personal data in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first, so that a secret containing another is replaced whole.
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, "<secret>")
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


def secrets_from_environment() -> list[str]:
    return [os.environ.get(name, "").strip() for name in SECRET_VARIABLES]


_redactor = Redactor(secrets_from_environment())
_lock = threading.Lock()


def redact(text: str) -> str:
    """The text with secrets and personal data replaced (the rule every log line follows)."""
    return _redactor(text)


def add_secret(value: str) -> None:
    """A secret that is not in the environment (e.g. read from a file) is redacted as well."""
    global _redactor
    with _lock:
        _redactor = Redactor([*_redactor.secrets, value])


class RedactingFilter(logging.Filter):
    """Rewrites a record in place: message, arguments, exception and stack text redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, redacted
            message = f"{record.msg} {record.args}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
            record.exc_info = None  # handlers print exc_text, never the raw exception again
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._redacted = True
        return True


_FILTER = RedactingFilter()


def _log_uncaught(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, traceback)
        return
    logging.getLogger("uncaught").critical("uncaught exception", exc_info=(kind, error, traceback))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    error = args.exc_value or args.exc_type()
    logging.getLogger("uncaught").critical(
        "uncaught exception in a thread", exc_info=(args.exc_type, error, args.exc_traceback)
    )


def install_redaction() -> None:
    """Every record of this process passes `RedactingFilter` as it is created (so whichever
    handler a library adds later prints it redacted); uncaught exceptions are logged too."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "_redacting", False):
        return

    def redacting_factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _FILTER.filter(record)
        return record

    redacting_factory._redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_factory)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread


def configure_logging() -> None:
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    install_redaction()
