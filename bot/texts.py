"""Every Italian text the system shows, from its catalogues: one loader, one placeholder rule.

A catalogue is a YAML mapping beside the module that uses it (`CATALOGUES` lists them all; the
contract test in tests/core/test_catalogues.py reads every one). A text may hold placeholders
written `{name}` (lower case, digits and underscores): each is filled from the values given,
and a placeholder without a value is an error, never a "{name}" shown to a doctor or an
operator. Any other brace (a JSON button payload, say) is kept as written. Texts are folded to
single spaces unless the caller keeps their line breaks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
BOT = Path(__file__).resolve().parent

# Every catalogue of texts, by name. The bot's replies (bot/content/inail.yml) are found through
# the settings (CONTENT_FILE) and listed here by their default place.
CATALOGUES: dict[str, Path] = {
    "assistente": BOT / "content" / "inail.yml",
    "documenti": BOT / "intake" / "messages.yml",
    "avvisi": BOT / "notify" / "notices.yml",
    "telegram": BOT / "telegram" / "messages.yml",
    "richieste": BOT / "tickets" / "ticket_texts.yml",
    "errori_richieste": BOT / "tickets" / "messages.yml",
    "web": BOT / "web" / "messages.yml",
    "console": BOT / "web" / "console" / "texts.yml",
}


class TextError(ValueError):
    """A catalogue is malformed, a key is missing, or a placeholder has no value."""


def fold(text: str) -> str:
    """Runs of white space (YAML's line breaks included) as one space."""
    return " ".join(str(text).split())


def placeholders(template: str) -> set[str]:
    return set(PLACEHOLDER.findall(str(template)))


def fill(template: str, values: Mapping[str, Any] | None = None, *, folded: bool = True) -> str:
    """The template with its placeholders filled; one without a value raises TextError."""
    given = values or {}
    text = fold(template) if folded else str(template)

    def value(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in given:
            raise TextError(f"placeholder {{{key}}} has no value")
        return str(given[key])

    return PLACEHOLDER.sub(value, text)


@dataclass(frozen=True)
class Catalogue:
    """One catalogue's texts, reached by dotted keys ("messaggi.errore_generico")."""

    path: Path
    data: Mapping[str, Any]

    def get(self, key: str) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise TextError(f"{self.path.name}: missing text {key!r}")
            node = node[part]
        return node

    def has(self, key: str) -> bool:
        try:
            self.get(key)
        except TextError:
            return False
        return True

    def section(self, key: str) -> dict[str, Any]:
        node = self.get(key)
        if not isinstance(node, Mapping):
            raise TextError(f"{self.path.name}: {key!r} is not a section")
        return dict(node)

    def text(self, key: str, values: Mapping[str, Any] | None = None, **more: Any) -> str:
        """The text at `key`, folded, its placeholders filled from `values` and `more`."""
        return fill(str(self.get(key)), {**(values or {}), **more})


@cache
def catalogue(path: Path) -> Catalogue:
    """The catalogue in `path`, read once per process."""
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise TextError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise TextError(f"{path} must contain a mapping")
    return Catalogue(path=path, data=data)


def named(name: str) -> Catalogue:
    """A catalogue of `CATALOGUES` by its name."""
    return catalogue(CATALOGUES[name])
