"""Domain errors; adapters translate them into messages (codes are keys of messages.yml)."""

from __future__ import annotations


class TicketError(Exception):
    """Base class of every ticket-domain error."""

    code = "errore_ticket"


class TicketNotFound(TicketError):
    code = "ticket_non_trovato"


class InvalidTransition(TicketError):
    code = "transizione_non_ammessa"

    def __init__(self, from_status: str, to_status: str) -> None:
        super().__init__(f"transition {from_status} -> {to_status} not allowed")
        self.from_status = from_status
        self.to_status = to_status


class ReasonRequired(TicketError):
    code = "motivazione_obbligatoria"

    def __init__(self, to_status: str) -> None:
        super().__init__(f"status {to_status} needs a reason")
        self.to_status = to_status


class InvalidFilingRequest(TicketError):
    """Personal data that do not pass the validators; `errors` maps field -> error code."""

    code = "dati_non_validi"

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("invalid fields: " + ", ".join(sorted(errors)))
        self.errors = errors


class MissingDocuments(TicketError):
    code = "documenti_mancanti"

    def __init__(self, missing: list[str]) -> None:
        super().__init__("missing documents: " + ", ".join(missing))
        self.missing = missing


class NoNewAttachments(TicketError):
    code = "nessun_nuovo_allegato"


class IdempotencyKeyReused(TicketError):
    """The key was already used by another conversation: never hand its ticket out."""

    code = "chiave_idempotenza_riusata"
