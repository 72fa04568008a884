"""Tables of the hand-off: one row per request for a person, its events, operators' presence,
and the files operators send to doctors."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Text, text

from bot.db.base import Base
from bot.db.types import UtcDateTime

WAITING = "waiting"
ASSIGNED = "assigned"
RESOLVED = "resolved"
CANCELLED = "cancelled"
CALLBACK = "callback"  # a message left for an operator, not answered yet
ANSWERED = "answered"  # a callback answered
STATUSES = (WAITING, ASSIGNED, RESOLVED, CANCELLED, CALLBACK, ANSWERED)
OPEN_LIVE = (WAITING, ASSIGNED)

LIVE = "live"
CALLBACK_KIND = "callback"

UP = "up"
DOWN = "down"


class Handoff(Base):
    __tablename__ = "handoffs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('waiting', 'assigned', 'resolved', 'cancelled', 'callback', 'answered')",
            name="status",
        ),
        CheckConstraint("kind IN ('live', 'callback')", name="kind"),
        CheckConstraint("rating IS NULL OR rating IN ('up', 'down')", name="rating"),
        # One open live hand-off per conversation, whoever asks and however often.
        Index(
            "uq_handoffs_open_conversation",
            "conversation_id",
            unique=True,
            sqlite_where=text("status IN ('waiting', 'assigned')"),
            postgresql_where=text("status IN ('waiting', 'assigned')"),
        ),
        Index("ix_handoffs_status_requested", "status", "requested_at"),
    )

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    kind = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False)
    requested_at = Column(UtcDateTime, nullable=False)
    taken_at = Column(UtcDateTime, nullable=True)
    closed_at = Column(UtcDateTime, nullable=True)
    operator = Column(String(64), nullable=True)  # the staff username
    operator_name = Column(String(64), nullable=True)  # as the doctor reads it
    rating = Column(String(8), nullable=True)
    comment = Column(Text, nullable=True)
    # A callback: what the doctor wrote, and where the answer goes (None: in the chat).
    message = Column(Text, nullable=True)
    reply_email = Column(String(254), nullable=True)


class HandoffEvent(Base):
    """Every step of a hand-off: who did what, when (notes carry their text)."""

    __tablename__ = "handoff_events"

    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id"), nullable=False, index=True)
    kind = Column(String(32), nullable=False)
    actor = Column(String(64), nullable=False)
    occurred_at = Column(UtcDateTime, nullable=False)
    detail = Column(Text, nullable=True)


class OperatorPresence(Base):
    """An operator with the console open (heartbeat), the name doctors see, and typing."""

    __tablename__ = "operator_presence"

    username = Column(String(64), primary_key=True)
    display_name = Column(String(64), nullable=False)
    last_seen = Column(UtcDateTime, nullable=False)
    typing_handoff_id = Column(Integer, nullable=True)
    typing_until = Column(UtcDateTime, nullable=True)


class OperatorFile(Base):
    """A file an operator sent to a doctor; the doctor downloads it with its random token."""

    __tablename__ = "operator_files"

    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id"), nullable=False, index=True)
    conversation_id = Column(String(255), nullable=False)
    token = Column(String(32), nullable=False, unique=True)
    storage_name = Column(String(64), nullable=False, unique=True)
    original_name = Column(String(255), nullable=False)
    size = Column(Integer, nullable=False)
    mime = Column(String(100), nullable=False)
    sent_by = Column(String(64), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
