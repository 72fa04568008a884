"""The scripted conversations of tests/conversations/scripts, played over REST on the real servers.

Each script is a fresh conversation; each turn's checks look at the reply (text, buttons not
included) and at the conversation's slots as Rasa's tracker has them.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.e2e.servers import BotServers

SCRIPTS = Path(__file__).resolve().parents[1] / "conversations" / "scripts"
CHANNELS = {
    "A": re.compile(r"inail\s*risponde", re.I),
    "B": re.compile(r"richied[ie]\s+(le\s+)?credenziali\s+dispositive", re.I),
    "C": re.compile(r"registrazione-utente-generico", re.I),
}
NOT_UNDERSTOOD = re.compile(r"non (sono sicuro di aver|ho) capito|continuo a non capire", re.I)
TICKET = re.compile(r"\bIR-\d{4}-\d{6}\b")


def _scripts() -> list[dict[str, Any]]:
    found = []
    for path in sorted(SCRIPTS.glob("*.yml")):
        found.extend(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def _reply_text(replies: list[dict[str, Any]]) -> str:
    return "\n".join(str(r.get("text") or "") for r in replies)


def _check(turn: dict[str, Any], text: str, slots: dict[str, Any]) -> list[str]:
    problems = []
    for path in turn.get("names", []):
        if not CHANNELS[path].search(text):
            problems.append(f"does not name path {path}'s channel")
    for path in turn.get("not_names", []):
        if CHANNELS[path].search(text):
            problems.append(f"names path {path}'s channel")
    for key in ("contains", "contains_also"):
        if key in turn and not re.search(turn[key], text, re.I | re.M):
            problems.append(f"does not match {turn[key]!r}")
    if "not_contains" in turn and re.search(turn["not_contains"], text, re.I | re.M):
        problems.append(f"matches {turn['not_contains']!r}")
    if turn.get("no_fallback") and (not text.strip() or NOT_UNDERSTOOD.search(text)):
        problems.append("not understood")
    if turn.get("ticket") and not TICKET.search(text):
        problems.append("no ticket number")
    if "asks" in turn and slots.get("requested_slot") != turn["asks"]:
        problems.append(f"asks {slots.get('requested_slot')!r}, not {turn['asks']!r}")
    for name, value in (turn.get("slots") or {}).items():
        if slots.get(name) != value:
            problems.append(f"slot {name} is {slots.get(name)!r}, not {value!r}")
    return problems


@pytest.mark.parametrize("script", _scripts(), ids=lambda script: script["name"])
def test_scripted_conversation(servers: BotServers, script: dict[str, Any]) -> None:
    sender = f"script-{uuid.uuid4().hex}"
    transcript = []
    for index, turn in enumerate(script["turns"]):
        text = _reply_text(servers.say(sender, turn["say"]))
        transcript.append(f"> {turn['say']}\n{text}")
        slots = servers.tracker(sender)["slots"]
        problems = _check(turn, text, slots)
        assert not problems, f"turn {index}: {problems}\n\n" + "\n\n".join(transcript)
