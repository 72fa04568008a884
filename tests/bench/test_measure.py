"""The benchmarks' process figures, read from /proc for a real process tree."""

from __future__ import annotations

import os
import subprocess
import sys

from bot.bench.measure import cpu_by_label, label, percentile, process_tree, tree_rss_bytes


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
