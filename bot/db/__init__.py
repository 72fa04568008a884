"""Database access shared by every process: one engine and session factory per URL, migrations."""

from bot.db.base import Base
from bot.db.engine import create_db_engine, get_engine, session_factory
from bot.db.migrate import upgrade_to_head

__all__ = ["Base", "create_db_engine", "get_engine", "session_factory", "upgrade_to_head"]
