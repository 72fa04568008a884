"""Conversations read from Rasa's SQL tracker store (table `events`, owned by Rasa).

A user turn is "misunderstood" when its intent is nlu_fallback or a fallback action answered it,
unless it was said while the form asked a question (a name, a codice fiscale: NLU is not meant
to read those; in the transcript, a message the form took is an "answer"); "low confidence" when
its intent confidence is below CONSOLE_LOW_CONFIDENCE, form answers aside. Texts are
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

from bot.conversation_ids import EXTERNAL_PREFIX, channel_of
from bot.tickets.models import Attachment, Ticket
from bot.web.console.masking import mask_text
from bot.web.console.models import ConversationReview, ConversationTag, TrainingExample
from bot.web.console.ticket_queries import check_summary, day_start

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
    conversation_id: str
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
            1
            for turn in self.turns
            if not turn.form_answer and turn.confidence is not None and turn.confidence < threshold
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
            summary.channel = summary.channel or str(data.get("input_channel") or "")
            if str(data.get("text") or "").startswith(EXTERNAL_PREFIX):
                last_turn.pop(sender, None)  # an upload or a notice, not a typed message
                continue
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
        elif kind == "action" and action in FALLBACK_ACTIONS and sender in last_turn:
            turn = last_turn[sender]
            turn.misunderstood = not turn.form_answer
    for conversation_id, summary in found.items():
        summary.channel = channel_of(conversation_id, summary.channel or None)
        summary.names = forms[conversation_id].names
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
        select(ConversationTag.conversation_id, ConversationTag.tag)
        .where(ConversationTag.conversation_id.in_(senders))
        .order_by(ConversationTag.tag)
    ):
        found[sender].tags.append(tag)
    reviewed = session.execute(
        select(ConversationReview.conversation_id).where(
            ConversationReview.conversation_id.in_(senders),
            ConversationReview.reviewed_at.is_not(None),
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
    """One line of a transcript as staff read it.

    kinds: "user" (typed or a button), "answer" (the answer to a form's question, never "non
    capito"), "file" (an upload, with its name, kind and check result), "bot", "notice" (said
    from outside: a status change, the hand-off), "operator" (an operator's message or file),
    "event" (the bot paused or resumed, a chat opened) and "action".
    """

    event_id: int
    kind: str
    at: datetime | None
    text: str = ""
    intent: str | None = None
    confidence: float | None = None
    ranking: list[tuple[str, float]] = field(default_factory=list)
    buttons: list[str] = field(default_factory=list)
    action: str | None = None
    misunderstood: bool = False
    form_answer: bool = False  # said while the form asked a question
    answer_to: str | None = None  # the form's slot this message answered
    title: str | None = None
    author: str | None = None
    file: dict[str, Any] | None = None  # name, purpose, accepted, checks, attachment_id, url


@dataclass
class Transcript:
    conversation_id: str
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
                file=self._masked_file(entry.file),
            )
            for entry in self.entries
        ]
        return replace(self, entries=entries)

    def _masked_file(self, file: dict[str, Any] | None) -> dict[str, Any] | None:
        """A file's name and the reasons it was refused may quote personal data too."""
        if file is None:
            return None
        masked = dict(file)
        if isinstance(masked.get("name"), str):
            masked["name"] = mask_text(masked["name"], self.names)
        if isinstance(masked.get("problems"), list):
            masked["problems"] = [mask_text(str(p), self.names) for p in masked["problems"]]
        return masked

    @property
    def last_event_id(self) -> int:
        return max((e.event_id for e in self.entries), default=0)


UPLOAD_EVENTS = {"upload_received": True, "upload_rejected": False}
EVENT_LABELS = {
    "pause": "L'assistente è in pausa: risponde un operatore.",
    "resume": "L'assistente risponde di nuovo.",
}


def _uploads(session: Session, conversation_id: str) -> list[Attachment]:
    return list(
        session.execute(
            select(Attachment)
            .where(Attachment.conversation_id == conversation_id)
            .order_by(Attachment.id)
        ).scalars()
    )


def _file_entry(row: Any, data: dict[str, Any], stored: list[Attachment]) -> TranscriptEntry:
    """An upload: the stored file it made (in order), or the reasons it was refused."""
    external = str(data.get("text") or "").removeprefix(EXTERNAL_PREFIX).strip()
    accepted = UPLOAD_EVENTS[external]
    parsed = data.get("parse_data") or {}
    info: dict[str, Any] = {"accepted": accepted, "name": None, "purpose": None, "checks": None}
    if accepted and stored:
        attachment = stored.pop(0)
        info.update(
            name=attachment.original_name,
            purpose=attachment.purpose,
            attachment_id=attachment.id,
            ticket=attachment.ticket_id,
            type=attachment.sniffed_type,
            size=attachment.size,
            checks=check_summary(attachment.check_results),
        )
    elif not accepted:
        info["problems"] = [
            str(entity.get("value"))
            for entity in parsed.get("entities") or []
            if entity.get("entity") == "upload_problem"
        ]
    return TranscriptEntry(row.id, "file", _when(row.timestamp), file=info)


def _bot_entry(row: Any, data: dict[str, Any]) -> TranscriptEntry:
    buttons = [str(b.get("title", "")) for b in (data.get("data") or {}).get("buttons") or []]
    entry = TranscriptEntry(row.id, "bot", _when(row.timestamp), text=str(data.get("text") or ""))
    entry.buttons = buttons
    notice = (data.get("metadata") or {}).get("notice")
    if isinstance(notice, dict):
        operator = str(notice.get("kind", "")).startswith("operator_")
        entry.kind = "operator" if operator else "notice"
        entry.title = notice.get("title")
        entry.author = notice.get("author")
        if isinstance(notice.get("file"), dict):
            entry.file = dict(notice["file"])
    return entry


def transcript(session: Session, conversation_id: str) -> Transcript | None:
    if not has_events_table(session):
        return None
    rows = session.execute(
        select(EVENTS).where(EVENTS.c.sender_id == conversation_id).order_by(EVENTS.c.id)
    ).all()
    if not rows:
        return None
    stored = [a for a in _uploads(session, conversation_id) if a.accepted]
    entries: list[TranscriptEntry] = []
    channel = ""
    last_user: TranscriptEntry | None = None
    form = FormState()  # the form's question at the time of each message, the names declared
    asked: str | None = None  # the form's question when the latest user message arrived
    for row in rows:
        data = _json(row.data)
        moment = _when(row.timestamp)
        if row.type_name == "user":
            text = str(data.get("text") or "")
            channel = channel or str(data.get("input_channel") or "")
            external = text.removeprefix(EXTERNAL_PREFIX).strip()
            if text.startswith(EXTERNAL_PREFIX) and external in UPLOAD_EVENTS:
                entries.append(_file_entry(row, data, stored))
                last_user, asked = None, None
                continue
            if text.startswith(EXTERNAL_PREFIX):
                entries.append(TranscriptEntry(row.id, "event", moment, text=external))
                last_user, asked = None, None
                continue
            parsed = data.get("parse_data") or {}
            intent = parsed.get("intent") or {}
            entry = TranscriptEntry(
                event_id=row.id,
                kind="user",
                at=moment,
                text=text,
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
            last_user, asked = entry, form.asking
            entries.append(entry)
        elif row.type_name == "slot":
            name, value = data.get("name"), data.get("value")
            form.see_slot(data)
            if last_user is not None and asked and name == asked and value is not None:
                # The form took this message as its answer: not a misunderstanding.
                last_user.kind, last_user.answer_to, last_user.misunderstood = (
                    "answer",
                    asked,
                    False,
                )
        elif row.type_name == "bot":
            entries.append(_bot_entry(row, data))
        elif row.type_name in EVENT_LABELS:
            entries.append(
                TranscriptEntry(row.id, "event", moment, text=EVENT_LABELS[row.type_name])
            )
        elif row.type_name == "action" and row.action_name not in HIDDEN_ACTIONS:
            fallback = row.action_name in FALLBACK_ACTIONS
            if fallback and last_user is not None and last_user.kind == "user":
                last_user.misunderstood = not last_user.form_answer
            entries.append(TranscriptEntry(row.id, "action", moment, action=row.action_name))
    review = session.get(ConversationReview, conversation_id)
    tags = session.execute(
        select(ConversationTag.tag)
        .where(ConversationTag.conversation_id == conversation_id)
        .order_by(ConversationTag.tag)
    ).scalars()
    numbers = session.execute(
        select(Ticket.number)
        .where(Ticket.conversation_id == conversation_id)
        .order_by(Ticket.number)
    ).scalars()
    training = session.execute(
        select(TrainingExample.event_id, TrainingExample.intent).where(
            TrainingExample.conversation_id == conversation_id
        )
    ).all()
    return Transcript(
        conversation_id=conversation_id,
        entries=entries,
        channel=channel_of(conversation_id, channel or None),
        tickets=list(numbers),
        tags=list(tags),
        note=review.note or "" if review else "",
        reviewed_at=review.reviewed_at if review else None,
        reviewed_by=review.reviewed_by if review else None,
        training={event_id: intent for event_id, intent in training},
        names=form.names,
    )


def user_message(session: Session, conversation_id: str, event_id: int) -> str | None:
    """The text of one user message of the conversation, read from the tracker store."""
    row = session.execute(
        select(EVENTS.c.data).where(
            EVENTS.c.id == event_id,
            EVENTS.c.sender_id == conversation_id,
            EVENTS.c.type_name == "user",
        )
    ).first()
    return str(_json(row.data).get("text") or "") if row else None
