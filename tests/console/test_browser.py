"""The console in real headless Chromium, against the real web process (`python -m bot.web`).

One web server and one browser for the module; each test uses its own users and tickets. E-mail
goes through the real notifier and a real SMTP server (aiosmtpd) run by the test.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from bot.config import PROJECT_ROOT, get_settings
from bot.db import upgrade_to_head
from bot.db.engine import dispose_engines
from bot.tickets import UnitOfWork, get_ticket_detail
from bot.tickets.models import OutboxMessage
from bot.web.console.settings import get_console_settings
from tests.console.helpers import (
    PASSWORD,
    Conversation,
    create_events_table,
    file_checked_ticket,
    make_user,
)
from tests.e2e.servers import free_port

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
expect.set_options(timeout=20_000)  # a busy 2-core machine can take seconds per page
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium missing")


@dataclass
class Web:
    url: str
    var_dir: Path
    database_url: str


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    var_dir = tmp_path_factory.mktemp("console-var")
    database_url = f"sqlite:///{var_dir / 'bot.db'}"
    port = free_port()
    env = {
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "WEB_PORT": str(port),
        "WEB_HOST": "127.0.0.1",
        "RASA_URL": f"http://127.0.0.1:{free_port()}",
        "CONSOLE_SECRET_KEY": "browser-test-secret",
        "LOGIN_MAX_FAILURES": "3",
        "LOGIN_MAX_FAILURES_IP": "100",
        "RETENTION_DAYS": "0",
        "SMTP_HOST": "",
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        get_settings.cache_clear()
        get_console_settings.cache_clear()
        dispose_engines()
        upgrade_to_head(database_url)
        create_events_table(database_url)
        log = (var_dir / "web.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.web"],
            cwd=PROJECT_ROOT,
            env={**os.environ},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_healthy(f"http://127.0.0.1:{port}/healthz", process, var_dir / "web.log")
            yield Web(f"http://127.0.0.1:{port}", var_dir, database_url)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()
            get_settings.cache_clear()
            get_console_settings.cache_clear()
            dispose_engines()


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"web process exited: {log.read_text(errors='replace')}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"web process not ready: {log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    browser_context = browser.new_context(locale="it-IT")
    browser_context.set_default_timeout(15_000)
    try:
        yield browser_context
    finally:
        browser_context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:6]}"


def ui_login(page: Any, web: Web, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{web.url}/staff/login")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_load_state()


def test_login_failed_logins_and_lock_out(web: Web, page: Any) -> None:
    locked, other = unique("lucia"), unique("marco")
    make_user(locked, "operatore")
    make_user(other, "operatore")
    for _ in range(3):
        ui_login(page, web, locked, "password-sbagliata")
        assert page.get_by_role("alert").inner_text() == "Nome utente o password non validi."
    ui_login(page, web, locked)  # the right password, too late
    assert "Troppi tentativi" in page.get_by_role("alert").inner_text()
    assert page.url.endswith("/staff/login")

    ui_login(page, web, other)
    expect(page.get_by_role("heading", name="Richieste")).to_be_visible()
    expect(page.get_by_text(f"{other} (Operatore)")).to_be_visible()
    page.get_by_role("button", name="Esci").click()
    expect(page.get_by_text("Disconnessione effettuata.")).to_be_visible()
    page.goto(f"{web.url}/staff/richieste")
    assert page.url.endswith("/staff/login")


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(port))
    monkeypatch.setenv("SMTP_STARTTLS", "false")
    monkeypatch.setenv("SMTP_FROM", "assistente@inail.example")
    try:
        yield mailbox
    finally:
        controller.stop()


def deliver_emails(expected: int, mailbox: Mailbox) -> None:
    """The real notifier, with the e-mail sender, until the expected messages arrived.

    In a thread of its own: Playwright's sync API already runs an event loop in this one.
    """
    from bot.notify.email import build_sender
    from bot.notify.worker import Notifier

    notifier = Notifier({"email": build_sender(get_settings())}, worker_id="test-notifier")
    deadline = time.monotonic() + 30
    with ThreadPoolExecutor(max_workers=1) as thread:
        while len(mailbox.messages) < expected and time.monotonic() < deadline:
            thread.submit(asyncio.run, notifier.run_once()).result()
            time.sleep(0.2)


def test_an_operator_processes_a_ticket_and_the_doctor_gets_the_email(
    web: Web, page: Any, smtp: Mailbox
) -> None:
    operator = unique("op")
    make_user(operator, "operatore")
    conversation = unique("conv-")
    number = file_checked_ticket(conversation)

    ui_login(page, web, operator)
    row = page.get_by_role("row").filter(has_text=number)
    assert "RSS" + "•" * 10 + "01U" in row.inner_text()  # masked in the list
    row.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", name=f"Richiesta {number}")).to_be_visible()
    full = page.get_by_role("definition").filter(has_text="RSSMRA80A01H501U")
    expect(full).to_be_visible()  # in full here
    previews = page.locator("img.preview")
    assert previews.count() == 3  # the form's page and the two photos
    # What was read from the back (its MRZ) stands beside the request's data.
    expect(page.get_by_text("zona a lettura ottica (MRZ", exact=False)).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('img.preview')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )

    page.get_by_label("Nuovo stato").select_option("in_lavorazione")
    page.get_by_role("button", name="Salva e notifica il richiedente").click()
    expect(page.get_by_text("Stato della richiesta aggiornato.")).to_be_visible()
    page.get_by_label("Nuovo stato").select_option("da_integrare")
    reason = "Manca la firma sul modulo: lo firmi e lo invii di nuovo."
    page.get_by_role("textbox", name="Motivazione").fill(reason)
    page.get_by_role("button", name="Salva e notifica il richiedente").click()
    assert page.locator("h1 .status").inner_text() == "Da integrare"
    expect(page.locator(".history").get_by_text(reason)).to_be_visible()

    deliver_emails(2, smtp)
    received = [m for m in smtp.messages if number in str(m["Subject"])]
    assert [m["To"] for m in received] == ["mario.rossi@pec.example.it"] * 2
    assert "Da integrare" in str(received[-1]["Subject"])
    assert reason in received[-1].get_payload(decode=True).decode()
    with UnitOfWork() as uow:
        channel_rows = uow.session.execute(
            select(OutboxMessage).where(
                OutboxMessage.conversation_id == conversation, OutboxMessage.channel == "telegram"
            )
        ).all()
    assert len(channel_rows) == 2  # the doctor's own channel gets them too (bot.notify)


def test_attachments_are_refused_without_a_session_or_to_a_reviewer(web: Web, browser: Any) -> None:
    number = file_checked_ticket()
    attachment = get_ticket_detail(UnitOfWork(), number).attachments[0].id
    url = f"{web.url}/staff/allegati/{attachment}"
    reviewer, operator = unique("rev"), unique("op")
    make_user(reviewer, "revisore")
    make_user(operator, "operatore")

    anonymous = browser.new_context()
    assert anonymous.request.get(url).status == 401
    anonymous.close()

    for username, status in ((reviewer, 403), (operator, 200)):
        user_context = browser.new_context()
        user_page = user_context.new_page()
        ui_login(user_page, web, username)
        response = user_context.request.get(url)
        assert response.status == status
        if status == 200:
            assert response.headers["content-disposition"].startswith("attachment;")
            assert response.headers["x-content-type-options"] == "nosniff"
        user_context.close()


def test_a_status_change_without_the_csrf_token_is_refused(web: Web, page: Any) -> None:
    operator = unique("op")
    make_user(operator, "operatore")
    number = file_checked_ticket()
    ui_login(page, web, operator)
    page.goto(f"{web.url}/staff/richieste/{number}")
    page.locator("form.status-form input[name=csrf_token]").evaluate("input => input.remove()")
    page.get_by_label("Nuovo stato").select_option("accolta")
    with page.expect_response(f"**/staff/richieste/{number}/stato") as posted:
        page.get_by_role("button", name="Salva e notifica il richiedente").click()
    assert posted.value.status == 403
    assert get_ticket_detail(UnitOfWork(), number).status == "ricevuta"


def test_a_reviewer_reads_html_as_text_tags_and_sends_a_message_to_training(
    web: Web, page: Any
) -> None:
    reviewer = unique("rev")
    make_user(reviewer, "revisore")
    sender = unique("conv-html-")
    hostile = '<b id="iniettato">ciao</b><img src=x onerror="alert(1)">'
    (
        Conversation(web.database_url, sender, channel="socketio", start=time.time() - 60)
        .user(hostile, "nlu_fallback", 0.2)
        .action("action_fallback")
        .bot("Mi scusi, non ho capito.")
        .user("vorrei parlare con una persona", "ask_human", 0.42)
        .save()
    )
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    ui_login(page, web, reviewer)
    assert page.url.endswith("/staff/conversazioni")
    page.locator(f"a[href='/staff/conversazioni/{sender}']").click()
    assert page.locator("#iniettato").count() == 0
    assert page.locator(".user-text").first.inner_text() == hostile
    assert dialogs == []

    page.get_by_label("Nuova etichetta").fill("Da rivedere")
    page.get_by_role("button", name="Aggiungi etichetta").click()
    assert page.locator(".review .tag").inner_text() == "da rivedere"
    page.get_by_label("Revisionata").check()
    page.get_by_role("button", name="Salva revisione").click()
    expect(page.get_by_text("Revisione salvata.")).to_be_visible()

    second = page.locator("li.turn.user").nth(1)
    second.get_by_label("Aggiungi ai dati di training come intent").select_option("ask_human")
    second.get_by_role("button", name="Aggiungi").click()
    expect(page.get_by_text("Messaggio aggiunto al file di revisione")).to_be_visible()
    expect(
        page.locator("li.turn.user").nth(1).get_by_text("Inviato ai dati di training")
    ).to_be_visible()
    review_files = list((web.var_dir / "review").glob("nlu-*.yml"))
    assert "vorrei parlare con una persona" in review_files[0].read_text()

    page.goto(f"{web.url}/staff/conversazioni?etichetta=da+rivedere&revisionata=si")
    assert page.locator(f"a[href='/staff/conversazioni/{sender}']").count() == 1
