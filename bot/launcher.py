"""`make run`: starts the Rasa server, the action server and the other processes, on localhost.

Prints where to talk to the bot once everything answers; Ctrl-C (or SIGTERM) stops them all.
Each process writes its log to var/log/<name>.log.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from bot.channels import CHANNELS, ChannelSpec
from bot.config import PROJECT_ROOT, Settings, get_settings
from bot.db import upgrade_to_head

READY_TIMEOUT_S = 300
STOP_TIMEOUT_S = 15


@dataclass
class Service:
    name: str
    command: list[str]
    health_url: str | None
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None


def services(settings: Settings, env: dict[str, str]) -> list[Service]:
    rasa_host = "127.0.0.1"
    listed = [
        # Both servers through our entrypoints: the action server checks ACTION_SERVER_TOKEN, and
        # the Rasa server reads RASA_API_TOKEN from its environment (never the command line).
        Service(
            "actions",
            [
                sys.executable,
                "-m",
                "bot.rasa_ext.action_server",
                "--actions",
                "actions",
                "--port",
                str(settings.action_server_port),
            ],
            f"http://127.0.0.1:{settings.action_server_port}/health",
        ),
        Service(
            "rasa",
            [
                sys.executable,
                "-m",
                "bot.rasa_ext.server",
                "--model",
                str(settings.rasa_model),
                "--port",
                str(settings.rasa_port),
                "--interface",
                rasa_host,
                "--enable-api",
                "--cors",
                "*",
                "--credentials",
                "credentials.yml",
                "--endpoints",
                "endpoints.yml",
            ],
            f"http://127.0.0.1:{settings.rasa_port}/",
        ),
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
    """Created if missing, and readable by this user only (var/ holds the database and files)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(200 <= response.status < 300)
    except OSError:
        return False


class Supervisor:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.log_dir = settings.var_dir / "log"
        self.stopping = False
        self.env = self._environment()
        self.services = services(settings, self.env)

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

    def start(self) -> None:
        private_directory(self.settings.var_dir)
        private_directory(self.log_dir)
        for service in self.services:
            log = (self.log_dir / f"{service.name}.log").open("ab")
            service.process = subprocess.Popen(
                service.command,
                cwd=PROJECT_ROOT,
                env={**self.env, **service.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            print(f"  started {service.name} (log: {self.log_dir / service.name}.log)")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        pending = [s for s in self.services if s.health_url]
        while pending and not self.stopping:
            self.check_alive()
            pending = [s for s in pending if not _healthy(str(s.health_url))]
            if time.monotonic() > deadline:
                names = ", ".join(s.name for s in pending)
                raise RuntimeError(f"not ready after {READY_TIMEOUT_S}s: {names}")
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
        running = [s for s in self.services if s.process and s.process.poll() is None]
        for service in running:
            os.killpg(service.process.pid, signal.SIGTERM)  # type: ignore[union-attr]
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for service in running:
            assert service.process is not None
            try:
                service.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
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
