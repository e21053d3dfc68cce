"""``make bench`` (``python -m bench``): build speed, measured against the tools a
user would reach for instead, side by side in one run; writes ``build/bench.md``.

Every measured job runs in a fresh process (``measure.run``), on a copy of the project
in a temporary folder (``books.py``), with ``SOURCE_DATE_EPOCH`` fixed.  Jobs compared
are interleaved (A B A B …) and each ratio is the median of the per-pair ratios.

Environment: ``BENCH_PAIRS`` (EPUB pairs, default 5), ``BENCH_PDF_PAIRS`` (default 2),
``BENCH_NOOP`` (no-op runs, default 5), ``BENCH_SCALE`` (default 10; 0 skips scaling),
``BENCH_SCALE_PDF`` (the PDF's scale, default 10: the PDF of a book ten times the reader,
about 1,500 pages as the back matter is not repeated, takes six to seven minutes of CPU
and 2 GB of memory by itself; 0 skips it),
``BENCH_PDF_WHOLE`` (default 1: also time the PDF laid out whole on every pass, as before
``render/units.py``, to report what reusing units gained),
``BENCH_WATCH`` (default 1: a one-word edit under ``--watch``, against the full build of
the same run; 0 skips it), ``BENCH_NOTES`` (default 10000: the PDF of the reader with that
many footnotes added, in generated chapters: 1,060 pages, about four minutes of CPU and
1.5 GB; 0 skips it), ``BENCH_WEASY`` (default 1: WeasyPrint alone, the yardstick of the PDF build;
0 skips it).

The big books only (the reader's PDF once, for the ratios; about 12 minutes of CPU, 13 of
wall on two loaded cores)::

    BENCH_PAIRS=0 BENCH_PDF_PAIRS=1 BENCH_PDF_WHOLE=0 BENCH_WEASY=0 BENCH_NOOP=0 \
    BENCH_SCALE=0 BENCH_WATCH=0 make bench
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from . import books
from .measure import BenchError, Sample, interleave, median, pair_ratio, run
from .report import Report

ROOT = Path(__file__).resolve().parents[1]


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def pandoc_path() -> str:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        raise BenchError("pandoc not found: pip install -e '.[dev]' (pypandoc-binary)") from exc


def main() -> int:
    start = time.perf_counter()
    project = Path.cwd() if (Path.cwd() / "book.yaml").is_file() else ROOT
    out_md = project / "build" / "bench.md"
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", PYTHONHASHSEED="0")
    py = sys.executable
    cli = Path(py).parent / "edition"
    edition = [str(cli)] if cli.exists() else [py, "-m", "edition.cli"]
    report = Report(pairs=_int("BENCH_PAIRS", 5), pdf_pairs=_int("BENCH_PDF_PAIRS", 2),
                    compare_whole=bool(_int("BENCH_PDF_WHOLE", 1)))
    with tempfile.TemporaryDirectory(prefix="edition-bench-") as tmp:
        t = Path(tmp)
        book = books.copy_project(project, t / "book")
        # One frozen copy of the code for every job: the checkout may change meanwhile (and the
        # code is an input of the build cache, so the no-op runs would see a changed input).
        code = t / "code"
        shutil.copytree(ROOT / "edition", code / "edition", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "bench", code / "bench", ignore=shutil.ignore_patterns("__pycache__"))
        env["PYTHONPATH"] = str(code)
        report.words = books.words(book)
        built = book / "build"  # the last builds land here, for the no-op runs

        def child(job: str, root: Path, out: Path, whole: bool = False, memo: bool = True,
                  seed: bool = True) -> Sample:
            e = dict(env, EDITION_PDF_UNITS="0") if whole else env
            if not memo:
                e = dict(e, EDITION_NO_MEMO="1")
            if not seed:  # lay out from nothing, not from the last build's page numbers
                e = dict(e, EDITION_NO_SEED="1")
            return run([py, "-m", "bench.child", job, str(root), str(out)], cwd=code, env=e)

        log("start-up: edition --help vs python -c pass")
        report.help = interleave(lambda: run([*edition, "--help"], cwd=code, env=env),
                                 lambda: run([py, "-c", "pass"], env=env), 5, log)

        log("EPUB: ours vs pandoc")
        from edition.pipeline import style_file  # the book's styles/, else the package's

        chapters = [str(book / "chapters" / c)
                    for c in books.listed_chapters((book / "book.yaml").read_text(encoding="utf-8"))]
        pandoc = [pandoc_path(), *chapters, "-f", "markdown", "-t", "epub3", "--quiet",
                  "--css", str(style_file(book, "epub.css")[0]),
                  "--epub-embed-font", str(style_file(book, "fonts")[0] / "*.ttf"),
                  "--metadata", "title=Bench", "-o", str(t / "pandoc.epub")]
        # an editor's rebuild: the validated YAML and the cover come from the memo
        # (edition/step_memo.py), filled by the warm-up run; then a first build, the memo off
        child("epub", book, built)
        report.epub = interleave(lambda: child("epub", book, built), lambda: run(pandoc, env=env),
                                 report.pairs, log)
        log("EPUB, first build (no memo): ours vs pandoc")
        report.epub_cold = interleave(lambda: child("epub", book, built, memo=False),
                                      lambda: run(pandoc, env=env), report.pairs, log)

        log("PDF: ours vs WeasyPrint alone (one pass over our final HTML and CSS)")
        html = t / "html"
        ours, first, whole, theirs, theirs_gc = [], [], [], [], []
        weasy = bool(_int("BENCH_WEASY", 1))
        for i in range(max(1, report.pdf_pairs)):
            # a first build (no seed: the measuring pass and the numbered passes), then a
            # build from the numbers it kept (edition/layout_seed.py), the whole book laid
            # out each pass (before render/units.py), and WeasyPrint alone
            first.append(child("capture" if i == 0 else "pdf", book, built if i == 0 else t / "first",
                               seed=False))
            if i == 0:
                (html / "book.html").parent.mkdir(exist_ok=True)
                for name in ("book.html", "book.css", "base.txt"):
                    (html / name).write_bytes((built / name).read_bytes())
                    (built / name).unlink()
            ours.append(child("pdf", book, t / "pdf"))
            if report.compare_whole:
                whole.append(child("pdf", book, t / "whole", whole=True, seed=False))
            if weasy:
                theirs.append(child("weasy", book, html))
                theirs_gc.append(child("weasy-gc", book, html))
            log(f"  run {i + 1}: {ours[-1].cpu:.1f} s (from the last numbers), {first[-1].cpu:.1f} s (first build), "
                f"{whole[-1].cpu if whole else float('nan'):.1f} s (whole book) vs "
                f"{theirs[-1].cpu if theirs else float('nan'):.1f} s CPU")
        report.pdf_first = first
        report.pdf = (ours, theirs)
        from .lines import measure

        pdfs = sorted(built.glob("*.pdf"))
        report.lines = measure(str(pdfs[0])).summary() if pdfs else ""
        if pdfs:  # the anchor is set again every run (Typst, a development dependency)
            from .colour import anchor
            from .colour import measure as colour
            from .colour import report as colour_report

            log("colour: the PDF's body lines, and Typst on the same paragraphs")
            (t / "anchor").mkdir(exist_ok=True)
            report.colour = colour_report(colour(pdfs[0]), anchor(book, t / "anchor"))
        report.pdf_whole = whole
        report.pdf_gc = theirs_gc
        if pdfs:  # the booklet and the cover, beside the PDF (bench/print_outputs.py)
            from .print_outputs import print_output_rows

            report.print_rows = print_output_rows(pdfs[0], book, median([s.wall for s in ours]))

        log("web edition vs EPUB (both with the print edition's page map just made)")
        report.web = interleave(lambda: child("web", book, built), lambda: child("epub", book, built),
                                report.pairs, log)

        log("no-op rebuild: edition build all, nothing changed")
        report.noop = [run([*edition, "-C", str(book), "build", "all"], cwd=code, env=env)
                       for _ in range(_int("BENCH_NOOP", 5))]
        if not all(s.stdout.count("up to date: ") == 2 for s in report.noop):
            raise BenchError("the no-op build rebuilt something:\n" + report.noop[0].stdout)

        scale = _int("BENCH_SCALE", 10)
        if scale > 1:
            big = books.scaled_project(project, t / f"book{scale}", scale)
            report.scale, report.big_words = scale, books.words(big)
            log(f"scaling: a book {scale} times the size ({report.big_words} words): EPUB")
            report.scaled["epub"] = child("epub", big, t / "big", memo=False)
            mid = scale // 2
            if 1 < mid < scale:  # a middle point: is each added reader's worth of text as dear?
                log(f"scaling: EPUB of a book {mid} times the size")
                report.scaled["epub-mid"] = child("epub", books.scaled_project(project, t / f"book{mid}", mid),
                                                  t / "mid", memo=False)
                report.mid_scale = mid
        if _int("BENCH_WATCH", 1):
            log("watch: a one-word edit under edition build pdf --watch, against its full build")
            report.watch = child("watch", books.copy_project(project, t / "watched"), t / "watch")
        n_notes = _int("BENCH_NOTES", 10000)
        if n_notes > 0:
            log(f"PDF of the reader with {n_notes} footnotes added")
            report.notes_book = child("pdf", books.notes_project(project, t / "notes", n_notes), t / "notes-out")
            report.notes = n_notes
        pdf_scale = _int("BENCH_SCALE_PDF", 10)
        if pdf_scale > 1:
            big = books.scaled_project(project, t / f"pdf{pdf_scale}", pdf_scale)
            log(f"scaling: PDF of a book {pdf_scale} times the size")
            report.scaled["pdf"] = child("pdf", big, t / "bigpdf")
            report.pdf_scale = pdf_scale
    report.seconds = time.perf_counter() - start
    out_md.parent.mkdir(parents=True, exist_ok=True)
    out_md.write_text(report.markdown(), encoding="utf-8")
    print(report.markdown())
    log(f"wrote {out_md} in {report.seconds:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        sys.exit(1)

__all__ = ["main", "median", "pair_ratio"]
