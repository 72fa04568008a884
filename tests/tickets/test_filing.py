import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from bot.tickets import (
    IdempotencyKeyReused,
    InvalidFilingRequest,
    MissingDocuments,
    UnitOfWork,
    file_ticket,
    missing_documents,
)
from bot.tickets.models import Attachment, StatusEvent, Ticket, TicketCounter


def _count(uow: UnitOfWork, model: type) -> int:
    with uow:
        return uow.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_filed_ticket_has_fixed_categorisation_and_normalised_data(
    uow, make_request, upload_documents
):
    upload_documents("conv-1")
    filed = file_ticket(uow, make_request("conv-1"), "key-1")

    assert filed.newly_filed and filed.status == "ricevuta"
    assert filed.attachment_purposes == ("modulo", "documento_fronte", "documento_retro")
    with uow:
        ticket = uow.tickets.get_by_number(filed.number)
        assert ticket.categoria == "Prestazioni a tutela del lavoratore"
        assert ticket.sottocategoria == "Assistenza Servizi Online"
        assert ticket.oggetto == "Registrazione ed autenticazione"
        assert ticket.messaggio.startswith("Richiesta abilitazione ai servizi telematici")
        assert ticket.codice_fiscale == "RSSMRA80A01H501U"
        assert ticket.telefono == "+393331234567"
        assert ticket.unita == "INAIL - Sede di Roma"
        assert ticket.created_at.tzinfo is not None
        assert [(e.from_status, e.to_status) for e in ticket.events] == [(None, "ricevuta")]


def test_numbers_are_sequential_within_a_year_and_restart_each_year(
    uow, make_request, upload_documents
):
    numbers = []
    moments = [
        datetime(2026, 3, 1, tzinfo=timezone.utc),
        datetime(2026, 3, 2, tzinfo=timezone.utc),
        datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc),  # already 2027 in Italy
        datetime(2027, 1, 2, tzinfo=timezone.utc),
    ]
    for index, moment in enumerate(moments):
        conversation = f"conv-{index}"
        upload_documents(conversation)
        numbers.append(
            file_ticket(uow, make_request(conversation), f"key-{index}", now=moment).number
        )
    assert numbers == ["IR-2026-000001", "IR-2026-000002", "IR-2027-000001", "IR-2027-000002"]


def test_filing_twice_with_the_same_key_returns_the_same_ticket(
    uow, make_request, upload_documents
):
    upload_documents("conv-1")
    first = file_ticket(uow, make_request("conv-1"), "confirm-1")
    second = file_ticket(uow, make_request("conv-1"), "confirm-1")

    assert second.number == first.number
    assert first.newly_filed and not second.newly_filed
    assert _count(uow, Ticket) == 1


def test_concurrent_filings_with_the_same_key_make_one_ticket(uow, make_request, upload_documents):
    upload_documents("conv-1")
    results, errors = [], []
    barrier = threading.Barrier(6)

    def confirm() -> None:
        try:
            barrier.wait()
            results.append(file_ticket(UnitOfWork(uow._session_factory), make_request(), "dup"))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=confirm) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == 6 and len({result.number for result in results}) == 1
    assert sum(result.newly_filed for result in results) == 1
    assert _count(uow, Ticket) == 1
    with uow:
        assert uow.session.execute(select(TicketCounter.last_value)).scalar_one() == 1


def test_concurrent_filings_with_different_keys_get_consecutive_numbers(
    uow, make_request, upload_documents
):
    for index in range(8):
        upload_documents(f"conv-{index}")
    numbers, errors = [], []
    barrier = threading.Barrier(8)
    moment = datetime(2026, 5, 5, tzinfo=timezone.utc)

    def confirm(index: int) -> None:
        try:
            barrier.wait()
            filed = file_ticket(
                UnitOfWork(uow._session_factory),
                make_request(f"conv-{index}"),
                f"key-{index}",
                now=moment,
            )
            numbers.append(filed.number)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=confirm, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(numbers) == [f"IR-2026-{n:06d}" for n in range(1, 9)]


class _FailingAfterTicketInsert(UnitOfWork):
    """Raises at the second flush of filing: the ticket row is already inserted by then."""

    flushes = 0

    def flush(self) -> None:
        super().flush()
        self.flushes += 1
        if self.flushes == 2:
            raise RuntimeError("database went away")


def test_failure_midway_through_filing_stores_nothing(uow, make_request, upload_documents):
    upload_documents("conv-1")
    failing = _FailingAfterTicketInsert(uow._session_factory)
    with pytest.raises(RuntimeError):
        file_ticket(failing, make_request("conv-1"), "key-1")

    assert _count(uow, Ticket) == 0
    assert _count(uow, StatusEvent) == 0
    with uow:
        assert uow.session.execute(select(TicketCounter.last_value)).scalar_one_or_none() in (
            None,
            0,
        )
        attachments = uow.session.execute(select(Attachment)).scalars().all()
        assert all(item.ticket_id is None for item in attachments)
    assert file_ticket(uow, make_request("conv-1"), "key-1").number.endswith("-000001")


def test_filing_needs_the_form_and_both_sides_of_the_id(uow, make_request, upload_documents):
    upload_documents("conv-1", purposes=("modulo", "documento_fronte"))
    assert missing_documents(uow, "conv-1") == ["documento_retro"]
    with pytest.raises(MissingDocuments) as raised:
        file_ticket(uow, make_request("conv-1"), "key-1")
    assert raised.value.missing == ["documento_retro"]

    upload_documents("conv-2", purposes=("modulo", "documento"))
    assert missing_documents(uow, "conv-2") == []
    assert file_ticket(uow, make_request("conv-2"), "key-2").attachment_purposes == (
        "modulo",
        "documento",
    )


def test_only_the_latest_upload_per_purpose_is_attached(uow, make_request, upload_documents):
    upload_documents("conv-1")
    upload_documents("conv-1", purposes=("modulo",))
    filed = file_ticket(uow, make_request("conv-1"), "key-1")
    with uow:
        rows = uow.session.execute(select(Attachment).order_by(Attachment.id)).scalars().all()
        first_modulo, *_, latest_modulo = [row for row in rows if row.purpose == "modulo"]
        assert first_modulo.superseded_at is not None and first_modulo.ticket_id is None
        assert latest_modulo.ticket_id is not None
    assert sorted(filed.attachment_purposes) == ["documento_fronte", "documento_retro", "modulo"]


def test_invalid_personal_data_are_refused_with_codes(uow, make_request, upload_documents):
    upload_documents("conv-1")
    with pytest.raises(InvalidFilingRequest) as raised:
        file_ticket(
            uow,
            make_request("conv-1", codice_fiscale="RSSMRA80A01H501X", telefono="123", cap="99999"),
            "key-1",
        )
    assert raised.value.errors == {
        "codice_fiscale": "cf_carattere_controllo",
        "telefono": "telefono_formato",
        "cap": "cap_inesistente",
        "unita": "unita_mancante",
    }
    assert _count(uow, Ticket) == 0


def test_a_key_used_by_another_conversation_reveals_nothing(uow, make_request, upload_documents):
    upload_documents("conv-1")
    file_ticket(uow, make_request("conv-1"), "key-1")
    with pytest.raises(IdempotencyKeyReused):
        file_ticket(uow, make_request("conv-2"), "key-1")
