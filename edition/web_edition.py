"""``edition build web``: the stages of the web edition, in one place.

read -> parse -> transforms (pipeline.load_book, as for every edition) -> the PDF's page
map (render/pagemap.py: the printed pages) -> render/web.py's ``build_web``.

The printed pages come from the print edition: when the page map beside the PDF was
not made from the current inputs, the PDF is built first (as ``edition build epub``
does for the EPUB's page list).  The live preview (``edition serve``) does not wait for
a PDF on every save: it takes the last page map there is, current or not
(``stale_pages=True``), and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .diagnostics import BookError, Diagnostic, Reporter, Severity
from .outputs import Job


def page_map_for(root: Path, out_dir: Path, reporter: Reporter, page_size: str | None,
                 stale_pages: bool, say: Callable[[str], None]) -> dict | None:
    from .render import pagemap

    current = pagemap.cached(out_dir, pagemap.inputs_key(root))
    if current is not None:
        return current
    if stale_pages:
        return pagemap.read(out_dir / pagemap.FILENAME)
    from .pipeline import build

    say("laying out the PDF for the printed pages")
    build(root, ["pdf"], reporter, out_dir=out_dir, page_size=page_size, progress=say)
    current = pagemap.cached(out_dir, pagemap.inputs_key(root))
    if current is None:  # the PDF was up to date but its page map is gone: lay it out again
        build(root, ["pdf"], reporter, out_dir=out_dir, page_size=page_size, progress=say, force=True)
        current = pagemap.cached(out_dir, pagemap.inputs_key(root))
    return current


def build_output(job: Job) -> bytes:
    """The registry's ``web`` output (``edition build web``): the site is made in a folder
    beside ``build/web/`` while the other outputs render, and swapped in after they are
    written (``job.after``).  The pipeline has brought the PDF's page map up to date first
    (``writes_needs``)."""
    from .render import pagemap
    from .render.web import WEB_DIR, WebError, publish, stage_web
    from .style import read_style

    page_map = job.provided.get("page_map") or pagemap.cached(
        job.out_dir, job.once("map_key", lambda: pagemap.inputs_key(job.root)))
    if page_map is None:
        job.reporter.warning("book.yaml", None, "the web edition has no printed pages: the print "
                             "edition's page map (build/.pagemap.json) is missing; `edition build pdf` "
                             "makes it", "web.no-pages")
    job.progress("writing the web edition")
    try:
        staging = stage_web(job.book, job.out_dir, page_map, read_style(job.root, "epub.css")[0])
    except WebError as exc:
        raise BookError(Diagnostic("book.yaml", None, Severity.ERROR, f"web: {exc}", "build.web")) from None
    except OSError as exc:
        raise BookError(Diagnostic(str(job.out_dir), None, Severity.ERROR, f"cannot write: {exc.strerror}",
                                   "build.write")) from None
    job.after.append(lambda: publish(staging, job.out_dir / WEB_DIR))
    return b""


def build(root: Path, reporter: Reporter, out_dir: Path | None = None, page_size: str | None = None,
          progress: Callable[[str], None] | None = None, stale_pages: bool = False,
          search: bool = True) -> Path:
    """Build ``<out_dir>/web`` (default ``build/web``); its path.  BookError on a problem."""
    from .pipeline import load_book
    from .render.web import WebError, build_web
    from .style import read_style

    say = progress or (lambda s: None)
    out = out_dir or root / "build"
    page_map = page_map_for(root, out, reporter, page_size, stale_pages, say)
    book = load_book(root, reporter)
    if reporter.failed():
        raise BookError(reporter.errors or reporter.warnings)
    if page_map is None:
        reporter.warning("book.yaml", None, "the web edition has no printed pages: the print "
                         "edition's page map (build/.pagemap.json) is missing; `edition build pdf` "
                         "makes it", "web.no-pages")
    say("writing the web edition")
    try:
        return build_web(book, out, page_map, read_style(root, "epub.css")[0], search=search)
    except WebError as exc:
        raise BookError(Diagnostic("book.yaml", None, Severity.ERROR, f"web: {exc}", "build.web")) from None
    except OSError as exc:
        raise BookError(Diagnostic(str(out), None, Severity.ERROR, f"cannot write: {exc.strerror}",
                                   "build.write")) from None
