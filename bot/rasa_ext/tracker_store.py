"""Rasa's SQL tracker store, configured from `DATABASE_URL` like the rest of the application.

SQLite (the default, in var/) gets WAL and a busy timeout so that the Rasa server, the action
server and the web process can share the file, `synchronous=FULL` and owner-only permissions;
PostgreSQL is used as Rasa configures it, with connections checked before use: after a database
restart the store reconnects by itself instead of failing once per pooled connection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
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
