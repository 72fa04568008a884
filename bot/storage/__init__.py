"""Attachment files on disk, kept in step with their database rows."""

from bot.storage.attachments import (
    CheckedFileLike,
    StoredAttachment,
    delete_attachment_file,
    open_attachment,
    store_attachment,
)
from bot.storage.file_store import FileStore, InvalidStorageName

__all__ = [
    "CheckedFileLike",
    "FileStore",
    "InvalidStorageName",
    "StoredAttachment",
    "delete_attachment_file",
    "open_attachment",
    "store_attachment",
]
