"""The numbers on the dashboard: requests per status and per day, time to a decision, how many
conversations reached a request, how often the assistant did not understand, and what (answers to
the form's questions never count as not understood; personal data are masked); the hand-off to a
person (bot/handoff/metrics.py)."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.handoff.metrics import HandoffMetrics, handoff_metrics
from bot.tickets.models import StatusEvent, Ticket
from bot.tickets.statuses import ACCOLTA, ALL_STATUSES, RESPINTA
from bot.web.console.conversations import summaries
from bot.web.console.web import ROME


@dataclass(frozen=True)
class Dashboard:
    per_status: list[tuple[str, int]]
    per_day: list[tuple[date, int]]
    median_decision: timedelta | None
    decisions: int
    conversations: int
    with_ticket: int
    user_turns: int
    misunderstood_turns: int
    most_misunderstood: list[tuple[str, int]]
    handoff: HandoffMetrics

    @property
    def ticket_share(self) -> float | None:
        return self.with_ticket / self.conversations if self.conversations else None

    @property
    def fallback_rate(self) -> float | None:
        return self.misunderstood_turns / self.user_turns if self.user_turns else None


def _per_day(session: Session, days: int, today: date) -> list[tuple[date, int]]:
    start = today - timedelta(days=days - 1)
    counts: Counter[date] = Counter()
    since = datetime(start.year, start.month, start.day, tzinfo=ROME)
    for (created,) in session.execute(select(Ticket.created_at).where(Ticket.created_at >= since)):
        counts[created.astimezone(ROME).date()] += 1
    return [(start + timedelta(days=n), counts[start + timedelta(days=n)]) for n in range(days)]


def _decision_times(session: Session) -> list[timedelta]:
    """From filing to the first acceptance or refusal of each decided ticket."""
    first_decision = (
        select(StatusEvent.ticket_id, func.min(StatusEvent.occurred_at).label("decided"))
        .where(StatusEvent.to_status.in_((ACCOLTA, RESPINTA)))
        .group_by(StatusEvent.ticket_id)
        .subquery()
    )
    rows = session.execute(
        select(Ticket.created_at, first_decision.c.decided).join(
            first_decision, first_decision.c.ticket_id == Ticket.id
        )
    ).all()
    # func.min loses the UtcDateTime type: SQLite gives back a naive UTC string/datetime.
    times = []
    for created, decided in rows:
        if isinstance(decided, str):
            decided = datetime.fromisoformat(decided)
        if decided.tzinfo is None:
            decided = decided.replace(tzinfo=created.tzinfo)
        times.append(decided - created)
    return times


def build_dashboard(session: Session, *, days: int = 30, today: date | None = None) -> Dashboard:
    day = today or datetime.now(ROME).date()
    counts = dict(
        session.execute(select(Ticket.status, func.count(Ticket.id)).group_by(Ticket.status)).all()
    )
    times = _decision_times(session)
    conversations = summaries(session)
    misunderstood: Counter[str] = Counter()
    turns = wrong = 0
    for conversation in conversations:
        for turn in conversation.turns:
            turns += 1
            if turn.misunderstood:
                wrong += 1
                text = conversation.masked(" ".join(turn.text.split()))
                misunderstood[text.lower()[:120]] += 1
    return Dashboard(
        per_status=[(status, int(counts.get(status, 0))) for status in ALL_STATUSES],
        per_day=_per_day(session, days, day),
        median_decision=statistics.median(times) if times else None,
        decisions=len(times),
        conversations=len(conversations),
        with_ticket=sum(1 for c in conversations if c.tickets),
        user_turns=turns,
        misunderstood_turns=wrong,
        most_misunderstood=misunderstood.most_common(10),
        handoff=handoff_metrics(session, days=days, today=day),
    )
