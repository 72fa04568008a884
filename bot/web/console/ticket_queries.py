"""What the console reads about tickets beyond bot.tickets' own queries: filtered pages of the
list, one attachment with its ticket, and which files retention has deleted."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select

from bot.tickets.models import Attachment, Ticket
from bot.web.console.db import transaction
from bot.web.console.models import AttachmentDeletion
from bot.web.console.web import ROME

PAGE_SIZE = 25


@dataclass(frozen=True)
class TicketFilters:
    status: str = ""
    path: str = ""
    channel: str = ""
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""
    page: int = 1

    def query(self) -> dict[str, str]:
        """The filters as query-string values (for paging links)."""
        values = {
            "stato": self.status,
            "percorso": self.path,
            "canale": self.channel,
            "dal": self.date_from.isoformat() if self.date_from else "",
            "al": self.date_to.isoformat() if self.date_to else "",
            "testo": self.text,
        }
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class TicketRow:
    number: str
    status: str
    path: str
    channel: str
    nome: str
    cognome: str
    codice_fiscale: str
    email: str
    telefono: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class TicketPage:
    rows: list[TicketRow]
    total: int
    page: int
    pages: int
    channels: list[str] = field(default_factory=list)


def day_start(day: date) -> datetime:
    """Midnight in Rome of `day`, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=ROME)


def list_ticket_page(filters: TicketFilters) -> TicketPage:
    conditions: list[Any] = []
    if filters.status:
        conditions.append(Ticket.status == filters.status)
    if filters.path:
        conditions.append(Ticket.path == filters.path)
    if filters.channel:
        conditions.append(Ticket.channel == filters.channel)
    if filters.date_from:
        conditions.append(Ticket.created_at >= day_start(filters.date_from))
    if filters.date_to:
        conditions.append(Ticket.created_at < day_start(filters.date_to + timedelta(days=1)))
    if filters.text.strip():
        needle = f"%{filters.text.strip().lower()}%"
        conditions.append(
            or_(
                func.lower(Ticket.number).like(needle),
                func.lower(Ticket.nome).like(needle),
                func.lower(Ticket.cognome).like(needle),
                func.lower(Ticket.codice_fiscale).like(needle),
                func.lower(Ticket.email).like(needle),
            )
        )
    with transaction() as session:
        total = int(session.execute(select(func.count(Ticket.id)).where(*conditions)).scalar_one())
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(1, filters.page), pages)
        tickets = session.execute(
            select(Ticket)
            .where(*conditions)
            .order_by(Ticket.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        ).scalars()
        rows = [
            TicketRow(
                number=t.number,
                status=t.status,
                path=t.path,
                channel=t.channel,
                nome=t.nome,
                cognome=t.cognome,
                codice_fiscale=t.codice_fiscale,
                email=t.email,
                telefono=t.telefono,
                created_at=t.created_at,
                updated_at=t.updated_at,
            )
            for t in tickets
        ]
        channels = list(session.execute(select(Ticket.channel).distinct()).scalars())
    return TicketPage(rows, total, page, pages, sorted(channels))


@dataclass(frozen=True)
class AttachmentFile:
    id: int
    ticket_number: str | None
    purpose: str
    storage_name: str
    sniffed_type: str
    original_name: str | None
    deleted_at: datetime | None


def get_attachment(attachment_id: int) -> AttachmentFile | None:
    with transaction() as session:
        item = session.get(Attachment, attachment_id)
        if item is None:
            return None
        deletion = session.get(AttachmentDeletion, attachment_id)
        return AttachmentFile(
            id=item.id,
            ticket_number=item.ticket.number if item.ticket else None,
            purpose=item.purpose,
            storage_name=item.storage_name,
            sniffed_type=item.sniffed_type,
            original_name=item.original_name,
            deleted_at=deletion.deleted_at if deletion else None,
        )


def deletions(attachment_ids: list[int]) -> dict[int, datetime]:
    if not attachment_ids:
        return {}
    with transaction() as session:
        rows = session.execute(
            select(AttachmentDeletion).where(AttachmentDeletion.attachment_id.in_(attachment_ids))
        ).scalars()
        return {row.attachment_id: row.deleted_at for row in rows}


def check_summary(check_results: str) -> dict[str, Any]:
    """The stored check results as staff read them: flags, warnings, problems, identity, signer."""
    try:
        data = json.loads(check_results or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    return {
        "flags": [str(flag) for flag in data.get("flags") or []],
        "warnings": [item for item in data.get("warnings") or [] if isinstance(item, dict)],
        "problems": [item for item in data.get("problems") or [] if isinstance(item, dict)],
        "identity": data.get("identity") if isinstance(data.get("identity"), dict) else None,
        "signer": data.get("signer") if isinstance(data.get("signer"), dict) else None,
        "pages": data.get("pages"),
        "reading": data.get("reading") if isinstance(data.get("reading"), dict) else None,
    }


READ_ROWS = (
    ("cognome", "Cognome"),
    ("nome", "Nome"),
    ("data_nascita", "Data di nascita"),
    ("sesso", "Sesso"),
    ("codice_fiscale", "Codice fiscale"),
    ("numero_documento", "Numero documento"),
    ("scadenza", "Scadenza"),
)


def read_rows(reading: dict[str, Any] | None, declared: dict[str, str]) -> list[dict[str, Any]]:
    """What was read from a file beside what the request declares, differences marked."""
    from bot.intake.document_checks import same_value

    if not reading:
        return []
    rows = []
    for key, label in READ_ROWS:
        read = reading.get(key)
        stated = declared.get(key)
        if not read and not stated:
            continue
        if key in ("data_nascita", "scadenza") and read:
            with contextlib.suppress(ValueError):
                read = date.fromisoformat(str(read)).strftime("%d/%m/%Y")
        rows.append(
            {
                "label": label,
                "read": read or "",
                "declared": stated or "",
                "differs": bool(read and stated and not same_value(key, str(read), stated)),
            }
        )
    return rows
