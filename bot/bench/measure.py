"""What the benchmarks measure with: percentiles, and the CPU time and memory of a process tree.

The process figures come from `/proc` (Linux): a setup's root process and every descendant,
read at the start and the end of a measured interval.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass(frozen=True)
class ProcessSample:
    pid: int
    parent: int
    cpu_s: float  # user + system, its own and that of its children already reaped
    rss_bytes: int


def _sample(pid: int) -> ProcessSample | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None  # gone meanwhile
    # The command name (2nd field) may hold spaces and parentheses: split after the last ')'.
    fields = stat[stat.rindex(")") + 2 :].split()
    parent = int(fields[1])
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    rss_pages = int(fields[21])
    return ProcessSample(
        pid, parent, (utime + stime + cutime + cstime) / CLOCK_TICKS, rss_pages * PAGE_BYTES
    )


@dataclass(frozen=True)
class MachineCpu:
    """The whole machine's CPU time so far (all cores, in clock ticks), from `/proc/stat`."""

    busy: int  # user, nice, system, irq, softirq
    stolen: int  # wanted by this virtual machine but given by the host to another
    total: int

    def since(self, before: MachineCpu) -> tuple[float, float]:
        """Shares of the interval's CPU time: (busy, stolen)."""
        total = self.total - before.total
        if total <= 0:
            return 0.0, 0.0
        return (self.busy - before.busy) / total, (self.stolen - before.stolen) / total


def machine_cpu() -> MachineCpu:
    fields = [int(v) for v in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq = fields[:7]
    steal = fields[7] if len(fields) > 7 else 0
    busy = user + nice + system + irq + softirq
    return MachineCpu(busy, steal, busy + idle + iowait + steal)


def process_tree(root: int) -> list[ProcessSample]:
    """`root` and all its descendants alive now (new sessions and process groups included)."""
    samples = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            sample = _sample(int(entry.name))
            if sample is not None:
                samples[sample.pid] = sample
    children: dict[int, list[int]] = {}
    for sample in samples.values():
        children.setdefault(sample.parent, []).append(sample.pid)
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        if pid in samples:
            tree.append(samples[pid])
            pending.extend(children.get(pid, []))
    return tree


def label(pid: int) -> str:
    """A short name for a process: the module of `python -m <module>`, else the program."""
    try:
        argv = (PROC / str(pid) / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    words = [a.decode(errors="replace") for a in argv if a]
    if "-m" in words[:-1]:
        return words[words.index("-m") + 1].removeprefix("bot.")
    if any("multiprocessing" in w for w in words):
        return "worker"
    for word in words[1:3]:
        if word.endswith("/rasa"):
            return "rasa " + " ".join(words[words.index(word) + 1 : words.index(word) + 2])
    return Path(words[0]).name[:24] if words else "?"


def cpu_by_label(roots: list[int]) -> dict[str, float]:
    """CPU seconds so far of the trees' processes, summed per `label` (workers apart)."""
    totals: dict[str, float] = {}
    for root in roots:
        for sample in process_tree(root):
            name = label(sample.pid)
            totals[name] = totals.get(name, 0.0) + sample.cpu_s
    return totals


def tree_rss_bytes(roots: list[int]) -> int:
    """Resident memory of every process of the trees, summed (pages shared after a fork count
    once per process, as `ps` shows them)."""
    return sum(s.rss_bytes for root in roots for s in process_tree(root))
