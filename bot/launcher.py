"""`make run`: starts the Rasa server, the action server and the other processes, on localhost.

Prints where to talk to the bot once everything answers; Ctrl-C (or SIGTERM) stops them all.
Each process writes its log to var/log/<name>.log.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlsplit

from bot.channels import CHANNELS, ChannelSpec
from bot.config import PROJECT_ROOT, Settings, get_settings
from bot.db import upgrade_to_head

READY_TIMEOUT_S = 300
STOP_TIMEOUT_S = 15


@dataclass
class Service:
    name: str
    command: list[str]
    # Ready when `http://…` answers 2xx, or `tcp://host:port` accepts connections; None: at once.
    health_url: str | None
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    user: str | None = None  # run as this user (PostgreSQL refuses root)
    stop_signal: int = signal.SIGTERM
    # Stopped in descending stage order: the application (1) before what it depends on (0).
    stage: int = 1


def action_server_service(name: str, port: int) -> Service:
    """The action server through our entrypoint, which checks ACTION_SERVER_TOKEN."""
    return Service(
        name,
        [
            sys.executable,
            "-m",
            "bot.rasa_ext.action_server",
            "--actions",
            "actions",
            "--port",
            str(port),
        ],
        f"http://127.0.0.1:{port}/health",
    )


def rasa_service(name: str, settings: Settings, port: int) -> Service:
    """The Rasa server through our entrypoint, which reads RASA_API_TOKEN from its environment
    (never the command line)."""
    return Service(
        name,
        [
            sys.executable,
            "-m",
            "bot.rasa_ext.server",
            "--model",
            str(settings.rasa_model),
            "--port",
            str(port),
            "--interface",
            "127.0.0.1",
            "--enable-api",
            "--cors",
            "*",
            "--credentials",
            "credentials.yml",
            "--endpoints",
            "endpoints.yml",
        ],
        f"http://127.0.0.1:{port}/",
    )


def services(settings: Settings, env: dict[str, str]) -> list[Service]:
    listed = [
        action_server_service("actions", settings.action_server_port),
        rasa_service("rasa", settings, settings.rasa_port),
        Service(
            "web",
            [sys.executable, "-m", "bot.web"],
            f"http://127.0.0.1:{settings.web_port}/healthz",
        ),
    ]
    # The notifier says into conversations what the outbox holds (status changes, operators'
    # messages) on their channel, and sends the e-mails.
    listed.append(Service("notify", [sys.executable, "-m", "bot.notify"], None))
    # Each channel with a bridge of its own (bot/channels.py), when it is configured: Telegram's
    # runs long polling, or webhook mode with TELEGRAM_WEBHOOK_URL.
    for channel in bridges(env):
        listed.append(Service(channel.name, [sys.executable, "-m", str(channel.bridge)], None))
    return listed


def bridges(env: dict[str, str]) -> list[ChannelSpec]:
    """The channels whose bridge process runs: those whose setting is present."""
    return [
        channel
        for channel in CHANNELS
        if channel.bridge and channel.enabled_by and env.get(channel.enabled_by, "").strip()
    ]


def private_directory(path: Path) -> None:
    """Created if missing, and readable by this user only (var/ holds the database and files).

    A group's right to traverse it (not to list or read it), which `make run-cluster` gives the
    `postgres` user to reach its data directory inside, is kept."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700 | (path.stat().st_mode & 0o010))


def run_as(user: str | None) -> dict[str, Any]:
    """subprocess options that run a child as `user`, with that user's groups (not ours)."""
    if user is None:
        return {}
    account = pwd.getpwnam(user)
    groups = os.getgrouplist(user, account.pw_gid)
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": groups}


def _healthy(url: str) -> bool:
    if url.startswith("tcp://"):
        parts = urlsplit(url)
        try:
            with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), 2):
                return True
        except OSError:
            return False
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(200 <= response.status < 300)
    except OSError:
        return False


class Supervisor:
    def __init__(self, settings: Settings, log_dir: Path | None = None) -> None:
        self.settings = settings
        self.log_dir = log_dir or settings.var_dir / "log"
        self.stopping = False
        self.env = self._environment()
        self.services = self._services()

    def _services(self) -> list[Service]:
        return services(self.settings, self.env)

    def _environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.setdefault("RASA_API_TOKEN", self.settings.rasa_api_token or secrets.token_urlsafe(32))
        env.setdefault(
            "ACTION_SERVER_TOKEN", self.settings.action_server_token or secrets.token_urlsafe(32)
        )
        env.setdefault(
            "ACTION_ENDPOINT_URL", f"http://127.0.0.1:{self.settings.action_server_port}/webhook"
        )
        env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        return env

    def start(self, only: list[Service] | None = None) -> None:
        private_directory(self.settings.var_dir)
        private_directory(self.log_dir)
        for service in self.services if only is None else only:
            self.launch(service)
            print(f"  started {service.name} (log: {self.log_dir / service.name}.log)")

    def launch(self, service: Service) -> None:
        with (self.log_dir / f"{service.name}.log").open("ab") as log:
            service.process = subprocess.Popen(
                service.command,
                cwd=PROJECT_ROOT,
                env={**self.env, **service.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **run_as(service.user),
            )

    ready_timeout_s = READY_TIMEOUT_S

    def wait_ready(self, only: list[Service] | None = None) -> None:
        deadline = time.monotonic() + self.ready_timeout_s
        pending = [s for s in (self.services if only is None else only) if s.health_url]
        while pending and not self.stopping:
            self.check_alive()
            pending = [s for s in pending if not _healthy(str(s.health_url))]
            if time.monotonic() > deadline:
                names = ", ".join(s.name for s in pending)
                raise RuntimeError(f"not ready after {self.ready_timeout_s}s: {names}")
            time.sleep(0.5)

    def check_alive(self) -> None:
        for service in self.services:
            if service.process and service.process.poll() is not None:
                raise RuntimeError(
                    f"{service.name} exited with code {service.process.returncode}; "
                    f"see {self.log_dir / service.name}.log"
                )

    def stop(self) -> None:
        self.stopping = True
        for stage in sorted({s.stage for s in self.services}, reverse=True):
            self._stop([s for s in self.services if s.stage == stage])

    def _stop(self, services: list[Service]) -> None:
        running = [s for s in services if s.process and s.process.poll() is None]
        for service in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(service.process.pid, service.stop_signal)  # type: ignore[union-attr]
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for service in running:
            assert service.process is not None
            try:
                service.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(service.process.pid, signal.SIGKILL)
                service.process.wait()


def main() -> int:
    settings = get_settings()
    if not settings.rasa_model.exists():
        print(f"No trained model at {settings.rasa_model}: run `make run`, which trains it first.")
        return 1
    supervisor = Supervisor(settings)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    os.umask(0o077)  # every file the processes create (database, logs, files) is private
    print("Starting the INAIL Medico esterno assistant...")
    try:
        print("  database: migrating to the latest schema")
        upgrade_to_head(settings.database_url)
        supervisor.start()
        supervisor.wait_ready()
        port = settings.rasa_port
        example = f"prova-{secrets.token_hex(8)}"  # conversation ids must be unguessable
        print(
            "\nReady. Talk to the bot:\n"
            f"  REST:      POST http://localhost:{port}/webhooks/rest/webhook"
            f' {{"sender": "{example}", "message": "ciao"}}\n'
            f"  socket.io: http://localhost:{port}/socket.io (for the web widget)\n"
            f"  uploads:   POST http://localhost:{settings.web_port}/api/conversations/<sender>/uploads\n"
            f"  e.g. curl -s -XPOST localhost:{port}/webhooks/rest/webhook "
            f'-d \'{{"sender":"{example}","message":"ciao"}}\'\n'
            + f"  staff console: http://localhost:{settings.web_port}/staff"
            " (first admin: .venv/bin/python -m bot.web.console create-admin <username>)\n"
            + (
                "  Telegram: on.\n"
                if settings.telegram_bot_token
                else "  Telegram: off; set TELEGRAM_BOT_TOKEN to enable it.\n"
            )
            + "Press Ctrl-C to stop.",
            flush=True,
        )
        while True:
            supervisor.check_alive()
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
        return 0
    except RuntimeError as error:
        print(f"\nError: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        supervisor.stop()
        print("Stopped.", flush=True)


if __name__ == "__main__":
    sys.exit(main())
