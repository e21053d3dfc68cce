"""The EPUB output (registered in ``edition/outputs.py``): the book, with the print
edition's page list when the PDF's page map is current."""

from __future__ import annotations

from ..diagnostics import BookError, Diagnostic, Severity
from ..outputs import Job
from ..style import read_style
from . import pagemap
from .epub import LinkError, build_epub


def build(job: Job) -> bytes:
    job.progress("writing EPUB")
    page_map = job.provided.get("page_map") or pagemap.cached(  # the page list, if the PDF is current
        job.out_dir, job.once("map_key", lambda: pagemap.inputs_key(job.root)))
    try:
        return build_epub(job.book, read_style(job.root, "epub.css")[0], page_map=page_map)
    except LinkError as exc:  # at the chapter the generated file was made from (#27)
        at = next((ch.location.file for ch in job.book.chapters if f"EPUB/{ch.slug}.xhtml " in str(exc)),
                  "book.yaml")
        raise BookError(Diagnostic(at, None, Severity.ERROR, f"EPUB: {exc}", "build.epub")) from None
