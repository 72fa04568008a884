"""What a channel's sender is: `send` one notification to the doctor, or raise.

Raise `PermanentFailure` when retrying cannot help (no such chat, the doctor blocked the bot);
any other exception is retried with backoff. Exception texts end up in the outbox row, read by
staff: keep personal data and secrets out of them.
"""

from __future__ import annotations

from typing import Protocol

from bot.tickets import Notification


class PermanentFailure(Exception):
    """The notification can never be delivered on this channel."""


class Sender(Protocol):
    async def send(self, notification: Notification) -> str | None:
        """Delivers it; returns a receipt (e.g. the channel's message id) or None."""

    async def aclose(self) -> None: ...
