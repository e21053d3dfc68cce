"""The model is read-only to renderers: rendering one output never changes what another gets.

One ``Book`` is rendered for the EPUB and for print in every order; each output's bytes are
compared with the same output rendered first from a freshly loaded ``Book``, and the tokens
of the Book are compared before and after.  (Before the renderers kept their state in
``env``, the EPUB's extract captions were written into the tokens and print HTML rendered
after the EPUB had ``<h2>…</figcaption>``.)
"""

from __future__ import annotations

from itertools import permutations

import pytest
from conftest import ROOT

from edition.diagnostics import Reporter
from edition.model import Book
from edition.pipeline import load_book, read_style
from edition.render.epub import build_epub
from edition.render.html import Writer
from edition.render.pdf import html_document, mark_calls

BOOKS = {"reader": ROOT, "small-reader": ROOT / "examples" / "small-reader"}


def _epub(book: Book) -> bytes:
    return build_epub(book, read_style(book.root, "epub.css")[0])


def _print(book: Book) -> bytes:
    docs = Writer(book, notes="inline", href=lambda a: f"#{a}", print_edition=True).documents()
    return mark_calls(html_document(book, docs), set()).encode("utf-8")


def _ebook_html(book: Book) -> bytes:
    docs = Writer(book, notes="end", href=lambda a: f"#{a}").documents()
    return "\n".join(d.body for d in docs).encode("utf-8")


RENDERERS = {"epub": _epub, "print": _print, "ebook-html": _ebook_html}


def _tokens(book: Book) -> str:
    """Every token of the Book, its children and meta, as text."""

    def one(t) -> str:
        kids = "".join(one(c) for c in (t.children or []))
        meta = sorted((k, repr(v)[:200]) for k, v in (t.meta or {}).items())
        return f"{t.type}|{t.tag}|{t.attrs}|{t.content}|{meta}|{t.hidden}[{kids}]\n"

    lists = [ch.tokens for ch in book.chapters] + [n.tokens for ch in book.chapters for n in ch.notes]
    lists += [f.tokens for f in book.fragments()]
    return "".join(one(t) for ts in lists for t in ts)


@pytest.fixture(scope="module", params=[pytest.param("reader", marks=pytest.mark.reader),
                                        "small-reader"])
def first(request) -> tuple[str, dict[str, bytes]]:
    """Each output rendered first, from a Book of its own."""
    root = BOOKS[request.param]
    return request.param, {name: r(load_book(root, Reporter())) for name, r in RENDERERS.items()}


def test_rendering_in_every_order_gives_the_same_bytes(first):
    name, alone = first
    assert b"<figcaption" in alone["ebook-html"] or name != "reader"  # the reader has captioned extracts
    for order in permutations(RENDERERS):
        book = load_book(BOOKS[name], Reporter())
        before = _tokens(book)
        for output in order:
            assert RENDERERS[output](book) == alone[output], f"{output} after {order[:order.index(output)]}"
        assert _tokens(book) == before, f"rendering {order} changed the Book's tokens"


def test_print_html_after_the_epub_is_well_formed():
    """The case the review found: the reader's print HTML after its EPUB (``<h2>`` opened,
    ``</figcaption>`` closing it)."""
    book = load_book(ROOT, Reporter())
    _epub(book)
    source = _print(book).decode("utf-8")
    for tag in ("figcaption", "figure", "h2", "h3", "blockquote"):
        assert source.count(f"<{tag}>") + source.count(f"<{tag} ") == source.count(f"</{tag}>"), tag
