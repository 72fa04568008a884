import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.db import upgrade_to_head
from bot.db.base import Base
from bot.db.engine import create_db_engine
from bot.db.migrate import VERSION_TABLE
from bot.db.schema import include_name, target_metadata

TICKET_TABLES = {"tickets", "ticket_counters", "attachments", "status_events", "outbox"}
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _our_tables() -> set[str]:
    """Every table of our models (tickets, console, Telegram, notifier) and Alembic's own."""
    tables = set(target_metadata().tables)
    assert tables >= TICKET_TABLES
    return tables | {VERSION_TABLE}


def _tables(url: str) -> set[str]:
    engine = create_db_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_empty_database_is_migrated_to_head(db_url: str) -> None:
    upgrade_to_head(db_url)
    assert _tables(db_url) == _our_tables()


def test_upgrading_twice_changes_nothing(db_url: str) -> None:
    upgrade_to_head(db_url)
    upgrade_to_head(db_url)
    engine = create_db_engine(db_url)
    with engine.connect() as connection:
        versions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    engine.dispose()
    assert len(versions) == 1


def test_migrations_match_the_models_and_ignore_rasas_events_table(db_url: str) -> None:
    engine = create_db_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, data TEXT)"))
        connection.execute(text("INSERT INTO events (id, data) VALUES (1, 'rasa')"))
    upgrade_to_head(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": include_name, "compare_type": True}
        )
        differences = compare_metadata(context, Base.metadata)
        rasa_rows = connection.execute(text("SELECT data FROM events")).scalars().all()
    engine.dispose()
    assert differences == []
    assert rasa_rows == ["rasa"]


def test_several_processes_can_migrate_at_once(db_url: str) -> None:
    script = "import sys; from bot.db import upgrade_to_head; upgrade_to_head(sys.argv[1])"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, db_url],
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    results = [(process.wait(timeout=120), process.stderr.read()) for process in processes]
    assert [code for code, _ in results] == [0, 0, 0, 0], results
    assert _tables(db_url) == _our_tables()


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'x.db'}", busy_timeout_ms=1234)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
