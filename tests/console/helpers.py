"""Building what the console shows: tickets with checked files, Rasa events, staff users."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine, insert

from bot.intake import DeclaredIdentity, check_upload
from bot.intake.samples.forms import filled_form_pdf
from bot.intake.samples.pictures import photo_jpeg
from bot.storage import store_attachment
from bot.tickets import FilingRequest, UnitOfWork, file_ticket
from bot.web.console.users import create_user

PASSWORD = "password-di-prova-1"
MARIO = DeclaredIdentity(nome="Mario", cognome="Rossi", codice_fiscale="RSSMRA80A01H501U")


def request(conversation_id: str, **overrides: Any) -> FilingRequest:
    values: dict[str, Any] = {
        "nome": "Mario",
        "cognome": "Rossi",
        "codice_fiscale": "RSSMRA80A01H501U",
        "email": "mario.rossi@pec.example.it",
        "telefono": "333 123 4567",
        "cap": "00184",
        "path": "A",
        "channel": "telegram",
        "conversation_id": conversation_id,
    }
    values.update(overrides)
    return FilingRequest(**values)


def file_checked_ticket(conversation_id: str | None = None, **overrides: Any) -> str:
    """A ticket whose files went through the real intake checks (form PDF, ID photos)."""
    conversation = conversation_id or f"conv-{uuid.uuid4().hex[:8]}"
    uploads = {
        "modulo": (filled_form_pdf(), "modulo.pdf"),
        "documento_fronte": (photo_jpeg(), "fronte.jpg"),
        "documento_retro": (photo_jpeg(), "retro.jpg"),
    }
    for purpose, (data, name) in uploads.items():
        checked = check_upload(data, purpose, name, MARIO)  # type: ignore[arg-type]
        assert checked.accepted, checked.problems
        store_attachment(UnitOfWork(), conversation, purpose, checked)
    return file_ticket(
        UnitOfWork(), request(conversation, **overrides), f"key-{conversation}"
    ).number


def make_user(username: str, role: str) -> None:
    create_user(username, role, PASSWORD)


EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


@contextmanager
def _engine(url: str) -> Iterator[Any]:
    engine = create_engine(url, future=True)
    try:
        yield engine
    finally:
        engine.dispose()


def create_events_table(url: str) -> None:
    """Rasa's SQL tracker store table, as Rasa 3.6 creates it."""
    with _engine(url) as engine:
        EVENTS.metadata.create_all(engine)


class Conversation:
    """Writes a conversation into `events` the way Rasa's SQLTrackerStore does."""

    def __init__(self, url: str, sender: str, channel: str = "rest", start: float = 1.78e9) -> None:
        self.url, self.sender, self.channel, self.clock = url, sender, channel, start
        self.rows: list[dict[str, Any]] = []

    def _add(self, type_name: str, data: dict[str, Any], **columns: Any) -> Conversation:
        self.clock += 2
        data = {"event": type_name, "timestamp": self.clock, **data}
        self.rows.append(
            {
                "sender_id": self.sender,
                "type_name": type_name,
                "timestamp": self.clock,
                "intent_name": columns.get("intent_name"),
                "action_name": columns.get("action_name"),
                "data": json.dumps(data),
            }
        )
        return self

    def user(self, text: str, intent: str, confidence: float) -> Conversation:
        ranking = [
            {"name": intent, "confidence": confidence},
            {"name": "greet", "confidence": 0.01},
        ]
        parse = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": ranking,
        }
        return self._add(
            "user",
            {"text": text, "parse_data": parse, "input_channel": self.channel},
            intent_name=intent,
        )

    def slot(self, name: str, value: object) -> Conversation:
        return self._add("slot", {"name": name, "value": value})

    def action(self, name: str) -> Conversation:
        return self._add("action", {"name": name}, action_name=name)

    def bot(self, text: str, buttons: list[str] | None = None) -> Conversation:
        data = {"buttons": [{"title": b, "payload": f"/{b}"} for b in buttons or []]}
        return self.action("utter_x")._add("bot", {"text": text, "data": data})

    def save(self) -> None:
        with _engine(self.url) as engine, engine.begin() as connection:
            connection.execute(insert(EVENTS), self.rows)
        self.rows = []
