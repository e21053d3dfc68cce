"""The editor's cover and choice of back matter, checked when the book is read, so that
``edition check`` says what a build would stop on (issue #29).

* ``cover:`` must name a PNG, JPEG or SVG in the project (``cover_file.editor_cover``).
* ``back_matter:`` lists what the book prints at its end, in order; a part listed twice is
  an error.  A glossary or a register of persons left out is not linked from the text
  either (its entries are dropped here, before the linkers run); the index of names needs
  the register (it files the register's names) and is refused without it.
"""

from __future__ import annotations

from ..diagnostics import BookError, Reporter
from ..model import Book


def check_credits(book: Book, reporter: Reporter) -> Book:
    from ..cover_file import editor_cover

    try:
        editor_cover(book)
    except BookError as exc:
        reporter.extend(exc.diagnostics)
    chosen = book.meta.back_matter
    if chosen is None:
        return book
    line = book.meta.key_lines.get("back_matter")
    seen: set[str] = set()
    for part in chosen:
        if part in seen:
            reporter.error("book.yaml", line, f"back_matter: '{part}' is listed twice", "book.back-matter")
        seen.add(part)
    if "index" in seen and "register" not in seen and book.persons:
        reporter.error("book.yaml", line, "back_matter: the index of names files the register's "
                       "persons: list 'register' too, or leave the index out", "book.back-matter")
    if "glossary" not in seen:
        book.glossary = []  # not printed: not linked from the text
    if "register" not in seen and "index" not in seen:
        book.persons = []
    return book
