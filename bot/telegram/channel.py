"""Telegram's side of the channel seam (`bot.channels`): notices, operators' messages and
files pushed to the doctor's chat through the Bot API, and "sta scrivendo".

Used by the notifier (its own process, its own Bot client) and by the web process (typing).
The chat shows the same text as every channel (bot/notify/notices.yml): the title in bold, who
wrote it, buttons as an inline keyboard (usable once, like the bot's own).
"""

from __future__ import annotations

import asyncio
import html

from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ExtBot

from bot.config import Settings
from bot.conversation_ids import native_id
from bot.notify.notices import Notice
from bot.notify.senders import PermanentFailure
from bot.storage import FileStore
from bot.telegram import redact
from bot.telegram.formatting import to_html
from bot.telegram.ratelimit import FloodWait
from bot.telegram.replies import keyboard, send_text
from bot.telegram.settings import load_telegram_settings
from bot.telegram.store import BridgeStore

CHANNEL = "telegram"


def chat_of(conversation_id: str) -> int:
    native = native_id(CHANNEL, conversation_id)
    if native is None or not native.lstrip("-").isdigit():
        raise PermanentFailure("conversation is not a Telegram chat")
    return int(native)


def headline(notice: Notice) -> str:
    """The bold line above the text: the notice's title, or who wrote the message."""
    return notice.title or notice.author or ""


class TelegramChannel:
    name = CHANNEL
    rasa_output_channel: str | None = None

    def __init__(
        self, bot: ExtBot[None], files: FileStore, store: BridgeStore | None = None
    ) -> None:
        self.bot = bot
        self.files = files
        self._store = store
        self._ready = False

    @property
    def store(self) -> BridgeStore:
        if self._store is None:
            self._store = BridgeStore()
        return self._store

    async def _bot(self) -> ExtBot[None]:
        if not self._ready:
            await self.bot.initialize()
            self._ready = True
        return self.bot

    async def deliver(self, conversation_id: str, notice: Notice) -> str | None:
        chat_id = chat_of(conversation_id)
        try:
            bot = await self._bot()
            buttons = [{"title": t, "payload": p} for t, p in notice.buttons]
            markup = await keyboard(self.store, chat_id, buttons) if buttons else None
            top = headline(notice)
            if notice.file is not None:
                data = await asyncio.to_thread(self._read, notice.file.token, conversation_id)
                sent = await bot.send_document(
                    chat_id, data, filename=notice.file.name, caption=top or None
                )
                return str(sent.message_id)
            if top:
                body = f"<b>{html.escape(top, quote=False)}</b>\n{to_html(notice.text)}"
                message = await bot.send_message(
                    chat_id, body, parse_mode=ParseMode.HTML, reply_markup=markup
                )
                return str(message.message_id)
            return str(await send_text(bot, chat_id, notice.text, markup))
        except (Forbidden, BadRequest) as error:  # blocked by the doctor, chat gone
            raise PermanentFailure(type(error).__name__) from None
        except TelegramError as error:
            raise RuntimeError(type(error).__name__) from None

    def _read(self, token: str, conversation_id: str) -> bytes:
        from bot.handoff.service import operator_file
        from bot.tickets import UnitOfWork

        row = operator_file(UnitOfWork(read_only=True), conversation_id, token)
        if row is None:
            raise PermanentFailure("operator file not found")
        with self.files.open(row.storage_name) as handle:
            return handle.read()

    async def typing(self, conversation_id: str) -> None:
        try:
            bot = await self._bot()
            await bot.send_chat_action(chat_of(conversation_id), ChatAction.TYPING)
        except (TelegramError, PermanentFailure):
            return  # the doctor would not notice a missing "sta scrivendo"

    async def aclose(self) -> None:
        if self._ready:
            await self.bot.shutdown()
            self._ready = False


def build_adapter(settings: Settings) -> TelegramChannel | None:
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
    return TelegramChannel(bot, FileStore(settings.files_dir))
