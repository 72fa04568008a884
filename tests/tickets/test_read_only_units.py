"""Read-only units of work on SQLite: they never wait for the write lock, and cannot write."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import READ_ONLY, create_db_engine
from bot.tickets import UnitOfWork


def _factory(url: str, busy_timeout_ms: int) -> sessionmaker:
    engine = create_db_engine(url, busy_timeout_ms=busy_timeout_ms)
    return sessionmaker(bind=engine, class_=Session, future=True)


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    with UnitOfWork(_factory(url, 1000)) as uow:
        uow.session.execute(text("CREATE TABLE notes (body TEXT)"))
        uow.session.execute(text("INSERT INTO notes VALUES ('prima')"))
        uow.commit()
    return url


def test_a_reader_does_not_wait_for_a_writer(url: str) -> None:
    # Readers that would wait get no time at all: a wait would be an immediate error.
    impatient = _factory(url, 0)
    with UnitOfWork(_factory(url, 1000)) as writer:
        writer.session.execute(text("INSERT INTO notes VALUES ('in corso')"))  # holds the lock
        with UnitOfWork(impatient, read_only=True) as reader:
            bodies = reader.session.execute(text("SELECT body FROM notes")).scalars().all()
        assert bodies == ["prima"]  # what was committed, not the writer's work in progress
        with pytest.raises(OperationalError, match="locked"), UnitOfWork(impatient) as other:
            other.session.execute(text("SELECT body FROM notes")).all()  # BEGIN IMMEDIATE waits
        writer.commit()


def test_a_read_only_unit_of_work_cannot_write(url: str) -> None:
    factory = _factory(url, 1000)
    with (
        pytest.raises(OperationalError, match="readonly"),
        UnitOfWork(factory, read_only=True) as reader,
    ):
        reader.session.execute(text("INSERT INTO notes VALUES ('vietato')"))
    # The same engine writes again afterwards, and nothing of the refused write was kept.
    with UnitOfWork(factory) as writer:
        writer.session.execute(text("INSERT INTO notes VALUES ('dopo')"))
        writer.commit()
    with UnitOfWork(factory, read_only=True) as reader:
        bodies = reader.session.execute(text("SELECT body FROM notes")).scalars().all()
    assert bodies == ["prima", "dopo"]


def test_query_only_does_not_outlive_the_read_only_transaction(url: str) -> None:
    """One pooled connection serves a read-only transaction, then a writing one."""
    engine = create_db_engine(url, busy_timeout_ms=1000)
    with engine.connect() as connection:
        with connection.execution_options(**{READ_ONLY: True}).begin():
            connection.exec_driver_sql("SELECT 1")
        with connection.execution_options(**{READ_ONLY: False}).begin():
            connection.exec_driver_sql("INSERT INTO notes VALUES ('stessa connessione')")
    with engine.connect() as connection:
        count = connection.exec_driver_sql("SELECT count(*) FROM notes").scalar()
    assert count == 2


def test_units_of_work_reuse_the_files_connections(url: str) -> None:
    """The file is not opened again (pragmas and all) for every unit of work, and a connection
    a reader used writes again afterwards."""
    factory = _factory(url, 1000)
    opened: list[object] = []
    event.listen(factory.kw["bind"], "connect", lambda dbapi, _record: opened.append(dbapi))
    for number in range(20):
        with UnitOfWork(factory, read_only=number % 2 == 0) as uow:
            if number % 2:
                uow.session.execute(text("INSERT INTO notes VALUES (:n)"), {"n": str(number)})
                uow.commit()
            else:
                uow.session.execute(text("SELECT count(*) FROM notes")).scalar()
    assert len(opened) == 1
    with UnitOfWork(factory, read_only=True) as reader:
        assert reader.session.execute(text("SELECT count(*) FROM notes")).scalar() == 11
