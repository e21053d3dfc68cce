"""The print PDF (registered in ``edition/outputs.py``): laid out by ``render/pdf.py``; it
provides its page map to the outputs that need it (the EPUB's page list), written beside it
(``render/pagemap.py``), and keeps its page numbers for the next build (``layout_seed.py``)."""

from __future__ import annotations

from pathlib import Path

from .. import build_manifest, layout_seed
from ..diagnostics import BookError, Diagnostic, Severity
from ..model import Location
from ..outputs import Job
from ..style import layered_style
from . import pagemap
from .pdf import PdfError, geometry_css, render_pdf, stylesheet_location


def page_map_kept(root: Path, out_dir: Path) -> bool:
    """Is the page map of a current PDF beside it (else the PDF is laid out again for it)?"""
    return pagemap.cached(out_dir, pagemap.inputs_key(root)) is not None


def build(job: Job) -> bytes:
    book, root, reporter = job.book, job.root, job.reporter
    map_key = job.once("map_key", lambda: pagemap.inputs_key(root))  # the inputs, before the layout
    from .profiles import profile_css  # --profile large-print: a layer after the rest

    sheet = layered_style(root, "print.css", geometry_css(book.meta.page_size, job.print_shop)
                          + profile_css(root, job.profile, book.meta.page_size))
    css, css_dir = sheet.text, sheet.base

    def pdf_warning(message: str, where: Location | None, code: str) -> None:
        # a layout warning at the text that caused it; WeasyPrint's own (bad CSS, a
        # file it could not load) at the style sheet's line, or the sheet itself
        if where is None and (where := stylesheet_location(message, sheet)):
            code = "pdf.css"
        for prefix in (root.resolve().as_uri() + "/", str(root.resolve()) + "/"):
            message = message.replace(prefix, "")  # project paths as the editor writes them
        reporter.warning(where.file if where else "styles/print.css",
                         where.line if where else None, message, code)

    seed_variant = build_manifest.variant("pdf", book.meta.page_size, job.print_shop, job.profile)
    try:
        laid = render_pdf(book, css_dir, css, progress=job.progress, warn=pdf_warning,
                          seed=layout_seed.load(root, seed_variant),
                          pdf_variant="pdf/x-4" if job.print_shop else None)
    except PdfError as exc:
        raise BookError(Diagnostic("book.yaml", None, Severity.ERROR, f"PDF: {exc}", "build.pdf")) from None
    for line, note in laid.notes:  # why the unit layout was not used (render/units.py)
        reporter.add(Diagnostic("styles/print.css", line, Severity.INFO, note, "pdf.whole-book"))
    if job.print_shop:  # what a printer checks: fonts embedded, images at 300 dpi
        from .print_ready import check as print_check

        for code, message in print_check(laid.data, root):
            reporter.warning("book.yaml", None, message, code)
    if not job.profile:  # a profile's pages are not the e-books' page list
        page_map = pagemap.make(book, job.path.name, laid.data, laid.page_map, map_key, job.print_shop)
        job.provided["page_map"] = page_map
        # beside the PDF: `edition build epub` reuses it while current
        job.extra.append((job.out_dir / pagemap.FILENAME, pagemap.to_bytes(page_map)))
    job.after.append(lambda: layout_seed.save(root, seed_variant, laid.seed))
    return laid.data
