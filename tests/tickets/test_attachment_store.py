import hashlib
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.storage import (
    InvalidStorageName,
    delete_attachment_file,
    open_attachment,
    store_attachment,
)
from bot.tickets import UnitOfWork
from bot.tickets.models import Attachment


def _rows(uow: UnitOfWork) -> list[tuple[str, str, bool]]:
    with uow:
        return [
            (row.storage_name, row.purpose, row.accepted)
            for row in uow.session.execute(select(Attachment)).scalars()
        ]


def _files(files_dir: Path) -> list[str]:
    return sorted(os.listdir(files_dir)) if files_dir.exists() else []


def test_a_stored_file_has_a_random_name_its_row_and_its_hash(uow, files_dir, fake_file):
    data = b"%PDF-1.7 modulo firmato"
    stored = store_attachment(
        uow,
        "conv-1",
        "modulo",
        fake_file(data, safe_name="../../etc/passwd.pdf"),
        files_dir=files_dir,
    )

    assert len(stored.storage_name) == 32 and "." not in stored.storage_name
    assert _files(files_dir) == [stored.storage_name]
    assert (files_dir / stored.storage_name).stat().st_mode & 0o777 == 0o600
    with open_attachment(stored.storage_name, files_dir=files_dir) as handle:
        assert handle.read() == data
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    with uow:
        row = uow.attachments.get_by_storage_name(stored.storage_name)
        assert row.ticket_id is None and row.sniffed_type == "application/pdf"
        assert json.loads(row.check_results)["accepted"] is True


def test_a_failed_commit_leaves_no_file(uow, files_dir, fake_file, monkeypatch):
    def broken_commit(self: UnitOfWork) -> None:
        raise RuntimeError("disk full on the database server")

    monkeypatch.setattr(UnitOfWork, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        store_attachment(uow, "conv-1", "modulo", fake_file(b"data"), files_dir=files_dir)
    monkeypatch.undo()

    assert _files(files_dir) == []
    assert _rows(uow) == []


def test_a_failed_file_write_adds_no_row(uow, files_dir, fake_file, monkeypatch):
    def broken_fsync(descriptor: int) -> None:
        raise OSError("I/O error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        store_attachment(uow, "conv-1", "modulo", fake_file(b"data"), files_dir=files_dir)
    monkeypatch.undo()

    assert _files(files_dir) == []  # the temporary file is gone too
    assert _rows(uow) == []


def test_a_new_accepted_upload_supersedes_the_previous_one(uow, files_dir, fake_file):
    first = store_attachment(uow, "conv-1", "modulo", fake_file(b"v1"), files_dir=files_dir)
    refused = store_attachment(
        uow, "conv-1", "modulo", fake_file(b"bad", accepted=False), files_dir=files_dir
    )
    with uow:
        assert uow.attachments.get_by_storage_name(first.storage_name).superseded_at is None
    second = store_attachment(uow, "conv-1", "modulo", fake_file(b"v2"), files_dir=files_dir)
    with uow:
        [current] = uow.attachments.pending_for_conversation("conv-1")
        assert current.storage_name == second.storage_name
        assert uow.attachments.get_by_storage_name(first.storage_name).superseded_at is not None
        assert uow.attachments.get_by_storage_name(refused.storage_name).accepted is False


def test_file_names_from_outside_are_never_paths(files_dir):
    for name in ("../bot.db", "/etc/passwd", "ABCDEF", ""):
        with pytest.raises(InvalidStorageName):
            open_attachment(name, files_dir=files_dir)
        with pytest.raises(InvalidStorageName):
            delete_attachment_file(name, files_dir=files_dir)


def test_deleting_a_file_keeps_the_row(uow, files_dir, fake_file):
    stored = store_attachment(uow, "conv-1", "modulo", fake_file(b"x"), files_dir=files_dir)
    assert delete_attachment_file(stored.storage_name, files_dir=files_dir)
    assert not delete_attachment_file(stored.storage_name, files_dir=files_dir)
    assert _files(files_dir) == []
    assert len(_rows(uow)) == 1


def test_empty_uploads_and_unknown_purposes_are_refused(uow, files_dir, fake_file):
    with pytest.raises(ValueError):
        store_attachment(uow, "conv-1", "modulo", fake_file(b""), files_dir=files_dir)
    with pytest.raises(ValueError):
        store_attachment(uow, "conv-1", "selfie", fake_file(b"x"), files_dir=files_dir)
    assert _files(files_dir) == [] and _rows(uow) == []
