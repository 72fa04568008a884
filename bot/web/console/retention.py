"""Retention: the files of closed requests (accolta, respinta) are deleted RETENTION_DAYS after the
decision; each attachment row stays, with an `attachment_deletions` row saying when."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.db.types import utc_now
from bot.storage import InvalidStorageName, delete_attachment_file
from bot.tickets.models import Attachment, StatusEvent, Ticket
from bot.tickets.statuses import ACCOLTA, RESPINTA
from bot.web.console.db import transaction
from bot.web.console.models import AttachmentDeletion

logger = logging.getLogger(__name__)
REASON = "conservazione"


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
        try:
            delete_attachment_file(storage_name, files_dir=files_dir)
        except InvalidStorageName:
            logger.warning("retention: attachment %s has an invalid storage name", attachment_id)
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
