"""The bridge's Italian texts, loaded once from messages.yml beside this module."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

_FILE = Path(__file__).resolve().parent / "messages.yml"


@dataclass(frozen=True)
class Command:
    name: str
    description: str
    intent: str
    text: str


@lru_cache(maxsize=1)
def _messages() -> dict[str, Any]:
    with _FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError("bot/telegram/messages.yml must contain a mapping")
    return data


def text(key: str, **params: object) -> str:
    """A message by key; dotted keys reach nested sections (`non_supportato.voce`)."""
    value: Any = _messages()
    for part in key.split("."):
        value = value[part]
    return " ".join(str(value).split()).format(**params) if params else " ".join(str(value).split())


def commands() -> tuple[Command, ...]:
    return tuple(
        Command(name=name, **{k: str(v) for k, v in spec.items()})
        for name, spec in _messages()["commands"].items()
    )


def has_text(key: str) -> bool:
    value: Any = _messages()
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return False
        value = value[part]
    return True
