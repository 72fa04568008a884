"""Read-only use cases: the doctor's own tickets, and the staff console's lists."""

from __future__ import annotations

import hmac

from bot.tickets.numbers import parse_ticket_number
from bot.tickets.personal_data import same_email
from bot.tickets.unit_of_work import UnitOfWork
from bot.tickets.views import TicketDetail, TicketView, ticket_detail, ticket_view


def tickets_for_conversation(uow: UnitOfWork, conversation_id: str) -> list[TicketView]:
    """The conversation's tickets, newest first."""
    with uow:
        return [ticket_view(ticket) for ticket in uow.tickets.for_conversation(conversation_id)]


def find_ticket_for_requester(
    uow: UnitOfWork, number: str, conversation_id: str, email: str | None = None
) -> TicketView | None:
    """The ticket, only if it was filed from this conversation or with this e-mail address.

    A number alone reveals nothing: unknown and foreign numbers both give None.
    """
    canonical = parse_ticket_number(number)
    if canonical is None:
        return None
    with uow:
        ticket = uow.tickets.get_by_number(canonical)
        if ticket is None:
            return None
        same_conversation = hmac.compare_digest(
            ticket.conversation_id.encode(), (conversation_id or "").encode()
        )
        if not (same_conversation or same_email(ticket.email, email)):
            return None
        return ticket_view(ticket)


def list_tickets(
    uow: UnitOfWork, *, status: str | None = None, limit: int = 50, offset: int = 0
) -> list[TicketDetail]:
    """Newest first, for the staff console."""
    with uow:
        return [
            ticket_detail(ticket)
            for ticket in uow.tickets.list(status=status, limit=limit, offset=offset)
        ]


def get_ticket_detail(uow: UnitOfWork, number: str) -> TicketDetail | None:
    canonical = parse_ticket_number(number)
    if canonical is None:
        return None
    with uow:
        ticket = uow.tickets.get_by_number(canonical)
        return ticket_detail(ticket) if ticket else None
