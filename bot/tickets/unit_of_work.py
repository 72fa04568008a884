"""Unit of work: one session, one transaction per use case; rolled back unless committed."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from bot.db.engine import session_factory as default_session_factory
from bot.tickets.repository import AttachmentRepository, OutboxRepository, TicketRepository


class UnitOfWork:
    """`with uow: ...; uow.commit()`. Reusable: each `with` block is a fresh transaction."""

    session: Session
    tickets: TicketRepository
    attachments: AttachmentRepository
    outbox: OutboxRepository

    def __init__(self, session_factory: sessionmaker | None = None) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> UnitOfWork:
        if self._session_factory is None:
            self._session_factory = default_session_factory()
        self.session = self._session_factory()
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
