"""Delivery receipts: a notification sent once is never sent again, whoever claims it next."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from bot.db import session_factory
from bot.db.types import utc_now
from bot.notify.models import NotificationDelivery


class Deliveries:
    def __init__(self, sessions: sessionmaker | None = None) -> None:
        self._sessions = sessions or session_factory()

    def delivered(self, notification_id: int) -> bool:
        with self._sessions() as session:
            return session.get(NotificationDelivery, notification_id) is not None

    def record(self, notification_id: int, channel: str, receipt: str | None) -> None:
        with self._sessions() as session:
            session.add(
                NotificationDelivery(
                    notification_id=notification_id,
                    channel=channel,
                    receipt=(receipt or "")[:100] or None,
                    delivered_at=utc_now(),
                )
            )
            try:
                session.commit()
            except IntegrityError:  # recorded by another worker already
                session.rollback()
