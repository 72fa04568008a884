"""A bridge process of its own, and a TCP proxy that can play "Rasa is down"."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.db import upgrade_to_head
from tests.e2e.servers import free_port


@dataclass
class BridgeProcess:
    var_dir: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.var_dir / 'bot.db'}"

    def start(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        upgrade_to_head(self.database_url)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.telegram"],
            cwd=PROJECT_ROOT,
            env={
                **os.environ,
                "VAR_DIR": str(self.var_dir),
                "TELEGRAM_RETRY_SECONDS": "1",
                "LOG_LEVEL": "DEBUG",
                **self.env,
            },
            stdout=(self.var_dir / "telegram.log").open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self) -> str:
        path = self.var_dir / "telegram.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None


@dataclass
class SwitchableProxy:
    """Forwards TCP to `target_port`; while `down`, connections are closed at once."""

    target_port: int
    port: int = field(default_factory=free_port)
    down: bool = False

    def __post_init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", self.port))
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self.down:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()

    def close(self) -> None:
        self._closed = True
        self._server.close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError:
        pass
    finally:
        for s in (source, target):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
