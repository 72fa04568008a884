"""Conversations read from Rasa's SQL tracker store (table `events`, owned by Rasa).

A user turn is "misunderstood" when its intent is nlu_fallback or a fallback action answered it,
unless it answered a question of the form (a name, a codice fiscale: NLU is not meant to read
those); "low confidence" when its intent confidence is below CONSOLE_LOW_CONFIDENCE. Texts are
shown masked (`masked`): codici fiscali, e-mail addresses, phone numbers and the names the doctor
declared, as in the ticket lists.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, case, inspect, select
from sqlalchemy.orm import Session

from bot.tickets.models import Ticket
from bot.web.console.masking import mask_text
from bot.web.console.models import ConversationReview, ConversationTag, TrainingExample
from bot.web.console.ticket_queries import day_start

# Rasa's table, declared on its own MetaData so that our migrations never see it.
EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
FALLBACK_ACTIONS = frozenset({"action_fallback", "action_default_fallback"})
FALLBACK_INTENT = "nlu_fallback"
HIDDEN_ACTIONS = frozenset({"action_listen", "action_session_start"})
REQUESTED_SLOT = "requested_slot"
NAME_SLOTS = frozenset({"nome", "cognome"})  # masked wherever they appear in the conversation
PAGE_SIZE = 25


def _when(timestamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc) if timestamp else None


def _json(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


class FormState:
    """What the slot events of one conversation say so far: the question the form is asking,
    and the names declared."""

    def __init__(self) -> None:
        self.asking: str | None = None
        self.names: set[str] = set()

    def see_slot(self, data: dict[str, Any]) -> None:
        name, value = data.get("name"), data.get("value")
        if name == REQUESTED_SLOT:
            self.asking = str(value) if value else None
        elif name in NAME_SLOTS and isinstance(value, str):
            self.names.add(value)


@dataclass
class UserTurn:
    event_id: int
    text: str
    intent: str | None
    confidence: float | None
    misunderstood: bool = False
    form_answer: bool = False  # said while the form asked a question: never "misunderstood"


@dataclass
class ConversationSummary:
    sender_id: str
    channel: str = ""
    started: datetime | None = None
    last: datetime | None = None
    turns: list[UserTurn] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    reviewed: bool = False

    @property
    def misunderstood(self) -> int:
        return sum(1 for turn in self.turns if turn.misunderstood)

    def low_confidence(self, threshold: float) -> int:
        return sum(
            1 for turn in self.turns if turn.confidence is not None and turn.confidence < threshold
        )

    names: set[str] = field(default_factory=set)

    @property
    def preview(self) -> str:
        return mask_text(self.turns[0].text, self.names)[:80] if self.turns else ""

    def masked(self, text: str) -> str:
        return mask_text(text, self.names)


def has_events_table(session: Session) -> bool:
    return bool(inspect(session.connection()).has_table("events"))


def summaries(
    session: Session, *, date_from: date | None = None, date_to: date | None = None
) -> list[ConversationSummary]:
    """Every conversation with an event in the period, newest activity first."""
    if not has_events_table(session):
        return []
    conditions = []
    if date_from:
        conditions.append(EVENTS.c.timestamp >= day_start(date_from).timestamp())
    if date_to:
        conditions.append(EVENTS.c.timestamp < day_start(date_to + timedelta(days=1)).timestamp())
    rows = session.execute(
        select(
            EVENTS.c.id,
            EVENTS.c.sender_id,
            EVENTS.c.type_name,
            EVENTS.c.timestamp,
            EVENTS.c.intent_name,
            EVENTS.c.action_name,
            case((EVENTS.c.type_name.in_(("user", "slot")), EVENTS.c.data), else_=None),
        )
        .where(EVENTS.c.type_name.in_(("user", "action", "bot", "slot")), *conditions)
        .order_by(EVENTS.c.id)
    ).all()
    found: dict[str, ConversationSummary] = {}
    last_turn: dict[str, UserTurn] = {}
    forms: dict[str, FormState] = defaultdict(FormState)
    for event_id, sender, kind, timestamp, intent, action, raw in rows:
        if kind == "slot":
            forms[sender].see_slot(_json(raw))
            continue
        summary = found.setdefault(sender, ConversationSummary(sender))
        moment = _when(timestamp)
        summary.started = summary.started or moment
        summary.last = moment or summary.last
        if kind == "user":
            data = _json(raw)
            parsed = data.get("parse_data") or {}
            confidence = (parsed.get("intent") or {}).get("confidence")
            turn = UserTurn(
                event_id=event_id,
                text=str(data.get("text") or ""),
                intent=intent,
                confidence=float(confidence) if confidence is not None else None,
                form_answer=forms[sender].asking is not None,
            )
            turn.misunderstood = intent == FALLBACK_INTENT and not turn.form_answer
            summary.turns.append(turn)
            last_turn[sender] = turn
            summary.channel = summary.channel or str(data.get("input_channel") or "")
        elif kind == "action" and action in FALLBACK_ACTIONS and sender in last_turn:
            turn = last_turn[sender]
            turn.misunderstood = not turn.form_answer
    for sender, summary in found.items():
        summary.names = forms[sender].names
    _add_console_data(session, found)
    return sorted(
        found.values(),
        key=lambda s: s.last or datetime.min.replace(tzinfo=timezone.utc),
        reverse=True,
    )


def _add_console_data(session: Session, found: dict[str, ConversationSummary]) -> None:
    if not found:
        return
    senders = list(found)
    tickets: dict[str, list[str]] = defaultdict(list)
    for sender, number in session.execute(
        select(Ticket.conversation_id, Ticket.number).where(Ticket.conversation_id.in_(senders))
    ):
        tickets[sender].append(number)
    for sender, tag in session.execute(
        select(ConversationTag.sender_id, ConversationTag.tag)
        .where(ConversationTag.sender_id.in_(senders))
        .order_by(ConversationTag.tag)
    ):
        found[sender].tags.append(tag)
    reviewed = session.execute(
        select(ConversationReview.sender_id).where(
            ConversationReview.sender_id.in_(senders), ConversationReview.reviewed_at.is_not(None)
        )
    ).scalars()
    for sender in reviewed:
        found[sender].reviewed = True
    for sender, numbers in tickets.items():
        found[sender].tickets = sorted(numbers)


@dataclass(frozen=True)
class ConversationFilters:
    channel: str = ""
    date_from: date | None = None
    date_to: date | None = None
    fallback: str = ""  # "si" / "no" / ""
    low_confidence: str = ""  # "si" / ""
    ticket: str = ""  # "si" / "no" / ""
    tag: str = ""
    reviewed: str = ""  # "si" / "no" / ""
    page: int = 1

    def query(self) -> dict[str, str]:
        values = {
            "canale": self.channel,
            "dal": self.date_from.isoformat() if self.date_from else "",
            "al": self.date_to.isoformat() if self.date_to else "",
            "fallback": self.fallback,
            "bassa_confidenza": self.low_confidence,
            "ticket": self.ticket,
            "etichetta": self.tag,
            "revisionata": self.reviewed,
        }
        return {key: value for key, value in values.items() if value}


def _yes_no(wanted: str, value: bool) -> bool:
    return not wanted or (wanted == "si") == value


def filtered(
    items: list[ConversationSummary], filters: ConversationFilters, threshold: float
) -> list[ConversationSummary]:
    return [
        item
        for item in items
        if (not filters.channel or item.channel == filters.channel)
        and _yes_no(filters.fallback, item.misunderstood > 0)
        and (filters.low_confidence != "si" or item.low_confidence(threshold) > 0)
        and _yes_no(filters.ticket, bool(item.tickets))
        and (not filters.tag or filters.tag in item.tags)
        and _yes_no(filters.reviewed, item.reviewed)
    ]


@dataclass
class TranscriptEntry:
    event_id: int
    kind: str  # "user", "bot", "action"
    at: datetime | None
    text: str = ""
    intent: str | None = None
    confidence: float | None = None
    ranking: list[tuple[str, float]] = field(default_factory=list)
    buttons: list[str] = field(default_factory=list)
    action: str | None = None
    misunderstood: bool = False
    form_answer: bool = False


@dataclass
class Transcript:
    sender_id: str
    entries: list[TranscriptEntry]
    channel: str
    tickets: list[str]
    tags: list[str]
    note: str
    reviewed_at: datetime | None
    reviewed_by: str | None
    training: dict[int, str]  # event id -> intent it was sent to training data as
    names: set[str] = field(default_factory=set)  # declared by the doctor

    def masked(self) -> Transcript:
        """The same transcript with personal data partly hidden (what revisori read)."""
        entries = [
            replace(
                entry,
                text=mask_text(entry.text, self.names),
                buttons=[mask_text(b, self.names) for b in entry.buttons],
            )
            for entry in self.entries
        ]
        return replace(self, entries=entries)


def transcript(session: Session, sender_id: str) -> Transcript | None:
    if not has_events_table(session):
        return None
    rows = session.execute(
        select(EVENTS).where(EVENTS.c.sender_id == sender_id).order_by(EVENTS.c.id)
    ).all()
    if not rows:
        return None
    entries: list[TranscriptEntry] = []
    channel = ""
    last_user: TranscriptEntry | None = None
    form = FormState()
    for row in rows:
        data = _json(row.data)
        moment = _when(row.timestamp)
        if row.type_name == "slot":
            form.see_slot(data)
        elif row.type_name == "user":
            parsed = data.get("parse_data") or {}
            intent = parsed.get("intent") or {}
            entry = TranscriptEntry(
                event_id=row.id,
                kind="user",
                at=moment,
                text=str(data.get("text") or ""),
                intent=row.intent_name or intent.get("name"),
                confidence=intent.get("confidence"),
                ranking=[
                    (str(item.get("name")), float(item.get("confidence") or 0))
                    for item in (parsed.get("intent_ranking") or [])[:3]
                    if isinstance(item, dict)
                ],
                form_answer=form.asking is not None,
            )
            entry.misunderstood = row.intent_name == FALLBACK_INTENT and not entry.form_answer
            channel = channel or str(data.get("input_channel") or "")
            last_user = entry
            entries.append(entry)
        elif row.type_name == "bot":
            buttons = [
                str(b.get("title", "")) for b in (data.get("data") or {}).get("buttons") or []
            ]
            entries.append(
                TranscriptEntry(
                    row.id, "bot", moment, text=str(data.get("text") or ""), buttons=buttons
                )
            )
        elif row.type_name == "action" and row.action_name not in HIDDEN_ACTIONS:
            if row.action_name in FALLBACK_ACTIONS and last_user is not None:
                last_user.misunderstood = not last_user.form_answer
            entries.append(TranscriptEntry(row.id, "action", moment, action=row.action_name))
    review = session.get(ConversationReview, sender_id)
    tags = session.execute(
        select(ConversationTag.tag)
        .where(ConversationTag.sender_id == sender_id)
        .order_by(ConversationTag.tag)
    ).scalars()
    numbers = session.execute(
        select(Ticket.number).where(Ticket.conversation_id == sender_id).order_by(Ticket.number)
    ).scalars()
    training = session.execute(
        select(TrainingExample.event_id, TrainingExample.intent).where(
            TrainingExample.sender_id == sender_id
        )
    ).all()
    return Transcript(
        sender_id=sender_id,
        entries=entries,
        channel=channel,
        tickets=list(numbers),
        tags=list(tags),
        note=review.note or "" if review else "",
        reviewed_at=review.reviewed_at if review else None,
        reviewed_by=review.reviewed_by if review else None,
        training={event_id: intent for event_id, intent in training},
        names=form.names,
    )


def user_message(session: Session, sender_id: str, event_id: int) -> str | None:
    """The text of one user message of the conversation, read from the tracker store."""
    row = session.execute(
        select(EVENTS.c.data).where(
            EVENTS.c.id == event_id, EVENTS.c.sender_id == sender_id, EVENTS.c.type_name == "user"
        )
    ).first()
    return str(_json(row.data).get("text") or "") if row else None
