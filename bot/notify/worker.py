"""The notifier loop: claim due outbox messages, hand each to its channel's sender, record it.

Order per conversation comes from the outbox (only a conversation's oldest pending message is
claimable). Exactly once, as far as a channel allows: a receipt is written right after sending,
and a message with a receipt is only marked sent, never sent again (e.g. when the lease ran out
while sending). Failures go back to the outbox, which retries with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Callable

from bot.notify.deliveries import Deliveries
from bot.notify.senders import PermanentFailure, Sender
from bot.tickets import (
    Notification,
    UnitOfWork,
    claim_notifications,
    mark_notification_failed,
    mark_notification_sent,
)

logger = logging.getLogger(__name__)

POLL_INTERVAL_S = 2.0
BATCH = 20
NO_SENDER = "no sender configured for channel '{channel}'"


def default_worker_id() -> str:
    return f"notify@{socket.gethostname()}:{os.getpid()}"


class Notifier:
    def __init__(
        self,
        senders: dict[str, Sender],
        *,
        worker_id: str | None = None,
        unit_of_work: Callable[[], UnitOfWork] = UnitOfWork,
        deliveries: Deliveries | None = None,
        poll_interval: float = POLL_INTERVAL_S,
    ) -> None:
        self.senders = senders
        self.worker_id = worker_id or default_worker_id()
        self._uow = unit_of_work
        self.deliveries = deliveries or Deliveries()
        self.poll_interval = poll_interval

    async def run_once(self) -> int:
        """Delivers what is due now (at most one message per conversation); returns how many."""
        claimed = await asyncio.to_thread(
            claim_notifications, self._uow(), self.worker_id, limit=BATCH
        )
        results = await asyncio.gather(*(self.deliver(item) for item in claimed))
        return sum(results)

    async def deliver(self, notification: Notification) -> bool:
        if await asyncio.to_thread(self.deliveries.delivered, notification.id):
            await self._mark_sent(notification)
            return True
        sender = self.senders.get(notification.channel)
        try:
            if sender is None:
                raise RuntimeError(NO_SENDER.format(channel=notification.channel))
            receipt = await sender.send(notification)
        except PermanentFailure as error:
            logger.warning("notification %s abandoned: %s", notification.id, error)
            await self._mark_failed(notification, f"permanent: {error}", max_attempts=1)
            return False
        except Exception as error:
            logger.warning("notification %s not sent: %s", notification.id, type(error).__name__)
            await self._mark_failed(notification, f"{type(error).__name__}: {error}")
            return False
        await asyncio.to_thread(
            self.deliveries.record, notification.id, notification.channel, receipt
        )
        await self._mark_sent(notification)
        return True

    async def _mark_sent(self, notification: Notification) -> None:
        await asyncio.to_thread(
            mark_notification_sent, self._uow(), notification.id, self.worker_id
        )

    async def _mark_failed(self, notification: Notification, error: str, **options: int) -> None:
        await asyncio.to_thread(
            mark_notification_failed,
            self._uow(),
            notification.id,
            self.worker_id,
            error,
            **options,
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Until `stop`: delivers, then waits a little when there was nothing to do."""
        while not stop.is_set():
            try:
                sent = await self.run_once()
            except Exception:
                logger.exception("notifier round failed")
                sent = 0
            if sent:
                continue
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.poll_interval)

    async def aclose(self) -> None:
        for sender in self.senders.values():
            await sender.aclose()
