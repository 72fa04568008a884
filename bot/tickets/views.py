"""Read models handed to adapters: plain frozen dataclasses, no ORM objects leave a service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.tickets.models import Attachment, StatusEvent, Ticket


@dataclass(frozen=True)
class FiledTicket:
    number: str
    status: str
    created_at: datetime
    attachment_purposes: tuple[str, ...]
    newly_filed: bool  # False when the idempotency key had already filed this ticket


@dataclass(frozen=True)
class StatusChange:
    number: str
    from_status: str
    to_status: str
    actor: str
    reason: str | None
    occurred_at: datetime


@dataclass(frozen=True)
class TicketView:
    """What the requester may see about their own ticket."""

    number: str
    status: str
    status_reason: str | None  # what is missing (da_integrare) or why (respinta)
    path: str
    unita: str
    created_at: datetime
    updated_at: datetime
    attachment_purposes: tuple[str, ...]


@dataclass(frozen=True)
class AttachmentView:
    id: int
    purpose: str
    storage_name: str
    size: int
    sha256: str
    sniffed_type: str
    original_name: str | None
    accepted: bool
    check_results: str
    created_at: datetime
    superseded_at: datetime | None


@dataclass(frozen=True)
class StatusEventView:
    from_status: str | None
    to_status: str
    actor: str
    occurred_at: datetime
    reason: str | None


@dataclass(frozen=True)
class TicketDetail:
    """Everything staff see in the console."""

    number: str
    status: str
    fields: dict[str, Any]
    attachments: tuple[AttachmentView, ...]
    events: tuple[StatusEventView, ...]


STAFF_FIELDS = (
    "categoria", "sottocategoria", "oggetto", "messaggio", "nome", "cognome", "codice_fiscale",
    "email", "telefono", "cap", "unita", "codice_ditta", "numero_caso", "path", "channel",
    "conversation_id", "created_at", "updated_at",
)  # fmt: skip


def current_attachments(ticket: Ticket) -> list[Attachment]:
    return [item for item in ticket.attachments if item.superseded_at is None]


def filed_ticket(ticket: Ticket, *, newly_filed: bool) -> FiledTicket:
    return FiledTicket(
        number=ticket.number,
        status=ticket.status,
        created_at=ticket.created_at,
        attachment_purposes=tuple(item.purpose for item in current_attachments(ticket)),
        newly_filed=newly_filed,
    )


def ticket_view(ticket: Ticket) -> TicketView:
    last_event = ticket.events[-1] if ticket.events else None
    reason = last_event.reason if last_event and last_event.to_status == ticket.status else None
    return TicketView(
        number=ticket.number,
        status=ticket.status,
        status_reason=reason if ticket.status in ("da_integrare", "respinta") else None,
        path=ticket.path,
        unita=ticket.unita,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        attachment_purposes=tuple(item.purpose for item in current_attachments(ticket)),
    )


def attachment_view(item: Attachment) -> AttachmentView:
    return AttachmentView(
        id=item.id,
        purpose=item.purpose,
        storage_name=item.storage_name,
        size=item.size,
        sha256=item.sha256,
        sniffed_type=item.sniffed_type,
        original_name=item.original_name,
        accepted=item.accepted,
        check_results=item.check_results,
        created_at=item.created_at,
        superseded_at=item.superseded_at,
    )


def event_view(event: StatusEvent) -> StatusEventView:
    return StatusEventView(
        from_status=event.from_status,
        to_status=event.to_status,
        actor=event.actor,
        occurred_at=event.occurred_at,
        reason=event.reason,
    )


def ticket_detail(ticket: Ticket) -> TicketDetail:
    return TicketDetail(
        number=ticket.number,
        status=ticket.status,
        fields={name: getattr(ticket, name) for name in STAFF_FIELDS},
        attachments=tuple(attachment_view(item) for item in ticket.attachments),
        events=tuple(event_view(event) for event in ticket.events),
    )
