"""Unit of work: one session, one transaction per use case; rolled back unless committed.

`UnitOfWork(read_only=True)` is for use cases that only read: on SQLite its transaction starts
with a plain (deferred) BEGIN and the connection refuses writes for its duration, so readers
never wait for the write lock that every other transaction takes at BEGIN IMMEDIATE
(`bot.db.engine`); a read-only unit of work that tries to write fails at once. On PostgreSQL its
statements run without a transaction around them (no BEGIN, no ROLLBACK round trips).
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import READ_ONLY
from bot.db.engine import session_factory as default_session_factory
from bot.tickets.repository import AttachmentRepository, OutboxRepository, TicketRepository


class UnitOfWork:
    """`with uow: ...; uow.commit()`. Reusable: each `with` block is a fresh transaction."""

    session: Session
    tickets: TicketRepository
    attachments: AttachmentRepository
    outbox: OutboxRepository

    def __init__(
        self, session_factory: sessionmaker | None = None, *, read_only: bool = False
    ) -> None:
        self._session_factory = session_factory
        self.read_only = read_only

    def __enter__(self) -> UnitOfWork:
        if self._session_factory is None:
            self._session_factory = default_session_factory()
        self.session = self._session_factory()
        if self.read_only:
            # Procured now, so that the transaction's BEGIN sees the option.
            self.session.connection(execution_options={READ_ONLY: True})
        self.tickets = TicketRepository(self.session)
        self.attachments = AttachmentRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()

    def flush(self) -> None:
        self.session.flush()
