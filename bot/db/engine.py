"""One engine and one session factory per database URL.

SQLite (the default, in var/) gets WAL, `synchronous = FULL` (a committed ticket survives a power
loss: its number may already be in the doctor's hands), a busy timeout and foreign keys on every
connection, a few connections kept open (SQLAlchemy 1.4 would open the file again, pragmas and
all, for every unit of work), and starts every transaction with BEGIN IMMEDIATE: writers queue
on the busy timeout instead of failing with "database is locked" when a read transaction tries
to become a write one.
Transactions that only read (a `UnitOfWork(read_only=True)`, execution option `READ_ONLY`) start
with a deferred BEGIN instead, with `PRAGMA query_only` on: in WAL mode they read a snapshot
without waiting for a writer, and cannot write.
The database file and its WAL files are readable by their owner only (0600), in a 0700 directory.
PostgreSQL (`postgres_engine`, here and in Rasa's tracker store): a pooled connection is checked
with a round trip before use only when it has been idle for `PING_AFTER_IDLE_S` (the pool hands
out the most recently used one first, so under load few are), and read-only work (execution
option `READ_ONLY`) runs in autocommit, without BEGIN and ROLLBACK: at PostgreSQL's READ COMMITTED
every statement reads its own snapshot either way. A turn under load sent about 29 statements to
PostgreSQL, half of them these checks and transaction brackets. After a server restart, idle
connections fail their check and are replaced before use; a connection used within the last
`PING_AFTER_IDLE_S` fails its request once (503, "riprovare"), and the pool is renewed.
SQL parameters (personal data) are kept out of error messages and logs.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

DEFAULT_BUSY_TIMEOUT_MS = 15_000
# How a SQLite file's connections are pooled (here and in Rasa's tracker store): a few kept
# open with their pragmas; SQLAlchemy 1.4 would open the file again for every use.
SQLITE_FILE_POOL: dict[str, Any] = {"poolclass": QueuePool, "pool_size": 4, "max_overflow": 8}

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


SYNCHRONOUS = "FULL"  # `make bench` measures it against NORMAL
READ_ONLY = "inail_read_only"  # execution option of a connection whose transaction only reads
PING_AFTER_IDLE_S = 1.0  # a pooled PostgreSQL connection idle this long is checked before use
_CHECKED_IN_AT = "inail_checked_in_at"


def postgres_engine(url: Any, **kwargs: Any) -> Engine:
    """An engine for a PostgreSQL URL whose idle connections are checked before use."""
    engine = create_engine(url, hide_parameters=True, pool_use_lifo=True, **kwargs)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY):
            # No transaction is open yet (psycopg2 sends BEGIN with the first statement).
            connection.connection.dbapi_connection.autocommit = True

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection: Any, record: Any) -> None:
        if (
            dbapi_connection is not None
            and not dbapi_connection.closed
            and dbapi_connection.autocommit
        ):
            dbapi_connection.autocommit = False  # back from read-only work
        if record is not None:
            record.info[_CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at < PING_AFTER_IDLE_S:
            return  # just opened, or in use a moment ago
        if not engine.dialect.do_ping(dbapi_connection):  # SQLAlchemy's own pre-ping
            # As SQLAlchemy's pre-ping does: every connection older than now is renewed (the
            # server restarted, most likely), and this checkout opens a new one.
            raise exc.InvalidatePoolError("the server closed an idle connection")

    return engine


def create_db_engine(
    url: str, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS, synchronous: str = SYNCHRONOUS
) -> Engine:
    """A new engine for `url`; prefer `get_engine`, which shares one per URL in the process."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return postgres_engine(url, future=True)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)

    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    pooling: dict[str, Any] = {}
    if not in_memory:
        Path(database).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        pooling = SQLITE_FILE_POOL
    engine = create_engine(
        url,
        future=True,
        hide_parameters=True,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        **pooling,
    )
    if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise ValueError(f"unknown synchronous level {synchronous!r}")
    _configure_sqlite(
        engine,
        busy_timeout_ms=busy_timeout_ms,
        wal=not in_memory,
        synchronous=synchronous,
        path=None if in_memory else database,
    )
    return engine


PRIVATE_FILE = 0o600
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def make_private(database: str) -> None:
    """The database file and its companions: owner read/write only."""
    for suffix in SQLITE_SUFFIXES:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(database + suffix, PRIVATE_FILE)


def _configure_sqlite(
    engine: Engine, *, busy_timeout_ms: int, wal: bool, synchronous: str, path: str | None
) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (the "begin" hook below) own transactions, not the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if wal:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA synchronous = {synchronous}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()
        if path is not None:
            make_private(path)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # `info` belongs to the pooled DBAPI connection: it remembers a query_only left on.
        info = connection.info
        if connection.get_execution_options().get(READ_ONLY):
            if not info.get(READ_ONLY):
                connection.exec_driver_sql("PRAGMA query_only = ON")
                info[READ_ONLY] = True
            connection.exec_driver_sql("BEGIN")
            return
        if info.pop(READ_ONLY, False):
            connection.exec_driver_sql("PRAGMA query_only = OFF")
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for `url` (default: the configured DATABASE_URL)."""
    if url is None:
        from bot.config import get_settings

        url = get_settings().database_url
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = create_db_engine(url)
        return engine


def session_factory(url: str | None = None) -> sessionmaker:
    """Sessions bound to the shared engine for `url`; objects stay readable after commit."""
    return sessionmaker(bind=get_engine(url), class_=Session, future=True, expire_on_commit=False)


def dispose_engines() -> None:
    """Close every pooled connection (tests, and before forking worker processes)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
