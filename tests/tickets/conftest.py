"""Real databases for the ticket tests: a SQLite file per test, and PostgreSQL when installed.

The PostgreSQL cluster is a throwaway one (initdb in a temp dir, random port, run as the
`postgres` user when the tests run as root); each test gets its own database in it.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.db import upgrade_to_head
from bot.db.engine import dispose_engines, session_factory
from bot.storage import store_attachment
from bot.tickets import FilingRequest, UnitOfWork


def _postgres_bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    port: int
    admin_url: str

    def new_database_url(self) -> str:
        import psycopg2

        name = f"t_{uuid.uuid4().hex[:12]}"
        connection = psycopg2.connect(self.admin_url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        connection.close()
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = _postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) not installed: PostgreSQL tests skipped")
    as_user: list[str] = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    base = Path(tempfile.mkdtemp(prefix="bot-pg-"))
    data_dir = base / "data"
    if as_user:
        shutil.chown(base, user="postgres")
    port = _free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, cwd=base)

    run(str(bin_dir / "initdb"), "-D", str(data_dir), "-A", "trust", "-U", "postgres",
        "-E", "UTF8", "--no-sync")  # fmt: skip
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    run(str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-l", str(base / "log"), "-o", options,
        "-w", "start")  # fmt: skip
    try:
        yield PostgresServer(port, f"dbname=postgres user=postgres host=127.0.0.1 port={port}")
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data_dir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, SQLite file or PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'bot.db'}"
    else:
        yield request.getfixturevalue("postgres_server").new_database_url()
    dispose_engines()


@pytest.fixture
def migrated_url(db_url: str) -> str:
    upgrade_to_head(db_url)
    return db_url


@pytest.fixture
def uow(migrated_url: str) -> UnitOfWork:
    return UnitOfWork(session_factory(migrated_url))


@pytest.fixture
def files_dir(tmp_path: Path) -> Path:
    return tmp_path / "files"


@dataclass
class FakeCheckedFile:
    """Stands in for bot.intake.CheckedFile: the attributes the store reads."""

    stored_bytes: bytes
    accepted: bool = True
    sniffed_type: str | None = "application/pdf"
    stored_type: str | None = "application/pdf"
    safe_name: str | None = "modulo.pdf"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.stored_bytes)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.stored_bytes).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "size": self.size, **self.extra}


def build_request(conversation_id: str = "conv-1", **overrides: Any) -> FilingRequest:
    values: dict[str, Any] = {
        "nome": "Mario",
        "cognome": "Rossi",
        "codice_fiscale": "rssmra80a01h501u",
        "email": "mario.rossi@pec.example.it",
        "telefono": "333 123 4567",
        "cap": "00184",
        "path": "A",
        "channel": "telegram",
        "conversation_id": conversation_id,
    }
    values.update(overrides)
    return FilingRequest(**values)


def store_documents(
    uow: UnitOfWork,
    conversation_id: str,
    files_dir: Path,
    purposes: tuple[str, ...] = ("modulo", "documento_fronte", "documento_retro"),
) -> None:
    for purpose in purposes:
        content = f"{purpose}-{uuid.uuid4().hex}".encode()
        store_attachment(
            uow, conversation_id, purpose, FakeCheckedFile(content), files_dir=files_dir
        )


@pytest.fixture
def make_request() -> Any:
    """`make_request(conversation_id, **field_overrides)`: a valid FilingRequest for Mario Rossi."""
    return build_request


@pytest.fixture
def upload_documents(uow: UnitOfWork, files_dir: Path) -> Any:
    """`upload_documents(conversation_id, purposes=...)`: accepted files stored for the chat."""

    def upload(
        conversation_id: str,
        purposes: tuple[str, ...] = ("modulo", "documento_fronte", "documento_retro"),
    ) -> None:
        store_documents(uow, conversation_id, files_dir, purposes)

    return upload


@pytest.fixture
def fake_file() -> Any:
    """`fake_file(bytes, **attributes)`: a checked upload as bot.intake would hand it over."""
    return FakeCheckedFile
