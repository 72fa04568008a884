"""Talking to the Rasa server over HTTP: the REST webhook for text, the API for events.

Used by the web process, the notifier and the Telegram bridge; the Rasa server itself never
imports this. Rasa's API is called with a short-lived JWT (HS256, signed with RASA_API_TOKEN)
in the `Authorization` header: the token never travels in a URL, so it can't reach a log or an
error message. A conversation id is always one path segment.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import quote

import httpx

from bot.config import Settings, get_settings
from bot.conversation_ids import TOKEN_HEADER

TIMEOUT = httpx.Timeout(60.0, connect=5.0)
JWT_LIFETIME_S = 300


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def api_jwt(secret: str, *, now: float | None = None, username: str = "inail-services") -> str:
    """A JWT that Rasa's API accepts (`--jwt-secret`, HS256): admin role, five minutes."""
    issued = int(time.time() if now is None else now)
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {"user": {"username": username, "role": "admin"}, "iat": issued}
    claims["exp"] = issued + JWT_LIFETIME_S
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256)
    return f"{header}.{payload}.{_b64(signature.digest())}"


def api_headers(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_jwt(secret)}"}


def conversation_path(sender: str, tail: str) -> str:
    """`/conversations/<id>/<tail>`, the id one path segment: "." and ".." never pass, and
    anything outside the id alphabet is percent-encoded (Sanic matches the raw path, so the
    alphabet itself, `: @` included, goes as is)."""
    if not sender or set(sender) <= {"."}:
        raise ValueError("not a conversation id")
    return f"/conversations/{quote(sender, safe=':@')}/{tail}"


class RasaUnavailable(RuntimeError):
    """The Rasa server (or the action server behind it) did not answer properly."""


class RasaClient:
    def __init__(self, settings: Settings | None = None, client: httpx.AsyncClient | None = None):
        self.settings = settings or get_settings()
        self._client = client or httpx.AsyncClient(base_url=self.settings.rasa_url, timeout=TIMEOUT)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _request(self, method: str, url: str, **kwargs: Any) -> Any:
        try:
            response = await self._client.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            raise RasaUnavailable(type(error).__name__) from error
        if response.status_code >= 500:
            raise RasaUnavailable(f"HTTP {response.status_code}")
        response.raise_for_status()
        return response.json()

    def _api_headers(self) -> dict[str, str]:
        return api_headers(self.settings.rasa_api_token)

    async def send_text(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """The bot's replies to a message, as the REST channel returns them."""
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        # The token lets the bridges use their reserved conversation ids (bot/rasa_ext/channels).
        headers = {TOKEN_HEADER: self.settings.rasa_api_token}
        replies = await self._request("POST", "/webhooks/rest/webhook", json=body, headers=headers)
        return list(replies or [])

    async def trigger_intent(
        self,
        sender: str,
        intent: str,
        entities: dict[str, Any] | None = None,
        output_channel: str | None = None,
    ) -> list[dict[str, Any]]:
        """Tells the conversation that something happened outside it (e.g. an upload).

        The replies come back; with `output_channel` (e.g. "socketio") they are also pushed
        to that channel.
        """
        result = await self._request(
            "POST",
            conversation_path(sender, "trigger_intent"),
            params={"output_channel": output_channel} if output_channel else None,
            headers=self._api_headers(),
            json={"name": intent, "entities": entities or {}},
        )
        return list((result or {}).get("messages") or [])

    async def append_events(
        self,
        conversation_id: str,
        events: list[dict[str, Any]],
        output_channel: str | None = None,
    ) -> None:
        """Adds events to the conversation's history (e.g. a bot message said from outside,
        `pause`, `resume`). With `output_channel`, Rasa also sends the bot messages among them
        on that channel (the widget's socket.io room)."""
        params = (
            {"output_channel": output_channel, "execute_side_effects": "true"}
            if output_channel
            else None
        )
        await self._request(
            "POST",
            conversation_path(conversation_id, "tracker/events"),
            params=params,
            headers=self._api_headers(),
            json=events,
        )

    async def tracker(self, sender: str) -> dict[str, Any]:
        result = await self._request(
            "GET", conversation_path(sender, "tracker"), headers=self._api_headers()
        )
        return dict(result or {})
