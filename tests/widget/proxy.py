"""Proxies for the widget tests: a TCP proxy in front of Rasa that a test can cut and restore
(a network drop, for real), and an HTTP relay in front of the web process that holds back the
answers to uploads (a slow file check, for real)."""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
from dataclasses import dataclass, field

import httpx


@dataclass
class CuttableProxy:
    upstream_port: int
    listener: socket.socket = field(init=False)
    connections: list[socket.socket] = field(default_factory=list)
    cut: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)

    @property
    def port(self) -> int:
        return int(self.listener.getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        threading.Thread(target=self._accept, daemon=True).start()

    def drop(self) -> None:
        """Closes every open connection and refuses new ones until `restore`."""
        with self.lock:
            self.cut = True
            for conn in self.connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self.connections.clear()

    def restore(self) -> None:
        with self.lock:
            self.cut = False

    def close(self) -> None:
        self.drop()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                if self.cut:
                    client.close()
                    continue
                try:
                    server = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
                except OSError:
                    client.close()
                    continue
                server.settimeout(None)
                self.connections += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class HoldingHttpProxy:
    """An HTTP relay in front of the web process that holds back the answers to uploads until
    `release`: the file really reaches the web process and is checked there, the browser
    waits as it would for a check queued behind other doctors' files."""

    HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}

    def __init__(self, upstream_url: str) -> None:
        self.upstream = upstream_url.rstrip("/")
        self.released = threading.Event()
        self.held = threading.Event()  # an upload's answer has arrived and is being held
        relay = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:  # no request lines in the test output
                return

            def do_GET(self) -> None:
                relay.forward(self)

            def do_POST(self) -> None:
                relay.forward(self)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def release(self) -> None:
        self.released.set()

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def forward(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        # Host as the browser sent it (the page's origin); the answer unencoded, so that what is
        # relayed is what its headers say, whichever decoders httpx has.
        dropped = {*self.HOP_BY_HOP, "accept-encoding"}
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in dropped}
        headers["Accept-Encoding"] = "identity"
        answer = httpx.request(
            handler.command, self.upstream + handler.path, headers=headers, content=body,
            timeout=120,
        )  # fmt: skip
        if "/uploads" in handler.path:
            self.held.set()
            self.released.wait(timeout=120)
        handler.send_response(answer.status_code)
        for name, value in answer.headers.multi_items():
            if name.lower() not in self.HOP_BY_HOP:
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(answer.content)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(answer.content)
