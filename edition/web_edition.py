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


def build(root: Path, reporter: Reporter, out_dir: Path | None = None, page_size: str | None = None,
          progress: Callable[[str], None] | None = None, stale_pages: bool = False,
          search: bool = True) -> Path:
    """Build ``<out_dir>/web`` (default ``build/web``); its path.  BookError on a problem."""
    from .pipeline import load_book, read_style
    from .render.web import WebError, build_web

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
