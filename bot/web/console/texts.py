"""The console's Italian texts (messages, labels), from texts.yml beside this module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.texts import catalogue, fill

_FILE = Path(__file__).resolve().with_name("texts.yml")


def texts() -> dict[str, Any]:
    return dict(catalogue(_FILE).data)


def message(code: str, **params: object) -> str:
    messages: dict[str, str] = texts()["messaggi"]
    return fill(messages.get(code, messages["errore_generico"]), params)


def label(group: str, key: str) -> str:
    return str(texts()[group].get(key, key))
