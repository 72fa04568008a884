"""The benchmarks' process figures, read from /proc for a real process tree."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bot.bench.measure import (
    MachineCpu,
    cpu_by_label,
    label,
    machine_cpu,
    percentile,
    process_tree,
    tree_rss_bytes,
)


def test_a_process_tree_holds_the_children_and_names_them() -> None:
    # A child in a session of its own (as the launcher starts its services) is still found.
    child = subprocess.Popen(
        [sys.executable, "-m", "json.tool"], stdin=subprocess.PIPE, start_new_session=True
    )
    try:
        pids = {s.pid for s in process_tree(os.getpid())}
        assert {os.getpid(), child.pid} <= pids
        assert label(child.pid) == "json.tool"
        assert "json.tool" in cpu_by_label([os.getpid()])
        assert tree_rss_bytes([os.getpid()]) > tree_rss_bytes([child.pid]) > 0
        assert child.pid not in {s.pid for s in process_tree(child.pid + 10**7)}
    finally:
        child.kill()
        child.wait()


def test_percentiles_by_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 51 and percentile(values, 0.99) == 99
    assert percentile([], 0.95) == 0.0


def test_the_machines_busy_and_stolen_shares_over_an_interval() -> None:
    before = machine_cpu()
    deadline = time.process_time() + 0.2
    while time.process_time() < deadline:  # some CPU time of our own, bounded
        pass
    busy, stolen = machine_cpu().since(before)
    assert 0 < busy <= 1 and 0 <= stolen <= 1
    assert MachineCpu(30, 10, 100).since(MachineCpu(10, 0, 50)) == (0.4, 0.2)
    assert MachineCpu(1, 0, 5).since(MachineCpu(1, 0, 5)) == (0.0, 0.0)
