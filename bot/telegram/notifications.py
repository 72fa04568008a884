"""Status changes pushed to the doctor's Telegram chat (the notifier's "telegram" sender).

The doctor reads one message: the request's number and new status, the reason staff gave, and
what to do next (texts in messages.yml).
"""

from __future__ import annotations

from typing import Any

from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.config import Settings
from bot.notify.senders import PermanentFailure
from bot.telegram import redact, texts
from bot.telegram.conversation import chat_id_of
from bot.telegram.ratelimit import FloodWait
from bot.telegram.replies import send_text
from bot.telegram.settings import load_telegram_settings
from bot.tickets import Notification
from bot.tickets.texts import status_label

STATUS_CHANGED = "status_changed"


def status_message(payload: dict[str, Any]) -> str:
    """E.g. "Aggiornamento sulla sua richiesta MED-2025-0001: ora è «Da integrare» …"."""
    to_status = str(payload["to_status"])
    from_status = payload.get("from_status")
    if from_status:
        headline = texts.text(
            "stato_cambiato",
            numero=payload["number"],
            stato=status_label(to_status),
            stato_precedente=status_label(str(from_status)),
        )
    else:
        headline = texts.text(
            "stato_nuovo", numero=payload["number"], stato=status_label(to_status)
        )
    parts = [headline]
    if payload.get("reason"):
        parts.append(texts.text("motivo", motivo=str(payload["reason"]).strip()))
    if texts.has_text(f"prossimo_passo.{to_status}"):
        parts.append(texts.text(f"prossimo_passo.{to_status}"))
    return "\n\n".join(parts)


class TelegramSender:
    """Sends with its own Bot client: the notifier runs in its own process."""

    def __init__(self, bot: ExtBot[None]) -> None:
        self.bot = bot
        self._ready = False

    async def send(self, notification: Notification) -> str | None:
        chat_id = chat_id_of(notification.conversation_id)
        if chat_id is None:
            raise PermanentFailure("conversation is not a Telegram chat")
        if notification.kind != STATUS_CHANGED:
            raise PermanentFailure(f"unknown kind {notification.kind!r}")
        text = status_message(notification.payload)
        try:
            if not self._ready:
                await self.bot.initialize()
                self._ready = True
            message_id = await send_text(self.bot, chat_id, text)
        except (Forbidden, BadRequest) as error:  # blocked by the doctor, chat gone
            raise PermanentFailure(type(error).__name__) from None
        except TelegramError as error:
            raise RuntimeError(type(error).__name__) from None
        return str(message_id)

    async def aclose(self) -> None:
        if self._ready:
            await self.bot.shutdown()


def build_sender(settings: Settings) -> TelegramSender | None:
    if not settings.telegram_bot_token:
        return None
    telegram = load_telegram_settings(settings)
    redact.install(telegram.token)
    bot: ExtBot[None] = ExtBot(
        telegram.token,
        base_url=f"{telegram.api_url}/bot",
        base_file_url=f"{telegram.api_url}/file/bot",
        rate_limiter=FloodWait(),
    )
    return TelegramSender(bot)
