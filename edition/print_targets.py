"""``edition build booklet`` and ``edition build cover``: outputs made from the print PDF.

Both are registered in ``edition/outputs.py`` with ``needs=("output:pdf")`` and
``writes_needs``: the print PDF is a target of the same build (the same page size,
print-shop and profile options; skipped, and read back from its file, when it is up to
date), and these builders are handed its bytes: the booklet is its pages imposed
(render/booklet.py), the cover's spine is as thick as its page count
(render/print_cover.py).  Everything is written together or not at all (pipeline.build).
"""

from __future__ import annotations

from .diagnostics import BookError, Diagnostic, Severity
from .outputs import Job, by_name

PROFILES = ("large-print",)


def pdf_name(slug: str, print_shop: bool = False, profile: str | None = None) -> str:
    """The print PDF's file name for these options (the registry's ``pdf`` output)."""
    return by_name()["pdf"].file(slug, print_shop, profile)


def output_name(slug: str, what: str, profile: str | None = None) -> str:
    return by_name()[what].file(slug, False, profile)


def check_booklet_options(signature: int, creep: float) -> None:
    """Before anything is built: a bad option costs nothing."""
    from .render.booklet import BookletError, check_options

    try:
        check_options(signature, creep)
    except BookletError as exc:
        raise BookError(Diagnostic("book.yaml", None, Severity.ERROR, f"booklet: {exc}",
                                   "build.booklet")) from None


def booklet(job: Job) -> bytes:
    from .render.booklet import BookletError, build_booklet, describe

    signature, creep = job.options.get("signature", 10), job.options.get("creep", 0.0)
    check_booklet_options(signature, creep)
    job.progress("imposing the booklet")
    try:
        data, imp = build_booklet(job.made["pdf"], signature, creep)
    except BookletError as exc:
        raise BookError(Diagnostic(pdf_name(job.book.meta.slug, job.print_shop, job.profile), None,
                                   Severity.ERROR, f"booklet: {exc}", "build.booklet")) from None
    job.note = describe(imp)
    return data


def cover(job: Job) -> bytes:
    from .render.print_cover import build_cover

    def warn(file: str, message: str) -> None:
        job.reporter.warning("book.yaml", None, message, "cover.resolution")

    job.progress("drawing the cover")
    data, g = build_cover(job.book, job.made["pdf"], warn)
    job.note = (f"{g.pages} pages, spine {g.spine:.1f} mm at {g.caliper:.3f} mm a leaf, "
                f"{g.media[0]:.1f} × {g.media[1]:.1f} mm with bleed")
    return data
