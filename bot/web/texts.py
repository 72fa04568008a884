"""The Italian texts of the web process, from messages.yml."""

from __future__ import annotations

from pathlib import Path

from bot.texts import catalogue

_FILE = Path(__file__).resolve().with_name("messages.yml")


def message(code: str, **params: object) -> str:
    return catalogue(_FILE).text(code, params)
