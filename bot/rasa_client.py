"""Talking to the Rasa server over HTTP: the REST webhook for text, the API for events.

Used by the web process and the Telegram bridge; the Rasa server itself never imports this.
"""

from __future__ import annotations

from typing import Any

import httpx

from bot.config import Settings, get_settings
from bot.conversation_ids import TOKEN_HEADER

TIMEOUT = httpx.Timeout(60.0, connect=5.0)


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

    def _api_params(self, **params: str) -> dict[str, str]:
        return {**params, "token": self.settings.rasa_api_token}

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
        params = self._api_params(**({"output_channel": output_channel} if output_channel else {}))
        result = await self._request(
            "POST",
            f"/conversations/{sender}/trigger_intent",
            params=params,
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
        params = self._api_params(
            **(
                {"output_channel": output_channel, "execute_side_effects": "true"}
                if output_channel
                else {}
            )
        )
        await self._request(
            "POST", f"/conversations/{conversation_id}/tracker/events", params=params, json=events
        )

    async def tracker(self, sender: str) -> dict[str, Any]:
        result = await self._request(
            "GET", f"/conversations/{sender}/tracker", params=self._api_params()
        )
        return dict(result or {})
