"""Run one command in a fresh process and read what it cost from the kernel.

Wall time is the parent's ``perf_counter``; CPU time (user + system) and peak
resident memory come from ``os.wait4``'s ``rusage`` of the child.  On a shared
machine CPU time is the steadier figure (it does not count the time spent
waiting for a core), so the report gives both.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    out: dict = field(default_factory=dict)  # the child's JSON line, if it printed one
    stdout: str = ""


class BenchError(Exception):
    pass


def run(cmd: Sequence[str], cwd: Path | None = None, env: dict | None = None) -> Sample:
    t0 = time.perf_counter()
    proc = subprocess.Popen(list(cmd), cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out, err = _drain(proc)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise BenchError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{err[-3000:]}")
    parsed: dict = {}
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            try:
                parsed = json.loads(line)
            except ValueError:
                pass
            break
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, parsed, out)


def _drain(proc: subprocess.Popen) -> tuple[str, str]:
    """Read both pipes to the end without reaping the child (wait4 does that)."""
    import threading

    chunks: dict[str, str] = {}

    def read(name: str, stream) -> None:
        chunks[name] = stream.read()

    threads = [threading.Thread(target=read, args=(n, s)) for n, s in (("out", proc.stdout),
                                                                        ("err", proc.stderr))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return chunks.get("out", ""), chunks.get("err", "")


def interleave(a: Callable[[], Sample], b: Callable[[], Sample], pairs: int,
               log: Callable[[str], None]) -> tuple[list[Sample], list[Sample]]:
    """A B A B …: both sides see the same moments of a noisy machine."""
    xs, ys = [], []
    for i in range(pairs):
        xs.append(a())
        ys.append(b())
        log(f"  pair {i + 1}/{pairs}: {xs[-1].cpu:.2f} s vs {ys[-1].cpu:.2f} s CPU")
    return xs, ys


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def pair_ratio(xs: Sequence[Sample], ys: Sequence[Sample], attr: str) -> float:
    """The median of the per-pair ratios x/y."""
    return median([getattr(x, attr) / getattr(y, attr) for x, y in zip(xs, ys, strict=True)
                   if getattr(y, attr) > 0])
