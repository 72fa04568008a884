"""Benchmark of `bot.intake.check_upload` on valid and hostile files.

    python -m bot.bench.intake [--runs 10] [--no-rss] [--no-reader] [--people 3]

For each sample (bot/intake/samples) it prints the check time p50/p95 over --runs runs, the
Python allocation peak of one check (tracemalloc: misses Pillow's and zlib's C buffers) and the
growth of the peak RSS during one check, in a fresh subprocess (Linux: VmHWM after resetting it
through /proc/self/clear_refs; elsewhere ru_maxrss, which is coarser).
Then the document reader (bot/bench/reading.py): per phone-photo variant, read rate, time
p50/p95 and peak memory. Nothing about the files' content is printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bot.bench.measure import percentile
from bot.intake import check_upload
from bot.intake.model import Limits
from bot.intake.samples import SAMPLES

LIMITS = Limits()  # fixed limits: the figures must not depend on MAX_UPLOAD_BYTES


def _tracemalloc_peak(data: bytes, purpose: str) -> int:
    tracemalloc.start()
    try:
        check_upload(data, purpose, limits=LIMITS)  # type: ignore[arg-type]
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _rss_growth_in_subprocess(data: bytes, purpose: str) -> int:
    """Peak RSS growth (bytes) of one check in a fresh interpreter that has warmed up."""
    with tempfile.NamedTemporaryFile(delete=False) as handle:
        handle.write(data)
        path = handle.name
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "bot.bench.intake", "--rss-child", path, purpose],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return int(completed.stdout.strip().splitlines()[-1])
    finally:
        os.unlink(path)


def _status_kib(field: str) -> int | None:
    """A "VmHWM:"/"VmRSS:" line of /proc/self/status in KiB (Linux), or None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _rss_child(path: str, purpose: str) -> None:
    data = Path(path).read_bytes()
    # Warm up imports and caches on a harmless input, so only the check itself is measured.
    check_upload(b"x", purpose, limits=LIMITS)  # type: ignore[arg-type]
    before = _status_kib("VmRSS:")
    try:
        # Reset the peak-RSS mark; ru_maxrss would also carry the parent's peak across exec.
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        before = None
    if before is None:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        check_upload(data, purpose, limits=LIMITS)  # type: ignore[arg-type]
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    else:
        check_upload(data, purpose, limits=LIMITS)  # type: ignore[arg-type]
        after = _status_kib("VmHWM:") or before
    print(max(0, after - before) * 1024)


def run(runs: int, with_rss: bool) -> None:
    header = (
        f"{'caso':30} {'scopo':17} {'esito':10} {'KB':>7} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'tracemalloc MB':>14} {'ΔRSS MB':>8}"
    )
    print(f"bot.intake benchmark: {runs} runs per case, Python {sys.version.split()[0]}")
    print(header)
    print("-" * len(header))
    for sample in SAMPLES:
        data = sample.make()
        timings: list[float] = []
        result = None
        for _ in range(runs):
            started = time.perf_counter()
            result = check_upload(data, sample.purpose, limits=LIMITS)  # type: ignore[arg-type]
            timings.append((time.perf_counter() - started) * 1000)
        assert result is not None
        verdict = "accettato" if result.accepted else "rifiutato"
        if result.accepted != sample.accepted:
            verdict += "!"  # not what the sample expects: look at the tests
        peak = _tracemalloc_peak(data, sample.purpose) / 1e6
        rss = f"{_rss_growth_in_subprocess(data, sample.purpose) / 1e6:8.1f}" if with_rss else "-"
        print(
            f"{sample.name:30} {sample.purpose:17} {verdict:10} {len(data) / 1024:7.0f}"
            f" {statistics.median(timings):8.1f} {percentile(timings, 0.95):8.1f}"
            f" {peak:14.1f} {rss:>8}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="checks per case (default 10)")
    parser.add_argument("--no-rss", action="store_true", help="skip the subprocess RSS column")
    parser.add_argument("--no-reader", action="store_true", help="skip the document reader")
    parser.add_argument("--people", type=int, default=3, help="persons per reader variant")
    parser.add_argument("--rss-child", nargs=2, metavar=("FILE", "PURPOSE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child:
        _rss_child(*args.rss_child)
        return
    run(max(1, args.runs), with_rss=not args.no_rss)
    if not args.no_reader:
        from bot.bench import reading

        reading.run(args.people)


if __name__ == "__main__":
    main()
