import json

import pytest
from sqlalchemy import select

from bot.tickets import (
    InvalidTransition,
    NoNewAttachments,
    ReasonRequired,
    TicketNotFound,
    add_attachments_to_ticket,
    change_status,
    file_ticket,
    find_ticket_for_requester,
    get_ticket_detail,
    tickets_for_conversation,
)
from bot.tickets.models import OutboxMessage
from bot.tickets.statuses import ALL_STATUSES, STAFF_TRANSITIONS


@pytest.fixture
def filed(uow, make_request, upload_documents) -> str:
    upload_documents("conv-1")
    return file_ticket(uow, make_request("conv-1"), "key-1").number


def test_staff_move_a_ticket_and_every_move_is_recorded(uow, filed):
    change_status(uow, filed, "in_lavorazione", "operatore.bianchi")
    change_status(uow, filed, "da_integrare", "operatore.bianchi", "Manca il retro del documento")
    change_status(uow, filed, "accolta", "operatore.verdi")

    detail = get_ticket_detail(uow, filed)
    assert detail.status == "accolta"
    assert [(e.from_status, e.to_status, e.actor) for e in detail.events] == [
        (None, "ricevuta", "richiedente"),
        ("ricevuta", "in_lavorazione", "operatore.bianchi"),
        ("in_lavorazione", "da_integrare", "operatore.bianchi"),
        ("da_integrare", "accolta", "operatore.verdi"),
    ]
    assert detail.events[2].reason == "Manca il retro del documento"
    assert all(event.occurred_at.tzinfo is not None for event in detail.events)


@pytest.mark.parametrize("final", ["accolta", "respinta"])
def test_final_statuses_cannot_be_left_by_staff(uow, filed, final):
    change_status(uow, filed, final, "operatore", "Dati del modulo diversi dal documento")
    for target in ALL_STATUSES:
        with pytest.raises(InvalidTransition):
            change_status(uow, filed, target, "operatore", "motivo")


def test_transition_table_is_enforced(uow, filed):
    with pytest.raises(InvalidTransition):
        change_status(uow, filed, "ricevuta", "operatore")
    change_status(uow, filed, "in_lavorazione", "operatore")
    with pytest.raises(InvalidTransition):
        change_status(uow, filed, "in_lavorazione", "operatore")
    with pytest.raises(InvalidTransition):
        change_status(uow, filed, "sconosciuto", "operatore")
    assert "ricevuta" not in set().union(*STAFF_TRANSITIONS.values())


@pytest.mark.parametrize("target", ["da_integrare", "respinta"])
def test_da_integrare_and_respinta_need_a_reason(uow, filed, target):
    for reason in (None, "", "   "):
        with pytest.raises(ReasonRequired):
            change_status(uow, filed, target, "operatore", reason)
    assert get_ticket_detail(uow, filed).status == "ricevuta"


def test_unknown_ticket_is_not_found(uow, filed):
    with pytest.raises(TicketNotFound):
        change_status(uow, "IR-2020-999999", "in_lavorazione", "operatore")


def test_each_change_writes_one_outbox_row_for_the_doctors_channel(uow, filed):
    change_status(uow, filed, "in_lavorazione", "operatore")
    change_status(uow, filed, "respinta", "operatore", "Firma mancante")
    with uow:
        rows = uow.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
        messages = [(row.channel, row.conversation_id, row.kind, row.sent_at) for row in rows]
        payloads = [
            json.loads(row.payload)
            for row in uow.session.execute(select(OutboxMessage).order_by(OutboxMessage.id))
            .scalars()
            .all()
        ]
    assert messages == [("telegram", "conv-1", "status_changed", None)] * 2
    assert [(p["from_status"], p["to_status"], p["reason"]) for p in payloads] == [
        ("ricevuta", "in_lavorazione", None),
        ("in_lavorazione", "respinta", "Firma mancante"),
    ]
    assert all(p["number"] == filed for p in payloads)


def test_a_refused_transition_writes_nothing(uow, filed):
    with pytest.raises(ReasonRequired):
        change_status(uow, filed, "respinta", "operatore")
    with uow:
        assert uow.session.execute(select(OutboxMessage)).first() is None
    assert len(get_ticket_detail(uow, filed).events) == 1


def test_documents_sent_for_da_integrare_resume_the_work(uow, filed, upload_documents):
    change_status(uow, filed, "da_integrare", "operatore", "Serve il retro del documento")
    upload_documents("conv-1", purposes=("documento_retro",))

    change = add_attachments_to_ticket(uow, filed, "conv-1")

    assert (change.from_status, change.to_status, change.actor) == (
        "da_integrare",
        "in_lavorazione",
        "richiedente",
    )
    assert "documento d'identità (retro)" in change.reason
    detail = get_ticket_detail(uow, filed)
    current = [a.purpose for a in detail.attachments if a.superseded_at is None]
    replaced = [a.purpose for a in detail.attachments if a.superseded_at is not None]
    assert sorted(current) == ["documento_fronte", "documento_retro", "modulo"]
    assert replaced == ["documento_retro"]


def test_corrected_documents_after_respinta_put_the_request_back_in_the_queue(
    uow, filed, upload_documents
):
    change_status(uow, filed, "respinta", "operatore", "Dati diversi dal documento")
    upload_documents("conv-1", purposes=("modulo",))
    assert add_attachments_to_ticket(uow, filed, "conv-1").to_status == "ricevuta"


def test_resubmission_needs_new_files_the_right_status_and_the_right_conversation(
    uow, filed, upload_documents
):
    with pytest.raises(InvalidTransition):
        add_attachments_to_ticket(uow, filed, "conv-1")  # still ricevuta
    change_status(uow, filed, "da_integrare", "operatore", "Manca il modulo firmato")
    with pytest.raises(NoNewAttachments):
        add_attachments_to_ticket(uow, filed, "conv-1")
    upload_documents("conv-2", purposes=("modulo",))
    with pytest.raises(TicketNotFound):
        add_attachments_to_ticket(uow, filed, "conv-2")


def test_a_ticket_is_shown_only_to_its_conversation_or_its_email(uow, filed):
    assert find_ticket_for_requester(uow, filed, "conv-1").number == filed
    assert find_ticket_for_requester(uow, filed.lower().replace("-", " "), "conv-1") is not None
    assert find_ticket_for_requester(uow, filed, "conv-9") is None
    assert find_ticket_for_requester(uow, filed, "conv-9", "altro@example.it") is None
    found = find_ticket_for_requester(uow, filed, "conv-9", "MARIO.ROSSI@pec.example.it")
    assert found is not None and found.status == "ricevuta"
    assert find_ticket_for_requester(uow, "IR-2020-000999", "conv-1") is None
    assert find_ticket_for_requester(uow, "not a number", "conv-1") is None


def test_the_requester_sees_status_and_what_is_missing(uow, filed):
    change_status(uow, filed, "da_integrare", "operatore", "Manca la firma sul modulo")
    [view] = tickets_for_conversation(uow, "conv-1")
    assert (view.number, view.status, view.status_reason) == (
        filed,
        "da_integrare",
        "Manca la firma sul modulo",
    )
    assert tickets_for_conversation(uow, "conv-2") == []
