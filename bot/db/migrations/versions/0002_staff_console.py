"""Staff console: users, login throttling, audit log, conversation reviews and tags, training
examples, attachments deleted by retention.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_nonce", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'operatore', 'revisore')", name=op.f("ck_staff_users_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_users")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_users_username")),
    )
    op.create_table(
        "login_throttle",
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("subject", name=op.f("pk_login_throttle")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("ticket_number", sa.String(length=20), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_occurred_at"), "audit_log", ["occurred_at"], unique=False)
    op.create_table(
        "conversation_reviews",
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sender_id", name=op.f("pk_conversation_reviews")),
    )
    op.create_table(
        "conversation_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("tag", sa.String(length=50), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_tags")),
        sa.UniqueConstraint("sender_id", "tag", name="uq_conversation_tags_sender_id_tag"),
    )
    op.create_index(
        op.f("ix_conversation_tags_sender_id"), "conversation_tags", ["sender_id"], unique=False
    )
    op.create_table(
        "training_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("intent", sa.String(length=100), nullable=False),
        sa.Column("added_by", sa.String(length=64), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_examples")),
        sa.UniqueConstraint(
            "sender_id", "event_id", name="uq_training_examples_sender_id_event_id"
        ),
    )
    op.create_index(
        op.f("ix_training_examples_sender_id"), "training_examples", ["sender_id"], unique=False
    )
    op.create_table(
        "attachment_deletions",
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["attachment_id"],
            ["attachments.id"],
            name=op.f("fk_attachment_deletions_attachment_id_attachments"),
        ),
        sa.PrimaryKeyConstraint("attachment_id", name=op.f("pk_attachment_deletions")),
    )


def downgrade() -> None:
    op.drop_table("attachment_deletions")
    op.drop_index(op.f("ix_training_examples_sender_id"), table_name="training_examples")
    op.drop_table("training_examples")
    op.drop_index(op.f("ix_conversation_tags_sender_id"), table_name="conversation_tags")
    op.drop_table("conversation_tags")
    op.drop_table("conversation_reviews")
    op.drop_index(op.f("ix_audit_log_occurred_at"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("login_throttle")
    op.drop_table("staff_users")
