"""The console's own tables: staff users, login throttling, audit log, conversation reviews,
training examples sent from transcripts, and the record of attachments deleted by retention."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)

from bot.db.base import Base
from bot.db.types import UtcDateTime

ADMIN = "admin"
OPERATORE = "operatore"
REVISORE = "revisore"
ROLES = (ADMIN, OPERATORE, REVISORE)


class StaffUser(Base):
    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'operatore', 'revisore')", name="role"),)

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    role = Column(String(20), nullable=False)
    password_hash = Column(String(255), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    # Part of every session cookie; changing it (logout, disable, new password) ends all sessions.
    session_nonce = Column(String(32), nullable=False)
    created_at = Column(UtcDateTime, nullable=False)
    last_login_at = Column(UtcDateTime, nullable=True)


class LoginThrottle(Base):
    """Failed logins per subject ("user:<name>" or "ip:<address>") and the lock they lead to."""

    __tablename__ = "login_throttle"

    subject = Column(String(200), primary_key=True)
    failures = Column(Integer, nullable=False, default=0)
    first_failure_at = Column(UtcDateTime, nullable=False)
    locked_until = Column(UtcDateTime, nullable=True)


class AuditEntry(Base):
    """Who looked at or exported what, when, from where."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    occurred_at = Column(UtcDateTime, nullable=False, index=True)
    actor = Column(String(64), nullable=False)
    action = Column(String(40), nullable=False)
    ticket_number = Column(String(20), nullable=True)
    attachment_id = Column(Integer, nullable=True)
    ip = Column(String(64), nullable=False)
    detail = Column(Text, nullable=True)


class ConversationReview(Base):
    __tablename__ = "conversation_reviews"

    # Rasa's name for the column; ours for the attribute (bot/conversation_ids.py).
    conversation_id = Column("sender_id", String(255), primary_key=True)
    note = Column(Text, nullable=True)
    reviewed_at = Column(UtcDateTime, nullable=True)
    reviewed_by = Column(String(64), nullable=True)
    updated_at = Column(UtcDateTime, nullable=False)


class ConversationTag(Base):
    __tablename__ = "conversation_tags"
    __table_args__ = (
        UniqueConstraint("sender_id", "tag", name="uq_conversation_tags_sender_id_tag"),
    )

    id = Column(Integer, primary_key=True)
    conversation_id = Column("sender_id", String(255), nullable=False, index=True)
    tag = Column(String(50), nullable=False)
    added_by = Column(String(64), nullable=False)
    added_at = Column(UtcDateTime, nullable=False)


class TrainingExample(Base):
    """A user message sent to training data from a transcript (also written to a review file)."""

    __tablename__ = "training_examples"
    __table_args__ = (
        UniqueConstraint("sender_id", "event_id", name="uq_training_examples_sender_id_event_id"),
    )

    id = Column(Integer, primary_key=True)
    conversation_id = Column("sender_id", String(255), nullable=False, index=True)
    event_id = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)
    intent = Column(String(100), nullable=False)
    added_by = Column(String(64), nullable=False)
    added_at = Column(UtcDateTime, nullable=False)


class AttachmentDeletion(Base):
    """The file of this attachment was deleted (retention); the attachment row stays."""

    __tablename__ = "attachment_deletions"

    attachment_id = Column(Integer, ForeignKey("attachments.id"), primary_key=True)
    deleted_at = Column(UtcDateTime, nullable=False)
    reason = Column(String(40), nullable=False)
