"""Tickets, attachments, status events, ticket counters and the notification outbox.

Timestamps are naive UTC (bot.db.types.UtcDateTime); `events` belongs to Rasa and is not ours.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_ticket_counters")),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("categoria", sa.String(length=200), nullable=False),
        sa.Column("sottocategoria", sa.String(length=200), nullable=False),
        sa.Column("oggetto", sa.String(length=200), nullable=False),
        sa.Column("messaggio", sa.Text(), nullable=False),
        sa.Column("nome", sa.String(length=100), nullable=False),
        sa.Column("cognome", sa.String(length=100), nullable=False),
        sa.Column("codice_fiscale", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("telefono", sa.String(length=20), nullable=False),
        sa.Column("cap", sa.String(length=5), nullable=False),
        sa.Column("unita", sa.String(length=200), nullable=False),
        sa.Column("codice_ditta", sa.String(length=20), nullable=True),
        sa.Column("numero_caso", sa.String(length=20), nullable=True),
        sa.Column("path", sa.String(length=1), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("idempotency_key", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("path IN ('A', 'B', 'C')", name=op.f("ck_tickets_path")),
        sa.CheckConstraint(
            "status IN ('ricevuta', 'in_lavorazione', 'da_integrare', 'accolta', 'respinta')",
            name=op.f("ck_tickets_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_tickets_idempotency_key")),
        sa.UniqueConstraint("number", name=op.f("uq_tickets_number")),
    )
    op.create_index(
        op.f("ix_tickets_conversation_id"), "tickets", ["conversation_id"], unique=False
    )

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("storage_name", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("sniffed_type", sa.String(length=100), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=True),
        sa.Column("check_results", sa.Text(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('modulo', 'documento_fronte', 'documento_retro', 'documento')",
            name=op.f("ck_attachments_purpose"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_attachments_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_attachments_storage_name")),
    )
    op.create_index(
        "ix_attachments_conversation_purpose",
        "attachments",
        ["conversation_id", "purpose"],
        unique=False,
    )
    op.create_index(op.f("ix_attachments_ticket_id"), "attachments", ["ticket_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("abandoned_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_outbox_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index(
        "ix_outbox_conversation", "outbox", ["channel", "conversation_id", "id"], unique=False
    )
    op.create_index(
        "ix_outbox_pending", "outbox", ["sent_at", "abandoned_at", "next_attempt_at"], unique=False
    )
    op.create_index(op.f("ix_outbox_ticket_id"), "outbox", ["ticket_id"], unique=False)

    op.create_table(
        "status_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_status_events_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_events")),
    )
    op.create_index(
        op.f("ix_status_events_ticket_id"), "status_events", ["ticket_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_status_events_ticket_id"), table_name="status_events")

    op.drop_table("status_events")
    op.drop_index(op.f("ix_outbox_ticket_id"), table_name="outbox")
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.drop_index("ix_outbox_conversation", table_name="outbox")

    op.drop_table("outbox")
    op.drop_index(op.f("ix_attachments_ticket_id"), table_name="attachments")
    op.drop_index("ix_attachments_conversation_purpose", table_name="attachments")

    op.drop_table("attachments")
    op.drop_index(op.f("ix_tickets_conversation_id"), table_name="tickets")

    op.drop_table("tickets")
    op.drop_table("ticket_counters")
