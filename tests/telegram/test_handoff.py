"""A person on Telegram: queue, operator's messages, typing and a file, hand back, rating; and
status changes recorded in the chat's transcript. Real servers, the fake Bot API, an operator
in the console over HTTP."""

from __future__ import annotations

from bot.db import session_factory
from bot.handoff import service
from bot.intake.samples.forms import filled_form_pdf
from bot.intake.samples.signed import pades_signed_pdf
from bot.tickets import UnitOfWork, change_status, file_ticket
from tests.handoff.helpers import Console, make_operator, notices_in, on_database, wait_for
from tests.telegram.conftest import Stack
from tests.telegram.fake_telegram import texts_of
from tests.tickets.conftest import build_request, store_documents


def _handoff_id(stack: Stack, conversation: str) -> int:
    def found() -> int | None:
        with on_database(stack.servers):
            state = service.state_of(UnitOfWork(), conversation)
        return state.id

    return wait_for(found, what="the hand-off")


def test_a_doctor_on_telegram_talks_to_an_operator_and_back(stack: Stack, chat: int) -> None:
    make_operator(stack.servers, "lucia.bianchi")
    console = Console(stack.servers, "lucia.bianchi")
    conversation = f"telegram:{chat}"
    telegram = stack.telegram

    telegram.say(chat, "voglio parlare con un operatore")
    queued = telegram.wait_for_messages(chat, until=lambda m: "in coda" in texts_of(m))
    assert "posto n. 1" in texts_of(queued)
    handoff_id = _handoff_id(stack, conversation)
    assert console.post(f"/staff/assistenza/{handoff_id}/prendi").status_code == 303

    seen = len(telegram.messages(chat))
    taken = telegram.wait_for_messages(
        chat, after=seen - 1, until=lambda m: "Ora è in contatto con Lucia B." in texts_of(m)
    )
    assert taken

    # The doctor writes: it reaches the operator; the bot says nothing, not even "non disponibile".
    seen = len(telegram.messages(chat))
    telegram.say(chat, "buongiorno, ho un problema con la firma")
    wait_for(
        lambda: (
            "ho un problema con la firma"
            in console.http.get(f"/staff/assistenza/{handoff_id}/trascrizione").json()["html"]
        ),
        what="the doctor's message in the console",
    )
    # A file too: the operator gets it, the doctor is told it was passed on.
    telegram.send_document(chat, pades_signed_pdf(), "modulo.pdf")
    passed = telegram.wait_for_messages(
        chat, after=seen, until=lambda m: "operatore" in texts_of(m)
    )
    assert "passato all'operatore" in texts_of(passed)
    assert "non disponibile" not in texts_of(telegram.messages(chat)[seen:])
    assert "modulo.pdf" in console.http.get(f"/staff/assistenza/{handoff_id}").text

    # "Sta scrivendo", a message and a file from the operator.
    before = len(
        [c for c in telegram.called("sendChatAction") if c.get("chat_id") in (chat, str(chat))]
    )
    assert console.post(f"/staff/assistenza/{handoff_id}/scrive").status_code == 204
    telegram.wait_until(
        lambda: (
            len(
                [
                    c
                    for c in telegram.called("sendChatAction")
                    if c.get("chat_id") in (chat, str(chat))
                ]
            )
            > before
        )
    )
    seen = len(telegram.messages(chat))
    console.post(
        f"/staff/assistenza/{handoff_id}/rispondi", testo="Firmi a mano e mi mandi la foto."
    )
    console.post(
        f"/staff/assistenza/{handoff_id}/rispondi",
        testo="",
        files={"file": ("istruzioni.pdf", filled_form_pdf(), "application/pdf")},
    )
    got = telegram.wait_for_messages(
        chat, after=seen, until=lambda m: any(s.method == "sendDocument" for s in m)
    )
    assert "Firmi a mano e mi mandi la foto." in texts_of(got)
    assert "Lucia B. · operatore INAIL" in texts_of(got)

    # Hand back: the bot is back and asks for a rating with buttons.
    seen = len(telegram.messages(chat))
    console.post(f"/staff/assistenza/{handoff_id}/restituisci")
    back = telegram.wait_for_messages(chat, after=seen, until=lambda m: any(s.buttons() for s in m))
    question = next(s for s in back if s.buttons())
    assert "ha concluso la conversazione" in question.text
    seen = len(telegram.messages(chat))
    telegram.click(chat, question, "Bene")
    thanks = telegram.wait_for_messages(
        chat, after=seen, until=lambda m: "Grazie del giudizio" in texts_of(m)
    )
    assert "commento" in texts_of(thanks)
    with on_database(stack.servers):
        assert service.get(UnitOfWork(), handoff_id).status == "resolved"
    # Everything the operator said is in the chat's transcript, as the console shows it.
    kinds = [e["metadata"]["notice"]["kind"] for e in notices_in(stack.servers, conversation)]
    assert kinds == ["handoff_taken", "operator_message", "operator_file", "handoff_resolved"]
    console.close()


def test_a_status_change_is_in_the_telegram_conversations_transcript(
    stack: Stack, chat: int
) -> None:
    conversation = f"telegram:{chat}"
    telegram = stack.telegram
    telegram.say(chat, "buongiorno")
    telegram.wait_for_messages(chat)
    uow = UnitOfWork(session_factory(stack.database_url))
    store_documents(uow, conversation, stack.servers.var_dir / "files")
    filed = file_ticket(uow, build_request(conversation, channel="telegram"), f"key-t-{chat}")
    change_status(uow, filed.number, "da_integrare", "staff", "Manca il retro del documento.")
    telegram.wait_for_messages(chat, until=lambda m: filed.number in texts_of(m))

    said = wait_for(
        lambda: notices_in(stack.servers, conversation), what="the notice in the history"
    )
    assert said[-1]["metadata"]["notice"]["kind"] == "status_changed"
    assert "Manca il retro del documento." in said[-1]["text"]
    make_operator(stack.servers, f"rev{chat}", role="revisore")
    console = Console(stack.servers, f"rev{chat}", home="/staff/conversazioni")
    page = console.http.get(f"/staff/conversazioni/{conversation}").text
    assert "Aggiornamento sulla sua richiesta" in page and "Manca il retro del documento." in page
    assert "Canale: Telegram" in page
    console.close()
