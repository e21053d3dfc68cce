"""Every link lands: a link to an anchor that nothing in the book defines is an error at the
file and line of the link (``edition check`` and ``edition build`` alike), not a refusal of
the whole EPUB at ``book.yaml``.

The anchors a book defines are the ids of the documents the shared writer makes (headings,
notes, glossary and register entries, quoted cross-references, ``{#id}`` attributes); the
links are the ``#anchor`` links of the book's texts, each with its file and line
(``transforms/xref.link_sites``).  The e-book's documents are rendered once for this (about
a quarter of a second for the reader); rendering never changes the Book
(tests/test_pure_render.py).
"""

from __future__ import annotations

from .diagnostics import Reporter
from .model import Book
from .render.cover import cover_doc
from .render.html import Writer
from .render.xhtml import Doc
from .transforms.xref import link_sites


def undefined_anchors(book: Book) -> set[str]:
    """The anchors the book's texts link to and no document defines."""
    wanted: set[str] = set()

    def href(anchor: str) -> str:
        wanted.add(anchor)
        return f"#{anchor}"

    docs: list[Doc] = [cover_doc(book), *Writer(book, notes="end", href=href).documents()]
    defined = set().union(*(d.ids() for d in docs))
    return wanted - defined


def check_anchors(book: Book, reporter: Reporter) -> Book:
    """An error at each link to an anchor nothing defines (at every place it is linked; a
    place where a cross-reference was already refused is not reported twice)."""
    missing = undefined_anchors(book)
    if not missing:
        return book
    sites = link_sites(book)
    refused = {(d.file, d.line) for d in reporter.errors if d.code.startswith("xref.")}
    for anchor in sorted(missing):
        places = sites.get(anchor) or [("book.yaml", None)]  # not in the texts: the tool's own link
        for file, line in places:
            if (file, line) in refused:
                continue
            reporter.error(file, line, f"link to '#{anchor}': nothing in the book has that anchor "
                           "(a heading, note, entry or {#id} of that name)", "link.unknown-anchor")
    return book
