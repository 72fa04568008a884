"""User text made safe before Rasa reads it.

Rasa reads a message that starts with "/" as an intent with entities ("/inform{...}"), which
would let anyone on a public channel pick the intent or set slots. Only a button payload the
assistant has just offered may pass as such; any other leading "/" is dropped and the words
go through NLU like any typed message.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

INTENT_PREFIX = "/"
MAX_MESSAGE_CHARS = 2000
# Button payloads are accepted from the bot messages sent since this many user messages.
OFFERED_BUTTONS_WINDOW = 3

# What Rasa would read as an intent: "/intent", "/intent{...}", "/intent@0.9{...}".
_INTENT_SYNTAX = re.compile(r"^/+\s*[\w.-]+(@[\d.]+)?\s*(\{.*\})?\s*$", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: str | None) -> str:
    """Text as typed, minus control characters, normalised, and bounded in length."""
    cleaned = unicodedata.normalize("NFC", _CONTROL.sub(" ", text or ""))
    return cleaned.strip()[:MAX_MESSAGE_CHARS]


def neutralise(text: str | None, offered_payloads: Iterable[str] = ()) -> str:
    """The text Rasa may see: an offered button payload as is, anything else as plain words.

    Intent syntax typed by hand ("/inform{...}") becomes an empty message: not even its words
    reach NLU, where "has_strong_credentials" could still read as a credential.
    """
    cleaned = clean_text(text)
    if not cleaned.startswith(INTENT_PREFIX):
        return cleaned
    if cleaned in set(offered_payloads):
        return cleaned
    if _INTENT_SYNTAX.match(cleaned):
        return ""  # an intent typed by hand carries no words to understand
    return cleaned.lstrip(INTENT_PREFIX + " \t\r\n")


def offered_payloads(events: Iterable[Mapping[str, Any]]) -> set[str]:
    """The button payloads of the bot messages sent since the last few user messages."""
    payloads: set[str] = set()
    user_messages = 0
    restarted = False
    for event in reversed(list(events)):
        kind = event.get("event")
        if kind == "user":
            user_messages += 1
            if restarted or user_messages >= OFFERED_BUTTONS_WINDOW:
                break
        elif kind == "bot":
            # The restart's own question comes just before its `restart` event: it counts.
            for button in (event.get("data") or {}).get("buttons") or []:
                payload = button.get("payload")
                if isinstance(payload, str):
                    payloads.add(payload.strip())
        elif kind in ("restart", "session_started"):
            restarted = True
        elif kind == "action" and restarted:
            break
    return payloads
