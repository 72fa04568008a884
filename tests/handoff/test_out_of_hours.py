"""Outside opening hours the doctor leaves a message; an operator answers it in the chat and
by e-mail. Real servers (REST channel, notifier), operators in the console over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from email import message_from_bytes

import pytest

from bot.handoff import service
from tests.e2e.servers import BotServers, texts
from tests.handoff.helpers import Console, make_operator, notices_in, on_database, wait_for


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotServers]:
    bot = BotServers(
        var_dir=tmp_path_factory.mktemp("var"),
        extra_env={"HANDOFF_HOURS": "mai", "NOTIFY_POLL_SECONDS": "0.3", "SMTP_HOST": ""},
    )
    bot.start()
    make_operator(bot, "anna.verdi")
    try:
        yield bot
    finally:
        bot.stop()


def test_out_of_hours_the_message_left_becomes_a_callback_answered_in_chat_and_by_email(
    servers: BotServers,
) -> None:
    doctor = f"test-{uuid.uuid4().hex[:12]}"
    console = Console(servers, "anna.verdi")  # an operator online does not open the service
    asked = texts(servers.say(doctor, "voglio parlare con un operatore"))
    assert "non sono in servizio" in asked and "messaggio" in asked
    assert "Contatti/Supporto" in asked
    assert "Quali credenziali" not in asked  # no credential question after it

    first = texts(servers.say(doctor, "/leave_message"))
    assert "messaggio per l'operatore" in first
    second = texts(servers.say(doctor, "Non riesco a firmare il modulo in digitale, come faccio?"))
    assert "per e-mail" in second
    bad = texts(servers.say(doctor, "dott.neri@"))
    assert "non sembra un indirizzo" in bad
    done = texts(servers.say(doctor, "dott.neri@example.it"))
    assert "ho lasciato il suo messaggio" in done and "dott.neri@example.it" in done

    inbox = console.http.get("/staff/assistenza").text
    assert "Non riesco a firmare il modulo in digitale" in inbox
    with on_database(servers):
        from bot.tickets import UnitOfWork

        callback = service.queue(UnitOfWork())["callback"][0]
    assert callback.conversation_id == doctor and callback.reply_email == "dott.neri@example.it"
    answer = "Può firmare a mano e inviarci la foto del foglio firmato."
    response = console.post(f"/staff/assistenza/{callback.id}/richiamata", testo=answer)
    assert response.status_code == 303

    said = wait_for(lambda: notices_in(servers, doctor), what="the answer in the chat")
    assert (
        answer in said[-1]["text"] and said[-1]["metadata"]["notice"]["kind"] == "callback_answer"
    )
    outbox = servers.var_dir / "outbox"
    mails = wait_for(lambda: list(outbox.glob("*.eml")), what="the answer by e-mail")
    mail = message_from_bytes(mails[0].read_bytes())
    assert mail["To"] == "dott.neri@example.it"
    assert answer in mail.get_payload(decode=True).decode("utf-8")
    # Answered once: a second operator cannot answer it again.
    again = console.post(f"/staff/assistenza/{callback.id}/richiamata", testo="anche io")
    assert "errore=richiamata_gia_evasa" in again.headers["location"]
    console.close()


def test_the_doctor_can_give_up_the_message(servers: BotServers) -> None:
    doctor = f"test-{uuid.uuid4().hex[:12]}"
    servers.say(doctor, "vorrei parlare con una persona")
    servers.say(doctor, "/leave_message")
    reply = texts(servers.say(doctor, "lasci stare l'operatore, continuo con lei"))
    assert "continuiamo qui" in reply
    with on_database(servers):
        from bot.tickets import UnitOfWork

        assert all(c.conversation_id != doctor for c in service.queue(UnitOfWork())["callback"])
