"""Filing a request: validated personal data + the conversation's documents -> one ticket."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.db.types import utc_now
from bot.tickets import personal_data as pd
from bot.tickets.errors import IdempotencyKeyReused, InvalidFilingRequest, MissingDocuments
from bot.tickets.models import PATHS, StatusEvent, Ticket
from bot.tickets.numbers import filing_year, format_ticket_number
from bot.tickets.statuses import RICEVUTA
from bot.tickets.texts import ticket_texts
from bot.tickets.unit_of_work import UnitOfWork
from bot.tickets.views import FiledTicket, filed_ticket

MAX_IDEMPOTENCY_KEY_LENGTH = 128
FILING_ACTOR = "richiedente"


@dataclass(frozen=True)
class FilingRequest:
    """What the form collected. `file_ticket` validates and normalises every field."""

    nome: str
    cognome: str
    codice_fiscale: str
    email: str
    telefono: str
    cap: str
    path: str
    channel: str
    conversation_id: str
    unita: str | None = None  # empty: the office suggested for the CAP
    codice_ditta: str | None = None
    numero_caso: str | None = None


def normalised_request(request: FilingRequest) -> FilingRequest:
    """The request with every field normalised; InvalidFilingRequest lists the bad ones."""
    checks = {
        "nome": pd.check_name(request.nome, "nome"),
        "cognome": pd.check_name(request.cognome, "cognome"),
        "codice_fiscale": pd.check_codice_fiscale(
            request.codice_fiscale, nome=request.nome, cognome=request.cognome
        ),
        "email": pd.check_email(request.email),
        "telefono": pd.check_telefono(request.telefono),
        "cap": pd.check_cap(request.cap),
        "unita": pd.check_unita(request.unita, cap=request.cap),
        "codice_ditta": pd.check_codice_ditta(request.codice_ditta),
        "numero_caso": pd.check_numero_caso(request.numero_caso),
    }
    errors = {name: checked.error for name, checked in checks.items() if checked.error}
    if request.path not in PATHS:
        errors["path"] = "percorso_non_valido"
    if not request.channel or not request.conversation_id:
        errors["conversation"] = "conversazione_mancante"
    if errors:
        raise InvalidFilingRequest(errors)
    return replace(request, **{name: checked.value for name, checked in checks.items()})


REQUIRED_DOCUMENTS = ("modulo",)
IDENTITY_DOCUMENT_SIDES = ("documento_fronte", "documento_retro")


def missing_purposes(purposes: set[str]) -> list[str]:
    """Documents still needed: the signed form, and the ID either as one file or both sides."""
    missing = [purpose for purpose in REQUIRED_DOCUMENTS if purpose not in purposes]
    if "documento" not in purposes:
        missing += [side for side in IDENTITY_DOCUMENT_SIDES if side not in purposes]
    return missing


def missing_documents(uow: UnitOfWork, conversation_id: str) -> list[str]:
    """Purposes the conversation still has to upload before a ticket can be filed."""
    with uow:
        pending = uow.attachments.pending_for_conversation(conversation_id)
        return missing_purposes({item.purpose for item in pending})


def file_ticket(
    uow: UnitOfWork,
    request: FilingRequest,
    idempotency_key: str,
    *,
    now: datetime | None = None,
) -> FiledTicket:
    """File the request once, whatever the number of confirmations, retries or racing workers.

    One transaction: the year's counter, the ticket (status ricevuta), its first status event,
    and the conversation's current accepted files. Concurrent filings queue on the counter; the
    UNIQUE idempotency key is the last word on any race left: the loser's transaction rolls back
    (its number included) and it returns the winner's ticket.
    """
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ValueError("idempotency_key must be 1-128 characters")
    request = normalised_request(request)

    with uow:
        existing = uow.tickets.get_by_idempotency_key(key)
        if existing is not None:
            return _already_filed(existing, request)

    moment = now or utc_now()
    try:
        with uow:
            year = filing_year(moment)
            # Taking the year's number first queues concurrent filings behind one another, so
            # the key check below sees any twin request committed meanwhile.
            sequence = uow.tickets.next_sequence(year)
            existing = uow.tickets.get_by_idempotency_key(key)
            if existing is not None:
                return _already_filed(existing, request)  # rollback returns the number
            ticket = _new_ticket(uow, request, key, year, sequence, moment)
            uow.commit()
            return filed_ticket(ticket, newly_filed=True)
    except IntegrityError as error:
        race_error = error

    with uow:
        existing = uow.tickets.get_by_idempotency_key(key)
        if existing is None:
            raise race_error
        return _already_filed(existing, request)


def _already_filed(ticket: Ticket, request: FilingRequest) -> FiledTicket:
    if ticket.conversation_id != request.conversation_id:
        raise IdempotencyKeyReused("idempotency key belongs to another conversation")
    return filed_ticket(ticket, newly_filed=False)


def _new_ticket(
    uow: UnitOfWork,
    request: FilingRequest,
    key: str,
    year: int,
    sequence: int,
    now: datetime,
) -> Ticket:
    pending = uow.attachments.pending_for_conversation(request.conversation_id)
    missing = missing_purposes({item.purpose for item in pending})
    if missing:
        raise MissingDocuments(missing)

    texts = ticket_texts()
    ticket = Ticket(
        number=format_ticket_number(year, sequence),
        year=year,
        sequence=sequence,
        status=RICEVUTA,
        categoria=texts.categoria,
        sottocategoria=texts.sottocategoria,
        oggetto=texts.oggetto,
        messaggio=texts.messaggio,
        nome=request.nome,
        cognome=request.cognome,
        codice_fiscale=request.codice_fiscale,
        email=request.email,
        telefono=request.telefono,
        cap=request.cap,
        unita=request.unita,
        codice_ditta=request.codice_ditta,
        numero_caso=request.numero_caso,
        path=request.path,
        channel=request.channel,
        conversation_id=request.conversation_id,
        idempotency_key=key,
        created_at=now,
        updated_at=now,
    )
    uow.tickets.add(ticket)
    ticket.events.append(
        StatusEvent(
            from_status=None,
            to_status=RICEVUTA,
            actor=FILING_ACTOR,
            occurred_at=now,
            reason=texts.motivo_apertura,
        )
    )
    uow.flush()
    for attachment in pending:
        attachment.ticket = ticket
    uow.flush()
    return ticket
