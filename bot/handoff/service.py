"""The hand-off's use cases, one transaction each (a `UnitOfWork` from bot.tickets).

The doctor's side (called by the actions): `request_handoff`, `cancel_handoff`,
`leave_callback`, `rate`, `comment`. The operators' side (called by the console): `heartbeat`,
`queue`, `take`, `reply`, `send_file`, `typing`, `add_note`, `hand_back`, `answer_callback`.
What the doctor reads is queued with `say`, in the same transaction as the change it reports.
"""

from __future__ import annotations

import math
import secrets
import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from bot.config import Settings, get_settings
from bot.db.types import utc_now
from bot.handoff.hours import OpeningHours, parse_hours
from bot.handoff.models import (
    ANSWERED,
    ASSIGNED,
    CALLBACK,
    CALLBACK_KIND,
    CANCELLED,
    DOWN,
    LIVE,
    OPEN_LIVE,
    RESOLVED,
    UP,
    WAITING,
    Handoff,
    HandoffEvent,
    OperatorFile,
    OperatorPresence,
)
from bot.tickets import UnitOfWork, say

# Outbox kinds of the notices the hand-off says (texts: bot/notify/notices.yml).
HANDOFF_TAKEN = "handoff_taken"
OPERATOR_MESSAGE = "operator_message"
OPERATOR_FILE = "operator_file"
HANDOFF_RESOLVED = "handoff_resolved"
CALLBACK_ANSWER = "callback_answer"
EMAIL_CHANNEL = "email"

DOCTOR = "medico"
TYPING_FOR = timedelta(seconds=6)
HISTORY_FOR_AVERAGE = 20
MAX_TEXT = 4000


class HandoffError(Exception):
    """`code` is a key of the console's texts.yml."""

    def __init__(self, code: str, **values: str) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
class HandoffState:
    """What both sides see of a conversation's hand-off."""

    id: int | None
    status: str | None  # None: the bot is answering, no hand-off open
    channel: str | None = None
    position: int | None = None  # 1 = next to be taken
    wait_minutes: int | None = None
    operator_name: str | None = None
    operator_typing: bool = False
    operators_online: int = 0
    is_open_now: bool = False
    next_opening: datetime | None = None
    requested_at: datetime | None = None


@dataclass(frozen=True)
class QueueItem:
    id: int
    conversation_id: str
    channel: str
    status: str
    requested_at: datetime
    taken_at: datetime | None
    operator: str | None
    operator_name: str | None
    message: str | None = None
    reply_email: str | None = None


def hours(settings: Settings | None = None) -> OpeningHours:
    return parse_hours((settings or get_settings()).handoff_hours)


def display_name(username: str) -> str:
    """ "mario.rossi" → "Mario R.": what a doctor reads until the operator sets a name."""
    parts = [p for p in username.replace("_", ".").replace("-", ".").split(".") if p]
    if not parts:
        return username
    if len(parts) == 1:
        return parts[0].capitalize()
    return f"{parts[0].capitalize()} {parts[-1][0].upper()}."


def _event(
    uow: UnitOfWork, handoff: Handoff, kind: str, actor: str, now: datetime, **extra: str
) -> None:
    uow.session.add(
        HandoffEvent(
            handoff_id=handoff.id,
            kind=kind,
            actor=actor,
            occurred_at=now,
            detail=extra.get("detail"),
        )
    )


def _open_for(uow: UnitOfWork, conversation_id: str) -> Handoff | None:
    return uow.session.execute(
        select(Handoff).where(
            Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN_LIVE)
        )
    ).scalar_one_or_none()


def operators_online(uow: UnitOfWork, now: datetime, settings: Settings | None = None) -> int:
    since = now - timedelta(seconds=(settings or get_settings()).handoff_presence_seconds)
    return int(
        uow.session.execute(
            select(func.count(OperatorPresence.username)).where(OperatorPresence.last_seen >= since)
        ).scalar_one()
    )


def minutes_per_conversation(uow: UnitOfWork, settings: Settings | None = None) -> float:
    """The median time operators took on their latest conversations (configured until then)."""
    rows = uow.session.execute(
        select(Handoff.taken_at, Handoff.closed_at)
        .where(Handoff.status == RESOLVED, Handoff.taken_at.is_not(None))
        .order_by(Handoff.id.desc())
        .limit(HISTORY_FOR_AVERAGE)
    ).all()
    durations = [(closed - taken).total_seconds() / 60 for taken, closed in rows if closed]
    if len(durations) < 3:
        return float((settings or get_settings()).handoff_minutes_per_conversation)
    return max(1.0, statistics.median(durations))


def _position(uow: UnitOfWork, handoff: Handoff) -> int:
    ahead = uow.session.execute(
        select(func.count(Handoff.id)).where(
            Handoff.status == WAITING,
            Handoff.kind == LIVE,
            Handoff.requested_at <= handoff.requested_at,
            Handoff.id < handoff.id,
        )
    ).scalar_one()
    return int(ahead) + 1


def _state(
    uow: UnitOfWork, handoff: Handoff | None, now: datetime, settings: Settings
) -> HandoffState:
    opening = hours(settings)
    online = operators_online(uow, now, settings)
    base = {
        "operators_online": online,
        "is_open_now": opening.is_open(now),
        "next_opening": opening.next_opening(now),
    }
    if handoff is None:
        return HandoffState(id=None, status=None, **base)
    if handoff.status == WAITING:
        position = _position(uow, handoff)
        per = minutes_per_conversation(uow, settings)
        wait = max(1, math.ceil(math.ceil(position / max(online, 1)) * per))
        return HandoffState(
            id=handoff.id,
            status=WAITING,
            channel=handoff.channel,
            position=position,
            wait_minutes=wait,
            requested_at=handoff.requested_at,
            **base,
        )
    typing = False
    if handoff.status == ASSIGNED and handoff.operator:
        presence = uow.session.get(OperatorPresence, handoff.operator)
        typing = bool(
            presence
            and presence.typing_handoff_id == handoff.id
            and presence.typing_until
            and presence.typing_until > now
        )
    return HandoffState(
        id=handoff.id,
        status=handoff.status,
        channel=handoff.channel,
        operator_name=handoff.operator_name,
        operator_typing=typing,
        requested_at=handoff.requested_at,
        **base,
    )


def state_of(
    uow: UnitOfWork,
    conversation_id: str,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> HandoffState:
    """The conversation's open live hand-off, as the doctor's channel shows it."""
    with uow:
        return _state(
            uow, _open_for(uow, conversation_id), now or utc_now(), settings or get_settings()
        )


def is_with_operator(uow: UnitOfWork, conversation_id: str) -> bool:
    with uow:
        handoff = _open_for(uow, conversation_id)
        return handoff is not None and handoff.status == ASSIGNED


# The doctor's side -----------------------------------------------------------------------------


def request_handoff(
    uow: UnitOfWork,
    conversation_id: str,
    channel: str,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> HandoffState:
    """Queues the conversation for an operator, if the service is open and someone is online.

    Asked again while waiting: the same place in the queue. Closed, or nobody online: nothing
    is queued (the state says why), and the doctor can leave a message (`leave_callback`).
    """
    moment, config = now or utc_now(), settings or get_settings()
    with uow:
        existing = _open_for(uow, conversation_id)
        if existing is not None:
            return _state(uow, existing, moment, config)
        state = _state(uow, None, moment, config)
        if not state.is_open_now or state.operators_online == 0:
            return state
        handoff = Handoff(
            conversation_id=conversation_id,
            channel=channel,
            kind=LIVE,
            status=WAITING,
            requested_at=moment,
        )
        uow.session.add(handoff)
        try:
            uow.flush()
        except IntegrityError:  # the same conversation asked twice at once: the other won
            uow.rollback()
            return _state(uow, _open_for(uow, conversation_id), moment, config)
        _event(uow, handoff, "requested", DOCTOR, moment)
        result = _state(uow, handoff, moment, config)
        uow.commit()
        return result


def cancel_handoff(uow: UnitOfWork, conversation_id: str, *, now: datetime | None = None) -> bool:
    """The doctor no longer waits ("continuo con l'assistente"); False if nothing was waiting."""
    moment = now or utc_now()
    with uow:
        handoff = _open_for(uow, conversation_id)
        if handoff is None or handoff.status != WAITING:
            return False
        won = uow.session.execute(
            update(Handoff)
            .where(Handoff.id == handoff.id, Handoff.status == WAITING)
            .values(status=CANCELLED, closed_at=moment)
            .execution_options(synchronize_session=False)
        )
        if won.rowcount != 1:  # an operator took it in the meantime
            return False
        _event(uow, handoff, "cancelled", DOCTOR, moment)
        uow.commit()
        return True


def leave_callback(
    uow: UnitOfWork,
    conversation_id: str,
    channel: str,
    message: str,
    reply_email: str | None,
    *,
    now: datetime | None = None,
) -> int:
    """A message for an operator, answered later in the chat (and by e-mail if one is given)."""
    text = " ".join(message.split())[:MAX_TEXT]
    if not text:
        raise HandoffError("messaggio_vuoto")
    moment = now or utc_now()
    with uow:
        handoff = Handoff(
            conversation_id=conversation_id,
            channel=channel,
            kind=CALLBACK_KIND,
            status=CALLBACK,
            requested_at=moment,
            message=text,
            reply_email=(reply_email or "").strip() or None,
        )
        uow.session.add(handoff)
        uow.flush()
        _event(uow, handoff, "callback_left", DOCTOR, moment)
        uow.commit()
        return int(handoff.id)


def _latest_resolved(uow: UnitOfWork, conversation_id: str) -> Handoff | None:
    return uow.session.execute(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status == RESOLVED)
        .order_by(Handoff.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def rate(
    uow: UnitOfWork, conversation_id: str, rating: str, *, now: datetime | None = None
) -> bool:
    """👍 or 👎 on the latest conversation with an operator; False if there is none to rate."""
    if rating not in (UP, DOWN):
        return False
    moment = now or utc_now()
    with uow:
        handoff = _latest_resolved(uow, conversation_id)
        if handoff is None:
            return False
        handoff.rating = rating
        _event(uow, handoff, "rated", DOCTOR, moment, detail=rating)
        uow.commit()
        return True


def comment(
    uow: UnitOfWork, conversation_id: str, text: str, *, now: datetime | None = None
) -> bool:
    words = " ".join(text.split())[:MAX_TEXT]
    if not words:
        return False
    moment = now or utc_now()
    with uow:
        handoff = _latest_resolved(uow, conversation_id)
        if handoff is None:
            return False
        handoff.comment = words
        _event(uow, handoff, "commented", DOCTOR, moment)
        uow.commit()
        return True


# The operators' side ---------------------------------------------------------------------------


def heartbeat(uow: UnitOfWork, username: str, *, now: datetime | None = None) -> str:
    """The operator's console is open; returns the name doctors see."""
    moment = now or utc_now()
    with uow:
        presence = uow.session.get(OperatorPresence, username)
        if presence is None:
            presence = OperatorPresence(
                username=username, display_name=display_name(username), last_seen=moment
            )
            uow.session.add(presence)
        presence.last_seen = moment
        name = presence.display_name
        try:
            uow.commit()
        except IntegrityError:  # two tabs of the same operator at once
            uow.rollback()
        return str(name)


def set_display_name(
    uow: UnitOfWork, username: str, name: str, *, now: datetime | None = None
) -> str:
    shown = " ".join(name.split())[:64]
    if len(shown) < 2:
        raise HandoffError("nome_visibile_non_valido")
    heartbeat(uow, username, now=now)
    with uow:
        presence = uow.session.get(OperatorPresence, username)
        assert presence is not None
        presence.display_name = shown
        uow.commit()
    return shown


def _item(handoff: Handoff) -> QueueItem:
    return QueueItem(
        id=handoff.id,
        conversation_id=handoff.conversation_id,
        channel=handoff.channel,
        status=handoff.status,
        requested_at=handoff.requested_at,
        taken_at=handoff.taken_at,
        operator=handoff.operator,
        operator_name=handoff.operator_name,
        message=handoff.message,
        reply_email=handoff.reply_email,
    )


def queue(uow: UnitOfWork) -> dict[str, list[QueueItem]]:
    """Open hand-offs for the inbox: waiting (oldest first), with an operator, callbacks."""
    with uow:
        rows = uow.session.execute(
            select(Handoff)
            .where(Handoff.status.in_((WAITING, ASSIGNED, CALLBACK)))
            .order_by(Handoff.requested_at, Handoff.id)
        ).scalars()
        grouped: dict[str, list[QueueItem]] = {WAITING: [], ASSIGNED: [], CALLBACK: []}
        for handoff in rows:
            grouped[handoff.status].append(_item(handoff))
        return grouped


def get(uow: UnitOfWork, handoff_id: int) -> QueueItem | None:
    with uow:
        handoff = uow.session.get(Handoff, handoff_id)
        return _item(handoff) if handoff else None


def latest_for(uow: UnitOfWork, conversation_id: str) -> QueueItem | None:
    with uow:
        handoff = uow.session.execute(
            select(Handoff)
            .where(Handoff.conversation_id == conversation_id)
            .order_by(Handoff.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        return _item(handoff) if handoff else None


def _for_operator(uow: UnitOfWork, handoff_id: int, username: str) -> Handoff:
    handoff = uow.session.get(Handoff, handoff_id)
    if handoff is None:
        raise HandoffError("assistenza_non_trovata")
    if handoff.status != ASSIGNED:
        raise HandoffError("assistenza_non_in_corso")
    if handoff.operator != username:
        raise HandoffError("assistenza_di_altro_operatore", operatore=handoff.operator or "")
    return handoff


def _claim(
    uow: UnitOfWork,
    handoff_id: int,
    from_status: str,
    to_status: str,
    username: str,
    name: str,
) -> Handoff | None:
    """Moves the hand-off on only if it is still `from_status`: of two operators, one wins.

    Returns the hand-off (refreshed) when this operator won, None when another did."""
    won = uow.session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == from_status)
        .values(status=to_status, operator=username, operator_name=name)
        .execution_options(synchronize_session=False)
    )
    handoff = uow.session.get(Handoff, handoff_id)
    if handoff is None:
        raise HandoffError("assistenza_non_trovata")
    if won.rowcount != 1:
        uow.rollback()
        return None
    uow.session.refresh(handoff)
    return handoff


def take(
    uow: UnitOfWork, handoff_id: int, username: str, *, now: datetime | None = None
) -> QueueItem:
    """The operator takes a waiting conversation; of two at once, exactly one wins."""
    moment = now or utc_now()
    name = heartbeat(uow, username, now=moment)
    with uow:
        handoff = _claim(uow, handoff_id, WAITING, ASSIGNED, username, name)
        if handoff is None:
            current = uow.session.get(Handoff, handoff_id)
            if current is not None and current.status == ASSIGNED:
                raise HandoffError("assistenza_gia_presa", operatore=current.operator_name or "")
            raise HandoffError("assistenza_non_in_attesa")
        handoff.taken_at = moment
        _event(uow, handoff, "taken", username, moment)
        say(
            uow,
            handoff.conversation_id,
            handoff.channel,
            HANDOFF_TAKEN,
            {"operatore": name},
            now=moment,
        )
        item = _item(handoff)
        uow.commit()
        return item


def _words(text: str, empty: str) -> str:
    """What an operator typed, trimmed and bounded; nothing typed is the error `empty`."""
    words = text.strip()[:MAX_TEXT]
    if not words:
        raise HandoffError(empty)
    return words


def reply(
    uow: UnitOfWork, handoff_id: int, username: str, text: str, *, now: datetime | None = None
) -> None:
    words = _words(text, "messaggio_vuoto")
    moment = now or utc_now()
    with uow:
        handoff = _for_operator(uow, handoff_id, username)
        _event(uow, handoff, "message", username, moment)
        _stop_typing(uow, username)
        say(
            uow,
            handoff.conversation_id,
            handoff.channel,
            OPERATOR_MESSAGE,
            {"operatore": handoff.operator_name, "testo": words},
            now=moment,
        )
        uow.commit()


def send_file(
    uow: UnitOfWork,
    handoff_id: int,
    username: str,
    *,
    storage_name: str,
    original_name: str,
    size: int,
    mime: str,
    now: datetime | None = None,
) -> str:
    """Records a file already written to the store, and tells the doctor; returns its token."""
    moment = now or utc_now()
    with uow:
        handoff = _for_operator(uow, handoff_id, username)
        token = secrets.token_hex(16)
        uow.session.add(
            OperatorFile(
                handoff_id=handoff.id,
                conversation_id=handoff.conversation_id,
                token=token,
                storage_name=storage_name,
                original_name=original_name[:255],
                size=size,
                mime=mime,
                sent_by=username,
                created_at=moment,
            )
        )
        _event(uow, handoff, "file", username, moment, detail=original_name[:255])
        say(
            uow,
            handoff.conversation_id,
            handoff.channel,
            OPERATOR_FILE,
            {
                "operatore": handoff.operator_name,
                "nome": original_name[:255],
                "file": {"name": original_name[:255], "size": size, "mime": mime, "token": token},
            },
            now=moment,
        )
        uow.commit()
        return token


def operator_file(uow: UnitOfWork, conversation_id: str, token: str) -> OperatorFile | None:
    with uow:
        row = uow.session.execute(
            select(OperatorFile).where(
                OperatorFile.token == token, OperatorFile.conversation_id == conversation_id
            )
        ).scalar_one_or_none()
        if row is not None:
            uow.session.expunge(row)
        return row


def _stop_typing(uow: UnitOfWork, username: str) -> None:
    presence = uow.session.get(OperatorPresence, username)
    if presence is not None:
        presence.typing_until = None


def typing(
    uow: UnitOfWork, handoff_id: int, username: str, *, now: datetime | None = None
) -> QueueItem:
    """The operator is writing to the doctor: "sta scrivendo" for a few seconds."""
    moment = now or utc_now()
    heartbeat(uow, username, now=moment)
    with uow:
        handoff = _for_operator(uow, handoff_id, username)
        presence = uow.session.get(OperatorPresence, username)
        assert presence is not None
        presence.typing_handoff_id = handoff.id
        presence.typing_until = moment + TYPING_FOR
        item = _item(handoff)
        uow.commit()
        return item


def add_note(
    uow: UnitOfWork, handoff_id: int, username: str, text: str, *, now: datetime | None = None
) -> None:
    """A note for colleagues, never shown to the doctor."""
    words = _words(text, "nota_vuota")
    moment = now or utc_now()
    with uow:
        handoff = uow.session.get(Handoff, handoff_id)
        if handoff is None:
            raise HandoffError("assistenza_non_trovata")
        _event(uow, handoff, "note", username, moment, detail=words)
        uow.commit()


@dataclass(frozen=True)
class EventView:
    kind: str
    actor: str
    occurred_at: datetime
    detail: str | None


def events(uow: UnitOfWork, conversation_id: str) -> list[EventView]:
    """Every hand-off step of a conversation (notes included), oldest first."""
    with uow:
        rows = uow.session.execute(
            select(HandoffEvent)
            .join(Handoff, Handoff.id == HandoffEvent.handoff_id)
            .where(Handoff.conversation_id == conversation_id)
            .order_by(HandoffEvent.id)
        ).scalars()
        return [EventView(r.kind, r.actor, r.occurred_at, r.detail) for r in rows]


def hand_back(
    uow: UnitOfWork, handoff_id: int, username: str, *, now: datetime | None = None
) -> None:
    """Resolved: the bot answers again, says so, and asks the doctor how it went."""
    moment = now or utc_now()
    with uow:
        handoff = _for_operator(uow, handoff_id, username)
        handoff.status = RESOLVED
        handoff.closed_at = moment
        _stop_typing(uow, username)
        _event(uow, handoff, "resolved", username, moment)
        say(
            uow,
            handoff.conversation_id,
            handoff.channel,
            HANDOFF_RESOLVED,
            {"operatore": handoff.operator_name},
            now=moment,
        )
        uow.commit()


def answer_callback(
    uow: UnitOfWork, handoff_id: int, username: str, text: str, *, now: datetime | None = None
) -> None:
    """The answer to a message left out of hours: in the chat, and by e-mail if asked."""
    words = _words(text, "messaggio_vuoto")
    moment = now or utc_now()
    name = heartbeat(uow, username, now=moment)
    with uow:
        handoff = _claim(uow, handoff_id, CALLBACK, ANSWERED, username, name)
        if handoff is None:
            raise HandoffError("richiamata_gia_evasa")
        handoff.closed_at = moment
        _event(uow, handoff, "callback_answered", username, moment)
        values = {"operatore": name, "testo": words, "handoff_id": handoff.id}
        say(uow, handoff.conversation_id, handoff.channel, CALLBACK_ANSWER, values, now=moment)
        if handoff.reply_email:
            say(uow, handoff.conversation_id, EMAIL_CHANNEL, CALLBACK_ANSWER, values, now=moment)
        uow.commit()
