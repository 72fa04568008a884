"""End-to-end routing: the first message of a fresh conversation, judged by the bot's reply.

The whole stack (`bot.launcher`, as `make run` starts it) runs with a given model on free
ports; every message opens a new conversation over the REST webhook, and the reply is judged
as shared/DESIGN.md's contract says: path A names InailRisponde, B names Richiedi credenziali
dispositive, C gives the registrazione-utente-generico page; a clarifying question names no
path and asks about credentials.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bot.config import PROJECT_ROOT

START_TIMEOUT_S = 600
A_MARK = re.compile(r"inail\s*risponde", re.I)
B_MARK = re.compile(r"richied[ie]\s+(le\s+)?credenziali\s+dispositive", re.I)
C_MARK = re.compile(r"registrazione-utente-generico", re.I)
NOT_UNDERSTOOD = re.compile(
    r"non (sono sicuro di aver|ho) capito|continuo a non capire|pu[oò] riformular|"
    r"non ho ricevuto nessun testo",
    re.I,
)
# What the held-out set's intents mean for the first reply.
EXPECTED_BY_INTENT = {
    "has_strong_credentials": "A",
    "has_generic_credentials": "B",
    "has_no_credentials": "C",
    "has_spid": "unclear",
    "has_cie": "unclear",
    "has_unspecified_pin": "unclear",
    "has_unspecified_health_card": "unclear",
    "registered_unsure": "unclear",
    "request_credentials": "unclear",
}


def judge(reply: str) -> str:
    """Which path the reply explains, "unclear" for a question about credentials, or "other"."""
    if NOT_UNDERSTOOD.search(reply):
        return "not understood"
    a, b, c = (bool(m.search(reply)) for m in (A_MARK, B_MARK, C_MARK))
    if a and not b and not c:
        return "A"
    if b and not a and not c:
        return "B"
    if c and not a:
        return "C"
    if (
        not (a or b or c)
        and "?" in reply
        and re.search(r"credenzial|pin|tessera|spid", reply, re.I)
    ):
        return "unclear"
    return "other"


def holdout_items(path: Path) -> list[tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [
        (m.get("text"), EXPECTED_BY_INTENT[m.get("intent")])
        for m in data.intent_examples
        if m.get("intent") in EXPECTED_BY_INTENT
    ]


def tsv_items(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return [(text, label) for text, label, *_ in rows[1:] if text]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_block(count: int, attempts: int = 200) -> int:
    """The first of `count` consecutive ports free now, below the kernel's ephemeral range
    (32768 and up here), where the port of any outgoing connection could take one meanwhile."""
    for _ in range(attempts):
        base = random.randrange(20_000, 32_000 - count)
        if all(_bindable(port) for port in range(base, base + count)):
            return base
    raise RuntimeError(f"no {count} consecutive free ports between 20000 and 32000")


class Stack:
    """`bot.launcher` with one model, on free ports (or the three given: Rasa, actions, web)
    and a throwaway var/ directory."""

    def __init__(
        self,
        model: Path,
        ports: tuple[int, int, int] | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.var = Path(tempfile.mkdtemp(prefix="bench-stack-"))
        self.rasa_port, self.action_port, self.web_port = ports or tuple(
            free_port() for _ in range(3)
        )
        self.env = {
            **os.environ,
            "RASA_MODEL": str(model),
            "VAR_DIR": str(self.var),
            "DATABASE_URL": f"sqlite:///{self.var / 'bot.db'}",
            "RASA_PORT": str(self.rasa_port),
            "ACTION_SERVER_PORT": str(self.action_port),
            "WEB_PORT": str(self.web_port),
            "RASA_URL": f"http://127.0.0.1:{self.rasa_port}",
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "RASA_TELEMETRY_ENABLED": "false",
            **(extra_env or {}),
        }
        self.env.pop("TELEGRAM_BOT_TOKEN", None)
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Stack:
        out = (self.var / "launcher.out").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.launcher"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            output = (self.var / "launcher.out").read_text(errors="replace")
            if "Ready." in output:
                return self
            if self.process.poll() is not None:
                raise RuntimeError(f"the stack did not start:\n{output[-2000:]}")
            time.sleep(1)
        self.__exit__()
        raise RuntimeError("the stack did not start in time")

    def __exit__(self, *_: object) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def first_reply(self, text: str) -> str:
        body = json.dumps({"sender": f"bench-{uuid.uuid4().hex}", "message": text}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.rasa_port}/webhooks/rest/webhook",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            replies = json.loads(response.read() or b"[]")
        return "\n".join(str(r.get("text") or "") for r in replies if isinstance(r, dict))


@dataclass
class RoutingResult:
    right: int
    total: int
    misses: list[tuple[str, str, str]]  # text, expected, judged

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def route_all(stack: Stack, items: Iterable[tuple[str, str]], jobs: int = 4) -> RoutingResult:
    items = list(items)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        judged = list(pool.map(lambda item: judge(stack.first_reply(item[0])), items))
    misses = [(t, e, j) for (t, e), j in zip(items, judged, strict=True) if e != j]
    return RoutingResult(len(items) - len(misses), len(items), misses)
