"""A database that fails under Rasa fails the turn: never an empty conversation, never a turn kept
in memory only (Rasa's FailSafeTrackerStore does both)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_ext.tracker_store import StrictTrackerStore, install_strict_tracker_store


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """In a thread of its own: the browser tests of this package keep a loop running here."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Unreachable(InMemoryTrackerStore):
    def __init__(self) -> None:
        super().__init__(Domain.empty())

    async def retrieve(self, sender_id: str) -> Any:
        raise ConnectionError("database down")

    async def save(self, tracker: DialogueStateTracker) -> None:
        raise ConnectionError("database down")


def test_rasa_alone_would_start_the_conversation_over_and_keep_it_in_memory() -> None:
    store = FailSafeTrackerStore(Unreachable())
    assert _run(store.retrieve("conv-1")) is None  # "a new conversation"
    _run(store.save(DialogueStateTracker("conv-1", [])))  # "saved": in memory only


def test_the_strict_store_lets_every_error_through() -> None:
    store = StrictTrackerStore(Unreachable())
    with pytest.raises(ConnectionError):
        _run(store.retrieve("conv-1"))
    with pytest.raises(ConnectionError):
        _run(store.save(DialogueStateTracker("conv-1", [])))


def test_our_rasa_entrypoint_installs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa.core.agent

    monkeypatch.setattr(rasa.core.agent, "FailSafeTrackerStore", FailSafeTrackerStore)
    install_strict_tracker_store()
    assert rasa.core.agent.FailSafeTrackerStore is StrictTrackerStore
    wrapped = rasa.core.agent.Agent._create_tracker_store(Unreachable(), Domain.empty())
    assert isinstance(wrapped, StrictTrackerStore)
