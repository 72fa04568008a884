"""A scripted run of the hand-off against a running stack, and the figures it leaves.

    .venv/bin/python -m bot.bench.handoff --doctors 6 --rasa-url http://127.0.0.1:5005 \
        --web-url http://127.0.0.1:8000          # DATABASE_URL / VAR_DIR: the stack's

Doctors ask for a person over the REST channel; two operators, logged in to the console over
HTTP (users created here), take them (both try each one: one wins), answer, hand back; the
doctors rate. Prints, per step, how long the doctor waited for what they were told, then the
dashboard's hand-off figures. Traffic goes only to the URLs given (localhost); every loop is
bounded.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from bot.config import get_settings
from bot.db import session_factory
from bot.handoff import service
from bot.handoff.metrics import handoff_metrics
from bot.rasa_client import api_headers
from bot.tickets import UnitOfWork
from bot.web.console.numbers import duration, percent
from bot.web.console.users import create_user

TIMEOUT_S = 30.0


def _wait(condition: Callable[[], Any], timeout: float = TIMEOUT_S) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(0.05)
    raise TimeoutError("the stack did not answer in time")


class Operator:
    def __init__(self, web_url: str, username: str, password: str) -> None:
        self.http = httpx.Client(base_url=web_url, timeout=TIMEOUT_S)
        page = self.http.get("/staff/login").text
        token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        self.http.post(
            "/staff/login",
            data={"csrf_token": token, "username": username, "password": password},
        )
        inbox = self.http.get("/staff/assistenza").text
        self.csrf = inbox.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    def post(self, path: str, **fields: str) -> httpx.Response:
        return self.http.post(path, data={"csrf_token": self.csrf, **fields})


def _notices(rasa: httpx.Client, token: str, conversation: str) -> list[str]:
    events = rasa.get(f"/conversations/{conversation}/tracker", headers=api_headers(token)).json()
    return [
        e["metadata"]["notice"]["kind"]
        for e in events.get("events") or []
        if e.get("event") == "bot" and (e.get("metadata") or {}).get("notice")
    ]


def run(doctors: int, rasa_url: str, web_url: str) -> None:
    settings = get_settings()
    password = secrets.token_urlsafe(12)
    names = [f"bench.{secrets.token_hex(3)}", f"bench.{secrets.token_hex(3)}"]
    for name in names:
        create_user(name, "operatore", password)  # random names: new every run
    operators = [Operator(web_url, name, password) for name in names]
    rasa = httpx.Client(base_url=rasa_url, timeout=TIMEOUT_S)
    token = settings.rasa_api_token
    uow = lambda: UnitOfWork(session_factory())  # noqa: E731
    told_queue, told_taken, delivered, told_back, races = [], [], [], [], 0
    for index in range(doctors):
        conversation = f"bench-{secrets.token_hex(6)}"
        start = time.monotonic()
        replies = rasa.post(
            "/webhooks/rest/webhook",
            json={"sender": conversation, "message": "voglio parlare con un operatore"},
        ).json()
        told_queue.append(time.monotonic() - start)
        assert any("in coda" in (r.get("text") or "") for r in replies), replies
        handoff_id = service.state_of(uow(), conversation).id
        # Both operators click "Prendi in carico" at once.
        with ThreadPoolExecutor(2) as pool:
            answers = list(
                pool.map(
                    lambda op, h=handoff_id: op.post(f"/staff/assistenza/{h}/prendi"),
                    operators,
                )
            )
        winners = [a for a in answers if "errore" not in a.headers.get("location", "")]
        races += len(winners) == 1
        owner = operators[answers.index(winners[0])]
        told_taken.append(_wait(lambda c=conversation: "handoff_taken" in _notices(rasa, token, c)))
        owner.post(f"/staff/assistenza/{handoff_id}/rispondi", testo=f"Buongiorno ({index}).")
        delivered.append(
            _wait(lambda c=conversation: "operator_message" in _notices(rasa, token, c))
        )
        owner.post(f"/staff/assistenza/{handoff_id}/restituisci")
        told_back.append(
            _wait(lambda c=conversation: "handoff_resolved" in _notices(rasa, token, c))
        )
        rating = "up" if index % 4 else "down"
        rasa.post(
            "/webhooks/rest/webhook",
            json={
                "sender": conversation,
                "message": '/rate_handoff{"valutazione":"%s"}' % rating,  # noqa: UP031
            },
        )

    def line(label: str, values: list[float]) -> str:
        p50 = statistics.median(values)
        return f"  {label:<44} p50 {p50 * 1000:7.0f} ms   max {max(values) * 1000:7.0f} ms"

    print(f"hand-off, {doctors} doctors, 2 operators racing for each:")
    print(line("asked → told the place in the queue", told_queue))
    print(line("taken → 'ora è in contatto con' recorded", told_taken))
    print(line("operator sends → message in the chat", delivered))
    print(line("handed back → 'di nuovo con l'assistente'", told_back))
    print(f"  races won by exactly one operator: {races}/{doctors}")
    with session_factory()() as session:
        figures = handoff_metrics(session)
    print("dashboard (all hand-offs in this database):")
    print(f"  requested {figures.requested}, taken {figures.taken}, resolved {figures.resolved}")
    print(f"  median wait {duration(figures.median_wait)}")
    print(f"  share resolved {percent(figures.resolved_share)}")
    print(f"  satisfaction {percent(figures.satisfaction)} of {figures.rated} ratings")
    for operator in operators:
        operator.http.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--doctors", type=int, default=6)
    parser.add_argument("--rasa-url", default=get_settings().rasa_url)
    parser.add_argument("--web-url", default=f"http://127.0.0.1:{get_settings().web_port}")
    args = parser.parse_args()
    run(max(1, min(args.doctors, 50)), args.rasa_url, args.web_url)


if __name__ == "__main__":
    main()
