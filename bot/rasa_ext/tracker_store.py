"""Rasa's SQL tracker store, configured from `DATABASE_URL` like the rest of the application.

SQLite (the default, in var/) gets WAL and a busy timeout so that the Rasa server, the action
server and the web process can share the file, `synchronous=FULL` and owner-only permissions;
PostgreSQL is used as Rasa configures it (its pool sizes), through `bot.db.engine.postgres_engine`:
idle connections are checked before use, so after a database restart the store reconnects by
itself, and reads run without BEGIN and ROLLBACK round trips.

Rasa wraps every tracker store in `FailSafeTrackerStore`, which, when the database can't be
read, hands out an empty conversation (the doctor would start again from nothing, and the
turn's events go to the store on top of the real history) and, when it can't be written, keeps
the turn in this process's memory only while the client is told it was received.
`StrictTrackerStore` (installed by `python -m bot.rasa_ext.server`) lets those errors through:
the turn fails, the REST channel answers 503 "servizio momentaneamente non disponibile", and
nothing is half-recorded.

A long conversation does not slow every turn. Rasa reads, replays and sends to the action server
every event of the current session on each message, and its policies walk them all, so a turn
cost grew with the conversation (about 75 ms in the first 20 turns, 420 ms after 280). Here,
when the session holds more than `RECENT_EVENTS_LIMIT` events, the tracker handed to Rasa is
the session's opening events, then the state the older middle left (the latest value of every
slot set there, the open form, a paused conversation, a restart), then the latest
`RECENT_EVENTS` events from a turn's start: the same slots, form and pause as the whole
history, and more turns than our policies (memoisation: 4 turns; rules: a few) and actions look
at. Nothing is removed from the database: the console, Rasa's API and `retrieve_full_tracker`
see every event; saving stores exactly the events added to the tracker since it was read.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import (
    FailSafeTrackerStore,
    SQLTrackerStore,
    TrackerStore,
    create_engine_kwargs,
    ensure_schema_exists,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from bot.config import get_settings
from bot.db.engine import (
    DEFAULT_BUSY_TIMEOUT_MS,
    READ_ONLY,
    SQLITE_FILE_POOL,
    make_private,
    postgres_engine,
)

RECENT_EVENTS_LIMIT = 200  # a session longer than this is read in part
RECENT_EVENTS = 100  # events kept from its end (about 15 turns), from a turn's start
OPENING_EVENTS = 60  # at most this many events before the session's first action_listen
OPENING_USER_EVENTS_PAGE = 50
LATEST_EVENTS = 60  # what the REST guard reads for the buttons just offered
# Types whose latest event in the skipped middle still shapes the state (Rasa's type names).
RESETS = ("restart", "reset_slots")
LATEST_OF = (("active_loop",), ("pause", "resume"))
VIEW = "_inail_stored_view"  # on a tracker read here: (events stored then, events handed)


def _sqlite_pragmas(database: str) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={DEFAULT_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()
        make_private(database)

    return on_connect


class UrlSQLTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` whose connection comes from the `DATABASE_URL` setting, and which
    reads a long session in part (module docstring)."""

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
            # Rasa's engine opens a new SQLite connection (and runs the pragmas) for every read
            # and write, several per turn: this one keeps a few open.
            url_used = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(
                url_used,
                **SQLITE_FILE_POOL,
                hide_parameters=True,  # personal data stay out of errors and logs
                connect_args={"check_same_thread": False},
            )
            sa.event.listen(self.engine, "connect", _sqlite_pragmas(database))
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
            self.read_sessionmaker = self.sessionmaker
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
        checked = postgres_engine(self.engine.url, **create_engine_kwargs(self.engine.url))
        self.engine.dispose()
        self.engine = checked
        self.sessionmaker = sa.orm.sessionmaker(bind=checked)
        reader = checked.execution_options(**{READ_ONLY: True})
        self.read_sessionmaker = sa.orm.sessionmaker(bind=reader)

    @contextlib.contextmanager
    def read_scope(self) -> Iterator[sa.orm.Session]:
        """Like Rasa's `session_scope`, for statements that only read."""
        session = self.read_sessionmaker()
        try:
            ensure_schema_exists(session)
            yield session
        finally:
            session.close()

    # ---- reading -------------------------------------------------------------------------

    def _event_query(
        self, session: Any, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Any:
        """Rasa's query for the conversation's events (of its latest session unless all are
        asked for), with the session's start looked up once, before it.

        Rasa joins that lookup in as a subquery. PostgreSQL, whose statistics say a
        conversation holds a few dozen events, planned it as the inner side of a nested loop
        and ran it again for every event read: after a busy hour, a turn late in a long
        conversation took half a second there. The events selected are the same as Rasa's.
        """
        event = self.SQLEvent
        query = session.query(event).filter(event.sender_id == sender_id)
        if not fetch_events_from_all_sessions:
            start = (
                session.query(sa.func.max(event.timestamp))
                .filter(event.sender_id == sender_id, event.type_name == SessionStarted.type_name)
                .scalar()
            )
            if start is not None:
                query = query.filter(event.timestamp >= start)
        return query.order_by(event.id)

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> DialogueStateTracker | None:
        if fetch_events_from_all_sessions:
            return await super()._retrieve(sender_id, True)
        with self.read_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            rows = query.limit(RECENT_EVENTS_LIMIT + 1).all()  # a short session: one query
            stored = len(rows)
            if stored > RECENT_EVENTS_LIMIT:
                stored = query.count()
                rows = self._in_part(query)
            events = [json.loads(row.data) for row in rows]
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, VIEW, (stored, len(tracker.events)))
        return tracker

    def _in_part(self, query: Any) -> list[Any]:
        """The session's opening, the state its middle left, and its latest turns (rows)."""
        event = self.SQLEvent
        latest = query.order_by(None).order_by(event.id.desc()).limit(RECENT_EVENTS).all()
        latest.reverse()
        turn_starts = [i for i, row in enumerate(latest) if _is_listen(row)]
        if not turn_starts:
            return query.all()  # no turn boundary among them: read it all, as Rasa does
        recent = latest[turn_starts[0] :]
        opening = query.filter(event.id < recent[0].id).limit(OPENING_EVENTS).all()
        ends = [i for i, row in enumerate(opening) if _is_listen(row)]
        opening = opening[: ends[0] + 1] if ends else opening[:1]
        lower, upper = opening[-1].id, recent[0].id
        middle = query.order_by(None).filter(event.id > lower, event.id < upper)
        ids = middle.with_entities(sa.func.max(event.id)).filter(event.type_name.in_(RESETS))
        reset = ids.scalar()
        if reset is not None:
            lower = reset - 1  # the reset itself, then what followed it
        state = middle.filter(event.id > lower)
        wanted = [
            state.with_entities(sa.func.max(event.id))
            .filter(event.type_name == "slot")
            .group_by(event.action_name)  # a SlotSet's `name` column is the slot's name
        ]
        wanted += [
            state.with_entities(sa.func.max(event.id)).filter(event.type_name.in_(types))
            for types in (*LATEST_OF, RESETS)
        ]
        picked = sorted({i for q in wanted for (i,) in q.all() if i is not None})
        carried = query.order_by(None).filter(event.id.in_(picked)).order_by(event.id).all()
        return [*opening, *carried, *recent]

    def latest_events(self, sender_id: str, limit: int = LATEST_EVENTS) -> list[dict[str, Any]]:
        """The conversation's latest `limit` events, oldest first (the buttons just offered)."""
        event = self.SQLEvent
        with self.read_scope() as session:
            rows = (
                session.query(event.data)
                .filter(event.sender_id == sender_id)
                .order_by(event.id.desc())
                .limit(limit)
                .all()
            )
        return [json.loads(row.data) for row in reversed(rows)]

    def opening_user_events(self, sender_id: str) -> Iterator[dict[str, Any]]:
        """The conversation's user events from its very start (every session), oldest first,
        read a page at a time when iterated: who opened it (`bot.conversation_ids.opened_by`)
        without reading the whole conversation."""
        event = self.SQLEvent
        after = 0
        while True:
            with self.read_scope() as session:
                rows = (
                    session.query(event.id, event.data)
                    .filter(
                        event.sender_id == sender_id, event.type_name == "user", event.id > after
                    )
                    .order_by(event.id)
                    .limit(OPENING_USER_EVENTS_PAGE)
                    .all()
                )
            for row in rows:
                yield json.loads(row.data)
            if len(rows) < OPENING_USER_EVENTS_PAGE:
                return
            after = rows[-1].id

    # ---- saving --------------------------------------------------------------------------

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Any]:
        """The tracker's events not stored yet (Rasa's `save` stores them).

        Rasa skips as many of the tracker's events as the session has in the database, which
        is wrong for a tracker read in part: one read here knows how many events it was
        handed, and after a save, how many it holds (a second save adds only what followed).
        """
        stored_now = self._event_query(session, tracker.sender_id, False).count()
        view = getattr(tracker, VIEW, None)
        if view is None:
            skip = stored_now  # Rasa's rule, right for a tracker holding the whole session
        else:
            stored_then, handed = view
            # Events another writer stored meanwhile are skipped, as Rasa does.
            skip = handed + max(0, stored_now - stored_then)
        total = len(tracker.events)
        setattr(tracker, VIEW, (stored_now + max(0, total - skip), total))
        return itertools.islice(tracker.events, skip, total)


def _is_listen(row: Any) -> bool:
    return bool(row.type_name == "action" and row.action_name == "action_listen")


def innermost(store: TrackerStore) -> TrackerStore:
    """The tracker store inside Rasa's wrappers (fail-safe, awaitable)."""
    for _ in range(5):
        inner = getattr(store, "_tracker_store", None)
        if inner is None:
            break
        store = inner
    return store


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
