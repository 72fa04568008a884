"""What the notifier has delivered: one row per outbox message, written right after sending."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String

from bot.db.base import Base
from bot.db.types import UtcDateTime


class NotificationDelivery(Base):
    """Proof that a notification left us: a retried or re-claimed message is not sent again."""

    __tablename__ = "notification_deliveries"

    notification_id = Column(Integer, primary_key=True, autoincrement=False)
    channel = Column(String(32), nullable=False)
    # What the channel returned (e.g. the Telegram message id); no personal data.
    receipt = Column(String(100), nullable=True)
    delivered_at = Column(UtcDateTime, nullable=False)
