"""Print renderer: the shared XHTML writer, laid out by WeasyPrint in two passes.

Pass 1 lays the book out with placeholder page numbers and reads the page of
every anchor from ``document.pages[i].anchors``.  Pass 2 lays it out again with
those numbers written as plain text (contents, page references).  We never
use ``target-counter()``: WeasyPrint can silently drop footnotes when a layout
resolves it.  If pass 2 moves an anchor to another page (a number changed the
line breaks), a third pass is made; the build fails loudly rather than print a
wrong number.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from ..model import Book
from .html import Doc, Writer, esc

ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
         (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


class PdfError(Exception):
    pass


def html_document(book: Book, docs: list[Doc]) -> str:
    lang = book.meta.language
    parts = []
    for d in docs:
        parts.append(f'<div class="doc doc-{d.role}" data-doc="{d.id}">{d.body}</div>')
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" xmlns:epub="http://www.idpf.org/2007/ops">\n<head>\n'
        f'<meta charset="utf-8"/>\n<title>{esc(book.meta.title)}</title>\n'
        f'<meta name="author" content="{esc(book.meta.editor or "")}"/>\n'
        f'<meta name="description" content="{esc(book.meta.description or book.meta.subtitle or "")}"/>\n'
        f'<meta name="keywords" content="{esc(", ".join(book.meta.subjects))}"/>\n'
        f'<meta name="generator" content="edition"/>\n'
        f'<link rel="stylesheet" href="print.css"/>\n'
        f'</head>\n<body data-booktitle="{esc(book.meta.short_title or book.meta.title)}">\n'
        + "\n".join(parts) + "\n</body>\n</html>\n"
    )


def folio_labels(pages: list, front_count: int) -> list[str]:
    """The printed folio of each page: roman in the front matter, then arabic from 1."""
    labels = []
    for i in range(len(pages)):
        labels.append(roman(i + 1) if i < front_count else str(i - front_count + 1))
    return labels


def anchor_pages(document) -> dict[str, int]:
    where: dict[str, int] = {}
    for i, page in enumerate(document.pages):
        for anchor in page.anchors:
            where.setdefault(anchor, i)
    return where


def first_body_anchor(docs: list[Doc]) -> str | None:
    for d in docs:
        if d.role == "body":
            return d.id
    return None


def render_pdf(book: Book, styles_dir: Path, css_text: str,
               progress: Callable[[str], None] | None = None) -> bytes:
    from weasyprint import CSS, HTML  # imported here: `edition check` must not pay for it

    from .fetch import ProjectFetcher

    fetcher = ProjectFetcher(book.root)
    base = styles_dir.as_uri() + "/"
    css = CSS(string=css_text, base_url=base, url_fetcher=fetcher)
    say = progress or (lambda s: None)

    def layout(page_of: dict[str, str] | None):
        writer = Writer(book, notes="inline", href=lambda a: f"#{a}", page_of=page_of,
                        print_edition=True)
        docs = writer.documents()
        source = html_document(book, docs)
        doc = HTML(string=source, base_url=base, url_fetcher=fetcher).render(
            stylesheets=[css], pdf_variant=None)
        return docs, doc

    say("laying out (pass 1)")
    docs, document = layout(None)
    page_of: dict[str, str] | None = None
    for attempt in range(3):
        where = anchor_pages(document)
        body = first_body_anchor(docs)
        front = where.get(body, 0) if body else 0
        labels = folio_labels(document.pages, front)
        new = {a: labels[i] for a, i in where.items()}
        if page_of is not None and all(new.get(k) == v for k, v in page_of.items()):
            break
        page_of = new
        say(f"laying out (pass {attempt + 2})")
        docs, document = layout(page_of)
    else:
        raise PdfError("page numbers did not settle after three layouts")
    book.meta.__dict__["_page_of"] = page_of
    book.meta.__dict__["_page_count"] = len(document.pages)
    out = io.BytesIO()
    meta = document.metadata
    meta.title = book.meta.title
    meta.authors = [book.meta.editor] if book.meta.editor else []
    meta.description = book.meta.description or book.meta.subtitle
    meta.keywords = list(book.meta.subjects)
    meta.lang = book.meta.language
    meta.generator = "edition"
    say("writing PDF")
    document.write_pdf(out, pdf_variant="pdf/ua-1", uncompressed_pdf=False)
    return out.getvalue()
