"""The languages of the book checked: every tag BCP 47, every language hyphenated in print.

The book's ``language`` (book.yaml), each chapter's ``language:`` and each passage's
``{lang=xx}`` (``parse.py``) are checked by ``edition/languages.py``: a malformed tag or an
unknown language is an error at its line (``lang.invalid``); a language print cannot
hyphenate (pyphen has no dictionary for it) is a warning, once per tag
(``lang.no-hyphenation``): its words are set without hyphenation, never by another
language's patterns.
"""

from __future__ import annotations

from collections.abc import Iterator

from markdown_it.token import Token

from ..diagnostics import Reporter
from ..languages import hyphenation_dictionary, tag_problem
from ..model import Book, Location


def _token_tags(tokens: list[Token]) -> Iterator[tuple[list[int] | None, str]]:
    """(the block's line map, tag) of every ``lang`` attribute in the tokens."""
    for t in tokens:
        if t.attrGet("lang"):
            yield t.map, str(t.attrGet("lang"))
        for c in t.children or []:
            if c.attrGet("lang"):
                yield t.map, str(c.attrGet("lang"))


def book_tags(book: Book) -> list[tuple[Location, str]]:
    """Every language tag the book gives, where it gives it, in book order."""
    out = [(Location("book.yaml", book.meta.key_lines.get("language")), book.meta.language)]
    for ch in book.chapters:
        if ch.meta.language:
            out.append((Location(ch.location.file, ch.meta.language_line), ch.meta.language))
        out += [(Location(ch.location.file, ch.line_of(m)), tag) for m, tag in _token_tags(ch.tokens)]
    for frag in book.fragments():
        out += [(Location(frag.location.file, frag.line_of(m)), tag) for m, tag in _token_tags(frag.tokens)]
    return out


def check_languages(book: Book, reporter: Reporter) -> Book:
    warned: set[str] = set()
    for where, tag in book_tags(book):
        if problem := tag_problem(tag):
            reporter.error(where.file, where.line, problem, "lang.invalid")
        elif hyphenation_dictionary(tag) is None and tag not in warned:
            warned.add(tag)
            reporter.warning(where.file, where.line, f"no hyphenation dictionary for '{tag}': "
                             "print sets its words without hyphenation", "lang.no-hyphenation")
    return book
