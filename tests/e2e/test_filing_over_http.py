"""A whole request over HTTP alone: text to the REST webhook, files to the upload API."""

from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest

from bot.intake.samples import forms, pictures, signed
from bot.intake.samples.identity import CODICE_FISCALE, COGNOME, NOME
from bot.tickets import change_status
from tests.e2e.servers import BotServers, texts

TICKET = re.compile(r"IR-\d{4}-\d{6}")


def _upload(
    servers: BotServers, sender: str, data: bytes, name: str, **params: str
) -> httpx.Response:
    return httpx.post(
        f"{servers.web_url}/api/conversations/{sender}/uploads",
        params={"filename": name, **params},
        content=data,
        timeout=120,
    )


def _wait_for_bot_text(servers: BotServers, sender: str, needle: str, timeout: float = 60) -> str:
    """The first bot message containing `needle` that appears in the conversation."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in servers.tracker(sender)["events"]:
            if event.get("event") == "bot" and needle in (event.get("text") or ""):
                return str(event["text"])
        time.sleep(1)
    raise AssertionError(f"no bot message with {needle!r} within {timeout}s")


def _messages(response: httpx.Response) -> str:
    return texts(response.json().get("messages") or [])


@pytest.fixture
def doctor(servers: BotServers) -> str:
    return f"doc-{uuid.uuid4().hex[:12]}"


def _fill_until_summary(servers: BotServers, sender: str) -> str:
    replies = servers.say(sender, "ho la CNS")
    assert "/file_request" in [b["payload"] for r in replies for b in r.get("buttons") or []]
    assert "nome" in texts(servers.say(sender, "/file_request")).lower()
    assert "cognome" in texts(servers.say(sender, NOME)).lower()
    assert "codice fiscale" in texts(servers.say(sender, COGNOME)).lower()
    assert "modulo" in texts(servers.say(sender, CODICE_FISCALE)).lower()

    form = _upload(servers, sender, signed.pades_signed_pdf(), "domanda.pdf")
    assert form.status_code == 200, form.text
    assert form.json()["accepted"] and form.json()["purpose"] == "modulo"
    assert "Modulo ricevuto" in _messages(form)
    assert "fronte" in _messages(form)

    front = _upload(servers, sender, pictures.photo_jpeg(), "fronte.jpg")
    assert front.json()["purpose"] == "documento_fronte"
    assert "retro" in _messages(front)
    back = _upload(servers, sender, pictures.back_photo_jpeg(), "retro.jpg")
    assert back.json()["purpose"] == "documento_retro"
    assert "Documento ricevuto" in _messages(back)
    assert "e-mail" in _messages(back)

    assert "telefono" in texts(servers.say(sender, "mario.rossi@pec.it")).lower()
    assert "CAP" in texts(servers.say(sender, "333 123 4567"))
    optional = texts(servers.say(sender, "00184")).lower()
    assert "codice ditta" in optional and "numero caso" in optional  # asked once, together
    summary = texts(servers.say(sender, "no"))
    assert "Sede" in summary and "Roma" in summary  # the office proposed from the CAP
    return summary


def test_a_doctor_files_a_request_and_sees_its_status(servers: BotServers, doctor: str) -> None:
    summary = _fill_until_summary(servers, doctor)
    assert "Registrazione ed autenticazione" in summary
    assert "+393331234567" in summary and "RSSMRA80A01H501U" in summary
    assert "Confermo" in summary

    filed = texts(servers.say(doctor, "/confirm_filing"))
    number = TICKET.search(filed)
    assert number, filed
    # A second confirmation files nothing new.
    again = texts(servers.say(doctor, "/confirm_filing"))
    assert number.group(0) in again and "già" in again

    status = texts(servers.say(doctor, "a che punto è la mia richiesta?"))
    assert number.group(0) in status and "ricevuta" in status.lower()

    change_status(
        servers.unit_of_work(),
        number.group(0),
        "da_integrare",
        "operatore.test",
        "Il retro del documento non è leggibile",
    )
    # The notifier tells the conversation by itself, before the doctor asks.
    pushed = _wait_for_bot_text(servers, doctor, "integrare")
    assert number.group(0) in pushed and "retro del documento" in pushed
    status = texts(servers.say(doctor, "a che punto è la mia richiesta?"))
    assert "integrare" in status.lower() and "retro del documento" in status

    # The missing document, sent in the same conversation, goes to the same ticket.
    resent = _upload(servers, doctor, pictures.back_photo_jpeg(), "retro.jpg")
    assert number.group(0) in _messages(resent)
    assert "lavorazione" in _messages(resent).lower()


def test_a_ticket_number_alone_reveals_nothing(servers: BotServers, doctor: str) -> None:
    _fill_until_summary(servers, doctor)
    number = TICKET.search(texts(servers.say(doctor, "/confirm_filing"))).group(0)
    stranger = f"stranger-{uuid.uuid4().hex[:12]}"
    answer = texts(servers.say(stranger, f"a che punto è la pratica {number}?"))
    assert "e-mail" in answer and "ricevuta" not in answer.lower()
    wrong = texts(servers.say(stranger, f"stato {number} intruso@example.com"))
    assert "ricevuta" not in wrong.lower()
    right = texts(servers.say(stranger, f"stato {number} mario.rossi@pec.it"))
    assert "ricevuta" in right.lower()


def test_invalid_values_are_asked_again_with_a_specific_message(
    servers: BotServers, doctor: str
) -> None:
    servers.say(doctor, "ho la CNS")
    servers.say(doctor, "/file_request")
    servers.say(doctor, NOME)
    servers.say(doctor, COGNOME)
    wrong_cf = texts(servers.say(doctor, "RSSMRA80A01H501X"))
    assert "controllo" in wrong_cf
    assert "modulo" in texts(servers.say(doctor, CODICE_FISCALE)).lower()


def test_refused_and_oversized_files_get_an_italian_message(
    servers: BotServers, doctor: str
) -> None:
    servers.say(doctor, "ho la CNS")
    servers.say(doctor, "/file_request")
    servers.say(doctor, NOME)
    servers.say(doctor, COGNOME)
    servers.say(doctor, CODICE_FISCALE)
    gif = _upload(servers, doctor, pictures.gif_image(), "modulo.pdf")
    assert gif.status_code == 422
    assert gif.json()["problems"][0]["code"] == "tipo_non_ammesso"
    assert "GIF" in _messages(gif) or "gif" in _messages(gif).lower()
    assert "modulo" in _messages(gif).lower()  # the form asks again

    big = _upload(servers, doctor, b"%PDF-1.7\n" + b"0" * (11 * 2**20), "grande.pdf")
    assert big.status_code == 413
    assert "MB" in big.json()["message"]

    empty = _upload(servers, doctor, b"", "vuoto.pdf")
    assert empty.status_code == 400 and "vuoto" in empty.json()["message"]


def test_upload_for_a_bad_conversation_id_is_refused(servers: BotServers) -> None:
    response = _upload(servers, "../../etc", b"%PDF-1.4", "x.pdf")
    assert response.status_code in (400, 404)


def test_files_for_a_telegram_chat_come_only_from_the_bridge(servers: BotServers) -> None:
    refused = _upload(servers, "telegram:424242", forms.filled_form_pdf(), "domanda.pdf")
    assert refused.status_code == 403 and "canale" in refused.json()["message"]


def test_a_refused_file_is_explained_in_plain_words(servers: BotServers, doctor: str) -> None:
    servers.say(doctor, "ciao")
    refused = _upload(servers, doctor, pictures.gif_image(), "foto.gif")
    text = _messages(refused)
    assert "GIF" in text and "['" not in text and "']" not in text
