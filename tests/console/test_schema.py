"""The console's migration creates exactly its models' tables, beside the ticket tables."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

import bot.web.console.models  # noqa: F401  (registers the console tables)
from bot.db.base import Base
from bot.db.engine import create_db_engine
from bot.db.schema import include_name

CONSOLE_TABLES = {
    "staff_users", "login_throttle", "audit_log", "conversation_reviews", "conversation_tags",
    "training_examples", "attachment_deletions",
}  # fmt: skip


def test_console_tables_match_their_models(console_env):
    engine = create_db_engine(console_env.database_url)
    try:
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) >= CONSOLE_TABLES
            context = MigrationContext.configure(
                connection, opts={"include_name": include_name, "compare_type": True}
            )
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
