"""Every error code the web process and the REST channel answer with has its Italian text."""

from __future__ import annotations

import re

import pytest

from bot.config import PROJECT_ROOT
from bot.web.texts import message

SOURCES = [
    "bot/rasa_ext/channels.py",
    "bot/web/uploads.py",
    "bot/web/errors.py",
    "bot/web/widget/routes.py",
    "bot/web/handoff.py",
    "bot/conversation_ids.py",
]
CODE = re.compile(r'(?:_error\(\d{3}, |message\(|= )"([a-z_]+)"')
PARAMS = {"file_troppo_grande": {"max_mb": 10}, "parametro_non_valido": {"campo": "x"}}


def _codes() -> set[str]:
    found: set[str] = set()
    for source in SOURCES:
        found |= set(CODE.findall((PROJECT_ROOT / source).read_text(encoding="utf-8")))
    # channel names, event kinds, the widget's opening intent
    return found - {"rest", "socketio", "user", "greet"}


@pytest.mark.parametrize("code", sorted(_codes()))
def test_the_code_has_an_italian_text(code: str) -> None:
    text = message(code, **PARAMS.get(code, {}))
    assert text and text[0].isupper() and "{" not in text
