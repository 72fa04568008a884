"""Rasa's `rest` and `socketio` channels, guarded: user text can't pick intents or set slots.

Each incoming message passes through `bot.dialogue.user_text.neutralise` with the button
payloads the bot has just offered to that conversation, read from the tracker store.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic
from sanic.exceptions import Forbidden
from sanic.request import Request

from bot.conversation_ids import TOKEN_HEADER, is_bridge, is_reserved, is_widget, new_widget_id
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
    """`POST /webhooks/rest/webhook`, with user text neutralised.

    Conversations of the Telegram bridge (`telegram:<chat id>`) are reserved to it: a REST
    client may use them only with the API token in the `X-Rasa-Token` header, or anyone could
    read a Telegram doctor's tickets by naming the chat.
    """

    @classmethod
    def name(cls) -> str:
        return "rest"

    async def _extract_sender(self, req: Request) -> str | None:
        sender = await super()._extract_sender(req)
        if is_reserved(sender) and not is_bridge(req.headers.get(TOKEN_HEADER)):
            raise Forbidden("this conversation id is reserved to a channel bridge")
        return sender

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        return super().blueprint(guard(on_new_message))


def widget_sessions_only(on_new_message: Handler) -> Handler:
    async def checked(message: UserMessage) -> Any:
        if not is_widget(message.sender_id):
            logger.warning("socket.io message with a session id that is not the widget's: ignored")
            return None
        return await on_new_message(message)

    return checked


class WidgetOutput(SocketIOOutput):
    """Sends what is said into a widget conversation from outside (bot/notify/speaker.py) as
    one message with its `notice` (who wrote it, a file), instead of a bubble per paragraph."""

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        notice = message.get("notice")
        if not isinstance(notice, dict):
            await super().send_response(recipient_id, message)
            return
        payload: dict[str, Any] = {"text": message.get("text") or "", "notice": notice}
        buttons = message.get("buttons") or []
        if buttons:
            payload["quick_replies"] = [
                {"content_type": "text", "title": b["title"], "payload": b["payload"]}
                for b in buttons
            ]
        await self._send_message(recipient_id, payload)


class GuardedSocketIOInput(SocketIOInput):
    """The socket.io channel used by the web widget, with user text neutralised."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return None
        return WidgetOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        blueprint = super().blueprint(guard(widget_sessions_only(on_new_message)))
        sio = self.sio
        assert sio is not None

        # Replaces Rasa 3.6's handler, which calls `enter_room` without awaiting it: a coroutine
        # in the python-socketio we have, so the tab never joined its session's room and never
        # got a reply. Session ids other than the widget's are replaced by a new one.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: dict[str, Any] | None) -> None:
            requested = str((data or {}).get("session_id") or "")
            session_id = requested if is_widget(requested) else new_widget_id()
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        return blueprint
