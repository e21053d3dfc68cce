"""lint.editor-voice: the editor describes the documents, not the machinery of the edition.

Reader-facing editorial text (the same texts ``quotations.py`` reads: editorial chapters,
editor's notes, headnotes, questions, the glossary's and register's own words, the list of
abbreviations) does not talk about how the book is made: which words are linked or not,
the program that checks it, checksums, or how many statements a review corrected.  That
belongs in the project's documents (``docs/``), not in the book.  Words inside quotation
marks are not read (they are a document's, verified by ``quote.not-found``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..diagnostics import Reporter
from ..model import Book
from .quotations import editorial_texts, quotations_in

CODE = "lint.editor-voice"

MACHINERY = re.compile(
    r"\b(?:is|are|was|were|not|be)\s+(?:not\s+)?linked\b"
    r"|\blinked\s+(?:automatically|to\s+this\s+entry|here)\b"
    r"|\blinks?\s+automatically\b"
    r"|\bchecksums?\b|\bSHA-?(?:1|256|512)\b"
    r"|\b(?:a|the)\s+(?:computer\s+)?program\s+(?:keeps|checks|compares|verifies|reports|finds)\b"
    r"|\bsoftware\b"
    r"|\b\d+\s+(?:statements?|entries|notes|corrections|errors)\s+(?:were|was|have\s+been)\s+"
    r"(?:corrected|removed|changed|fixed|added)\b",
    re.IGNORECASE,
)


def find(text: str) -> Iterator[tuple[int, str]]:
    """(position, words) of each piece of talk about the machinery, outside quotations."""
    quoted = [(pos, pos + len(words) + 2) for pos, words in quotations_in(text)]
    for m in MACHINERY.finditer(text):
        if not any(a <= m.start() < b for a, b in quoted):
            yield m.start(), re.sub(r"\s+", " ", m.group())


def editor_voice(book: Book, reporter: Reporter) -> None:
    for et in editorial_texts(book):
        for pos, words in find(et.text):
            line = None if et.line is None else et.line + et.text.count("\n", 0, pos)
            reporter.warning(et.file, line, f"{et.where}“{words}”: the edition’s machinery (links, "
                             "programs, checksums, counts of corrections) is not the reader’s "
                             "business; say it in the project’s documents", CODE)
