"""The worker pool: checks run in other processes, are killed past their limit, memory capped."""

from __future__ import annotations

import os
import time

import pytest

from bot.intake import check_upload
from bot.intake.samples import forms
from bot.intake.worker import Overrun, WorkerLimits, WorkerPool


def _sleep(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def _fail() -> None:
    raise ValueError("bad input")


@pytest.fixture()
def workers():
    pool = WorkerPool(WorkerLimits(seconds=5, memory_bytes=700 * 1024 * 1024, processes=1))
    yield pool
    pool.close()


def test_a_check_runs_in_another_process(workers):
    assert workers.call(_sleep, 0) != os.getpid()
    result = workers.call(check_upload, forms.filled_form_pdf(), "modulo")
    assert result.problem_codes == ["modulo_non_firmato"]


def test_a_call_past_its_limit_is_killed_and_the_next_one_works(workers):
    first = workers.call(_sleep, 0)
    started = time.monotonic()
    with pytest.raises(Overrun):
        workers.call(_sleep, 30, seconds=0.5)
    assert time.monotonic() - started < 3
    assert workers.killed == 1
    assert workers.call(_sleep, 0) != first  # a fresh worker replaced the killed one


def test_memory_is_capped_per_worker(workers):
    with pytest.raises(MemoryError):
        workers.call(_allocate, 2000)
    assert workers.call(_allocate, 10) == 10 * 1024 * 1024


def test_errors_come_back_to_the_caller(workers):
    with pytest.raises(ValueError, match="bad input"):
        workers.call(_fail)


def test_files_queued_for_a_worker_leave_the_default_threads_free(workers):
    """Twelve uploads waiting for the one worker must not hold the threads that every other
    request's database calls run on (asyncio.to_thread)."""
    import asyncio

    async def scenario() -> tuple[float, list[int]]:
        workers.call(_sleep, 0)  # started
        queued = [asyncio.create_task(workers.run(_sleep, 0.25)) for _ in range(12)]
        await asyncio.sleep(0.1)
        started = time.perf_counter()
        await asyncio.to_thread(lambda: None)  # what a turn's database read does
        waited = time.perf_counter() - started
        return waited, await asyncio.gather(*queued)

    waited, pids = asyncio.run(scenario())
    assert len(pids) == 12 and len(set(pids)) == 1  # all ran, in the one worker, in turn
    assert waited < 1.0  # not behind the 3 s of queued files
