"""The Italian texts of `messages.yml`, loaded once, turned into `Problem`s.

A placeholder `{cosa_inviare}` or `{cosa_inviare_breve}` is filled from the purpose of the upload,
so every refusal ends by saying what to send instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.intake.model import Problem
from bot.texts import catalogue as load_catalogue
from bot.texts import fill

MESSAGES_FILE = Path(__file__).with_name("messages.yml")


def catalogue() -> dict[str, Any]:
    return dict(load_catalogue(MESSAGES_FILE).data)


def _render(section: str, code: str, purpose: str, params: dict[str, object]) -> Problem:
    texts = catalogue()
    values: dict[str, object] = {
        "cosa_inviare": texts["cosa_inviare"][purpose],
        "cosa_inviare_breve": texts["cosa_inviare_breve"][purpose],
        **params,
    }
    message = fill(texts[section][code], values, folded=False).strip()
    return Problem(code=code, message=message[:1].upper() + message[1:])


def problem(code: str, purpose: str, **params: object) -> Problem:
    """A refusal: what is wrong and what to send instead."""
    return _render("problems", code, purpose, params)


def warning(code: str, purpose: str, **params: object) -> Problem:
    """A remark that does not block the upload."""
    return _render("warnings", code, purpose, params)


def type_label(kind: str) -> str:
    """How a refused file kind ("gif", "zip", ...) is named to the doctor."""
    labels: dict[str, str] = catalogue()["tipi"]
    return labels.get(kind, labels["sconosciuto"])


def field_label(name: str) -> str:
    """ "il nome", "il cognome", "il codice fiscale"."""
    return catalogue()["campi"][name]
