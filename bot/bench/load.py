"""`make bench-load`: whole doctor conversations under load, beside a bare `rasa init` bot.

    .venv/bin/python -m bot.bench.load [--setups single,cluster,bare] [--levels 1,20,50]
        [--seconds 60,120,300] [--long-turns 300] [--port-base 6200]

Each setup is started by the benchmark on localhost, one after the other in the same run:

- `single`: our stack as `make run` starts it (`bot.launcher`, SQLite in a throwaway var/);
- `cluster`: `make run-cluster` (PostgreSQL, Redis, HAProxy, two of each process), when this
  tree has it;
- `bare`: a `rasa init` bot trained in a temporary directory by the benchmark itself and served
  with `rasa run` (in-memory tracker store, no action server).

At each level, that many doctors play whole conversations at once, without pauses, for a fixed
time: on our setups the path, the filing form with the signed form and the ID's front and back
sent to the upload API, the ticket filed and its status asked (every other conversation is
issued by `POST /api/conversations` and carries its token); on the bare bot the same messages as
REST turns only. A doctor whose conversation ends (or fails) starts a new one. Printed per setup
and level: REST turns per second, turn latency p50/p95/p99, upload p95, errors (transport,
HTTP status, an empty reply, a reply without what the step needs, a refused upload),
conversations finished, CPU seconds per REST turn and the peak resident memory of all the
setup's processes; then the ratios to the bare bot, the cluster against the single stack, the
issue's targets, and one long conversation per setup (turn latency at its start and at its end).
Traffic goes to 127.0.0.1 only; every loop is bounded in count and in time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp

from bot.bench.measure import (
    cpu_by_label,
    machine_cpu,
    percentile,
    tree_rss_bytes,
)
from bot.bench.routing import START_TIMEOUT_S, Stack, free_port, free_port_block
from bot.config import PROJECT_ROOT, usable_cores

SETUPS = ("single", "cluster", "bare")
DEFAULT_LEVELS = (1, 20, 50)
DEFAULT_SECONDS = (60, 120, 300)  # the 50 doctors for 5 minutes
DEFAULT_LONG_TURNS = 300
REQUEST_TIMEOUT_S = 120.0  # one turn or one upload (files are read by OCR, queued under load)
MAX_CONVERSATIONS_PER_DOCTOR = 10_000
MAX_LONG_TURNS = 2_000
CLUSTER_PORTS = 50  # `make run-cluster` listens on CLUSTER_PORT .. CLUSTER_PORT + 49
TICKET = re.compile(r"IR-\d{4}-\d{6}")
TOKEN_HEADER = "X-Conversation-Token"


# ---- what a doctor does ----------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    kind: str  # "say" or "upload"
    text: str  # the message, or the file's name
    file: str = ""  # which sample file (uploads)
    expect: str | None = None  # what the reply must contain on our setups (regex)


def doctor_script() -> list[Step]:
    from bot.intake.samples.identity import CODICE_FISCALE, COGNOME, NOME

    return [
        Step("say", "buongiorno, mi servono le credenziali da medico esterno"),
        Step("say", "ho la CNS", expect=r"/file_request"),
        Step("say", "/file_request", expect=r"(?i)nome"),
        Step("say", NOME, expect=r"(?i)cognome"),
        Step("say", COGNOME, expect=r"(?i)codice fiscale"),
        Step("say", CODICE_FISCALE, expect=r"(?i)modulo"),
        Step("upload", "domanda-firmata.pdf", file="form"),
        Step("upload", "fronte.jpg", file="front"),
        Step("upload", "retro.jpg", file="back"),
        Step("say", "mario.rossi@pec.it", expect=r"(?i)telefono"),
        Step("say", "333 123 4567", expect=r"CAP"),
        Step("say", "00184", expect=r"(?i)codice ditta"),
        Step("say", "no", expect=r"(?i)confermo"),
        Step("say", "/confirm_filing", expect=TICKET.pattern),
        Step("say", "a che punto è la mia richiesta?", expect=TICKET.pattern),
    ]


LONG_CONVERSATION = (
    "ho la CNS",
    "come si compila il modulo?",
    "quanto tempo ci vuole?",
    "grazie",
    "devo allegare il documento?",
    "ok",
)


def sample_files() -> dict[str, bytes]:
    from bot.intake.samples import pictures, signed

    return {
        "form": signed.pades_signed_pdf(),
        "front": pictures.photo_jpeg(),
        "back": pictures.back_photo_jpeg(),
    }


# ---- what a level records --------------------------------------------------------------------


@dataclass
class LevelStats:
    setup: str
    users: int
    seconds: float
    turns: list[float] = field(default_factory=list)  # latencies (s) of turns answered 200
    uploads: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    conversations: int = 0  # played to their end
    senders: list[str] = field(default_factory=list)  # every conversation opened
    elapsed: float = 0.0
    cpu_s: float = 0.0
    cpu_by_process: dict[str, float] = field(default_factory=dict)
    peak_rss: int = 0
    machine_busy: float = 0.0  # share of the machine's CPU time busy (anything running on it)
    machine_stolen: float = 0.0  # share taken by the host for other virtual machines

    @property
    def turns_per_s(self) -> float:
        return len(self.turns) / self.elapsed if self.elapsed else 0.0

    def turn_ms(self, fraction: float) -> float:
        return percentile(self.turns, fraction) * 1000

    @property
    def upload_p95_ms(self) -> float | None:
        return percentile(self.uploads, 0.95) * 1000 if self.uploads else None

    @property
    def cpu_per_turn(self) -> float:
        return self.cpu_s / len(self.turns) if self.turns else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


@dataclass
class Target:
    """A running setup: where to send turns and files, and the processes it is made of."""

    name: str
    rasa_url: str
    web_url: str | None  # None: REST turns only (the bare bot)
    roots: list[int]


class Failed(Exception):
    """A step that went wrong: the conversation is abandoned, the doctor starts another."""


class Doctor:
    def __init__(
        self, target: Target, http: aiohttp.ClientSession, files: dict[str, bytes]
    ) -> None:
        self.target, self.http, self.files = target, http, files
        self.full = target.web_url is not None  # our setups: files and checked replies

    async def _post(
        self, url: str, *, json_body: Any = None, data: bytes | None = None, headers: Any = None
    ) -> tuple[int, bytes]:
        try:
            async with self.http.post(url, json=json_body, data=data, headers=headers) as answer:
                return answer.status, await answer.read()
        except asyncio.TimeoutError as error:
            raise Failed("timeout") from error
        except aiohttp.ClientError as error:
            raise Failed("connection") from error

    async def open(self, issued: bool, stats: LevelStats) -> tuple[str, str | None]:
        if not (issued and self.full):
            sender, token = f"bench-load-{uuid.uuid4().hex}", None
        else:
            status, body = await self._post(f"{self.target.web_url}/api/conversations")
            if status != 201:
                raise Failed(f"HTTP {status} (new conversation)")
            issued_body = json.loads(body)
            sender, token = str(issued_body["sender"]), str(issued_body["token"])
        stats.senders.append(sender)
        return sender, token

    async def say(self, sender: str, token: str | None, text: str, stats: LevelStats) -> str:
        headers = {TOKEN_HEADER: token} if token else None
        started = time.perf_counter()
        status, body = await self._post(
            f"{self.target.rasa_url}/webhooks/rest/webhook",
            json_body={"sender": sender, "message": text},
            headers=headers,
        )
        if status != 200:
            raise Failed(f"HTTP {status} (turn)")  # an error, not a turn: never in turns/s
        stats.turns.append(time.perf_counter() - started)
        replies = json.loads(body or b"[]")
        if self.full and not replies:
            raise Failed("empty reply")
        return _reply_text(replies)

    async def upload(self, sender: str, token: str | None, step: Step, stats: LevelStats) -> None:
        headers = {TOKEN_HEADER: token} if token else None
        started = time.perf_counter()
        status, body = await self._post(
            f"{self.target.web_url}/api/conversations/{sender}/uploads?filename={step.text}",
            data=self.files[step.file],
            headers=headers,
        )
        if status != 200 or not json.loads(body).get("accepted"):
            raise Failed(f"upload refused (HTTP {status})")
        stats.uploads.append(time.perf_counter() - started)

    async def conversation(self, issued: bool, deadline: float, stats: LevelStats) -> bool:
        """One whole conversation; False when the time was up before its end."""
        sender, token = await self.open(issued, stats)
        for step in doctor_script():
            if time.monotonic() >= deadline:
                return False
            if step.kind == "upload":
                if self.full:
                    await self.upload(sender, token, step, stats)
                continue
            reply = await self.say(sender, token, step.text, stats)
            if self.full and step.expect and not re.search(step.expect, reply):
                raise Failed("unexpected reply")
        return True

    async def run(self, index: int, deadline: float, stats: LevelStats) -> None:
        for number in range(MAX_CONVERSATIONS_PER_DOCTOR):
            if time.monotonic() >= deadline:
                return
            try:
                if await self.conversation((index + number) % 2 == 1, deadline, stats):
                    stats.conversations += 1
            except Failed as failure:
                stats.errors[str(failure)] += 1


def _reply_text(replies: Any) -> str:
    """The replies' texts and button payloads, as one string to match a step against."""
    parts = []
    for reply in replies if isinstance(replies, list) else []:
        if isinstance(reply, dict):
            parts.append(str(reply.get("text") or ""))
            parts.extend(str(b.get("payload") or "") for b in reply.get("buttons") or [])
    return "\n".join(parts)


def _session(users: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S),
        connector=aiohttp.TCPConnector(limit=max(10, 2 * users)),
    )


async def _sample_rss(roots: list[int], stats: LevelStats, stop: asyncio.Event) -> None:
    while not stop.is_set():
        stats.peak_rss = max(stats.peak_rss, tree_rss_bytes(roots))
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=1.0)


async def play_level(
    target: Target, users: int, seconds: float, files: dict[str, bytes]
) -> LevelStats:
    """`users` doctors at once for `seconds` (conversations in flight then finish their step)."""
    stats = LevelStats(target.name, users, seconds)
    async with _session(users) as http:
        stop = asyncio.Event()
        sampler = asyncio.create_task(_sample_rss(target.roots, stats, stop))
        by_process_before = cpu_by_label(target.roots)
        machine_before = machine_cpu()
        started = time.monotonic()
        deadline = started + seconds
        doctors = [Doctor(target, http, files) for _ in range(users)]
        await asyncio.gather(*(d.run(i, deadline, stats) for i, d in enumerate(doctors)))
        stats.elapsed = time.monotonic() - started
        stats.machine_busy, stats.machine_stolen = machine_cpu().since(machine_before)
        stats.cpu_by_process = {
            name: seconds - by_process_before.get(name, 0.0)
            for name, seconds in cpu_by_label(target.roots).items()
        }
        stats.cpu_s = sum(stats.cpu_by_process.values())  # the setup's, the shown parts summed
        stop.set()
        await sampler
    return stats


async def warm_up(target: Target, files: dict[str, bytes]) -> None:
    """One whole conversation, not measured: models loaded, workers started, caches filled."""
    stats = LevelStats(target.name, 1, 0)
    async with _session(1) as http:
        try:
            await Doctor(target, http, files).conversation(False, time.monotonic() + 600, stats)
        except Failed as failure:
            print(f"  warm-up conversation failed: {failure}", flush=True)


async def long_conversation(target: Target, turns: int) -> tuple[float, float, int]:
    """One conversation of `turns` REST turns: p50 of its first and of its last 20 turns (ms),
    and the errors."""
    stats = LevelStats(target.name, 1, 0)
    errors = 0
    async with _session(1) as http:
        doctor = Doctor(target, http, {})
        sender = f"bench-long-{uuid.uuid4().hex}"
        for turn in range(min(turns, MAX_LONG_TURNS)):
            try:
                await doctor.say(
                    sender, None, LONG_CONVERSATION[turn % len(LONG_CONVERSATION)], stats
                )
            except Failed:
                errors += 1
    window = min(20, len(stats.turns) // 2) or 1
    first = percentile(stats.turns[:window], 0.5) * 1000
    last = percentile(stats.turns[-window:], 0.5) * 1000
    return first, last, errors


# ---- the setups ------------------------------------------------------------------------------


class Ports:
    """Ports for the setups: consecutive from a base (`--port-base`), or free ones."""

    def __init__(self, base: int | None) -> None:
        self.next = base

    def take(self, count: int) -> list[int]:
        if self.next is None:
            return [free_port() for _ in range(count)]
        return self.take_block(count)

    def take_block(self, count: int) -> list[int]:
        """`count` consecutive ports (the cluster's layout follows its first one)."""
        if self.next is None:
            base = free_port_block(count)
            return list(range(base, base + count))
        ports = list(range(self.next, self.next + count))
        self.next += count
        return ports


def _rasa_executable() -> str:
    return str(Path(sys.executable).with_name("rasa"))


def _stop_group(process: subprocess.Popen[bytes] | None, timeout: float = 60) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(200 <= response.status < 300)
    except OSError:
        return False


@contextlib.contextmanager
def bare_bot(port: int, directory: Path | None) -> Iterator[Target]:
    """`rasa init` (which trains its model) in a temporary directory, then `rasa run`."""
    base = directory or Path(tempfile.mkdtemp(prefix="bench-bare-"))
    project = base / "bot"
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    log = (base / "bare.log").open("ab")
    if not list((project / "models").glob("*.tar.gz")):
        print(f"  bare: `rasa init` in {project} (trains its model)", flush=True)
        project.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [_rasa_executable(), "init", "--no-prompt", "--init-dir", str(project)],
            cwd=project,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=3600,
        )
    process = subprocess.Popen(
        [_rasa_executable(), "run", "--port", str(port), "--interface", "127.0.0.1"],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _answers(f"http://127.0.0.1:{port}/"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the bare bot did not start; see {base / 'bare.log'}")
            time.sleep(1)
        yield Target("bare", f"http://127.0.0.1:{port}", None, [process.pid])
    finally:
        _stop_group(process)
        log.close()


@contextlib.contextmanager
def single_stack(ports: list[int]) -> Iterator[Target]:
    """Our stack as `make run` starts it, on the given ports and a throwaway var/."""
    model = Path(os.environ.get("RASA_MODEL") or PROJECT_ROOT / "models" / "inail.tar.gz")
    with Stack(model, ports=(ports[0], ports[1], ports[2])) as stack:
        assert stack.process is not None
        yield Target("single", stack.rasa_url, stack.web_url, [stack.process.pid])


def cluster_available() -> bool:
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    return bool(re.search(r"^run-cluster:", makefile, re.M))


_REST_LINE = re.compile(r"POST (http://[^\s/]+)/webhooks/rest/webhook")
_UPLOAD_LINE = re.compile(r"POST (http://[^\s/]+)/api/conversations")


@contextlib.contextmanager
def cluster_stack(ports: list[int]) -> Iterator[Target]:
    """`make run-cluster` on its own ports (`CLUSTER_PORT` and the 49 after it) and a throwaway
    var/ (its own PostgreSQL and Redis data, removed afterwards), addresses read from what it
    prints."""
    var = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    env = {
        **os.environ,
        "VAR_DIR": str(var),
        "CLUSTER_DIR": str(var / "cluster"),
        "CLUSTER_PORT": str(ports[0]),
        "RASA_TELEMETRY_ENABLED": "false",
    }
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("DATABASE_URL", None)
    out_path = var / "cluster.out"
    with out_path.open("wb") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run-cluster"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            output = out_path.read_text(errors="replace")
            if "Ready" in output and _UPLOAD_LINE.search(output):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the cluster did not start (see {var}):\n{output[-2000:]}")
            time.sleep(1)
        rest, upload = _REST_LINE.search(output), _UPLOAD_LINE.search(output)
        if not rest or not upload:
            raise RuntimeError("the cluster printed no REST or upload address")
        local = lambda url: url.replace("//localhost", "//127.0.0.1")  # noqa: E731
        yield Target("cluster", local(rest.group(1)), local(upload.group(1)), [process.pid])
    finally:
        _stop_group(process, timeout=120)
    # Its PostgreSQL data and files (60-250 MB); kept, logs and all, when something failed.
    shutil.rmtree(var, ignore_errors=True)


# ---- the report ------------------------------------------------------------------------------


def _header() -> str:
    return (
        f"{'setup':8} {'users':>5} {'secs':>5} {'turns':>6} {'turns/s':>8} {'p50 ms':>7}"
        f" {'p95 ms':>7} {'p99 ms':>7} {'upl p95':>8} {'errors':>6} {'convs':>5}"
        f" {'CPU s/turn':>10} {'RSS MB':>7}"
    )


def _row(s: LevelStats) -> str:
    upload = f"{s.upload_p95_ms:8.0f}" if s.upload_p95_ms is not None else f"{'-':>8}"
    return (
        f"{s.setup:8} {s.users:5d} {s.elapsed:5.0f} {len(s.turns):6d} {s.turns_per_s:8.1f}"
        f" {s.turn_ms(0.5):7.0f} {s.turn_ms(0.95):7.0f} {s.turn_ms(0.99):7.0f} {upload}"
        f" {s.error_count:6d} {s.conversations if s.setup != 'bare' else 0:5d}"
        f" {s.cpu_per_turn:10.3f} {s.peak_rss / 2**20:7.0f}"
    )


def _ratio(a: float, b: float) -> str:
    return f"{a / b:5.2f}×" if b else "    -"


def report(results: list[LevelStats], long_runs: dict[str, tuple[float, float, int]]) -> None:
    print("\n" + _header())
    for s in results:
        print(_row(s))
    errors = [s for s in results if s.errors]
    if errors:
        print("errors by kind:")
        for s in errors:
            kinds = ", ".join(f"{kind}: {n}" for kind, n in s.errors.most_common())
            print(f"  {s.setup} {s.users} users: {kinds}")
    print(
        "\nthe machine during each level (all cores): busy, stolen by the host"
        " (figures of a level with much stolen are not comparable)"
    )
    for s in results:
        print(
            f"  {s.setup:8} {s.users:3d} users: busy {100 * s.machine_busy:3.0f} %,"
            f" stolen {100 * s.machine_stolen:3.0f} %"
        )
    print("\nCPU seconds per REST turn, by process (workers: the file checks' processes):")
    for s in results:
        shares = sorted(s.cpu_by_process.items(), key=lambda item: -item[1])
        parts = ", ".join(
            f"{name} {seconds / len(s.turns):.3f}"
            for name, seconds in shares
            if s.turns and seconds / len(s.turns) >= 0.001
        )
        print(f"  {s.setup:8} {s.users:3d} users: {parts}")
    by = {(s.setup, s.users): s for s in results}
    levels = sorted({s.users for s in results})
    ours = [name for name in ("single", "cluster") if any(s.setup == name for s in results)]
    if any(s.setup == "bare" for s in results) and ours:
        print("\nratios to the bare bot (same users): turn p50, p95, p99, turns/s, CPU/turn, RSS")
        for name in ours:
            for users in levels:
                s, bare = by.get((name, users)), by.get(("bare", users))
                if s and bare:
                    p50 = _ratio(s.turn_ms(0.5), bare.turn_ms(0.5))
                    print(
                        f"  {name:8} {users:3d} users: p50 {p50}"
                        f"  p95 {_ratio(s.turn_ms(0.95), bare.turn_ms(0.95))}"
                        f"  p99 {_ratio(s.turn_ms(0.99), bare.turn_ms(0.99))}"
                        f"  turns/s {_ratio(s.turns_per_s, bare.turns_per_s)}"
                        f"  CPU/turn {_ratio(s.cpu_per_turn, bare.cpu_per_turn)}"
                        f"  RSS {_ratio(s.peak_rss, bare.peak_rss)}"
                    )
    if len(ours) == 2:
        print(
            "\ncluster against single: turns/s, CPU seconds per turn, and the most turns/s the"
            " machine's unstolen CPU allows at that CPU per turn (cores × (1 − stolen) ÷ CPU"
            " per turn: a setup near it is bound by this machine's CPU, not by one process)"
        )
        for users in levels:
            s, c = by.get(("single", users)), by.get(("cluster", users))
            if s and c:
                print(
                    f"  {users:3d} users: turns/s {_ratio(c.turns_per_s, s.turns_per_s)}"
                    f"  CPU/turn {_ratio(c.cpu_per_turn, s.cpu_per_turn)}"
                    f"  single {_of_ceiling(s)}, cluster {_of_ceiling(c)}"
                )
    _targets(by)
    if long_runs:
        print("\none long conversation (REST turns one after the other): p50 per turn")
        for name, (first, last, failed) in long_runs.items():
            print(
                f"  {name:8} first 20 turns {first:6.0f} ms, last 20 turns {last:6.0f} ms"
                f" ({last / first if first else 0:4.1f}×), errors {failed}"
            )


def cpu_ceiling(s: LevelStats) -> float:
    """The turns per second this machine's CPU allows at the level's CPU per turn (the CPU
    the host did not take for other guests, every core busy with the setup)."""
    if not s.cpu_per_turn:
        return 0.0
    return usable_cores() * (1 - s.machine_stolen) / s.cpu_per_turn


def _of_ceiling(s: LevelStats) -> str:
    ceiling = cpu_ceiling(s)
    if not ceiling:
        return "-"
    return f"{s.turns_per_s:.1f} of {ceiling:.1f} ({100 * s.turns_per_s / ceiling:.0f} %)"


def _targets(by: dict[tuple[str, int], LevelStats]) -> None:
    lines = []
    for users, limit in ((1, 1.3), (20, 1.5)):
        s, bare = by.get(("single", users)), by.get(("bare", users))
        if s and bare and bare.turn_ms(0.95):
            ratio = s.turn_ms(0.95) / bare.turn_ms(0.95)
            verdict = "met" if ratio <= limit else "NOT met"
            lines.append(
                f"  single turn p95 ≤ {limit}× bare at {users} user(s): {ratio:.2f}× {verdict}"
            )
    for name in ("single", "cluster"):
        s = by.get((name, 50))
        if s:
            verdict = "met" if s.error_count == 0 else "NOT met"
            lines.append(f"  {name} 50 doctors, 0 errors: {s.error_count} {verdict}")
    s, c = by.get(("single", 50)), by.get(("cluster", 50))
    if s and c and s.turns_per_s:
        ratio = c.turns_per_s / s.turns_per_s
        verdict = "met" if ratio >= 1.6 else "NOT met"
        lines.append(f"  cluster turns/s ≥ 1.6× single at 50: {ratio:.2f}× {verdict}")
        cores = usable_cores()
        if cores <= 2:  # the reading for this machine: not below the single setup
            verdict = "met" if ratio >= 1.0 else "NOT met"
            lines.append(
                f"  on {cores} cores, cluster ≥ single turns/s at 50: {ratio:.2f}× {verdict}"
            )
    if lines:
        print("\ntargets (issue 13):")
        print("\n".join(lines))


# ---- the run ---------------------------------------------------------------------------------


def _numbers(text: str) -> list[int]:
    return [int(part) for part in text.replace(" ", "").split(",") if part]


@dataclass
class Options:
    setups: list[str]
    levels: list[int]
    seconds: list[float]
    long_turns: int
    port_base: int | None
    bare_dir: Path | None
    rest_only: bool = False  # our setups get the bare bot's treatment: REST turns only


def options(argv: list[str] | None = None) -> Options:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setups", default=env("BENCH_LOAD_SETUPS", ",".join(SETUPS)))
    parser.add_argument(
        "--levels", default=env("BENCH_LOAD_LEVELS", ",".join(map(str, DEFAULT_LEVELS)))
    )
    parser.add_argument(
        "--seconds",
        default=env("BENCH_LOAD_SECONDS", ",".join(map(str, DEFAULT_SECONDS))),
        help="one duration per level, or one for all",
    )
    parser.add_argument(
        "--long-turns", type=int, default=int(env("BENCH_LOAD_LONG_TURNS", DEFAULT_LONG_TURNS))
    )
    parser.add_argument("--port-base", type=int, default=env("BENCH_LOAD_PORT_BASE"))
    parser.add_argument("--bare-dir", type=Path, default=None, help="reuse a trained bare bot")
    parser.add_argument(
        "--rest-only",
        action="store_true",
        default=env("BENCH_LOAD_REST_ONLY", "") not in ("", "0"),
        help="no uploads on any setup: the conversations' messages as REST turns only",
    )
    args = parser.parse_args(argv)
    setups = [s for s in args.setups.replace(" ", "").split(",") if s]
    unknown = [s for s in setups if s not in SETUPS]
    if unknown:
        parser.error(f"unknown setups {unknown}; known: {', '.join(SETUPS)}")
    levels = _numbers(args.levels)
    seconds = [float(s) for s in _numbers(args.seconds)]
    if len(seconds) == 1:
        seconds *= len(levels)
    if len(seconds) != len(levels) or not levels:
        parser.error("give one duration per level, or one for all")
    if any(not 1 <= u <= 500 for u in levels) or any(not 1 <= s <= 3600 for s in seconds):
        parser.error("levels must be 1..500 doctors, durations 1..3600 seconds")
    return Options(
        setups,
        levels,
        seconds,
        max(0, min(args.long_turns, MAX_LONG_TURNS)),
        int(args.port_base) if args.port_base else None,
        args.bare_dir,
        args.rest_only,
    )


def _start(name: str, ports: Ports, opts: Options) -> contextlib.AbstractContextManager[Target]:
    if name == "bare":
        return bare_bot(ports.take(1)[0], opts.bare_dir)
    if name == "cluster":
        return cluster_stack(ports.take_block(CLUSTER_PORTS))
    return single_stack(ports.take(3))


def run(opts: Options) -> list[LevelStats]:
    files = sample_files()
    ports = Ports(opts.port_base)
    results: list[LevelStats] = []
    long_runs: dict[str, tuple[float, float, int]] = {}
    plan = ", ".join(f"{u} for {s:.0f}s" for u, s in zip(opts.levels, opts.seconds, strict=True))
    what = "REST turns only, every setup" if opts.rest_only else "uploads included"
    print(f"bench-load: setups {', '.join(opts.setups)}; doctors {plan}; {what}", flush=True)
    for name in opts.setups:
        if name == "cluster" and not cluster_available():
            print("  cluster: skipped (no `make run-cluster` in this tree)", flush=True)
            continue
        print(f"  {name}: starting", flush=True)
        with _start(name, ports, opts) as started:
            target = replace(started, web_url=None) if opts.rest_only else started
            asyncio.run(warm_up(target, files))
            for users, seconds in zip(opts.levels, opts.seconds, strict=True):
                stats = asyncio.run(play_level(target, users, seconds, files))
                results.append(stats)
                print("  " + _row(stats), flush=True)
            if opts.long_turns:
                long_runs[name] = asyncio.run(long_conversation(target, opts.long_turns))
        print(f"  {name}: stopped", flush=True)
    report(results, long_runs)
    return results


def main(argv: list[str] | None = None) -> None:
    run(options(argv))


if __name__ == "__main__":
    main()
