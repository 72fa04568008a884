"""A widget conversation's transcript, as the doctor saw it, from Rasa's tracker.

Only conversations held over the socket.io channel are shown: a sender id of another channel
(a Telegram chat id can be guessed) gets an empty transcript.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from bot.conversation_ids import WIDGET_CHANNEL

# Channels whose events may sit in a widget conversation: the widget's own, and none (events
# pushed through Rasa's HTTP API, such as uploads, before any message of a channel).
COMPATIBLE_CHANNELS = frozenset({WIDGET_CHANNEL, None})
EXTERNAL_PREFIX = "EXTERNAL: "
UPLOAD_INTENTS = {"upload_received": "history_accepted", "upload_rejected": "history_rejected"}
MAX_ENTRIES = 300


class Button(TypedDict):
    title: str
    payload: str


class _Message(TypedDict):
    source: str  # "user" or "bot"; sent as "from"
    ts: float
    text: str


class Entry(_Message, total=False):
    buttons: list[Button]
    image: str
    file: str  # an upload: "history_accepted" or "history_rejected"
    notice: dict[str, Any]  # said from outside the dialogue (bot/notify/speaker.py)
    status: bool  # a notice about the doctor's request


def _buttons(data: Mapping[str, Any]) -> list[Button]:
    raw = data.get("buttons") or data.get("quick_replies") or []
    return [
        {"title": str(b["title"]), "payload": str(b["payload"])}
        for b in raw
        if isinstance(b, Mapping) and "title" in b and "payload" in b
    ]


def is_widget_conversation(events: Iterable[Mapping[str, Any]]) -> bool:
    """No message from a channel other than the widget's (events pushed through the API, e.g.
    a notice before the doctor wrote anything, have the channel of the last message, or none)."""
    channels = {e.get("input_channel") for e in events if e.get("event") == "user"}
    return bool(channels) and channels <= COMPATIBLE_CHANNELS


def transcript(events: list[Mapping[str, Any]]) -> list[Entry]:
    """User and bot messages in order; button clicks shown by their title, uploads as files."""
    if not is_widget_conversation(events):
        return []
    entries: list[Entry] = []
    offered: dict[str, str] = {}
    for event in events:
        kind, ts = event.get("event"), float(event.get("timestamp") or 0)
        text = str(event.get("text") or "")
        if kind == "bot":
            data = event.get("data") or {}
            entry: Entry = {"source": "bot", "ts": ts, "text": text}
            buttons = _buttons(data)
            if buttons:
                entry["buttons"] = buttons
                offered = {b["payload"]: b["title"] for b in buttons}
            if isinstance(data.get("image"), str):
                entry["image"] = data["image"]
            notice = (event.get("metadata") or {}).get("notice")
            if isinstance(notice, dict) and isinstance(notice.get("kind"), str):
                entry["notice"] = {
                    key: notice[key] for key in ("kind", "title", "author", "file") if key in notice
                }
                if notice["kind"] == "status_changed":
                    entry["status"] = True
            if text or buttons or "image" in entry:
                entries.append(entry)
        elif kind == "user":
            if text.startswith(EXTERNAL_PREFIX):
                state = UPLOAD_INTENTS.get(text.removeprefix(EXTERNAL_PREFIX).strip())
                if state:
                    entries.append({"source": "user", "ts": ts, "text": "", "file": state})
            elif text.startswith("/"):
                if text in offered:
                    entries.append({"source": "user", "ts": ts, "text": offered[text]})
            elif text:
                entries.append({"source": "user", "ts": ts, "text": text})
    return entries[-MAX_ENTRIES:]


def as_json(entries: list[Entry]) -> list[dict[str, Any]]:
    return [{"from" if k == "source" else k: v for k, v in e.items()} for e in entries]
