"""The tickets database: a committed ticket survives a power loss, and only its owner reads it."""

from __future__ import annotations

import os
import stat

from sqlalchemy import text

from bot.db.engine import create_db_engine


def test_sqlite_runs_with_synchronous_full_in_a_private_file(tmp_path) -> None:
    previous = os.umask(0o022)  # as a careless shell would leave it
    database = tmp_path / "var" / "bot.db"
    engine = create_db_engine(f"sqlite:///{database}")
    try:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()
        os.umask(previous)
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700
    for companion in (tmp_path / "var").glob("bot.db-*"):
        assert stat.S_IMODE(companion.stat().st_mode) == 0o600


def test_an_existing_world_readable_database_is_made_private(tmp_path) -> None:
    database = tmp_path / "bot.db"
    database.touch(mode=0o644)
    os.chmod(database, 0o644)
    engine = create_db_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
