"""Rasa's `rest` and `socketio` channels, guarded.

- User text can't pick intents or set slots: each message passes through
  `bot.dialogue.user_text.neutralise` with the button payloads the bot has just offered to that
  conversation, read from the tracker store.
- A conversation id is not a key (rules in `bot.conversation_ids`): the REST channel refuses
  missing and guessable ids, ids reserved to a bridge, issued ids without their token, and
  conversations another channel opened; a socket.io tab speaks only in the session it was
  confirmed for, and rejoins an existing session only with that session's token.
- The channel recorded with a message is the channel's own name, never one from the body.
- Malformed requests get a 400 with an Italian message, never a 500; a message that could not
  be recorded (database or Redis unreachable) a 503, never a 200.
- With `REDIS_URL`, the socket.io servers of every Rasa instance share a Redis message queue
  (python-socketio's `AsyncRedisManager`): what any instance emits to a session's room reaches
  the tab whichever instance holds its socket (notices, operators' messages).
"""

from __future__ import annotations

import inspect
import json
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from bot.config import get_settings
from bot.conversation_ids import (
    CONVERSATION_TOKEN_HEADER,
    TOKEN_HEADER,
    WIDGET_CHANNEL,
    conversation_token,
    is_bridge,
    is_issued,
    is_reserved,
    is_widget,
    new_widget_id,
    opened_by,
    problem_with,
    token_matches,
)
from bot.dialogue.user_text import neutralise, offered_payloads
from bot.rasa_ext.tracker_store import UrlSQLTrackerStore, innermost
from bot.web.texts import message as italian

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


async def _events(sender_id: str) -> list[dict[str, Any]] | None:
    """The conversation's events, [] for a new one; None when the store can't be read."""
    try:
        agent = Sanic.get_app().ctx.agent
        tracker = await agent.tracker_store.retrieve(sender_id)
    except Exception:
        logger.warning("Could not read a conversation from the tracker store")
        return None
    return [] if tracker is None else [event.as_dict() for event in tracker.events]


async def _opener(sender_id: str) -> tuple[bool, str | None]:
    """(readable, the channel that opened the conversation or None: nobody wrote in it yet),
    from its first user events over every session, not from its whole history."""
    try:
        store = innermost(Sanic.get_app().ctx.agent.tracker_store)
        if isinstance(store, UrlSQLTrackerStore):
            return True, opened_by(store.opening_user_events(sender_id))
        tracker = await store.retrieve_full_tracker(sender_id)
    except Exception:
        logger.warning("Could not read a conversation from the tracker store")
        return False, None
    return True, opened_by([e.as_dict() for e in tracker.events] if tracker else [])


async def _payloads_offered_to(sender_id: str) -> set[str]:
    try:
        store = innermost(Sanic.get_app().ctx.agent.tracker_store)
        if isinstance(store, UrlSQLTrackerStore):
            # The latest events only: the buttons are those of the last few bot messages.
            return offered_payloads(store.latest_events(sender_id))
    except Exception:
        logger.warning("Could not read a conversation from the tracker store")
        return set()  # unreadable: no payload is trusted
    events = await _events(sender_id)
    return offered_payloads(events) if events else set()  # unreadable: no payload is trusted


def guard(on_new_message: Handler) -> Handler:
    async def guarded(message: UserMessage) -> Any:
        text = message.text or ""
        offered = await _payloads_offered_to(message.sender_id) if "/" in text else set()
        message.text = neutralise(text, offered)
        return await on_new_message(message)

    return guarded


def _error(status: int, code: str) -> HTTPResponse:
    return response.json({"error": code, "message": italian(code)}, status=status)


def _json_object(request: Request) -> dict[str, Any] | None:
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


class GuardedRestInput(RestInput):
    """`POST /webhooks/rest/webhook` `{"sender", "message", "metadata"?}`, guarded.

    Answers 400 for a body that is not a JSON object, a missing, malformed or guessable sender,
    or a message that is not text; 403 for a conversation this client may not use.
    """

    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()  # never the body's "input_channel"

    async def refusal(self, request: Request, sender: str) -> HTTPResponse | None:
        """Why this request may not speak in that conversation (a 403), or None."""
        if is_reserved(sender):
            if is_bridge(request.headers.get(TOKEN_HEADER)):
                return None
            return _error(403, "conversazione_riservata")
        if token_matches(sender, request.headers.get(CONVERSATION_TOKEN_HEADER)):
            return None
        if is_issued(sender):
            return _error(403, "conversazione_altrui")
        readable, channel = await _opener(sender)
        if not readable:
            return _error(503, "riprovare_piu_tardi")
        if channel not in (None, self.name()):
            return _error(403, "conversazione_altrui")  # e.g. a widget session
        return None

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        guarded = guard(on_new_message)
        module = inspect.getmodule(self)
        webhook = Blueprint(
            f"custom_webhook_{type(self).__name__}", module.__name__ if module else None
        )

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = _json_object(request)
            if body is None:
                return _error(400, "richiesta_non_valida")
            sender = body.get("sender")
            problem = problem_with(sender)
            if problem:
                return _error(400, problem)
            text = body.get("message")
            metadata = body.get("metadata")
            if not isinstance(text, (str, type(None))) or not isinstance(
                metadata, (dict, type(None))
            ):
                return _error(400, "messaggio_non_valido")
            refused = await self.refusal(request, str(sender))
            if refused is not None:
                return refused
            collector = CollectingOutputChannel()
            try:
                await guarded(
                    UserMessage(
                        text or "",
                        collector,
                        str(sender),
                        input_channel=self.name(),
                        metadata=metadata,
                    )
                )
            except CancelledError:
                logger.error("REST message: no answer in time")
            except Exception:
                # The tracker or lock store is unreachable (database, Redis): the message was
                # not recorded, so the client is told to send it again, never "received".
                logger.exception("REST message: handling failed")  # the text is not logged
                return _error(503, "riprovare_piu_tardi")
            return response.json(collector.messages)

        return webhook


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


SOCKETIO_CHANNEL = "inail-socketio"  # the Redis pub/sub channel the instances share


def share_rooms(sio: AsyncServer, redis_url: str) -> None:
    """Routes the server's emits through Redis, before any socket connects (the manager starts
    listening on the first connection); without a URL, rooms stay in this process."""
    if not redis_url:
        return
    manager = AsyncRedisManager(redis_url, channel=SOCKETIO_CHANNEL)
    manager.set_server(sio)
    sio.manager = manager
    sio.manager_initialized = False


class GuardedSocketIOInput(SocketIOInput):
    """The socket.io channel of the web widget, guarded.

    `session_request {session_id, token?}`: a widget session id (32 hex) is confirmed as asked
    when the conversation has no message yet or the token is its conversation token; otherwise
    the tab gets a new session. The token comes in a `session_token {session_id, token}` event
    just before `session_confirm`. `user_uttered` is accepted only for the session confirmed on
    that socket.
    """

    @classmethod
    def name(cls) -> str:
        return WIDGET_CHANNEL

    async def may_join(self, session_id: str, token: object) -> bool:
        if not is_widget(session_id):
            return False
        if token_matches(session_id, str(token or "")):
            return True
        readable, channel = await _opener(session_id)  # nobody wrote in it yet: the asker's
        return readable and channel is None

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return None
        return WidgetOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        guarded = guard(on_new_message)
        blueprint = super().blueprint(guarded)
        sio = self.sio
        assert sio is not None
        share_rooms(sio, get_settings().redis_url)
        confirmed: dict[str, str] = {}  # socket id -> the session confirmed on it

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            confirmed.pop(sid, None)

        # Replaces Rasa 3.6's handler, which calls `enter_room` without awaiting it (a coroutine
        # in the python-socketio we have: the tab never joined its room) and lets any tab join
        # any session.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            requested = str(data.get("session_id") or "")
            joined_ok = await self.may_join(requested, data.get("token"))
            session_id = requested if joined_ok else new_widget_id()
            confirmed[sid] = session_id
            if self.session_persistence:
                joined = sio.enter_room(sid, session_id, namespace=self.namespace)
                if inspect.isawaitable(joined):
                    await joined
            token = conversation_token(session_id)
            await sio.emit(
                "session_token",
                {"session_id": session_id, "token": token},
                room=sid,
                namespace=self.namespace,
            )
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            session_id = str(data.get("session_id") or "")
            if not session_id or confirmed.get(sid) != session_id:
                logger.warning("socket.io message for a session not confirmed on its socket")
                return
            text = data.get("message")
            metadata = data.get(self.metadata_key)
            await guarded(
                UserMessage(
                    text if isinstance(text, str) else "",
                    WidgetOutput(sio, self.bot_message_evt),
                    session_id,
                    input_channel=self.name(),
                    metadata=metadata if isinstance(metadata, dict) else None,
                )
            )

        return blueprint
