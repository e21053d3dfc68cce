"""Check the list of abbreviations (``abbreviations.yaml``) against the book.

* ``abbreviations.unknown-glossary`` (error): an entry names a glossary entry the
  glossary does not have;
* ``abbreviations.unused`` (warning): neither the abbreviation nor any of its
  spellings occurs (whole word, as the glossary matches) in the text of a document
  (a chapter made from a source).

The list itself is rendered by ``render/abbreviations.py``.
"""

from __future__ import annotations

from ..diagnostics import Reporter
from ..model import Book
from .matching import Matcher

FILE = "abbreviations.yaml"


def document_text(book: Book) -> str:
    """The inline text of the chapters made from sources, notes left out."""
    parts = []
    for ch in book.chapters:
        if ch.meta.source:
            parts += [t.content for t in ch.tokens if t.type == "inline"]
    return "\n".join(parts)


def check_abbreviations(book: Book, reporter: Reporter) -> Book:
    if not book.abbreviations:
        return book
    glossary = {e.id for e in book.glossary}
    found = {h.key for h in Matcher([(str(i), f) for i, a in enumerate(book.abbreviations)
                                     for f in [a["abbreviation"], *a["spellings"]]]).find(document_text(book))}
    for i, a in enumerate(book.abbreviations):
        if a.get("glossary") and a["glossary"] not in glossary:
            reporter.error(FILE, a.get("line"), f"“{a['abbreviation']}” refers to glossary entry "
                           f"“{a['glossary']}”, which glossary.yaml does not have",
                           "abbreviations.unknown-glossary")
        if str(i) not in found:
            reporter.warning(FILE, a.get("line"), f"“{a['abbreviation']}” (nor any spelling of it) "
                             f"does not occur in the documents", "abbreviations.unused")
    return book
