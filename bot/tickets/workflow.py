"""Status changes: by staff from the console, by the doctor when sending new documents.

Every change writes, in the same transaction, a status event (who, when, why) and an outbox row
that the notifier delivers to the doctor's channel; a change by staff can also write a second row
for the doctor's e-mail address (channel "email").
"""

from __future__ import annotations

from datetime import datetime

from bot.db.types import utc_now
from bot.tickets.errors import NoNewAttachments, TicketNotFound
from bot.tickets.models import StatusEvent, Ticket
from bot.tickets.numbers import parse_ticket_number
from bot.tickets.outbox import say
from bot.tickets.statuses import check_staff_transition, resubmission_target
from bot.tickets.texts import resubmission_reason
from bot.tickets.unit_of_work import UnitOfWork
from bot.tickets.views import StatusChange

STATUS_CHANGED = "status_changed"
RESUBMISSION_ACTOR = "richiedente"
EMAIL_CHANNEL = "email"


def change_status(
    uow: UnitOfWork,
    number: str,
    to_status: str,
    actor: str,
    reason: str | None = None,
    *,
    now: datetime | None = None,
    notify_by_email: bool = False,
) -> StatusChange:
    """A staff member moves a ticket; da_integrare and respinta need the reason the doctor reads.

    With `notify_by_email` the doctor is also told at the ticket's e-mail address.
    """
    if not actor or not actor.strip():
        raise ValueError("actor is required")
    with uow:
        ticket = _ticket_for_update(uow, number)
        check_staff_transition(ticket.status, to_status, reason)
        change = _record_change(
            uow,
            ticket,
            to_status,
            actor.strip(),
            (reason or "").strip() or None,
            now or utc_now(),
            channels=(ticket.channel, EMAIL_CHANNEL) if notify_by_email else (ticket.channel,),
        )
        uow.commit()
        return change


def add_attachments_to_ticket(
    uow: UnitOfWork,
    number: str,
    conversation_id: str,
    *,
    now: datetime | None = None,
) -> StatusChange:
    """The doctor sends corrected or missing documents for a da_integrare or respinta ticket.

    The conversation's new accepted files join the ticket, replacing the ticket's files with the
    same purpose, and the ticket moves on (see `statuses.RESUBMISSION_TRANSITIONS`).
    """
    moment = now or utc_now()
    with uow:
        ticket = _ticket_for_update(uow, number)
        if ticket.conversation_id != conversation_id:
            raise TicketNotFound(number)
        to_status = resubmission_target(ticket.status)
        new_files = uow.attachments.pending_for_conversation(conversation_id)
        if not new_files:
            raise NoNewAttachments(number)
        purposes = [item.purpose for item in new_files]
        uow.attachments.supersede_on_ticket(ticket.id, replaced_purposes(purposes), moment)
        for attachment in new_files:
            attachment.ticket = ticket
        reason = resubmission_reason(purposes)
        change = _record_change(uow, ticket, to_status, RESUBMISSION_ACTOR, reason, moment)
        uow.commit()
        return change


def replaced_purposes(purposes: list[str]) -> list[str]:
    """What new files replace on a ticket: the same kind only (the form never replaces the ID,
    a front never replaces the form); one file with both sides replaces both sides."""
    replaced = set(purposes)
    if "documento" in replaced:
        replaced |= {"documento_fronte", "documento_retro"}
    return sorted(replaced)


def _ticket_for_update(uow: UnitOfWork, number: str) -> Ticket:
    canonical = parse_ticket_number(number)
    ticket = uow.tickets.get_by_number(canonical, for_update=True) if canonical else None
    if ticket is None:
        raise TicketNotFound(number)
    return ticket


def _record_change(
    uow: UnitOfWork,
    ticket: Ticket,
    to_status: str,
    actor: str,
    reason: str | None,
    now: datetime,
    *,
    channels: tuple[str, ...] | None = None,
) -> StatusChange:
    from_status = ticket.status
    ticket.status = to_status
    ticket.updated_at = now
    ticket.events.append(
        StatusEvent(
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            occurred_at=now,
            reason=reason,
        )
    )
    payload = {
        "number": ticket.number,
        "from_status": from_status,
        "to_status": to_status,
        "reason": reason,
        "occurred_at": now.isoformat(),
    }
    for channel in dict.fromkeys(channels or (ticket.channel,)):
        say(
            uow,
            ticket.conversation_id,
            channel,
            STATUS_CHANGED,
            payload,
            ticket_id=ticket.id,
            now=now,
        )
    uow.flush()
    return StatusChange(
        number=ticket.number,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        reason=reason,
        occurred_at=now,
    )
