"""``make bench``: the booklet's and the cover's time beside the PDF's.

Both are made from a PDF already built (``edition build booklet`` / ``cover`` bring the
PDF up to date first, then only read it): what they add to a PDF build is this time.
Timed in the bench's own process, median of ``runs``; the goal for the booklet is less
than a tenth of the PDF build.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path


def _median_time(job, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def print_output_rows(pdf: Path, project: Path, pdf_wall: float, runs: int = 3) -> list[str]:
    """Report rows (the bench's table) for the booklet and the cover of ``pdf``."""
    from edition.diagnostics import Reporter
    from edition.pipeline import load_book
    from edition.render.booklet import build_booklet
    from edition.render.print_cover import build_cover

    data = pdf.read_bytes()
    booklet = _median_time(lambda: build_booklet(data), runs)
    cover = _median_time(lambda: build_cover(load_book(project, Reporter()), data), runs)
    rows = []
    for label, t, goal in (("booklet (imposing the built PDF)", booklet, "< 0.10×"),
                           ("cover (the book read, the cover laid out)", cover, "report")):
        ratio = t / pdf_wall if pdf_wall > 0 else float("nan")
        rows.append(f"| {label}, in-process (wall) | {t:.2f} s | PDF build {pdf_wall:.1f} s "
                    f"| **{ratio:.3f}×** | {goal} | {runs} |")
    return rows
