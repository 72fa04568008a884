"""No secret and no personal data in a log line, whatever logger or handler writes it."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest

from bot.config import PROJECT_ROOT
from bot.logging_setup import RedactingFilter, Redactor, redact

TOKEN = "s3cr3t-API-token-Zq81"
SAMPLES = [
    "RSSMRA80A01H501U",
    "rssmra80a01h50mu",  # omocodia, lower case
    "mario.rossi@pec.example.it",
    "+39 333 123 4567",
    "3331234567",
    "0039-3331234567",
    "06 1234 5678",
]


@pytest.mark.parametrize("value", SAMPLES)
def test_personal_data_become_placeholders(value: str) -> None:
    line = f"got '{value}' from the doctor"
    assert value not in redact(line)
    assert redact(line).startswith("got '<")


@pytest.mark.parametrize(
    "line",
    [
        "2026-12-01 08:39:01 INFO server on http://127.0.0.1:5005 (pid 12961)",
        "attachment 17 stored, 245760 bytes, ticket IR-2026-000123",
        "deveval-route-3fa9c01b2e7d: 3 replies in 0.245 s",
    ],
)
def test_ordinary_log_lines_are_left_alone(line: str) -> None:
    assert redact(line) == line


def test_tokens_in_urls_headers_and_jwts_are_hidden() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjp7InJvbGUiOiJhZG1pbiJ9fQ.c2lnbmF0dXJlLWJ5dGVz"
    line = (
        "GET http://h/conversations/x/tracker?token=abcdef123456&until=1 "
        "Authorization: Bearer abcdefghijkl "
        + jwt
        + " bot123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    )
    cleaned = redact(line)
    for secret in ("abcdef123456", "abcdefghijkl", jwt, "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"):
        assert secret not in cleaned
    assert "until=1" in cleaned


def test_configured_secrets_are_hidden_anywhere() -> None:
    assert Redactor([TOKEN])(f"x{TOKEN}y") == "x<secret>y"


def test_the_filter_cleans_arguments_and_exception_text() -> None:
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, "call %s failed", ("x",), None)
    try:
        raise RuntimeError(
            "POST /conversations/x?token=abcdef123456 for mario.rossi@pec.example.it"
        )
    except RuntimeError:
        record.exc_info = sys.exc_info()
    record.args = ("http://h/?token=abcdef123456",)
    RedactingFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "abcdef123456" not in text and "mario.rossi" not in text
    assert "RuntimeError" in text  # the traceback itself is kept


def test_every_record_of_a_process_and_its_uncaught_errors_are_redacted() -> None:
    """A library's own handler, added after our set-up, still prints redacted lines."""
    script = textwrap.dedent(
        f"""
        import logging, sys, threading
        from bot.logging_setup import configure_logging
        configure_logging()
        library = logging.getLogger("some.library")
        handler = logging.StreamHandler(sys.stdout)
        library.addHandler(handler)
        library.warning("token %s for %s", "{TOKEN}", "RSSMRA80A01H501U")
        thread = threading.Thread(target=lambda: 1 / 0 if "{TOKEN}" else 0)
        thread.start(); thread.join()
        raise ValueError("mario.rossi@pec.example.it {TOKEN}")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env={"RASA_API_TOKEN": TOKEN, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "ValueError" in output and "ZeroDivisionError" in output
    assert "<secret>" in output and "<codice-fiscale>" in output
    for leaked in (TOKEN, "RSSMRA80A01H501U", "mario.rossi@pec.example.it"):
        assert leaked not in output
