"""Documents and photos from Telegram, handed to the same upload use case as every channel.

The declared size is checked before downloading (the Bot API serves at most 20 MB; our cap,
MAX_UPLOAD_BYTES, is lower); the download itself is bounded too.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot, Document, Message, PhotoSize
from telegram.error import TelegramError

from bot.telegram import texts

MB = 1024 * 1024


@dataclass(frozen=True)
class IncomingFile:
    file_id: str
    declared_size: int | None
    name: str
    is_photo: bool


class FileRefused(Exception):
    """The doctor reads `message`; nothing was passed on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def incoming_file(message: Message) -> IncomingFile | None:
    if message.document is not None:
        document: Document = message.document
        return IncomingFile(
            document.file_id, document.file_size, document.file_name or "documento", False
        )
    if message.photo:
        largest: PhotoSize = max(message.photo, key=lambda p: (p.file_size or 0, p.width))
        return IncomingFile(largest.file_id, largest.file_size, "foto.jpg", True)
    return None


def _too_big(size: int, limit: int) -> FileRefused:
    return FileRefused(
        texts.text(
            "file_troppo_grande",
            dimensione_mb=f"{size / MB:.1f}".replace(".", ","),
            max_mb=limit // MB,
        )
    )


async def download(bot: Bot, incoming: IncomingFile, limit: int) -> bytes:
    """The file's bytes, or FileRefused with what to tell the doctor."""
    if incoming.declared_size is not None and incoming.declared_size > limit:
        raise _too_big(incoming.declared_size, limit)
    try:
        telegram_file = await bot.get_file(incoming.file_id)
        if telegram_file.file_size is not None and telegram_file.file_size > limit:
            raise _too_big(telegram_file.file_size, limit)
        data = bytes(await telegram_file.download_as_bytearray())
    except TelegramError as error:
        raise FileRefused(texts.text("file_non_scaricato")) from error
    if len(data) > limit:
        raise _too_big(len(data), limit)
    return data
