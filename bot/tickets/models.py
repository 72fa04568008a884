"""Tables of the ticket domain: tickets, their attachments, status history, counters, outbox."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import relationship

from bot.db.base import Base
from bot.db.types import UtcDateTime
from bot.tickets.statuses import ALL_STATUSES

PATHS = ("A", "B", "C")
PURPOSES = ("modulo", "documento_fronte", "documento_retro", "documento")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


class TicketCounter(Base):
    """Last number handed out per year; incremented in the filing transaction, so no gaps."""

    __tablename__ = "ticket_counters"

    year = Column(Integer, primary_key=True, autoincrement=False)
    last_value = Column(Integer, nullable=False, default=0)


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(_one_of("status", ALL_STATUSES), name="status"),
        CheckConstraint(_one_of("path", PATHS), name="path"),
    )

    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    year = Column(Integer, nullable=False)
    sequence = Column(Integer, nullable=False)
    status = Column(String(20), nullable=False)

    categoria = Column(String(200), nullable=False)
    sottocategoria = Column(String(200), nullable=False)
    oggetto = Column(String(200), nullable=False)
    messaggio = Column(Text, nullable=False)

    nome = Column(String(100), nullable=False)
    cognome = Column(String(100), nullable=False)
    codice_fiscale = Column(String(16), nullable=False)
    email = Column(String(254), nullable=False)
    telefono = Column(String(20), nullable=False)
    cap = Column(String(5), nullable=False)
    unita = Column(String(200), nullable=False)
    codice_ditta = Column(String(20), nullable=True)
    numero_caso = Column(String(20), nullable=True)

    path = Column(String(1), nullable=False)
    channel = Column(String(32), nullable=False)
    conversation_id = Column(String(255), nullable=False, index=True)
    idempotency_key = Column(String(128), nullable=False, unique=True)
    created_at = Column(UtcDateTime, nullable=False)
    updated_at = Column(UtcDateTime, nullable=False)

    attachments = relationship("Attachment", back_populates="ticket", order_by="Attachment.id")
    events = relationship(
        "StatusEvent",
        back_populates="ticket",
        order_by="StatusEvent.id",
        cascade="all, delete-orphan",
    )


class Attachment(Base):
    """A stored upload; belongs to a conversation first, to a ticket once the ticket is filed."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint(_one_of("purpose", PURPOSES), name="purpose"),
        Index("ix_attachments_conversation_purpose", "conversation_id", "purpose"),
    )

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=True, index=True)
    conversation_id = Column(String(255), nullable=False)
    purpose = Column(String(32), nullable=False)
    storage_name = Column(String(64), nullable=False, unique=True)
    size = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)
    sniffed_type = Column(String(100), nullable=False)
    original_name = Column(String(255), nullable=True)
    check_results = Column(Text, nullable=False, default="{}")
    accepted = Column(Boolean, nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    superseded_at = Column(UtcDateTime, nullable=True)

    ticket = relationship("Ticket", back_populates="attachments")


class StatusEvent(Base):
    """One line of a ticket's history: who moved it from where to where, when and why."""

    __tablename__ = "status_events"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False, index=True)
    from_status = Column(String(20), nullable=True)
    to_status = Column(String(20), nullable=False)
    actor = Column(String(100), nullable=False)
    occurred_at = Column(UtcDateTime, nullable=False)
    reason = Column(Text, nullable=True)

    ticket = relationship("Ticket", back_populates="events")


class OutboxMessage(Base):
    """Something to say into a conversation after commit, in order per (channel, conversation).

    Written by `outbox.say` only: status changes (with their ticket), hand-off notices and
    operators' messages (without one). `kind` names the notice (bot/notify/notices.yml).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "sent_at", "abandoned_at", "next_attempt_at"),
        Index("ix_outbox_conversation", "channel", "conversation_id", "id"),
    )

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=True, index=True)
    channel = Column(String(32), nullable=False)
    conversation_id = Column(String(255), nullable=False)
    kind = Column(String(32), nullable=False)
    payload = Column(Text, nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UtcDateTime, nullable=False)
    claimed_by = Column(String(100), nullable=True)
    claimed_until = Column(UtcDateTime, nullable=True)
    sent_at = Column(UtcDateTime, nullable=True)
    abandoned_at = Column(UtcDateTime, nullable=True)
    last_error = Column(Text, nullable=True)
