"""Bring the database schema to the latest revision; safe to call from every process at start-up.

Concurrent callers are serialised by the database itself: PostgreSQL with a transaction-level
advisory lock, SQLite with the write lock that BEGIN IMMEDIATE takes. The whole upgrade runs in that
one transaction (both databases have transactional DDL), so the losers of the race find the schema
already at head and do nothing.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.db.engine import create_db_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "bot_alembic_version"
# Any constant bigint; it only has to differ from other advisory locks used on the same database.
_PG_MIGRATION_LOCK_KEY = 7_312_026_220_206
_MIGRATION_BUSY_TIMEOUT_MS = 120_000


def alembic_config(url: str, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(url: str | None = None) -> None:
    """Apply every pending migration to the database at `url` (default: DATABASE_URL)."""
    if url is None:
        from bot.config import get_settings

        url = get_settings().database_url
    engine = create_db_engine(url, busy_timeout_ms=_MIGRATION_BUSY_TIMEOUT_MS)
    try:
        with engine.connect() as connection, connection.begin():
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK_KEY}
                )
            command.upgrade(alembic_config(url, connection), "head")
    finally:
        engine.dispose()
