"""The hand-off on the dashboard: requests per day, median wait for an operator, share resolved,
and what doctors said of it (👍 share)."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handoff.models import ANSWERED, CALLBACK, LIVE, OPEN_LIVE, RESOLVED, UP, Handoff

ROME = ZoneInfo("Europe/Rome")


@dataclass(frozen=True)
class HandoffMetrics:
    per_day: list[tuple[date, int]]
    requested: int  # live hand-offs, all time
    taken: int
    median_wait: timedelta | None  # from the request to an operator taking it
    closed: int  # no longer open (resolved or cancelled)
    resolved: int
    rated: int
    thumbs_up: int
    callbacks: int
    callbacks_answered: int

    @property
    def resolved_share(self) -> float | None:
        return self.resolved / self.closed if self.closed else None

    @property
    def satisfaction(self) -> float | None:
        return self.thumbs_up / self.rated if self.rated else None


def handoff_metrics(
    session: Session, *, days: int = 30, today: date | None = None
) -> HandoffMetrics:
    day = today or datetime.now(ROME).date()
    start = day - timedelta(days=days - 1)
    rows = session.execute(
        select(Handoff.kind, Handoff.status, Handoff.requested_at, Handoff.taken_at, Handoff.rating)
    ).all()
    per_day: Counter[date] = Counter()
    waits: list[timedelta] = []
    requested = taken = closed = resolved = rated = up = callbacks = answered = 0
    for kind, status, requested_at, taken_at, rating in rows:
        if kind != LIVE:
            callbacks += 1
            answered += status == ANSWERED
            continue
        requested += 1
        local = requested_at.astimezone(ROME).date()
        if local >= start:
            per_day[local] += 1
        if taken_at is not None:
            taken += 1
            waits.append(taken_at - requested_at)
        if status not in OPEN_LIVE and status != CALLBACK:
            closed += 1
            resolved += status == RESOLVED
        if rating:
            rated += 1
            up += rating == UP
    return HandoffMetrics(
        per_day=[
            (start + timedelta(days=n), per_day[start + timedelta(days=n)]) for n in range(days)
        ],
        requested=requested,
        taken=taken,
        median_wait=statistics.median(waits) if waits else None,
        closed=closed,
        resolved=resolved,
        rated=rated,
        thumbs_up=up,
        callbacks=callbacks,
        callbacks_answered=answered,
    )
