"""PostgreSQL connections (`bot.db.engine.postgres_engine`): read-only units of work run without
a transaction around them, and a pooled connection the server dropped is replaced before use when
it has been idle (checked) or fails its request once when it was used a moment ago (unchecked)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from bot.db import engine as db_engine
from bot.tickets import UnitOfWork
from tests.tickets.conftest import PostgresServer


@pytest.fixture
def engine(postgres_server: PostgresServer) -> Iterator[Engine]:
    engine = db_engine.create_db_engine(postgres_server.new_database_url())
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE notes (body TEXT)"))
    yield engine
    engine.dispose()


def _factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, class_=Session, future=True)


def _two_transaction_times(uow: UnitOfWork) -> tuple[object, object]:
    first = uow.session.execute(text("SELECT now()")).scalar()
    time.sleep(0.02)
    return first, uow.session.execute(text("SELECT now()")).scalar()


def test_a_read_only_unit_of_work_runs_each_statement_on_its_own(engine: Engine) -> None:
    factory = _factory(engine)
    with UnitOfWork(factory, read_only=True) as reader:
        first, second = _two_transaction_times(reader)
    assert first != second  # now() is a transaction's start: two statements, two transactions
    # The pooled connection it used is transactional again for the next unit of work.
    with UnitOfWork(factory) as writer:
        first, second = _two_transaction_times(writer)
        writer.session.execute(text("INSERT INTO notes VALUES ('non confermata')"))
    assert first == second
    with UnitOfWork(factory, read_only=True) as reader:
        assert reader.session.execute(text("SELECT count(*) FROM notes")).scalar() == 0


def _backend(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _dropped_by_the_server(engine: Engine) -> int:
    """The backend of the pool's one connection, which the server then terminates."""
    pid = _backend(engine)
    other = create_engine(engine.url, poolclass=NullPool)
    with other.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
    other.dispose()
    time.sleep(0.2)  # the backend exits
    return pid


def test_an_idle_connection_the_server_dropped_is_replaced_before_use(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_engine, "PING_AFTER_IDLE_S", 0.1)
    dropped = _dropped_by_the_server(engine)
    assert _backend(engine) != dropped  # no error: checked, found closed, replaced


def test_a_connection_used_a_moment_ago_is_not_checked(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_engine, "PING_AFTER_IDLE_S", 60.0)
    dropped = _dropped_by_the_server(engine)
    with pytest.raises(OperationalError):
        _backend(engine)  # the request it served fails (the REST channel answers 503) ...
    assert _backend(engine) != dropped  # ... and the pool has renewed it for the next one
