"""The assistant's links and canonical texts, loaded from one data file (bot/content/inail.yml).

Staff edit that file when inail.it moves a page; nothing else holds a link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.config import get_settings
from bot.texts import TextError, catalogue, fill, fold
from bot.tickets.texts import categorisation


class ContentError(TextError):
    """The content file is malformed: a missing key or an unknown placeholder."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """One message the doctor sees: a short text and, optionally, buttons under it."""

    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)

    def as_message(self) -> dict[str, Any]:
        message: dict[str, Any] = {"text": self.text}
        if self.buttons:
            message["buttons"] = [{"title": b.title, "payload": b.payload} for b in self.buttons]
        return message


class Content:
    """Typed access to the content file; every text comes out with its placeholders filled."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self._raw = raw
        # The request's categorisation is the tickets' own (bot/tickets/ticket_texts.yml):
        # what the doctor is told to choose is what every filed request carries.
        self._values: dict[str, str] = {
            **{k: str(v) for k, v in raw["links"].items()},
            **{k: fold(v) for k, v in raw["labels"].items()},
            **categorisation(),
        }
        self._buttons = {
            key: Button(title=str(b["title"]), payload=str(b["payload"]))
            for key, b in raw["buttons"].items()
        }

    def render(self, text: str, **extra: str) -> str:
        try:
            return fill(text, {**self._values, **extra})
        except TextError as exc:
            raise ContentError(str(exc)) from exc

    @property
    def links(self) -> dict[str, str]:
        return dict(self._raw["links"])

    def label(self, key: str) -> str:
        return self._values[key]

    def button(self, key: str) -> Button:
        return self._buttons[key]

    def buttons(self, keys: list[str]) -> tuple[Button, ...]:
        return tuple(self._buttons[k] for k in keys)

    def section(self, *keys: str) -> Any:
        node: Any = self._raw
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                raise ContentError(f"missing content: {'.'.join(keys)}")
            node = node[key]
        return node

    def has(self, *keys: str) -> bool:
        try:
            self.section(*keys)
        except ContentError:
            return False
        return True


def load_content(path: Path) -> Content:
    raw = dict(catalogue(path.resolve()).data)
    for key in ("links", "labels", "paths", "answers", "clarify", "buttons", "continue"):
        if key not in raw:
            raise ContentError(f"{path}: missing section {key!r}")
    return Content(raw)


@lru_cache(maxsize=1)
def get_content() -> Content:
    return load_content(get_settings().content_file)
