"""Rasa's SQL tracker store, configured from `DATABASE_URL` like the rest of the application.

SQLite (the default, in var/) gets WAL and a busy timeout so that the Rasa server, the action
server and the web process can share the file, `synchronous=FULL` and owner-only permissions;
PostgreSQL is used as Rasa configures it, with connections checked before use: after a database
restart the store reconnects by itself instead of failing once per pooled connection.

Rasa wraps every tracker store in `FailSafeTrackerStore`, which, when the database can't be
read, hands out an empty conversation (the doctor would start again from nothing, and the
turn's events go to the store on top of the real history) and, when it can't be written, keeps
the turn in this process's memory only while the client is told it was received.
`StrictTrackerStore` (installed by `python -m bot.rasa_ext.server`) lets those errors through:
the turn fails, the REST channel answers 503 "servizio momentaneamente non disponibile", and
nothing is half-recorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import (
    FailSafeTrackerStore,
    SQLTrackerStore,
    TrackerStore,
    create_engine_kwargs,
)
from rasa.shared.core.domain import Domain
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from bot.config import get_settings
from bot.db.engine import make_private

SQLITE_BUSY_TIMEOUT_MS = 15_000


def _sqlite_pragmas(database: str) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()
        make_private(database)

    return on_connect


class UrlSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` whose connection comes from the `DATABASE_URL` setting."""

    def __init__(
        self,
        domain: Domain | None = None,
        event_broker: EventBroker | None = None,
        **kwargs: Any,
    ) -> None:
        url = make_url(kwargs.pop("url", None) or get_settings().database_url)
        for ignored in ("host", "dialect", "db", "port", "username", "password", "query"):
            kwargs.pop(ignored, None)
        if url.get_backend_name() == "sqlite":
            database = str(Path(url.database or "var/bot.db").resolve())
            Path(database).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            super().__init__(domain, dialect="sqlite", db=database, event_broker=event_broker)
            sa.event.listen(self.engine, "connect", _sqlite_pragmas(database))
            return
        super().__init__(
            domain,
            dialect=url.drivername,
            host=url.host,
            port=url.port,
            db=url.database or "rasa",
            username=url.username,
            password=url.password,
            query=dict(url.query),
            event_broker=event_broker,
            **kwargs,
        )
        checked = sa.create_engine(
            self.engine.url,
            pool_pre_ping=True,
            hide_parameters=True,
            **create_engine_kwargs(self.engine.url),
        )
        self.engine.dispose()
        self.engine = checked
        self.sessionmaker = sessionmaker(bind=checked)


def _reraise(error: Exception) -> None:
    raise error


class StrictTrackerStore(FailSafeTrackerStore):
    """Rasa's wrapper without the fallback: a tracker store error fails the turn."""

    def __init__(
        self,
        tracker_store: TrackerStore,
        on_tracker_store_error: Any = None,
        fallback_tracker_store: TrackerStore | None = None,
    ) -> None:
        super().__init__(tracker_store, on_tracker_store_error=_reraise)


def install_strict_tracker_store() -> None:
    """Makes Rasa's agent wrap its tracker store in `StrictTrackerStore` (call before it starts)."""
    import rasa.core.agent

    rasa.core.agent.FailSafeTrackerStore = StrictTrackerStore  # type: ignore[misc]
