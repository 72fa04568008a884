"""The real servers, started as `make run` starts them, on free ports and a private var/ dir."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.config import PROJECT_ROOT
from bot.db import session_factory
from bot.rasa_client import api_headers
from bot.tickets import UnitOfWork

START_TIMEOUT_S = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class BotServers:
    var_dir: Path
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    token: str = "test-api-token-0123456789-abcdefghij"  # JWT secret: at least 32 bytes
    action_token: str = "test-action-server-token-0123456789"
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.var_dir / 'bot.db'}"

    def unit_of_work(self) -> UnitOfWork:
        """A transaction on the servers' own database, as a staff tool would open it."""
        return UnitOfWork(session_factory(self.database_url))

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "VAR_DIR": str(self.var_dir),
            "DATABASE_URL": self.database_url,
            "RASA_PORT": str(self.rasa_port),
            "ACTION_SERVER_PORT": str(self.action_port),
            "WEB_PORT": str(self.web_port),
            "RASA_URL": self.rasa_url,
            "RASA_API_TOKEN": self.token,
            "ACTION_SERVER_TOKEN": self.action_token,
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "RASA_TELEMETRY_ENABLED": "false",
            **self.extra_env,
        }

    def start(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        already = len(self.output())  # a restart appends to the same file
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.launcher"],
            cwd=PROJECT_ROOT,
            env=self.env(),
            stdout=(self.var_dir / "launcher.out").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"launcher exited: {self.output()}")
            if "Ready." in self.output()[already:]:
                return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"servers not ready in {START_TIMEOUT_S}s: {self.output()}")

    def output(self) -> str:
        path = self.var_dir / "launcher.out"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def say(self, sender: str, message: str, **extra: object) -> list[dict]:
        response = httpx.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message, **extra},
            timeout=60,
        )
        response.raise_for_status()
        return list(response.json())

    def api_headers(self) -> dict[str, str]:
        """What Rasa's HTTP API wants: a JWT signed with the API token (never ?token=)."""
        return api_headers(self.token)

    def tracker(self, sender: str) -> dict:
        response = httpx.get(
            f"{self.rasa_url}/conversations/{sender}/tracker",
            headers=self.api_headers(),
            timeout=30,
        )
        response.raise_for_status()
        return dict(response.json())


def texts(replies: list[dict]) -> str:
    return "\n".join(
        [r.get("text") or "" for r in replies]
        + [b.get("title", "") for r in replies for b in r.get("buttons") or []]
    )
