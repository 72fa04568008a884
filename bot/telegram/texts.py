"""The bridge's Italian texts, loaded once from messages.yml beside this module."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.texts import catalogue

_FILE = Path(__file__).resolve().parent / "messages.yml"


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    intent: str
    text: str


def _messages() -> dict[str, Any]:
    return dict(catalogue(_FILE).data)


def text(key: str, **params: object) -> str:
    """A message by key; dotted keys reach nested sections (`non_supportato.voce`)."""
    return catalogue(_FILE).text(key, params)


def commands() -> tuple[Command, ...]:
    return tuple(
        Command(name=name, **{k: str(v) for k, v in spec.items()})
        for name, spec in _messages()["commands"].items()
    )


def has_text(key: str) -> bool:
    return catalogue(_FILE).has(key)
