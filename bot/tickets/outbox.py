"""The outbox: what is said into a conversation, queued by `say`, delivered by the notifier.

`say(uow, conversation_id, channel, kind, values)` is the one way anything outside the dialogue
speaks to a doctor (a status change, an operator's message, a hand-off notice): a row written
in the caller's transaction, so it goes out only if the change it reports was committed.

Delivering: claim, send, then mark sent or failed.

A notifier loop (any number of processes):

    for message in claim_notifications(uow, worker_id):
        try:
            deliver(message)          # Telegram, e-mail, widget...
        except Exception as error:
            mark_notification_failed(uow, message.id, worker_id, str(error))
        else:
            mark_notification_sent(uow, message.id, worker_id)

Only the oldest undelivered message of each (channel, conversation) can be claimed, so a doctor
gets the notifications in order. A claim is a lease: if the worker dies, another worker claims the
message again after `lease` — delivery is at least once, and `message.id` lets the receiver drop a
duplicate. A message that keeps failing is retried with exponential backoff and, after
`max_attempts`, abandoned (kept, with its last error, for staff), letting the next one go.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update

from bot.db.types import utc_now
from bot.logging_setup import redact
from bot.tickets.models import OutboxMessage
from bot.tickets.unit_of_work import UnitOfWork

DEFAULT_LEASE = timedelta(minutes=2)
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
DEFAULT_MAX_ATTEMPTS = 10
_MAX_ERROR_LENGTH = 1000


@dataclass(frozen=True)
class Notification:
    id: int
    ticket_id: int | None
    channel: str
    conversation_id: str
    kind: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime


def say(
    uow: UnitOfWork,
    conversation_id: str,
    channel: str,
    kind: str,
    values: dict[str, Any],
    *,
    ticket_id: int | None = None,
    now: datetime | None = None,
) -> OutboxMessage:
    """Queues one notice for the conversation on `channel`, inside the caller's transaction."""
    moment = now or utc_now()
    message = OutboxMessage(
        ticket_id=ticket_id,
        channel=channel,
        conversation_id=conversation_id,
        kind=kind,
        payload=json.dumps(values, ensure_ascii=False),
        created_at=moment,
        attempts=0,
        next_attempt_at=moment,
    )
    uow.outbox.add(message)
    return message


def claim_notifications(
    uow: UnitOfWork,
    worker_id: str,
    *,
    limit: int = 20,
    lease: timedelta = DEFAULT_LEASE,
    now: datetime | None = None,
) -> list[Notification]:
    """Lease up to `limit` due messages, at most one per conversation, oldest first."""
    moment = now or utc_now()
    with uow:
        claimed: list[Notification] = []
        for message_id in uow.outbox.claimable(moment, limit):
            if not uow.outbox.claim(message_id, worker_id, moment, moment + lease):
                continue
            message = uow.outbox.get_claimed(message_id, worker_id)
            if message is not None:
                claimed.append(_notification(message))
        uow.commit()
        return claimed


def mark_notification_sent(
    uow: UnitOfWork, message_id: int, worker_id: str, *, now: datetime | None = None
) -> bool:
    """False if the lease was lost meanwhile (another worker owns the message now)."""
    with uow:
        result = uow.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.claimed_by == worker_id,
                OutboxMessage.sent_at.is_(None),
            )
            .values(sent_at=now or utc_now(), claimed_until=None, last_error=None)
            .execution_options(synchronize_session=False)
        )
        uow.commit()
        return result.rowcount == 1


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at one hour."""
    exponent = min(max(attempts - 1, 0), 20)  # 2**20 * 30 s is far past the cap already
    return min(BACKOFF_BASE * 2**exponent, BACKOFF_MAX)


def mark_notification_failed(
    uow: UnitOfWork,
    message_id: int,
    worker_id: str,
    error: str,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    now: datetime | None = None,
) -> bool:
    """Release the lease and schedule a retry, or abandon the message after `max_attempts`."""
    moment = now or utc_now()
    with uow:
        message = uow.outbox.get_claimed(message_id, worker_id)
        if message is None:
            return False
        message.claimed_until = None
        message.last_error = redact(error)[:_MAX_ERROR_LENGTH]  # as in the logs: no secrets, no PII
        if message.attempts >= max_attempts:
            message.abandoned_at = moment
        else:
            message.next_attempt_at = moment + retry_delay(message.attempts)
        uow.commit()
        return True


def _notification(message: OutboxMessage) -> Notification:
    return Notification(
        id=message.id,
        ticket_id=message.ticket_id,
        channel=message.channel,
        conversation_id=message.conversation_id,
        kind=message.kind,
        payload=json.loads(message.payload),
        attempts=message.attempts,
        created_at=message.created_at,
    )
