"""Tickets: the request filed for the doctor, its documents, its status history, notifications.

Use cases take a `UnitOfWork` (one transaction each) and return frozen views, never ORM objects.
No channel or web framework is imported here.
"""

from bot.tickets.errors import (
    IdempotencyKeyReused,
    InvalidFilingRequest,
    InvalidTransition,
    MissingDocuments,
    NoNewAttachments,
    ReasonRequired,
    TicketError,
    TicketNotFound,
)
from bot.tickets.filing import FilingRequest, file_ticket, missing_documents
from bot.tickets.numbers import parse_ticket_number
from bot.tickets.outbox import (
    Notification,
    claim_notifications,
    mark_notification_failed,
    mark_notification_sent,
    say,
)
from bot.tickets.queries import (
    find_ticket_for_requester,
    get_ticket_detail,
    list_tickets,
    tickets_for_conversation,
)
from bot.tickets.unit_of_work import UnitOfWork
from bot.tickets.views import FiledTicket, StatusChange, TicketDetail, TicketView
from bot.tickets.workflow import add_attachments_to_ticket, change_status

__all__ = [
    "FiledTicket",
    "FilingRequest",
    "IdempotencyKeyReused",
    "InvalidFilingRequest",
    "InvalidTransition",
    "MissingDocuments",
    "NoNewAttachments",
    "Notification",
    "ReasonRequired",
    "StatusChange",
    "TicketDetail",
    "TicketError",
    "TicketNotFound",
    "TicketView",
    "UnitOfWork",
    "add_attachments_to_ticket",
    "change_status",
    "claim_notifications",
    "file_ticket",
    "find_ticket_for_requester",
    "get_ticket_detail",
    "list_tickets",
    "mark_notification_failed",
    "mark_notification_sent",
    "missing_documents",
    "parse_ticket_number",
    "say",
    "tickets_for_conversation",
]
