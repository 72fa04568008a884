"""Repositories: the only place that writes SQL for tickets, attachments and the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from bot.tickets.models import Attachment, OutboxMessage, Ticket, TicketCounter


class TicketRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, ticket: Ticket) -> None:
        self.session.add(ticket)

    def get_by_number(self, number: str, *, for_update: bool = False) -> Ticket | None:
        statement = select(Ticket).where(Ticket.number == number)
        if for_update:
            statement = statement.with_for_update()
        return self.session.execute(statement).scalar_one_or_none()

    def get_by_idempotency_key(self, key: str) -> Ticket | None:
        statement = select(Ticket).where(Ticket.idempotency_key == key)
        return self.session.execute(statement).scalar_one_or_none()

    def for_conversation(self, conversation_id: str) -> list[Ticket]:
        statement = (
            select(Ticket)
            .where(Ticket.conversation_id == conversation_id)
            .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        )
        return list(self.session.execute(statement).scalars())

    def list(self, *, status: str | None = None, limit: int = 50, offset: int = 0) -> list[Ticket]:
        statement = select(Ticket).order_by(Ticket.id.desc()).limit(limit).offset(offset)
        if status is not None:
            statement = statement.where(Ticket.status == status)
        return list(self.session.execute(statement).scalars())

    def next_sequence(self, year: int) -> int:
        """Increment the year's counter inside the caller's transaction and return the new value.

        The UPDATE locks the counter row until commit (PostgreSQL row lock, SQLite write lock), so
        concurrent filings queue here, and a rolled-back filing gives its number back.
        """
        insert = (
            postgresql.insert if self.session.bind.dialect.name == "postgresql" else sqlite.insert
        )
        self.session.execute(
            insert(TicketCounter)
            .values(year=year, last_value=0)
            .on_conflict_do_nothing(index_elements=[TicketCounter.year])
        )
        self.session.execute(
            update(TicketCounter)
            .where(TicketCounter.year == year)
            .values(last_value=TicketCounter.last_value + 1)
        )
        statement = select(TicketCounter.last_value).where(TicketCounter.year == year)
        return int(self.session.execute(statement).scalar_one())


class AttachmentRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, attachment: Attachment) -> None:
        self.session.add(attachment)

    def get_by_storage_name(self, storage_name: str) -> Attachment | None:
        statement = select(Attachment).where(Attachment.storage_name == storage_name)
        return self.session.execute(statement).scalar_one_or_none()

    def pending_for_conversation(self, conversation_id: str) -> list[Attachment]:
        """Accepted files of the conversation not yet on a ticket: the latest one per purpose."""
        statement = (
            select(Attachment)
            .where(
                Attachment.conversation_id == conversation_id,
                Attachment.ticket_id.is_(None),
                Attachment.accepted.is_(True),
                Attachment.superseded_at.is_(None),
            )
            .order_by(Attachment.id)
        )
        latest: dict[str, Attachment] = {}
        for attachment in self.session.execute(statement).scalars():
            latest[attachment.purpose] = attachment
        return sorted(latest.values(), key=lambda item: item.id)

    def supersede_pending(self, conversation_id: str, purpose: str, now: datetime) -> None:
        """Mark the conversation's earlier unfiled files for `purpose` as replaced."""
        self.session.execute(
            update(Attachment)
            .where(
                Attachment.conversation_id == conversation_id,
                Attachment.purpose == purpose,
                Attachment.ticket_id.is_(None),
                Attachment.superseded_at.is_(None),
            )
            .values(superseded_at=now)
        )

    def supersede_on_ticket(self, ticket_id: int, purposes: Sequence[str], now: datetime) -> None:
        """Mark the ticket's current files for these purposes as replaced by a resubmission."""
        self.session.execute(
            update(Attachment)
            .where(
                Attachment.ticket_id == ticket_id,
                Attachment.purpose.in_(list(purposes)),
                Attachment.superseded_at.is_(None),
            )
            .values(superseded_at=now)
        )


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, message: OutboxMessage) -> None:
        self.session.add(message)

    def claimable(self, now: datetime, limit: int) -> list[int]:
        """Ids of the first undelivered message of each conversation, if due and not leased.

        Only a conversation's head is ever claimable, so its messages go out in order; on
        PostgreSQL rows another worker is claiming right now are skipped, not waited for.
        """
        earlier = aliased(OutboxMessage)
        head_id = (
            select(func.min(earlier.id))
            .where(
                earlier.channel == OutboxMessage.channel,
                earlier.conversation_id == OutboxMessage.conversation_id,
                earlier.sent_at.is_(None),
                earlier.abandoned_at.is_(None),
            )
            .scalar_subquery()
        )
        statement = (
            select(OutboxMessage.id)
            .where(
                OutboxMessage.id == head_id,
                OutboxMessage.next_attempt_at <= now,
                _lease_free(now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        if self.session.bind.dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        return list(self.session.execute(statement).scalars())

    def claim(self, message_id: int, worker_id: str, now: datetime, lease_until: datetime) -> bool:
        """Conditional claim: succeeds only if the message is still pending and unleased."""
        result = self.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.abandoned_at.is_(None),
                _lease_free(now),
            )
            .values(
                claimed_by=worker_id,
                claimed_until=lease_until,
                attempts=OutboxMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    def get_claimed(self, message_id: int, worker_id: str) -> OutboxMessage | None:
        statement = select(OutboxMessage).where(
            OutboxMessage.id == message_id,
            OutboxMessage.claimed_by == worker_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.abandoned_at.is_(None),
        )
        return self.session.execute(statement).scalar_one_or_none()

    def pending_count(self) -> int:
        statement = select(func.count(OutboxMessage.id)).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.abandoned_at.is_(None)
        )
        return int(self.session.execute(statement).scalar_one())


def _lease_free(now: datetime) -> ColumnElement[bool]:
    return or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)
