"""The console's side of the hand-off and the conversation review that helps, without a browser:
the inbox, taking a conversation, answering, notes, hand back; transcripts with files, form
answers and notices; the dashboard's hand-off figures in Italian."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from bot.db.types import utc_now
from bot.handoff import service
from bot.intake.samples.forms import filled_form_pdf
from bot.tickets import UnitOfWork
from bot.tickets.models import OutboxMessage
from bot.web.console.models import AuditEntry
from tests.console.conftest import csrf_of, login
from tests.console.helpers import Conversation, file_checked_ticket, make_user


def _waiting(conversation: str) -> int:
    service.heartbeat(UnitOfWork(), "someone.else")
    state = service.request_handoff(UnitOfWork(), conversation, "socketio", settings=_always_open())
    assert state.id is not None
    return state.id


def _always_open():
    import dataclasses

    from bot.config import get_settings

    return dataclasses.replace(get_settings(), handoff_hours="sempre")


def test_the_inbox_lists_waiting_doctors_oldest_first_and_one_operator_takes_each(
    client, console_env
):
    first, second = _waiting("a" * 32), _waiting("b" * 32)
    make_user("mario.rossi", "operatore")
    login(client, "mario.rossi")
    page = client.get("/staff/assistenza").text
    assert page.index("a" * 32) < page.index("b" * 32)
    assert "Widget web" in page and "Prendi in carico" in page
    token = csrf_of(page)
    taken = client.post(f"/staff/assistenza/{first}/prendi", data={"csrf_token": token})
    assert taken.status_code == 200 and "Con operatore" in taken.text
    again = client.post(f"/staff/assistenza/{first}/prendi", data={"csrf_token": token})
    assert "già stata presa in carico da Mario R." in again.text
    data = client.get("/staff/assistenza/coda.json").json()
    assert data["counts"] == {"waiting": 1, "assigned": 1, "callback": 0}
    assert str(second) in data["html"]


def test_an_operator_answers_with_text_and_a_file_notes_and_hands_back(client, console_env):
    handoff = _waiting("c" * 32)
    make_user("anna.verdi", "operatore")
    login(client, "anna.verdi")
    token = csrf_of(client.get("/staff/assistenza").text)
    client.post(f"/staff/assistenza/{handoff}/prendi", data={"csrf_token": token})
    sent = client.post(
        f"/staff/assistenza/{handoff}/rispondi",
        data={"csrf_token": token, "testo": "Le mando le istruzioni."},
        files={"file": ("istruzioni.pdf", filled_form_pdf(), "application/pdf")},
    )
    assert "Messaggio inviato al medico" in sent.text
    refused = client.post(
        f"/staff/assistenza/{handoff}/rispondi",
        data={"csrf_token": token, "testo": ""},
        files={"file": ("virus.exe", b"MZ\\x90\\x00 not a pdf", "application/octet-stream")},
    )
    assert "sono ammessi PDF, JPEG e PNG" in refused.text
    assert (
        client.post(f"/staff/assistenza/{handoff}/scrive", data={"csrf_token": token}).status_code
        == 204
    )
    noted = client.post(
        f"/staff/assistenza/{handoff}/nota", data={"csrf_token": token, "nota": "Da richiamare"}
    )
    assert "Da richiamare" in noted.text
    back = client.post(f"/staff/assistenza/{handoff}/restituisci", data={"csrf_token": token})
    assert "Conversazione restituita" in back.text
    with UnitOfWork() as uow:
        kinds = uow.session.execute(
            select(OutboxMessage.kind, OutboxMessage.payload)
            .where(OutboxMessage.conversation_id == "c" * 32)
            .order_by(OutboxMessage.id)
        ).all()
        actions = (
            uow.session.execute(select(AuditEntry.action).where(AuditEntry.actor == "anna.verdi"))
            .scalars()
            .all()
        )
    assert [k for k, _ in kinds] == [
        "handoff_taken", "operator_message", "operator_file", "handoff_resolved",
    ]  # fmt: skip
    token_of_file = json.loads(kinds[2][1])["file"]["token"]
    download = client.get(f"/api/conversations/{'c' * 32}/files/{token_of_file}")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    assert client.get(f"/api/conversations/{'d' * 32}/files/{token_of_file}").status_code == 404
    assert {"assistenza_presa", "assistenza_messaggio", "assistenza_file", "assistenza_nota",
            "assistenza_restituita", "assistenza_vista"} <= set(actions)  # fmt: skip


def test_a_revisore_cannot_answer_doctors(client, console_env):
    handoff = _waiting("e" * 32)
    make_user("rev", "revisore")
    login(client, "rev")
    assert client.get("/staff/assistenza").status_code == 403
    assert client.get(f"/staff/assistenza/{handoff}").status_code == 403


def test_the_review_shows_files_form_answers_notices_and_operators(client, console_env):
    conversation = "telegram:4242"
    number = file_checked_ticket(conversation)
    (
        Conversation(console_env.database_url, conversation)
        .user("vorrei fare la richiesta qui", "file_request", 0.95)
        .slot("requested_slot", "nome")
        .bot("Come si chiama?")
        .user("Mario", "nlu_fallback", 0.3)
        .slot("nome", "Mario")
        .slot("requested_slot", "modulo")
        .external("upload_received")
        .external("upload_rejected", upload_problem="Il file è vuoto.")
        .notice(f"La sua richiesta {number} ora è «Accolta».", kind="status_changed",
                title="Aggiornamento sulla sua richiesta")
        .notice("Buongiorno, sono qui.", kind="operator_message",
                author="Anna V. · operatore INAIL")
        .save()
    )  # fmt: skip
    make_user("rev", "revisore")
    login(client, "rev")
    page = client.get(f"/staff/conversazioni/{conversation}").text
    assert "Canale: Telegram" in page
    assert "risposta alla domanda <code>nome</code>" in page
    assert (
        page.count('class="badge">non capito') == 0
    )  # the form's answer is not a misunderstanding
    assert "modulo.pdf" in page and "accettato al controllo" in page  # the upload, as a file
    assert "rifiutato al controllo" in page and "Il file è vuoto." in page
    assert "EXTERNAL: upload_received" not in page
    assert "Aggiornamento sulla sua richiesta" in page and f"La sua richiesta {number}" in page
    assert "Anna V. · operatore INAIL" in page and "Buongiorno, sono qui." in page
    assert '<option value="" selected disabled>' in page  # no default intent
    assert "selected>file_request" not in page


def test_the_dashboard_counts_hand_offs_in_italian(client, console_env):
    now = utc_now()
    for index, (wait, rating) in enumerate([(2, "up"), (4, "up"), (6, "down")]):
        handoff = _waiting(f"{index:032x}")
        service.take(UnitOfWork(), handoff, "mario.rossi", now=now + timedelta(minutes=wait))
        service.hand_back(UnitOfWork(), handoff, "mario.rossi", now=now + timedelta(minutes=9))
        service.rate(UnitOfWork(), f"{index:032x}", rating)
    service.cancel_handoff(UnitOfWork(), "f" * 32) if _waiting("f" * 32) else None
    make_user("op", "operatore")
    login(client, "op")
    page = client.get("/staff/cruscotto").text
    assert "Assistenza di un operatore" in page
    assert "4 minuti" in page  # median wait
    assert "75,0 %" in page  # 3 resolved of 4 closed
    assert "66,7 %" in page and "3 valutazioni" in page  # 2 👍 of 3
    assert "(3 prese in carico)" in page
