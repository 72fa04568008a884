"""The ticket status workflow: which moves are allowed, and which need a reason.

Staff move tickets with `change_status`. The doctor moves a ticket only by sending new documents
(`add_attachments_to_ticket`): da_integrare -> in_lavorazione (staff resume the same check), and
respinta -> ricevuta (a corrected resubmission is a new request under the same number, so it goes
back to the queue). accolta is final; respinta is final for staff.
"""

from __future__ import annotations

from bot.tickets.errors import InvalidTransition, ReasonRequired

RICEVUTA = "ricevuta"
IN_LAVORAZIONE = "in_lavorazione"
DA_INTEGRARE = "da_integrare"
ACCOLTA = "accolta"
RESPINTA = "respinta"

ALL_STATUSES = (RICEVUTA, IN_LAVORAZIONE, DA_INTEGRARE, ACCOLTA, RESPINTA)

STAFF_TRANSITIONS: dict[str, frozenset[str]] = {
    RICEVUTA: frozenset({IN_LAVORAZIONE, DA_INTEGRARE, ACCOLTA, RESPINTA}),
    IN_LAVORAZIONE: frozenset({DA_INTEGRARE, ACCOLTA, RESPINTA}),
    DA_INTEGRARE: frozenset({IN_LAVORAZIONE, ACCOLTA, RESPINTA}),
    ACCOLTA: frozenset(),
    RESPINTA: frozenset(),
}

RESUBMISSION_TRANSITIONS: dict[str, str] = {
    DA_INTEGRARE: IN_LAVORAZIONE,
    RESPINTA: RICEVUTA,
}

# da_integrare must say what is missing, respinta the reasons: the doctor reads them.
REASON_REQUIRED = frozenset({DA_INTEGRARE, RESPINTA})


def check_staff_transition(from_status: str, to_status: str, reason: str | None) -> None:
    if to_status not in STAFF_TRANSITIONS.get(from_status, frozenset()):
        raise InvalidTransition(from_status, to_status)
    if to_status in REASON_REQUIRED and not (reason and reason.strip()):
        raise ReasonRequired(to_status)


def resubmission_target(from_status: str) -> str:
    try:
        return RESUBMISSION_TRANSITIONS[from_status]
    except KeyError:
        raise InvalidTransition(from_status, "reinvio documenti") from None
