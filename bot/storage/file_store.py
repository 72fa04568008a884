"""Files under random names in one directory outside any web root, written atomically.

A file is written to a temporary name, fsynced, renamed into place and the directory fsynced: a
reader or a crash never sees half a file. Names are 32 hex characters chosen here; nothing the user
sent (name, extension) reaches the file system.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from pathlib import Path
from typing import BinaryIO

_STORAGE_NAME_RE = re.compile(r"^[0-9a-f]{32}$")
_TEMP_PREFIX = ".tmp-"


class InvalidStorageName(ValueError):
    """Not a name this store hands out (and so never a path to follow)."""


def new_storage_name() -> str:
    return secrets.token_hex(16)


class FileStore:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path_for(self, storage_name: str) -> Path:
        if not _STORAGE_NAME_RE.match(storage_name or ""):
            raise InvalidStorageName("invalid storage name")
        return self.directory / storage_name

    def write(self, storage_name: str, data: bytes) -> Path:
        """Write `data` under `storage_name`; on any failure nothing is left behind."""
        final_path = self.path_for(storage_name)
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        temp_path = self.directory / f"{_TEMP_PREFIX}{secrets.token_hex(8)}"
        try:
            descriptor = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if final_path.exists():
                raise FileExistsError("storage name already used")
            os.replace(temp_path, final_path)
            self._fsync_directory()
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                temp_path.unlink()
            raise
        return final_path

    def open(self, storage_name: str) -> BinaryIO:
        return self.path_for(storage_name).open("rb")

    def delete(self, storage_name: str) -> bool:
        """Remove the file; False if it was already gone."""
        try:
            self.path_for(storage_name).unlink()
        except FileNotFoundError:
            return False
        self._fsync_directory()
        return True

    def exists(self, storage_name: str) -> bool:
        return self.path_for(storage_name).is_file()

    def _fsync_directory(self) -> None:
        descriptor = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
