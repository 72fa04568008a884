"""After a full run (a request filed over HTTP with files, a widget session, a status change
notified by the notifier, bad requests of every kind, a forged call to the action server), no log
and no stored error holds the API tokens, a codice fiscale, an e-mail address or a phone number."""

from __future__ import annotations

import asyncio
import http.client
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from bot.intake.samples import pictures, signed
from bot.intake.samples.identity import CODICE_FISCALE, COGNOME, NOME
from bot.tickets import FilingRequest, change_status, file_ticket
from bot.tickets.models import OutboxMessage
from tests.e2e.servers import BotServers, free_port, texts
from tests.e2e.test_conversation_access import Tab

EMAIL = "mario.rossi@pec.it"
PHONE_DIGITS = "3331234567"
TICKET = re.compile(r"IR-\d{4}-\d{6}")


class RefusingMailbox:
    """An SMTP server that refuses the doctor's address: the error names it."""

    async def handle_RCPT(self, server, session, envelope, address, options):
        return "550 5.1.1 mailbox unavailable"


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotServers]:
    port = free_port()
    smtp = Controller(RefusingMailbox(), hostname="127.0.0.1", port=port)
    smtp.start()
    bot = BotServers(var_dir=tmp_path_factory.mktemp("var-logs"))
    bot.extra_env.update(
        {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_STARTTLS": "false",
            "NOTIFY_POLL_SECONDS": "1",
            "LOG_LEVEL": "DEBUG",
        }
    )
    bot.start()
    try:
        _play_everything(bot)
    finally:
        bot.stop()
        smtp.stop()
    yield bot


def _raw_post(bot: BotServers, port: int, path: str, body: bytes) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    connection.getresponse().read()
    connection.close()


def _upload(bot: BotServers, sender: str, data: bytes, name: str) -> None:
    httpx.post(
        f"{bot.web_url}/api/conversations/{sender}/uploads",
        params={"filename": name},
        content=data,
        timeout=120,
    )


def _file_a_request(bot: BotServers, doctor: str) -> str:
    """The form over HTTP with the doctor's data and files; whatever the dialogue's wording,
    the request ends up filed (by the confirmation, or as the console's tools would)."""
    replies = bot.say(doctor, "ho la CNS")
    for text in ("/file_request", NOME, COGNOME, CODICE_FISCALE):
        replies = bot.say(doctor, text)
    _upload(bot, doctor, signed.pades_signed_pdf(), "domanda.pdf")
    _upload(bot, doctor, pictures.photo_jpeg(), "fronte.jpg")
    _upload(bot, doctor, pictures.back_photo_jpeg(), "retro.jpg")
    for text in (EMAIL, "333 123 4567", "00184", "sì", "no", "no", "/confirm_filing"):
        replies = bot.say(doctor, text)
    number = TICKET.search(texts(replies))
    if number:
        return number.group(0)
    request = FilingRequest(
        nome=NOME,
        cognome=COGNOME,
        codice_fiscale=CODICE_FISCALE,
        email=EMAIL,
        telefono="333 123 4567",
        cap="00184",
        path="A",
        channel="rest",
        conversation_id=doctor,
    )
    return file_ticket(bot.unit_of_work(), request, f"logs-{doctor}").number


def _play_everything(bot: BotServers) -> None:
    doctor = f"logs-{uuid.uuid4().hex[:12]}"
    number = _file_a_request(bot, doctor)
    change_status(bot.unit_of_work(), number, "in_lavorazione", "op.test", notify_by_email=True)
    bot.say(doctor, "a che punto è la mia richiesta?")
    # Personal data typed where they are not expected, and bad requests of every kind.
    bot.say(f"logs-{uuid.uuid4().hex[:12]}", f"sono {CODICE_FISCALE}, {EMAIL}, 333 123 4567")
    for body in (b"[1,2]", b"null", b'{"sender": "dott-rossi", "message": "x"}'):
        _raw_post(bot, bot.rasa_port, "/webhooks/rest/webhook", body)
    for path in ("/api/conversations/../uploads", "/api/conversations/%2E%2E/uploads"):
        _raw_post(bot, bot.web_port, path, b"%PDF-1.4")
    httpx.get(f"{bot.rasa_url}/conversations/{doctor}/tracker", params={"token": bot.token})
    httpx.post(f"http://127.0.0.1:{bot.action_port}/webhook", json={"next_action": "x"})
    asyncio.run(_widget_session(bot))
    _wait_for_failed_email(bot)


async def _widget_session(bot: BotServers) -> None:
    tab = Tab(bot)
    session = uuid.uuid4().hex
    try:
        await tab.open(session)
        await tab.say(session, f"il mio codice fiscale è {CODICE_FISCALE}")
    finally:
        await tab.close()


def _wait_for_failed_email(bot: BotServers, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _stored_errors(bot):
            return
        time.sleep(1)
    raise AssertionError("the refused e-mail was never recorded as failed")


def _stored_errors(bot: BotServers) -> list[str]:
    with bot.unit_of_work() as uow:
        errors = uow.session.execute(
            select(OutboxMessage.last_error).where(OutboxMessage.last_error.is_not(None))
        ).scalars()
        return list(errors)


def _logs(bot: BotServers) -> dict[str, str]:
    files = [*sorted((bot.var_dir / "log").glob("*.log")), bot.var_dir / "launcher.out"]
    return {path.name: Path(path).read_text(errors="replace") for path in files}


def _leaks(text: str, bot: BotServers) -> list[str]:
    found = [
        name
        for name, value in (("token", bot.token), ("action token", bot.action_token))
        if value in text
    ]
    if re.search(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ", text):
        found.append("a JWT")
    if re.search(CODICE_FISCALE, text, re.IGNORECASE):
        found.append("the codice fiscale")
    if EMAIL in text:
        found.append("the e-mail address")
    if PHONE_DIGITS in re.sub(r"[\s.-]", "", text):
        found.append("the phone number")
    return found


def test_no_log_of_a_full_run_holds_a_secret_or_personal_data(full_run: BotServers) -> None:
    logs = _logs(full_run)
    assert {"rasa.log", "actions.log", "web.log", "notify.log"} <= set(logs)
    assert "action server: refused" in logs["actions.log"]  # the forged call was seen
    leaks = {name: _leaks(text, full_run) for name, text in logs.items()}
    assert not {name: found for name, found in leaks.items() if found}


def test_no_stored_delivery_error_holds_personal_data(full_run: BotServers) -> None:
    errors = _stored_errors(full_run)
    assert errors, "the refused e-mail left its error"
    assert any("refused" in error.lower() for error in errors), errors
    for error in errors:
        assert not _leaks(error, full_run), error
