"""The handlers: what the doctor sends on Telegram, and what comes back.

Registered in one place, `register`. Every update first passes the gate (seen before? older
messages of this chat still waiting for Rasa?), then exactly one handler:

- /start, /stato, /ricomincia, /aiuto: the matching intent; any other /command gets a short
  list of the commands, and never reaches Rasa.
- text: relayed to Rasa (a leading "/" is dropped), replies sent back.
- a button: its payload (from the database) is sent as the message; the keyboard is replaced
  by the chosen option, so it cannot be clicked twice.
- documents and photos: checked and stored by the upload use case; the bot's replies come back.
- voice, video, stickers, contacts, locations: what the bot can take instead.

While an operator has the conversation (bot/handoff) the bot is paused: texts and files reach
the operator, and silence from Rasa is not an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.db.types import utc_now
from bot.dialogue.user_text import neutralise
from bot.handoff import service as handoff
from bot.rasa_client import RasaUnavailable
from bot.telegram import texts
from bot.telegram.conversation import RasaGateway, Replies, conversation_of
from bot.telegram.files import FileRefused, download, incoming_file
from bot.telegram.processor import PerChatProcessor
from bot.telegram.replies import send_replies, send_text
from bot.telegram.settings import TelegramSettings
from bot.telegram.store import BridgeStore, KeptUpdate
from bot.tickets import UnitOfWork
from bot.uploads import receive_upload

logger = logging.getLogger(__name__)

# A message kept while Rasa is down is answered if Rasa is back within this time.
KEEP_FOR = timedelta(hours=1)
PREVIEW_CHARS = 40
ALLOWED_UPDATES = ["message", "callback_query"]
_CHOSEN = "scelto"  # callback_data of the "✅ chosen option" button
TYPING_EVERY_S = 4.0  # Telegram shows "sta scrivendo…" for about 5 s after each chat action
MAX_TYPING_ACTIONS = 60  # at most 4 minutes of it, longer than any turn or file check may take
T = TypeVar("T")

Context = ContextTypes.DEFAULT_TYPE


class Bridge:
    def __init__(self, settings: TelegramSettings, rasa: RasaGateway, store: BridgeStore) -> None:
        self.settings = settings
        self.rasa = rasa
        self.store = store
        self.processor = PerChatProcessor()
        self.processor.on_overflow = self.on_flood
        self._replaying: set[int] = set()
        self.bot: Bot | None = None  # set by `attach`

    # Registration ---------------------------------------------------------------------------

    def register(self, application: Application) -> None:
        private = filters.ChatType.PRIVATE
        application.add_handler(TypeHandler(Update, self.gate), group=-1)
        for command in texts.commands():
            application.add_handler(
                CommandHandler(command.name, self._command(command), filters=private)
            )
        application.add_handler(MessageHandler(private & filters.COMMAND, self.on_unknown_command))
        application.add_handler(MessageHandler(private & filters.TEXT, self.on_text))
        application.add_handler(
            MessageHandler(private & (filters.Document.ALL | filters.PHOTO), self.on_file)
        )
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(MessageHandler(private, self.on_unsupported))
        application.add_error_handler(self.on_error)

    # The gate -------------------------------------------------------------------------------

    async def gate(self, update: Update, context: Context) -> None:
        """Drops redeliveries; queues a message behind older ones still waiting for Rasa."""
        if update.update_id in self._replaying:
            return
        chat = update.effective_chat
        chat_id = chat.id if chat else None
        first = await asyncio.to_thread(self.store.first_delivery, update.update_id, chat_id)
        if not first:
            logger.info("update %s delivered again: ignored", update.update_id)
            raise ApplicationHandlerStop
        if chat_id is None:
            return
        waiting = await asyncio.to_thread(self.store.has_kept_updates, chat_id, update.update_id)
        if waiting:
            await self.replay(context.application, chat_id)
            waiting = await asyncio.to_thread(
                self.store.has_kept_updates, chat_id, update.update_id
            )
        if waiting:
            await self.keep(update, context)
            raise ApplicationHandlerStop

    # Handlers -------------------------------------------------------------------------------

    def _command(self, command: texts.Command) -> Callable[[Update, Context], Awaitable[None]]:
        async def handle(update: Update, context: Context) -> None:
            chat_id = update.effective_chat.id  # type: ignore[union-attr]
            await self.converse(
                update,
                context,
                lambda: self.rasa.trigger(chat_id, command.intent, command.text),
            )

        handle.__doc__ = f"/{command.name}: {command.description}"
        return handle

    async def on_unknown_command(self, update: Update, context: Context) -> None:
        """Any other /command: the list of commands, and nothing goes to the conversation."""
        await send_text(context.bot, update.effective_chat.id, texts.text("comando_sconosciuto"))  # type: ignore[union-attr]

    async def on_text(self, update: Update, context: Context) -> None:
        """A typed message: the conversation's answer."""
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        words = neutralise(update.effective_message.text)  # type: ignore[union-attr]
        if not words:
            await send_text(context.bot, chat_id, texts.text("comando_sconosciuto"))
            return
        await self.converse(update, context, lambda: self.rasa.say(chat_id, words))

    async def on_button(self, update: Update, context: Context) -> None:
        """A button: its option shown in place of the keyboard, then the conversation's answer."""
        query = update.callback_query
        assert query is not None
        message = query.message
        chat_id = message.chat.id if message else None
        choice = None
        if chat_id is not None and (query.data or "").isdigit():
            choice = await asyncio.to_thread(
                self.store.choose, chat_id, int(query.data or 0), update.update_id
            )
        if choice is None or chat_id is None:
            key = "scelta_gia_fatta" if query.data == _CHOSEN else "scelta_scaduta"
            await _quietly(query.answer(texts.text(key)))
            return
        if choice.first_time:
            await _quietly(query.answer())
            chosen = InlineKeyboardButton(
                texts.text("scelta_fatta", titolo=choice.title), callback_data=_CHOSEN
            )
            await _quietly(query.edit_message_reply_markup(InlineKeyboardMarkup([[chosen]])))
        await self.converse(update, context, lambda: self.rasa.say(chat_id, choice.payload))

    async def on_file(self, update: Update, context: Context) -> None:
        """A document or photo: checked like on every channel; photos get a legibility tip."""
        message = update.effective_message
        assert message is not None
        chat_id = message.chat.id
        incoming = incoming_file(message)
        assert incoming is not None
        try:
            data = await download(context.bot, incoming, self.settings.max_file_bytes)
        except FileRefused as refused:
            await send_text(context.bot, chat_id, refused.message)
            return

        async def upload() -> Replies:
            outcome = await receive_upload(
                self.rasa.rasa, conversation_of(chat_id), data, incoming.name, None
            )
            replies = list(outcome.messages)
            if not replies and outcome.accepted and await self._with_operator(chat_id):
                replies = [{"text": texts.text("file_all_operatore")}]
            if not replies:  # the conversation said nothing: at least the check's verdict
                notes = outcome.problems or outcome.warnings
                replies = [{"text": note["message"]} for note in notes]
            if outcome.accepted and incoming.is_photo and self._first_of_album(message, context):
                replies.append({"text": texts.text("foto_compressa")})
            return replies

        await self.converse(update, context, upload)

    async def on_unsupported(self, update: Update, context: Context) -> None:
        """Voice, video, stickers, contacts, locations...: what the bot can take instead."""
        message = update.effective_message
        assert message is not None
        if message.voice or message.audio:
            kind = "voce"
        elif message.video or message.video_note or message.animation:
            kind = "video"
        elif message.sticker:
            kind = "sticker"
        elif message.contact:
            kind = "contatto"
        elif message.location or message.venue:
            kind = "posizione"
        else:
            kind = "altro"
        explanation = f"{texts.text('non_supportato.' + kind)} {texts.text('cosa_posso_ricevere')}"
        await send_text(context.bot, message.chat.id, explanation)

    async def on_flood(self, update: Update) -> None:
        chat = update.effective_chat
        if chat is not None and self.bot is not None:
            await _quietly(send_text(self.bot, chat.id, texts.text("troppi_messaggi")))

    async def on_error(self, update: object, context: Context) -> None:
        """Logged without the update (it holds personal data)."""
        update_id = update.update_id if isinstance(update, Update) else None
        logger.error(
            "update %s failed: %s", update_id, type(context.error).__name__, exc_info=context.error
        )

    # The conversation -----------------------------------------------------------------------

    async def converse(
        self, update: Update, context: Context, action: Callable[[], Awaitable[Replies]]
    ) -> None:
        chat_id = update.effective_chat.id  # type: ignore[union-attr]
        try:
            replies = await typing_while(context.bot, chat_id, self.rasa.call(action))
        except RasaUnavailable as error:
            logger.warning("Rasa unavailable (%s): update %s kept", error, update.update_id)
            await self.keep(update, context)
            return
        if not replies:
            if await self._with_operator(chat_id):
                return  # the bot is paused: an operator reads it in the console and answers
            # Rasa answered, but an action failed (action server down?)
            await send_text(context.bot, chat_id, texts.text("servizio_non_disponibile_riprova"))
            return
        await send_replies(context.bot, self.store, chat_id, replies)

    async def keep(self, update: Update, context: Context) -> None:
        """Keeps the update for a retry; the doctor is told the first time."""
        payload = json.dumps(update.to_dict(), ensure_ascii=False)
        retry = timedelta(seconds=self.settings.retry_seconds)
        first = await asyncio.to_thread(self.store.keep, update.update_id, payload, retry)
        if first and update.effective_chat is not None:
            await send_text(
                context.bot, update.effective_chat.id, texts.text("servizio_non_disponibile")
            )

    # Retrying kept updates ------------------------------------------------------------------

    def attach(self, application: Application) -> None:
        self.bot = application.bot
        self.register(application)

    async def replay(
        self, application: Application, chat_id: int | None = None, *, locked: bool = True
    ) -> int:
        """Processes kept updates again, oldest first; returns how many got through."""
        done = 0
        while True:
            kept = await asyncio.to_thread(self.store.claim_kept, 50, chat_id, chat_id is None)
            if not kept:
                return done
            progress = 0
            for item in kept:
                if await self._replay_one(application, item, locked=locked):
                    progress += 1
            done += progress
            if not progress:
                return done

    async def _replay_one(
        self, application: Application, item: KeptUpdate, *, locked: bool
    ) -> bool:
        update = Update.de_json(json.loads(item.payload), application.bot)
        if utc_now() - item.received_at > KEEP_FOR:
            await asyncio.to_thread(self.store.expire, item.update_id)
            await self._tell_expired(application, update)
            return False
        self._replaying.add(item.update_id)
        try:
            if locked:  # called from a handler: this chat's lock is already held
                await application.process_update(update)
            else:
                await self.processor.process_update(update, application.process_update(update))
        finally:
            self._replaying.discard(item.update_id)
        if await asyncio.to_thread(self.store.is_retrying, item.update_id):
            await asyncio.to_thread(self.store.done, item.update_id)
            return True
        return False

    async def _tell_expired(self, application: Application, update: Update) -> None:
        message = update.effective_message
        if message is None:
            return
        words = message.text or message.caption or ""
        preview = words[:PREVIEW_CHARS] + ("…" if len(words) > PREVIEW_CHARS else "")
        await _quietly(
            send_text(
                application.bot, message.chat.id, texts.text("messaggio_scaduto", anteprima=preview)
            )
        )

    async def retry_loop(self, application: Application, stop: asyncio.Event) -> None:
        """Every few seconds: kept messages again (Rasa may be back), and old ids pruned."""
        rounds = 0
        while not stop.is_set():
            try:
                await self.replay(application, locked=False)
                if rounds % 360 == 0:
                    await asyncio.to_thread(self.store.prune)
            except Exception:
                logger.exception("retrying kept updates failed")
            rounds += 1
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.settings.retry_seconds)

    async def _with_operator(self, chat_id: int) -> bool:
        return await asyncio.to_thread(
            handoff.is_with_operator, UnitOfWork(read_only=True), conversation_of(chat_id)
        )

    def _first_of_album(self, message: object, context: Context) -> bool:
        """One legibility tip per album of photos, not one per photo."""
        group = getattr(message, "media_group_id", None)
        if group is None:
            return True
        chat_data = context.chat_data if context.chat_data is not None else {}
        if chat_data.get("album_tip") == group:
            return False
        chat_data["album_tip"] = group
        return True


async def typing_while(bot: Bot, chat_id: int, work: Awaitable[T]) -> T:
    """`work`'s result, with "sta scrivendo…" shown in the chat until it is there.

    Telegram shows a chat action for about 5 seconds: a file being checked while many doctors
    send theirs takes longer, and a single action would leave the chat silent meanwhile.
    """

    async def keep_typing() -> None:
        for _ in range(MAX_TYPING_ACTIONS):
            await _quietly(bot.send_chat_action(chat_id, ChatAction.TYPING))
            await asyncio.sleep(TYPING_EVERY_S)

    typing = asyncio.create_task(keep_typing())
    try:
        return await work
    finally:
        typing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await typing


async def _quietly(call: Awaitable[object]) -> None:
    """Telegram calls whose failure the doctor would not notice (answering a callback...)."""
    try:
        await call
    except TelegramError as error:
        logger.info("Telegram call failed: %s", type(error).__name__)
