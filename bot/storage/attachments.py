"""Storing an upload: its file and its attachment row succeed or fail together.

Order: write the file (atomically), then commit the row. If the file cannot be written, no row is
added; if the commit fails, the file is removed. An accepted upload replaces (supersedes) the
conversation's earlier unfiled upload of the same kind (see `bot.tickets.workflow`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from bot.db.types import utc_now
from bot.storage.file_store import FileStore, new_storage_name
from bot.tickets.models import PURPOSES, Attachment
from bot.tickets.unit_of_work import UnitOfWork

_MAX_ORIGINAL_NAME = 255


class CheckedFileLike(Protocol):
    """What the store needs from a validated upload (bot.intake.CheckedFile fits).

    The stored type is read from `stored_type` when present (the type of `stored_bytes`, e.g. a
    re-encoded photo), otherwise from `sniffed_type`. `size` and `sha256` are recomputed from the
    bytes actually written.
    """

    stored_bytes: bytes
    safe_name: str | None
    accepted: bool

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class StoredAttachment:
    id: int
    conversation_id: str
    purpose: str
    storage_name: str
    size: int
    sha256: str
    sniffed_type: str
    accepted: bool
    created_at: datetime


def _files(files_dir: Path | None) -> FileStore:
    if files_dir is None:
        from bot.config import get_settings

        files_dir = get_settings().files_dir
    return FileStore(files_dir)


def _stored_type(checked: CheckedFileLike) -> str:
    kind = getattr(checked, "stored_type", None) or getattr(checked, "sniffed_type", None)
    return str(kind or "application/octet-stream")


def store_attachment(
    uow: UnitOfWork,
    conversation_id: str,
    purpose: str,
    checked: CheckedFileLike,
    *,
    files_dir: Path | None = None,
    now: datetime | None = None,
) -> StoredAttachment:
    """Keep a checked upload for the conversation: file on disk plus row, or neither."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    if not conversation_id:
        raise ValueError("conversation_id is required")
    data = bytes(checked.stored_bytes or b"")
    if not data:
        raise ValueError("nothing to store: the checked file has no bytes")

    store = _files(files_dir)
    storage_name = new_storage_name()
    moment = now or utc_now()
    store.write(storage_name, data)
    try:
        with uow:
            if checked.accepted:
                # A file replaces the earlier one of the same kind (both sides: both sides).
                replaced = [purpose]
                if purpose == "documento":
                    replaced += ["documento_fronte", "documento_retro"]
                for kind in replaced:
                    uow.attachments.supersede_pending(conversation_id, kind, moment)
            attachment = Attachment(
                conversation_id=conversation_id,
                purpose=purpose,
                storage_name=storage_name,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                sniffed_type=_stored_type(checked),
                original_name=(checked.safe_name or "")[:_MAX_ORIGINAL_NAME] or None,
                check_results=json.dumps(checked.to_dict(), ensure_ascii=False, default=str),
                accepted=bool(checked.accepted),
                created_at=moment,
            )
            uow.attachments.add(attachment)
            uow.flush()
            uow.commit()
    except BaseException:
        with contextlib.suppress(OSError):
            store.delete(storage_name)
        raise
    return StoredAttachment(
        id=attachment.id,
        conversation_id=conversation_id,
        purpose=purpose,
        storage_name=storage_name,
        size=attachment.size,
        sha256=attachment.sha256,
        sniffed_type=attachment.sniffed_type,
        accepted=attachment.accepted,
        created_at=moment,
    )


def open_attachment(storage_name: str, *, files_dir: Path | None = None) -> BinaryIO:
    """The stored bytes, for staff download or forwarding; InvalidStorageName for foreign names."""
    return _files(files_dir).open(storage_name)


def delete_attachment_file(storage_name: str, *, files_dir: Path | None = None) -> bool:
    """Remove a stored file (retention); the row stays as the record. False if already gone."""
    return _files(files_dir).delete(storage_name)
