"""Hand-off to a person: requests and their events, operators' presence and files; outbox rows
without a ticket (hand-off notices and operators' messages go through the outbox too).

Revision ID: 0004_handoff
Revises: 0003_telegram
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_handoff"
down_revision = "0003_telegram"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('waiting', 'assigned')")


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("ticket_id", existing_type=sa.Integer(), nullable=True)
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("operator", sa.String(length=64), nullable=True),
        sa.Column("operator_name", sa.String(length=64), nullable=True),
        sa.Column("rating", sa.String(length=8), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("reply_email", sa.String(length=254), nullable=True),
        sa.CheckConstraint(
            "status IN ('waiting', 'assigned', 'resolved', 'cancelled', 'callback', 'answered')",
            name=op.f("ck_handoffs_status"),
        ),
        sa.CheckConstraint("kind IN ('live', 'callback')", name=op.f("ck_handoffs_kind")),
        sa.CheckConstraint(
            "rating IS NULL OR rating IN ('up', 'down')", name=op.f("ck_handoffs_rating")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
    )
    op.create_index("ix_handoffs_conversation_id", "handoffs", ["conversation_id"])
    op.create_index("ix_handoffs_status_requested", "handoffs", ["status", "requested_at"])
    op.create_index(
        "uq_handoffs_open_conversation",
        "handoffs",
        ["conversation_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )
    op.create_table(
        "handoff_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoffs.id"], name=op.f("fk_handoff_events_handoff_id_handoffs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_events")),
    )
    op.create_index("ix_handoff_events_handoff_id", "handoff_events", ["handoff_id"])
    op.create_table(
        "operator_presence",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=64), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("typing_handoff_id", sa.Integer(), nullable=True),
        sa.Column("typing_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_operator_presence")),
    )
    op.create_table(
        "operator_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("storage_name", sa.String(length=64), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("sent_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoffs.id"], name=op.f("fk_operator_files_handoff_id_handoffs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator_files")),
        sa.UniqueConstraint("token", name=op.f("uq_operator_files_token")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_operator_files_storage_name")),
    )
    op.create_index("ix_operator_files_handoff_id", "operator_files", ["handoff_id"])


def downgrade() -> None:
    op.drop_table("operator_files")
    op.drop_table("operator_presence")
    op.drop_index("ix_handoff_events_handoff_id", table_name="handoff_events")
    op.drop_table("handoff_events")
    op.drop_index("uq_handoffs_open_conversation", table_name="handoffs")
    op.drop_index("ix_handoffs_status_requested", table_name="handoffs")
    op.drop_index("ix_handoffs_conversation_id", table_name="handoffs")
    op.drop_table("handoffs")
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("ticket_id", existing_type=sa.Integer(), nullable=False)
