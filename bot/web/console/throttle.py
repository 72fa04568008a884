"""Login throttling: after N failures a username, or an IP address, is locked for a while.

Unknown usernames are counted and locked exactly like real ones, so the answers never reveal
which usernames exist.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.web.console.models import LoginThrottle
from bot.web.console.settings import ConsoleSettings


def user_subject(username: str) -> str:
    return f"user:{username.strip().lower()[:150]}"


def ip_subject(ip: str) -> str:
    return f"ip:{ip[:150]}"


def locked_until(session: Session, subjects: list[str], now: datetime) -> datetime | None:
    """The latest lock still running on any of the subjects."""
    rows = session.execute(
        select(LoginThrottle.locked_until).where(
            LoginThrottle.subject.in_(subjects), LoginThrottle.locked_until > now
        )
    ).scalars()
    return max(rows, default=None)


def record_failure(
    session: Session, subject: str, limit: int, settings: ConsoleSettings, now: datetime
) -> None:
    window = timedelta(minutes=settings.login_lock_minutes)
    row = session.get(LoginThrottle, subject, with_for_update=True)
    if row is None:
        row = LoginThrottle(subject=subject, failures=0, first_failure_at=now)
        session.add(row)
    elif row.first_failure_at < now - window and not (row.locked_until and row.locked_until > now):
        row.failures, row.first_failure_at, row.locked_until = 0, now, None  # an old streak
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + window


def clear(session: Session, subject: str) -> None:
    session.execute(delete(LoginThrottle).where(LoginThrottle.subject == subject))
