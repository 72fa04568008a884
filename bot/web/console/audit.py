"""The audit log: every view and download of an attachment, every export, every transcript
opened (masked, or with the personal data shown) and every step of an operator in a hand-off,
with who and where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.types import utc_now
from bot.web.console.db import transaction
from bot.web.console.models import AuditEntry

ATTACHMENT_VIEWED = "allegato_visualizzato"
ATTACHMENT_DOWNLOADED = "allegato_scaricato"
TICKET_EXPORTED = "richiesta_esportata"
# Every step an operator takes in a hand-off (the doctor's steps are in handoff_events).
HANDOFF_TAKEN = "assistenza_presa"
HANDOFF_VIEWED = "assistenza_vista"
HANDOFF_MESSAGE = "assistenza_messaggio"
HANDOFF_FILE = "assistenza_file"
HANDOFF_NOTE = "assistenza_nota"
HANDOFF_RESOLVED = "assistenza_restituita"
CALLBACK_ANSWERED = "richiamata_evasa"
CONVERSATION_OPENED = "conversazione_aperta"
CONVERSATION_REVEALED = "conversazione_dati_mostrati"


@dataclass(frozen=True)
class AuditRow:
    id: int
    occurred_at: datetime
    actor: str
    action: str
    ticket_number: str | None
    attachment_id: int | None
    ip: str
    detail: str | None


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    ip: str,
    ticket_number: str | None = None,
    attachment_id: int | None = None,
    detail: str | None = None,
) -> None:
    session.add(
        AuditEntry(
            occurred_at=utc_now(),
            actor=actor,
            action=action,
            ticket_number=ticket_number,
            attachment_id=attachment_id,
            ip=ip[:64],
            detail=detail,
        )
    )


def list_entries(*, limit: int = 100, offset: int = 0) -> tuple[list[AuditRow], int]:
    """Newest first, and the total count."""
    with transaction() as session:
        total = int(session.execute(select(func.count(AuditEntry.id))).scalar_one())
        rows = session.execute(
            select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit).offset(offset)
        ).scalars()
        return [
            AuditRow(
                id=row.id,
                occurred_at=row.occurred_at,
                actor=row.actor,
                action=row.action,
                ticket_number=row.ticket_number,
                attachment_id=row.attachment_id,
                ip=row.ip,
                detail=row.detail,
            )
            for row in rows
        ], total
