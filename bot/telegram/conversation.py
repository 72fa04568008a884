"""Talking to the conversation (Rasa) on behalf of one Telegram chat.

Every chat is one conversation, `telegram:<chat_id>`. When Rasa (or the action server) is down
the doctor reads *servizio momentaneamente non disponibile* and the message is kept: it is sent
again, in order, when Rasa answers (see `bot.telegram.bridge`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot.rasa_client import RasaClient, RasaUnavailable

SENDER_PREFIX = "telegram:"
METADATA = {"channel": "telegram"}

Replies = list[dict[str, Any]]


def sender_id(chat_id: int) -> str:
    return f"{SENDER_PREFIX}{chat_id}"


def chat_id_of(conversation_id: str) -> int | None:
    """The chat of a `telegram:<chat_id>` conversation; None for anything else."""
    if not conversation_id.startswith(SENDER_PREFIX):
        return None
    try:
        return int(conversation_id[len(SENDER_PREFIX) :])
    except ValueError:
        return None


class RasaGateway:
    """The calls the bridge makes; every failure to reach Rasa is RasaUnavailable."""

    def __init__(self, rasa: RasaClient) -> None:
        self.rasa = rasa

    async def say(self, chat_id: int, text: str) -> Replies:
        return await self.rasa.send_text(sender_id(chat_id), text, METADATA)

    async def trigger(self, chat_id: int, intent: str, fallback_text: str) -> Replies:
        """Triggers an intent; a model that does not know it gets the words instead."""
        try:
            return await self.rasa.trigger_intent(sender_id(chat_id), intent)
        except httpx.HTTPStatusError as error:
            if error.response.status_code not in (400, 404):
                raise RasaUnavailable(f"HTTP {error.response.status_code}") from error
        return await self.say(chat_id, fallback_text)

    async def call(self, action: Callable[[], Awaitable[Replies]]) -> Replies:
        try:
            return await action()
        except httpx.HTTPStatusError as error:
            raise RasaUnavailable(f"HTTP {error.response.status_code}") from error
