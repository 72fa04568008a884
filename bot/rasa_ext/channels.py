"""Rasa's `rest` and `socketio` channels, guarded: user text can't pick intents or set slots.

Each incoming message passes through `bot.dialogue.user_text.neutralise` with the button
payloads the bot has just offered to that conversation, read from the tracker store.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint, Sanic

from bot.dialogue.user_text import neutralise, offered_payloads

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


async def _payloads_offered_to(sender_id: str) -> set[str]:
    try:
        agent = Sanic.get_app().ctx.agent
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception:  # no app or store reachable: then no payload is trusted
        logger.warning("Could not read the conversation to check button payloads")
        return set()
    if tracker is None:
        return set()
    return offered_payloads(event.as_dict() for event in tracker.events)


def guard(on_new_message: Handler) -> Handler:
    async def guarded(message: UserMessage) -> Any:
        text = message.text or ""
        offered = await _payloads_offered_to(message.sender_id) if "/" in text else set()
        message.text = neutralise(text, offered)
        return await on_new_message(message)

    return guarded


class GuardedRestInput(RestInput):
    """`POST /webhooks/rest/webhook`, with user text neutralised."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return super().blueprint(guard(on_new_message))


class GuardedSocketIOInput(SocketIOInput):
    """The socket.io channel used by the web widget, with user text neutralised."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return super().blueprint(guard(on_new_message))
