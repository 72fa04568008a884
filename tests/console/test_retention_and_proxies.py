"""Nothing uploaded is kept forever; the login lock-out believes X-Forwarded-For only from a
trusted proxy."""

from __future__ import annotations

import logging
import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from starlette.requests import Request

from bot.config import get_settings
from bot.db.types import utc_now
from bot.intake import check_upload
from bot.intake.samples.pictures import photo_jpeg
from bot.storage import FileStore, store_attachment
from bot.tickets import UnitOfWork
from bot.tickets.models import Attachment
from bot.web.console.models import AttachmentDeletion
from bot.web.console.retention import (
    apply_orphan_retention,
    run_retention,
    sweep_unlisted_files,
)
from bot.web.proxies import client_address, is_https
from tests.console.conftest import login
from tests.console.helpers import MARIO, file_checked_ticket, make_user


def _upload(conversation: str, *, hours_ago: float) -> str:
    checked = check_upload(photo_jpeg(), "documento_fronte", "fronte.jpg", MARIO)
    stored = store_attachment(
        UnitOfWork(),
        conversation,
        "documento_fronte",
        checked,
        now=utc_now() - timedelta(hours=hours_ago),
    )
    return stored.storage_name


def test_files_never_filed_are_deleted_after_the_configured_hours(console_env, caplog):
    store = FileStore(console_env.var_dir / "files")
    stale = _upload("deveval-a-3fa9c01b2e7d", hours_ago=49)
    fresh = _upload("deveval-b-3fa9c01b2e7d", hours_ago=47)
    number = file_checked_ticket("deveval-c-3fa9c01b2e7d")  # filed: kept whatever its age
    with caplog.at_level(logging.INFO, logger="bot.web.console.retention"):
        assert apply_orphan_retention(48) == 1
    assert "1 files of uploads never filed deleted" in caplog.text
    assert not store.exists(stale) and store.exists(fresh)
    with UnitOfWork() as uow:
        row = uow.session.execute(
            select(Attachment).where(Attachment.storage_name == stale)
        ).scalar_one()
        assert row.superseded_at is not None and row.check_results == "{}"
        assert uow.session.get(AttachmentDeletion, row.id).reason == "mai_allegato"
        filed = uow.tickets.get_by_number(number)
        assert all(store.exists(a.storage_name) for a in filed.attachments)
    assert apply_orphan_retention(48) == 0  # done once
    assert apply_orphan_retention(0) == 0  # 0: never


def test_files_without_a_row_are_swept_once_an_hour_old(console_env, caplog):
    directory = console_env.var_dir / "files"
    directory.mkdir(parents=True, exist_ok=True)
    kept = _upload("deveval-a-3fa9c01b2e7d", hours_ago=0)
    crashed, writing, stray_temp = "a" * 32, "b" * 32, ".tmp-0123456789abcdef"
    for name in (crashed, writing, stray_temp, "README"):
        (directory / name).write_bytes(b"x")
    old = time.time() - 2 * 3600
    for name in (kept, crashed, stray_temp, "README"):
        os.utime(directory / name, (old, old))
    with caplog.at_level(logging.INFO, logger="bot.web.console.retention"):
        assert sweep_unlisted_files() == 2
    assert "2 files without a database row deleted" in caplog.text
    left = {path.name for path in directory.iterdir()}
    assert left == {kept, writing, "README"}


def test_one_run_applies_every_rule(console_env):
    _upload("deveval-a-3fa9c01b2e7d", hours_ago=100)
    done = run_retention(0, 48)
    assert (done.closed, done.orphans, done.unlisted) == (0, 1, 0)


def _request(peer: str, **headers: str) -> Request:
    raw = [(k.lower().replace("_", "-").encode(), v.encode()) for k, v in headers.items()]
    return Request(
        {
            "type": "http",
            "client": (peer, 4321),
            "headers": raw,
            "scheme": "http",
            "path": "/",
            "server": ("testserver", 80),
            "query_string": b"",
        }
    )


@pytest.fixture
def trusted(monkeypatch: pytest.MonkeyPatch):
    def configure(value: str) -> None:
        monkeypatch.setenv("TRUSTED_PROXIES", value)
        get_settings.cache_clear()

    yield configure
    get_settings.cache_clear()


def test_forwarded_headers_count_only_from_trusted_proxies(trusted):
    spoofed = {"x_forwarded_for": "1.2.3.4", "x_forwarded_proto": "https"}
    trusted("")
    assert client_address(_request("127.0.0.1", **spoofed)) == "127.0.0.1"
    assert not is_https(_request("127.0.0.1", **spoofed))
    trusted("10.0.0.0/8, 192.168.1.7")
    chain = {"x_forwarded_for": "6.6.6.6, 203.0.113.9, 10.1.2.3", "x_forwarded_proto": "https"}
    assert client_address(_request("192.168.1.7", **chain)) == "203.0.113.9"
    assert is_https(_request("192.168.1.7", **chain))
    assert client_address(_request("198.51.100.1", **chain)) == "198.51.100.1"


def test_a_client_cannot_dodge_the_ip_lock_out_with_x_forwarded_for(client):
    make_user("anna", "operatore")
    for index in range(6):  # LOGIN_MAX_FAILURES_IP=6, each time another forged address
        client.headers["X-Forwarded-For"] = f"10.9.8.{index}"
        assert login(client, f"utente{index}", "sbagliata-sbagliata") == 401
    client.headers["X-Forwarded-For"] = "10.9.8.200"
    assert login(client, "anna") == 429
