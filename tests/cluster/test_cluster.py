"""The cluster as a doctor and an operator use it, then with faults injected into real processes.

The tests run in file order on one cluster (tests/cluster/conftest.py): the routes through the
balancer, a widget notice emitted by the Rasa instance that does not hold the socket, two
notifiers delivering each outbox row once; then a Rasa instance killed mid-conversation, Redis
and PostgreSQL restarted, a web process killed while it checks a file; last, the killed Rasa
instance is back and the conversation goes on there.
"""

from __future__ import annotations

import json
import re
import signal
import threading
import time
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import func, select

from bot.bench.measure import process_tree
from bot.intake.samples import documents, pictures, signed
from bot.intake.samples.identity import CODICE_FISCALE, COGNOME, NOME
from bot.intake.samples.people import PEOPLE
from bot.tickets import say
from bot.tickets.models import Attachment, OutboxMessage, Ticket
from tests.cluster.conftest import UNAVAILABLE, WEBHOOK_PATH, Cluster, wait_until
from tests.telegram.fake_telegram import FakeTelegram
from tests.widget.chat import ChatPage

TICKET = re.compile(r"IR-\d{4}-\d{6}")
APPLICATIONS = ("actions-1", "actions-2", "web-1", "web-2", "notify-1", "notify-2", "rasa-2")
shared: dict[str, Any] = {}  # what a later test checks of an earlier one
# The first test also waits for the cluster to start (two Rasa servers loading the model on
# two cores), the last for a Rasa server to start again.
pytestmark = pytest.mark.timeout(1500)


def _sender(kind: str) -> str:
    return f"cluster-{kind}-{uuid.uuid4().hex[:12]}"


def _texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(
        [r.get("text") or "" for r in replies]
        + [b.get("title", "") for r in replies for b in r.get("buttons") or []]
    )


def _upload(base: str, sender: str, data: bytes, name: str, timeout: float = 120) -> httpx.Response:
    return httpx.post(
        f"{base}/api/conversations/{sender}/uploads",
        params={"filename": name},
        content=data,
        timeout=timeout,
    )


class Doctor:
    """A REST client that sends a message again when told it was not received (5xx), and
    remembers what the server said it received."""

    def __init__(self, cluster: Cluster, sender: str) -> None:
        self.cluster = cluster
        self.sender = sender
        self.received: list[str] = []
        self.refusals: list[int] = []

    def say(self, message: str, attempts: int = 6) -> str:
        for _ in range(attempts):
            try:
                response = self.cluster.post(self.sender, message)
            except httpx.TransportError:
                self.refusals.append(0)
                time.sleep(1)
                continue
            if response.status_code == 200:
                self.received.append(message)
                return _texts(response.json())
            assert response.status_code in (502, 503, 504), response.text
            self.refusals.append(response.status_code)
            time.sleep(1)
        raise AssertionError(f"{message!r} not received after {attempts} attempts")

    def upload(self, data: bytes, name: str) -> dict[str, Any]:
        for _ in range(6):
            response = _upload(self.cluster.url, self.sender, data, name)
            if response.status_code == 200:
                return dict(response.json())
            assert response.status_code in (502, 503, 504), response.text
            time.sleep(1)
        raise AssertionError(f"{name} not received")


def _widget(browser: Browser, cluster: Cluster, tmp_path: Any) -> tuple[ChatPage, Page, list]:
    context = browser.new_context(locale="it-IT")
    context.set_default_timeout(30_000)
    page = context.new_page()
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    chat = ChatPage(page, f"{cluster.url}/demo", tmp_path).goto().open()
    chat.wait_online()
    return chat, page, sockets


def _holder(page: Page) -> int:
    """The Rasa instance the balancer made this tab stick to (its cookie)."""
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    return int(cookies["INAIL_RASA"].removeprefix("rasa-"))


# The routes


def test_every_interface_goes_through_the_balancer(cluster: Cluster) -> None:
    states = cluster.backends()
    assert set(states.values()) == {"UP"}, states
    assert {server for _, server in states} >= {
        "rasa-1", "rasa-2", "actions-1", "actions-2", "web-1", "web-2"
    }  # fmt: skip
    assert httpx.get(f"{cluster.url}/healthz", timeout=10).status_code == 200

    doctor = Doctor(cluster, _sender("rest"))
    assert "InailRisponde" in doctor.say("ho la CNS")
    form = _upload(cluster.url, doctor.sender, signed.pades_signed_pdf(), "domanda.pdf")
    assert form.status_code == 200 and form.json()["accepted"], form.text
    # Rasa's HTTP API is not public: only our processes reach it, on the internal frontend.
    public_api = httpx.get(f"{cluster.url}/conversations/{doctor.sender}/tracker", timeout=10)
    assert public_api.status_code == 404
    assert doctor.sender in json.dumps(cluster.tracker(doctor.sender)["sender_id"])

    # REST needs no stickiness: consecutive messages of one conversation use both instances
    # (Redis' lock store keeps them in order) and the conversation stays whole.
    before = _served(cluster)
    for text in ("grazie", "ok", "va bene", "grazie mille"):
        doctor.say(text)
    after = _served(cluster)
    assert all(after[n] > before[n] for n in ("rasa-1", "rasa-2")), (before, after)
    assert cluster.user_texts(doctor.sender)[-4:] == ["grazie", "ok", "va bene", "grazie mille"]


def _served(cluster: Cluster) -> dict[str, int]:
    import csv
    import io

    text = httpx.get(f"{cluster.layout.stats_url};csv", timeout=5).text.lstrip("# ")
    return {
        row["svname"]: int(row["stot"] or 0)
        for row in csv.DictReader(io.StringIO(text))
        if row["pxname"] == "rasa"
    }


def test_telegram_updates_come_through_the_balancer(
    cluster: Cluster, telegram: FakeTelegram
) -> None:
    states = cluster.backends()
    assert states[("telegram", "telegram-1")] == states[("telegram", "telegram-2")] == "UP"
    assert telegram.webhook and telegram.webhook["url"] == f"{cluster.url}{WEBHOOK_PATH}"
    chat = 777_000_000 + uuid.uuid4().int % 1_000_000
    telegram.say(chat, "ho la CNS")
    replies = telegram.wait_for_messages(chat, until=lambda sent: any(
        "InailRisponde" in m.text for m in sent))  # fmt: skip
    assert telegram.webhook_responses[-1] == 200
    assert any("InailRisponde" in m.text for m in replies)


def test_a_notice_reaches_the_widget_from_the_instance_without_its_socket(
    cluster: Cluster, browser: Browser, tmp_path: Any
) -> None:
    chat, page, sockets = _widget(browser, cluster, tmp_path)
    chat.send("ho la CNS")
    chat.bot_says("InailRisponde")
    # socket.io through the balancer: long polling first, then the WebSocket upgrade, on the
    # instance named by the sticky cookie.
    assert any("/socket.io/" in url and "transport=websocket" in url for url in sockets)
    holder = _holder(page)
    other = 2 if holder == 1 else 1
    cluster.bot_say(other, chat.session_id(), "Avviso dall'altra istanza di Rasa.")
    chat.bot_says("Avviso dall'altra istanza di Rasa.")
    page.context.close()


def test_two_notifiers_deliver_each_outbox_row_once(
    cluster: Cluster, browser: Browser, tmp_path: Any
) -> None:
    chat, page, _ = _widget(browser, cluster, tmp_path)
    chat.send("ciao")
    chat.bot_says(re.compile(r"."))
    widget = chat.session_id()
    rest = [_sender("notices") for _ in range(4)]
    for sender in rest:
        Doctor(cluster, sender).say("ho la CNS")
    queued: dict[str, list[str]] = {}
    with cluster.unit_of_work() as uow:
        for conversation, channel in [(widget, "socketio"), *[(s, "rest") for s in rest]]:
            for index in range(3):
                text = f"Messaggio {index + 1} dell'operatore per {conversation[-6:]}."
                say(uow, conversation, channel, "operator_message",
                    {"testo": text, "operatore": "Anna"})  # fmt: skip
                queued.setdefault(conversation, []).append(text)
        uow.commit()

    def all_sent() -> list[tuple[int, int, bool]] | None:
        with cluster.unit_of_work() as uow:
            rows = [
                (row.id, row.attempts, row.sent_at is not None)
                for row in uow.session.execute(
                    select(OutboxMessage).where(OutboxMessage.conversation_id.in_(queued))
                ).scalars()
            ]
        return rows if rows and all(sent for _, _, sent in rows) else None

    rows = wait_until(all_sent, 90, "every outbox row sent")
    assert len(rows) == 15
    assert all(attempts == 1 for _, attempts, _ in rows), rows  # each claimed once
    for conversation, texts in queued.items():
        said = [
            e["text"]
            for e in cluster.tracker(conversation)["events"]
            if e.get("event") == "bot" and (e.get("metadata") or {}).get("notice")
        ]
        assert said == texts, (conversation, said)  # each once, in order
    for text in queued[widget]:
        chat.bot_says(text)
    time.sleep(1)  # a duplicate would arrive right after
    shown = page.locator(".row.bot .bubble").all_inner_texts()
    for text in queued[widget]:
        assert sum(text in bubble for bubble in shown) == 1, (text, shown)
    page.context.close()


# Faults


def test_a_rasa_instance_killed_mid_conversation(cluster: Cluster) -> None:
    doctor = Doctor(cluster, _sender("fault"))
    doctor.say("ho la CNS")
    assert "nome" in doctor.say("/file_request").lower()
    with cluster.supervisor_paused():  # rasa-1 stays dead while the conversation goes on
        in_flight = threading.Thread(target=doctor.say, args=(NOME,))
        in_flight.start()
        time.sleep(0.05)
        killed = cluster.kill("rasa-1")
        in_flight.join(timeout=150)
        cluster.wait_exited(killed)
        assert "codice fiscale" in doctor.say(COGNOME).lower()
        assert "modulo" in doctor.say(CODICE_FISCALE).lower()
        wait_until(lambda: cluster.backends()[("rasa", "rasa-1")] == "DOWN", 10, "rasa-1 seen down")
        assert doctor.upload(signed.pades_signed_pdf(), "domanda.pdf")["accepted"]
        assert doctor.upload(pictures.photo_jpeg(), "fronte.jpg")["accepted"]
        assert doctor.upload(pictures.back_photo_jpeg(), "retro.jpg")["accepted"]
        doctor.say("mario.rossi@pec.it")
        doctor.say("333 123 4567")
        doctor.say("00184")
        assert "Confermo" in doctor.say("no")
        number = TICKET.search(doctor.say("/confirm_filing"))
        assert number, "no ticket number"
        again = doctor.say("/confirm_filing")  # a client that did not see the answer
        assert number.group(0) in again
    # Every message the doctor was told was received is in the conversation, in order.
    recorded = cluster.user_texts(doctor.sender)
    position = 0
    for message in doctor.received:
        position = recorded.index(message, position) + 1
    with cluster.unit_of_work() as uow:
        tickets = [
            ticket.number
            for ticket in uow.session.execute(
                select(Ticket).where(Ticket.conversation_id == doctor.sender)
            ).scalars()
        ]
    assert tickets == [number.group(0)]
    shared["rasa_killed"] = (doctor.sender, number.group(0))


def _unavailable_then_back(cluster: Cluster, doctor: Doctor) -> None:
    """While the fault lasts a message is refused in Italian (never "received" and lost)."""
    response = cluster.post(doctor.sender, "ho la CNS")
    assert response.status_code == 503, response.text
    assert UNAVAILABLE in response.json()["message"]


def test_redis_restarted(cluster: Cluster) -> None:
    doctor = Doctor(cluster, _sender("redis"))
    doctor.say("ho la CNS")
    before = cluster.pids()
    with cluster.supervisor_paused():
        cluster.wait_exited(cluster.kill("redis", signal.SIGTERM))
        _unavailable_then_back(cluster, doctor)
    wait_until(lambda: cluster.post(doctor.sender, "grazie").status_code == 200, 60, "Redis back")
    doctor.say("ok")
    assert cluster.user_texts(doctor.sender)[-2:] == ["grazie", "ok"]
    after = cluster.pids()
    assert after["redis"] != before["redis"]
    assert all(after[name] == before[name] for name in APPLICATIONS)


def test_postgresql_restarted(cluster: Cluster) -> None:
    doctor = Doctor(cluster, _sender("pg"))
    doctor.say("ho la CNS")
    before = cluster.pids()
    with cluster.supervisor_paused():
        cluster.wait_exited(cluster.kill("postgresql", signal.SIGINT))
        _unavailable_then_back(cluster, doctor)
        upload = _upload(cluster.url, doctor.sender, signed.pades_signed_pdf(), "domanda.pdf")
        assert upload.status_code == 503, upload.text
        assert UNAVAILABLE in upload.json()["message"]
    wait_until(lambda: cluster.post(doctor.sender, "grazie").status_code == 200, 90, "PG back")
    assert doctor.upload(signed.pades_signed_pdf(), "domanda.pdf")["accepted"]
    assert cluster.user_texts(doctor.sender)[0] == "ho la CNS"  # the same conversation
    after = cluster.pids()
    assert after["postgresql"] != before["postgresql"]
    assert all(after[name] == before[name] for name in APPLICATIONS)


def _workers_cpu(web_pid: int) -> float:
    """CPU seconds used so far by a web process's intake workers (its child processes)."""
    return sum(p.cpu_s for p in process_tree(web_pid) if p.pid != web_pid)


def test_a_web_process_killed_while_it_checks_a_file(cluster: Cluster) -> None:
    sender = _sender("web")
    # A 12-megapixel phone photo: reading it takes the worker a few seconds.
    photo = documents.jpeg(
        documents.resize_to_megapixels(documents.on_table(documents.cie_back(PEOPLE[0]), 3), 12)
    )
    web_1 = f"http://127.0.0.1:{cluster.layout.web_port(1)}"
    outcome: dict[str, Any] = {}

    def send() -> None:
        try:
            outcome["response"] = _upload(web_1, sender, photo, "retro.jpg")
        except httpx.TransportError as error:
            outcome["error"] = error

    with cluster.supervisor_paused():
        web_pid = cluster.pid("web-1")
        idle = _workers_cpu(web_pid)
        sending = threading.Thread(target=send)
        sending.start()
        # Killed as soon as its intake workers are at work on the file (a fixed wait was too
        # long on a fast host: the check ended first).
        wait_until(
            lambda: _workers_cpu(web_pid) >= idle + 0.05, 30, "the file being checked", every=0.02
        )
        assert not outcome, "the check ended before the process could be killed"
        cluster.wait_exited(cluster.kill("web-1"))
        sending.join(timeout=30)
        assert "error" in outcome, outcome  # the client was never told the file arrived
        with cluster.unit_of_work() as uow:
            rows = [
                (row.conversation_id, row.storage_name)
                for row in uow.session.execute(select(Attachment)).scalars()
            ]
        assert sender not in {conversation for conversation, _ in rows}  # no orphan row
        stored = {path.name for path in cluster.files_dir.glob("*")}
        assert stored <= {name for _, name in rows}  # no half-stored or orphan file
        # The doctor sends it again: the balancer takes it to the other web process.
        again = _upload(cluster.url, sender, photo, "retro.jpg")
        assert again.status_code == 200, again.text
    with cluster.unit_of_work() as uow:
        mine = uow.session.execute(
            select(func.count(Attachment.id)).where(Attachment.conversation_id == sender)
        ).scalar_one()
    assert mine == 1


def test_the_killed_rasa_instance_is_back_and_the_conversation_goes_on(
    cluster: Cluster, browser: Browser, tmp_path: Any
) -> None:
    wait_until(
        lambda: all(
            state == "UP" for (_, server), state in cluster.backends().items()
            if server in ("rasa-1", "web-1")
        ),
        300,
        "rasa-1 and web-1 started again and seen up",
    )  # fmt: skip
    sender, number = shared["rasa_killed"]
    rasa_1 = f"http://127.0.0.1:{cluster.layout.rasa_port(1)}"
    status = cluster.post(sender, "a che punto è la mia richiesta?", base=rasa_1)
    assert status.status_code == 200
    assert number in _texts(status.json())
    # After Redis' restart the instances share the socket.io queue again.
    chat, page, _ = _widget(browser, cluster, tmp_path)
    chat.send("ho la CNS")
    chat.bot_says("InailRisponde")
    other = 2 if _holder(page) == 1 else 1
    cluster.bot_say(other, chat.session_id(), "Di nuovo dall'altra istanza.")
    chat.bot_says("Di nuovo dall'altra istanza.")
    page.context.close()
