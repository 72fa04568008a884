"""Retention: nothing uploaded is kept forever.

- The files of closed requests (accolta, respinta) are deleted RETENTION_DAYS after the decision.
- Files never attached to a request (a conversation that did not file, an upload replaced by a
  newer one) are deleted UPLOAD_ORPHAN_HOURS after the upload.
In both cases the attachment row stays, with an `attachment_deletions` row saying when and why
(an orphan's check results, which may hold data read from an ID, are emptied).
- Files in the files directory without any row, attachment or operator's file (written just
  before a crash, before their row was committed) are deleted, once they are an hour old.
`run_retention` does all three, at start and daily in the web process; each logs its count.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from bot.config import get_settings
from bot.db.types import utc_now
from bot.handoff.models import OperatorFile
from bot.storage import InvalidStorageName, delete_attachment_file
from bot.tickets.models import Attachment, StatusEvent, Ticket
from bot.tickets.statuses import ACCOLTA, RESPINTA
from bot.web.console.db import transaction
from bot.web.console.models import AttachmentDeletion

logger = logging.getLogger(__name__)
REASON = "conservazione"
ORPHAN_REASON = "mai_allegato"
# A file is written before its row is committed: younger than this, a file without a row may be
# an upload still in progress.
UNLISTED_GRACE_S = 3600
_STORED_NAME = re.compile(r"^[0-9a-f]{32}$")
_TEMP_NAME = re.compile(r"^\.tmp-[0-9a-f]{16}$")


def due_attachments(days: int, now: datetime) -> list[tuple[int, str]]:
    """(id, storage name) of the files to delete: closed tickets whose last change is old enough."""
    cutoff = now - timedelta(days=days)
    last_change = (
        select(StatusEvent.ticket_id, func.max(StatusEvent.id).label("last_id"))
        .group_by(StatusEvent.ticket_id)
        .subquery()
    )
    with transaction() as session:
        rows = session.execute(
            select(Attachment.id, Attachment.storage_name)
            .join(Ticket, Ticket.id == Attachment.ticket_id)
            .join(last_change, last_change.c.ticket_id == Ticket.id)
            .join(StatusEvent, StatusEvent.id == last_change.c.last_id)
            .outerjoin(AttachmentDeletion, AttachmentDeletion.attachment_id == Attachment.id)
            .where(
                Ticket.status.in_((ACCOLTA, RESPINTA)),
                StatusEvent.occurred_at < cutoff,
                AttachmentDeletion.attachment_id.is_(None),
            )
            .order_by(Attachment.id)
        ).all()
        return [(attachment_id, storage_name) for attachment_id, storage_name in rows]


def _remove_file(attachment_id: int, storage_name: str, files_dir: Path | None) -> None:
    """The file of an attachment already marked deleted (its row is the record)."""
    try:
        delete_attachment_file(storage_name, files_dir=files_dir)
    except InvalidStorageName:
        logger.warning("retention: attachment %s has an invalid storage name", attachment_id)


def apply_retention(
    days: int, *, files_dir: Path | None = None, now: datetime | None = None
) -> int:
    """Delete the due files; returns how many attachments were marked deleted. 0 days: nothing."""
    if days <= 0:
        return 0
    moment = now or utc_now()
    done = 0
    for attachment_id, storage_name in due_attachments(days, moment):
        # Mark first: a crash between the two leaves a marked row with a file, found by the next
        # run's sweep below, never a row claiming a file that is gone without a record.
        with transaction() as session:
            if session.get(AttachmentDeletion, attachment_id) is not None:
                continue
            session.add(
                AttachmentDeletion(attachment_id=attachment_id, deleted_at=moment, reason=REASON)
            )
        _remove_file(attachment_id, storage_name, files_dir)
        done += 1
    _sweep(files_dir)
    logger.info("retention: %d attachment files deleted (older than %d days)", done, days)
    return done


def _sweep(files_dir: Path | None) -> None:
    """Files still on disk for attachments marked deleted (an interrupted run) are removed."""
    with transaction() as session:
        names = session.execute(
            select(Attachment.storage_name).join(
                AttachmentDeletion, AttachmentDeletion.attachment_id == Attachment.id
            )
        ).scalars()
        storage_names = list(names)
    for name in storage_names:
        try:
            delete_attachment_file(name, files_dir=files_dir)
        except InvalidStorageName:
            continue


def due_orphans(hours: int, now: datetime) -> list[tuple[int, str]]:
    """(id, storage name) of uploads never attached to a ticket, older than `hours`."""
    cutoff = now - timedelta(hours=hours)
    with transaction() as session:
        rows = session.execute(
            select(Attachment.id, Attachment.storage_name)
            .outerjoin(AttachmentDeletion, AttachmentDeletion.attachment_id == Attachment.id)
            .where(
                Attachment.ticket_id.is_(None),
                Attachment.created_at < cutoff,
                AttachmentDeletion.attachment_id.is_(None),
            )
            .order_by(Attachment.id)
        ).all()
        return [(attachment_id, storage_name) for attachment_id, storage_name in rows]


def apply_orphan_retention(
    hours: int, *, files_dir: Path | None = None, now: datetime | None = None
) -> int:
    """Delete the files of old uploads that never reached a ticket; returns how many. 0: never."""
    if hours <= 0:
        return 0
    moment = now or utc_now()
    done = 0
    for attachment_id, storage_name in due_orphans(hours, moment):
        with transaction() as session:
            # Conditional: a ticket filed meanwhile keeps its file.
            claimed = session.execute(
                update(Attachment)
                .where(Attachment.id == attachment_id, Attachment.ticket_id.is_(None))
                .values(
                    superseded_at=func.coalesce(Attachment.superseded_at, moment),
                    check_results="{}",
                )
            ).rowcount
            if not claimed or session.get(AttachmentDeletion, attachment_id) is not None:
                continue
            session.add(
                AttachmentDeletion(
                    attachment_id=attachment_id, deleted_at=moment, reason=ORPHAN_REASON
                )
            )
        _remove_file(attachment_id, storage_name, files_dir)
        done += 1
    logger.info("retention: %d files of uploads never filed deleted (older than %d h)", done, hours)
    return done


def sweep_unlisted_files(*, files_dir: Path | None = None, now: float | None = None) -> int:
    """Delete files (and leftover temporary files) that no row names (an attachment, a file an
    operator sent in a hand-off), once an hour old; returns how many."""
    directory = files_dir or get_settings().files_dir
    if not directory.is_dir():
        return 0
    moment = time.time() if now is None else now
    with transaction() as session:
        known = set(session.execute(select(Attachment.storage_name)).scalars())
        known.update(session.execute(select(OperatorFile.storage_name)).scalars())
    done = 0
    for path in directory.iterdir():
        name = path.name
        if not (_STORED_NAME.match(name) or _TEMP_NAME.match(name)) or name in known:
            continue
        with contextlib.suppress(FileNotFoundError):
            if not path.is_file() or moment - path.stat().st_mtime < UNLISTED_GRACE_S:
                continue
            path.unlink()
            done += 1
    logger.info("retention: %d files without a database row deleted", done)
    return done


@dataclass(frozen=True)
class RetentionRun:
    closed: int
    orphans: int
    unlisted: int


def run_retention(days: int, orphan_hours: int, *, files_dir: Path | None = None) -> RetentionRun:
    """The three retention rules, in the order that frees the most (see the module doc)."""
    return RetentionRun(
        closed=apply_retention(days, files_dir=files_dir),
        orphans=apply_orphan_retention(orphan_hours, files_dir=files_dir),
        unlisted=sweep_unlisted_files(files_dir=files_dir),
    )
