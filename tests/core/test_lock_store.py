"""The lock store follows REDIS_URL: a real Redis server shares locks between instances."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from rasa.core.lock_store import InMemoryLockStore, RedisLockStore

from bot.config import get_settings
from bot.rasa_ext.lock_store import EnvLockStore


@pytest.fixture
def redis_url(tmp_path) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (make test installs it)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/1"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_without_redis_url_locks_are_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    get_settings.cache_clear()
    assert isinstance(EnvLockStore(), InMemoryLockStore)
    get_settings.cache_clear()


async def test_two_instances_share_conversation_locks(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    get_settings.cache_clear()
    first, second = EnvLockStore(), EnvLockStore()
    get_settings.cache_clear()
    assert isinstance(first, RedisLockStore)
    lock = first.issue_ticket("doctor-1")
    ticket = second.issue_ticket("doctor-1")
    # The second instance sees the first one's ticket in the shared lock.
    assert second.get_lock("doctor-1").last_issued == ticket
    assert ticket == lock + 1
