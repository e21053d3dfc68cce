"""``edition build booklet`` and ``edition build cover``: outputs made from the print PDF.

Each first brings the print PDF up to date (the ordinary ``build pdf``, with the same
page size, print-shop and profile options, skipped when its inputs are unchanged), then
reads it back: the booklet is its pages imposed (render/booklet.py), the cover's spine is
as thick as its page count (render/print_cover.py).  Each is written whole (a temporary
file renamed into place) or not at all.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .atomic import write_atomic
from .diagnostics import BookError, Diagnostic, Reporter, Severity

PROFILES = ("large-print",)


def pdf_name(slug: str, print_shop: bool = False, profile: str | None = None) -> str:
    """The print PDF's file name for these options (pipeline.build writes it)."""
    return f"{slug}{'-' + profile if profile else ''}{'-print-shop' if print_shop else ''}.pdf"


def output_name(slug: str, what: str, profile: str | None = None) -> str:
    return f"{slug}{'-' + profile if profile else ''}-{what}.pdf"


def _write(path: Path, data: bytes) -> None:
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise BookError(Diagnostic(str(path.parent), None, Severity.ERROR,
                                   f"cannot write: {exc.strerror}", "build.write")) from None


def run(args: argparse.Namespace, root: Path, reporter: Reporter,
        build: Callable[[argparse.Namespace, Path, Reporter], int]) -> int:
    """The print PDF (through ``build``, the command line's own), then the booklet or cover."""
    from .project import read_book_config

    if args.target == "booklet":  # before the PDF is built: a bad option costs nothing
        from .render.booklet import BookletError, check_options

        try:
            check_options(args.signature, args.creep)
        except BookletError as exc:
            raise BookError(Diagnostic("book.yaml", None, Severity.ERROR, f"booklet: {exc}",
                                       "build.booklet")) from None
    pdf_args = copy.copy(args)
    pdf_args.target = "pdf"
    status = build(pdf_args, root, reporter)
    if status:
        return status
    meta = read_book_config(root)
    out_dir = args.output or root / "build"
    profile = getattr(args, "profile", None)
    pdf = out_dir / pdf_name(meta.slug, args.print_shop, profile)
    data = pdf.read_bytes()
    start = time.perf_counter()
    if args.target == "booklet":
        from .render.booklet import BookletError, build_booklet, describe

        try:
            booklet, imp = build_booklet(data, args.signature, args.creep)
        except BookletError as exc:
            raise BookError(Diagnostic(str(pdf.name), None, Severity.ERROR, f"booklet: {exc}",
                                       "build.booklet")) from None
        out = out_dir / output_name(meta.slug, "booklet", profile)
        _write(out, booklet)
        print(f"wrote {out} ({describe(imp)}; {time.perf_counter() - start:.2f} s)", flush=True)
        return 0
    from .pipeline import load_book
    from .render.print_cover import build_cover

    book = load_book(root, Reporter(strict=False))  # its diagnostics were reported by the PDF's build
    warned: list[Diagnostic] = []

    def warn(file: str, message: str) -> None:
        warned.append(Diagnostic("book.yaml", None, Severity.WARNING, message, "cover.resolution"))

    cover, g = build_cover(book, data, warn)
    for d in warned:
        reporter.add(d)
        print(d.format(), file=sys.stderr, flush=True)
    if reporter.failed():
        raise BookError(reporter.errors or reporter.warnings)
    out = out_dir / output_name(meta.slug, "cover", profile)
    _write(out, cover)
    print(f"wrote {out} ({g.pages} pages, spine {g.spine:.1f} mm at {g.caliper:.3f} mm a leaf, "
          f"{g.media[0]:.1f} × {g.media[1]:.1f} mm with bleed; "
          f"{time.perf_counter() - start:.2f} s)", flush=True)
    return 0
