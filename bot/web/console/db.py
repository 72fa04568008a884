"""One transaction per console use case, on the shared session factory (see bot.db.engine)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from bot.db.engine import session_factory
from bot.web.console import models  # noqa: F401  (registers the console tables on Base)


@contextmanager
def transaction() -> Iterator[Session]:
    """A session committed when the block ends normally, rolled back otherwise."""
    session = session_factory()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
