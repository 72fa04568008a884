"""Talking to the conversation (Rasa) on behalf of one Telegram chat.

Every chat is one conversation, `telegram:<chat_id>`. When Rasa (or the action server) is down
the doctor reads *servizio momentaneamente non disponibile* and the message is kept: it is sent
again, in order, when Rasa answers (see `bot.telegram.bridge`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot.conversation_ids import of_bridge
from bot.rasa_client import RasaClient, RasaUnavailable

CHANNEL = "telegram"
METADATA = {"channel": CHANNEL}

Replies = list[dict[str, Any]]


def conversation_of(chat_id: int) -> str:
    """The conversation of a Telegram chat (`telegram:<chat_id>`, see bot.conversation_ids)."""
    return of_bridge(CHANNEL, chat_id)


class RasaGateway:
    """The calls the bridge makes; every failure to reach Rasa is RasaUnavailable."""

    def __init__(self, rasa: RasaClient) -> None:
        self.rasa = rasa

    async def say(self, chat_id: int, text: str) -> Replies:
        return await self.rasa.send_text(conversation_of(chat_id), text, METADATA)

    async def trigger(self, chat_id: int, intent: str, fallback_text: str) -> Replies:
        """Triggers an intent; a model that does not know it gets the words instead."""
        try:
            return await self.rasa.trigger_intent(conversation_of(chat_id), intent)
        except httpx.HTTPStatusError as error:
            if error.response.status_code not in (400, 404):
                raise RasaUnavailable(f"HTTP {error.response.status_code}") from error
        return await self.say(chat_id, fallback_text)

    async def call(self, action: Callable[[], Awaitable[Replies]]) -> Replies:
        try:
            return await action()
        except httpx.HTTPStatusError as error:
            raise RasaUnavailable(f"HTTP {error.response.status_code}") from error
