"""Checks and OCR in separate worker processes, each call with a wall-clock limit.

PDF parsing and OCR are CPU-bound and, on hostile or heavy files, slow: run in the web process's
event loop (or a thread) they stall every channel. Here each call goes to an idle worker process
over a pipe; a call that overruns its limit gets the worker killed (SIGKILL, not a polite
request: pypdf and tesseract do not check flags) and replaced, and the caller gets `Overrun`.
Each worker caps its own memory (RLIMIT_AS), so a decompression bomb ends the worker, not the
host. Workers are started lazily with the "spawn" method, so no parent state (sockets, the
event loop, database connections) is inherited.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

_CONTEXT = multiprocessing.get_context("spawn")
_START_SECONDS = 90.0  # a new worker's imports, before its first call's clock starts


class Overrun(Exception):
    """The call did not finish within its limit (or the worker died): it was killed."""


@dataclass(frozen=True)
class WorkerLimits:
    seconds: float = 8.0  # wall clock per call
    memory_bytes: int = 1_500 * 1024 * 1024  # address space of one worker
    processes: int = 2


def _serve(connection: Connection, memory_bytes: int) -> None:
    """The worker's loop: receive (function, args), send back ("ok", result) or ("error", exc)."""
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # tesseract: one thread per worker
    with contextlib.suppress(Exception):  # the checks' imports (OpenCV, OCR) before the clock runs
        import bot.intake.check
        import bot.intake.id_reader  # noqa: F401
    connection.send(("ready", None))
    while True:
        try:
            function, args, kwargs = connection.recv()
        except (EOFError, OSError):
            return
        try:
            result = ("ok", function(*args, **kwargs))
        except MemoryError:
            result = ("error", MemoryError("memory limit reached"))
        except Exception as error:  # returned to the caller, raised there
            result = ("error", error)
        try:
            connection.send(result)
        except Exception as error:  # an unpicklable result
            connection.send(("error", RuntimeError(f"unpicklable result: {type(error).__name__}")))


class _Worker:
    def __init__(self, memory_bytes: int) -> None:
        parent, child = _CONTEXT.Pipe()
        self.connection = parent
        self.process = _CONTEXT.Process(
            target=_serve, args=(child, memory_bytes), daemon=True, name="intake-worker"
        )
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, seconds: float) -> None:
        """Wait for the worker's imports (not counted in a call's limit); Overrun if it dies."""
        if self.ready:
            return
        if not self.connection.poll(seconds):
            raise Overrun("the worker did not start")
        status, _ = self.connection.recv()
        self.ready = status == "ready"

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.join(timeout=2)
        with contextlib.suppress(Exception):
            self.connection.close()

    @property
    def alive(self) -> bool:
        return self.process.is_alive()


class WorkerPool:
    """A few worker processes; `call` runs one function in one of them, bounded in time."""

    def __init__(self, limits: WorkerLimits | None = None) -> None:
        self.limits = limits or WorkerLimits()
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.limits.processes)
        self._threads: ThreadPoolExecutor | None = None
        self.killed = 0  # calls that overran (for the benchmark and the tests)

    def _take(self) -> _Worker:
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive:
                    return worker
                worker.kill()
        return _Worker(self.limits.memory_bytes)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def call(
        self, function: Callable[..., Any], *args: Any, seconds: float | None = None, **kwargs: Any
    ) -> Any:
        """Run `function(*args, **kwargs)` in a worker; raises `Overrun` past the limit."""
        limit = self.limits.seconds if seconds is None else seconds
        with self._slots:
            worker = self._take()
            try:
                worker.wait_ready(_START_SECONDS)
                deadline = time.monotonic() + limit
                worker.connection.send((function, args, kwargs))
                if not worker.connection.poll(max(0.0, deadline - time.monotonic())):
                    raise Overrun(f"over {limit:.1f} s")
                status, value = worker.connection.recv()
            except Overrun:
                self.killed += 1
                worker.kill()
                raise
            except (EOFError, OSError, BrokenPipeError):
                self.killed += 1
                worker.kill()
                raise Overrun("the worker died") from None
            self._give_back(worker)
        if status == "error":
            raise value
        return value

    async def run(
        self, function: Callable[..., Any], *args: Any, seconds: float | None = None, **kwargs: Any
    ) -> Any:
        """`call` from async code, without blocking the event loop."""
        return await self.waiting(self.call, function, *args, seconds=seconds, **kwargs)

    async def waiting(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run blocking code that calls this pool on the pool's own threads, one per worker.

        Files queued for a worker wait here, in order, and never hold the event loop's default
        threads: those serve the database calls of every other request (on `asyncio.to_thread`
        fifty queued uploads would stall every turn behind them)."""
        with self._lock:
            if self._threads is None:
                self._threads = ThreadPoolExecutor(
                    max_workers=self.limits.processes, thread_name_prefix="intake"
                )
            threads = self._threads
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(threads, functools.partial(function, *args, **kwargs))

    def warm_up(self) -> None:
        """Start the workers now (at process start) instead of on the first upload."""
        started = [self._take() for _ in range(self.limits.processes)]
        for worker in started:
            with contextlib.suppress(Overrun):
                worker.wait_ready(_START_SECONDS)
            self._give_back(worker)

    def close(self) -> None:
        with self._lock:
            workers, self._idle = self._idle, []
            threads, self._threads = self._threads, None
        if threads is not None:
            threads.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            worker.kill()


_POOL: WorkerPool | None = None
_POOL_LOCK = threading.Lock()


def pool() -> WorkerPool:
    """This process's pool (created on first use, with the settings' limits)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            from bot.config import get_settings

            settings = get_settings()
            _POOL = WorkerPool(
                WorkerLimits(
                    seconds=settings.intake_seconds,
                    memory_bytes=settings.intake_memory_mb * 1024 * 1024,
                    processes=settings.intake_workers,
                )
            )
        return _POOL
