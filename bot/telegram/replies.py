"""The bot's replies, as Rasa returns them, turned into Telegram messages.

The doctor sees: texts (links clickable, nothing mis-parsed), buttons as an inline keyboard under
the message they belong to (link buttons open the page), images as photos, documents as files.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot.telegram import texts
from bot.telegram.formatting import chunks, is_url, to_html
from bot.telegram.store import BridgeStore

logger = logging.getLogger(__name__)


async def send_text(bot: Bot, chat_id: int, text: str, markup: Any = None) -> int | None:
    """Sends plain text (escaped); the keyboard goes under the last piece. Returns its id."""
    pieces = chunks(text) or [""]
    message_id = None
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        message = await bot.send_message(
            chat_id,
            to_html(piece),
            parse_mode=ParseMode.HTML,
            reply_markup=markup if last else None,
        )
        message_id = message.message_id
    return message_id


async def keyboard(
    store: BridgeStore, chat_id: int, buttons: Iterable[dict[str, Any]]
) -> InlineKeyboardMarkup | None:
    """One button per row; payloads stay in the database, Telegram gets their ids."""
    listed = [
        (str(b.get("title") or b.get("payload") or ""), str(b.get("payload") or ""))
        for b in buttons
    ]
    listed = [(title, payload) for title, payload in listed if title and payload]
    if not listed:
        return None
    choices = [(t, p) for t, p in listed if not is_url(p)]
    ids = await asyncio.to_thread(store.offer, chat_id, choices) if choices else []
    by_payload = dict(zip((p for _, p in choices), ids, strict=True))
    rows = []
    for title, payload in listed:
        if is_url(payload):
            rows.append([InlineKeyboardButton(title, url=payload)])
        else:
            rows.append([InlineKeyboardButton(title, callback_data=str(by_payload[payload]))])
    return InlineKeyboardMarkup(rows)


async def send_replies(
    bot: Bot, store: BridgeStore, chat_id: int, replies: Iterable[dict[str, Any]]
) -> None:
    """Every reply, in order."""
    for reply in replies:
        await send_reply(bot, store, chat_id, reply)


async def send_reply(bot: Bot, store: BridgeStore, chat_id: int, reply: dict[str, Any]) -> None:
    text = str(reply.get("text") or "").strip()
    markup = await keyboard(store, chat_id, reply.get("buttons") or [])
    if text or markup:
        await send_text(bot, chat_id, text or texts.text("scegli_opzione"), markup)
    image = reply.get("image")
    if isinstance(image, str) and is_url(image):
        await bot.send_photo(chat_id, image)
    attachment = reply.get("attachment")
    if isinstance(attachment, str) and is_url(attachment):
        await bot.send_document(chat_id, attachment)
    custom = reply.get("custom")
    if isinstance(custom, dict):
        await _send_custom(bot, chat_id, custom)


async def _send_custom(bot: Bot, chat_id: int, custom: dict[str, Any]) -> None:
    """Custom payloads the bridge understands: {"text"}, {"photo": url}, {"document": url}."""
    if isinstance(custom.get("text"), str):
        await send_text(bot, chat_id, custom["text"])
    for key, method in (("photo", bot.send_photo), ("document", bot.send_document)):
        value = custom.get(key)
        if isinstance(value, str) and is_url(value):
            await method(chat_id, value, caption=custom.get("caption"))
    if not {"text", "photo", "document"} & custom.keys():
        logger.debug("custom reply without anything Telegram can show: %s", sorted(custom))
