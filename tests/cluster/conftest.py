"""`make run-cluster` for real: PostgreSQL, Redis, HAProxy and two of every process, started once
for the package (`python -m bot.cluster`) on free ports in a private directory."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.bench.routing import free_port_block
from bot.cluster.infra import backend_states
from bot.cluster.layout import ClusterLayout
from bot.config import PROJECT_ROOT
from bot.db import session_factory
from bot.db.engine import dispose_engines
from bot.rasa_client import api_headers
from bot.tickets import UnitOfWork
from tests.telegram.fake_telegram import FakeTelegram
from tests.widget.conftest import browser  # noqa: F401 (headless Chromium, a fixture)

START_TIMEOUT_S = 900  # two Rasa servers loading the model at once on two busy cores
API_TOKEN = "cluster-test-api-token-0123456789-abcdefghij"
ACTION_TOKEN = "cluster-test-action-token-0123456789"
UNAVAILABLE = "Servizio momentaneamente non disponibile"


def wait_until(check: Callable[[], Any], timeout: float, what: str, every: float = 0.5) -> Any:
    """`check()`'s first truthy value, polled until `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(httpx.HTTPError, OSError):
            value = check()
            if value:
                return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what}")
        time.sleep(every)


TELEGRAM_TOKEN = "424242:cluster-test-token"
WEBHOOK_PATH = "/telegram/webhook"


@dataclass
class Cluster:
    directory: Path
    port: int = field(default_factory=lambda: free_port_block(51))
    process: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def layout(self) -> ClusterLayout:
        return ClusterLayout(self.port, 2, self.directory / "cluster")

    @property
    def url(self) -> str:
        return self.layout.public_url

    def start(self) -> None:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DATABASE_URL", "REDIS_URL", "TELEGRAM_", "CLUSTER_"))
        }
        env.update(
            VAR_DIR=str(self.directory),
            CLUSTER_DIR=str(self.layout.directory),
            CLUSTER_PORT=str(self.port),
            CLUSTER_INSTANCES="2",
            RASA_API_TOKEN=API_TOKEN,
            ACTION_SERVER_TOKEN=ACTION_TOKEN,
            INTAKE_WORKERS="1",
            NOTIFY_POLL_SECONDS="0.3",
            HANDOFF_HOURS="sempre",
            RASA_TELEMETRY_ENABLED="false",
        )
        env.update(self.extra_env)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cluster"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=(self.directory / "cluster.out").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while "Ready:" not in self.output():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the cluster did not start:\n{self.output()[-3000:]}")
            time.sleep(1)

    def output(self) -> str:
        path = self.directory / "cluster.out"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGCONT)  # in case a test left it paused
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    # What runs where.
    def state(self) -> dict[str, Any]:
        return dict(json.loads(self.layout.state_file.read_text()))

    def pid(self, name: str) -> int:
        return int(self.state()["services"][name]["pid"])

    def pids(self) -> dict[str, int]:
        return {name: int(s["pid"]) for name, s in self.state()["services"].items()}

    def kill(self, name: str, signum: int = signal.SIGKILL) -> int:
        """Signals a process's whole group (a web process with its intake workers)."""
        pid = self.pid(name)
        os.killpg(pid, signum)
        return pid

    def wait_exited(self, pid: int, timeout: float = 30) -> None:
        def gone() -> bool:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            # A zombie (not reaped yet by the paused supervisor) is gone too.
            with contextlib.suppress(OSError):
                return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] == "Z"
            return True

        wait_until(gone, timeout, f"process {pid} exits", every=0.1)

    @contextlib.contextmanager
    def supervisor_paused(self) -> Iterator[None]:
        """While paused, nothing that dies is started again: a fault lasts as long as the test
        wants. On leaving, the supervisor starts again what died."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.process.pid, signal.SIGCONT)

    def backends(self) -> dict[tuple[str, str], str]:
        return backend_states(self.layout)

    # The conversation, over the documented interfaces.
    def post(self, sender: str, message: str, base: str | None = None) -> httpx.Response:
        return httpx.post(
            f"{base or self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=120,
        )

    def tracker(self, sender: str, base: str | None = None) -> dict[str, Any]:
        response = httpx.get(
            f"{base or self.layout.rasa_api_url}/conversations/{sender}/tracker",
            headers=api_headers(API_TOKEN),
            timeout=60,
        )
        response.raise_for_status()
        return dict(response.json())

    def user_texts(self, sender: str) -> list[str]:
        events = self.tracker(sender)["events"]
        return [e.get("text") or "" for e in events if e.get("event") == "user"]

    def bot_say(self, rasa_number: int, sender: str, text: str) -> None:
        """A bot message recorded and pushed by one given Rasa instance, as the speaker does."""
        response = httpx.post(
            f"http://127.0.0.1:{self.layout.rasa_port(rasa_number)}/conversations/{sender}"
            "/tracker/events",
            params={"output_channel": "socketio", "execute_side_effects": "true"},
            headers=api_headers(API_TOKEN),
            json=[{"event": "bot", "text": text}],
            timeout=60,
        )
        response.raise_for_status()

    @property
    def database_url(self) -> str:
        env = self.layout.directory / "cluster.env"
        for line in env.read_text().splitlines():
            name, _, value = line.partition("=")
            if name == "DATABASE_URL":
                return shlex.split(value)[0]
        raise AssertionError("no DATABASE_URL in cluster.env")

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(session_factory(self.database_url))

    @property
    def files_dir(self) -> Path:
        return self.layout.directory / "files"


@pytest.fixture(scope="package")
def telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram(TELEGRAM_TOKEN)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture(scope="package")
def cluster(tmp_path_factory: pytest.TempPathFactory, telegram: FakeTelegram) -> Iterator[Cluster]:
    # Not under pytest's base temporary directory: each pytest session makes that 0700 again,
    # and PostgreSQL (run as `postgres`) must keep reaching its data directory inside.
    directory = Path(tempfile.mkdtemp(prefix="inail-cluster-"))
    running = Cluster(directory)
    # Telegram in webhook mode behind the same balancer (the fake Bot API posts the updates).
    running.extra_env.update(
        TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
        TELEGRAM_API_URL=telegram.url,
        TELEGRAM_WEBHOOK_URL=f"{running.url}{WEBHOOK_PATH}",
        TELEGRAM_WEBHOOK_SECRET="cluster-test-webhook-secret",
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()
        dispose_engines()
        kept = tmp_path_factory.mktemp("cluster-logs")  # for a failure's post-mortem
        with contextlib.suppress(OSError):
            shutil.copytree(running.layout.log_dir, kept / "log", dirs_exist_ok=True)
            shutil.copy(directory / "cluster.out", kept)
        shutil.rmtree(directory, ignore_errors=True)
