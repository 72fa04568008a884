"""Telegram bridge (updates seen, offered buttons) and the notifier's delivery receipts.

Revision ID: 0003_telegram
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_telegram"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "telegram_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_telegram_updates")),
    )
    op.create_index(
        "ix_telegram_updates_state_chat",
        "telegram_updates",
        ["state", "chat_id", "update_id"],
        unique=False,
    )
    op.create_table(
        "telegram_keyboards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("chosen_button_id", sa.Integer(), nullable=True),
        sa.Column("chosen_update_id", sa.BigInteger(), nullable=True),
        sa.Column("chosen_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telegram_keyboards")),
    )
    op.create_table(
        "telegram_buttons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("keyboard_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["keyboard_id"],
            ["telegram_keyboards.id"],
            name=op.f("fk_telegram_buttons_keyboard_id_telegram_keyboards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_telegram_buttons")),
    )
    op.create_index(
        "ix_telegram_buttons_keyboard_id", "telegram_buttons", ["keyboard_id"], unique=False
    )
    op.create_table(
        "notification_deliveries",
        sa.Column("notification_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("receipt", sa.String(length=100), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("notification_id", name=op.f("pk_notification_deliveries")),
    )


def downgrade() -> None:
    op.drop_table("notification_deliveries")
    op.drop_index("ix_telegram_buttons_keyboard_id", table_name="telegram_buttons")
    op.drop_table("telegram_buttons")
    op.drop_table("telegram_keyboards")
    op.drop_index("ix_telegram_updates_state_chat", table_name="telegram_updates")
    op.drop_table("telegram_updates")
