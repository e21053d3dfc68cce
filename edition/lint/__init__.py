"""``edition check``: lint rules over the parsed book, each with a stable code.

Codes (documented in README.md, "Checks and diagnostics") can be silenced by name
or by family in book.yaml (``silence: [lint.quote-straight]``, ``silence: [lint]``).

* ``paragraphs.py`` — the plain text of every paragraph, heading and note, with lines
* ``typography.py`` — quotes, spacing, doubled words, OCR leftovers, brackets
* ``book.py`` — chapter metadata, duplicate ids, glossary references and entries
* ``shoptalk.py`` — file names, folders, configuration talk and placeholders in what a reader sees
* ``quotations.py`` — words the editor puts in quotation marks are found in the documents
* ``voice.py`` — no talk of links, programs, checksums or counts of corrections in the editor's text
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..diagnostics import Reporter
    from ..model import Book


def lint(book: Book, reporter: Reporter) -> None:
    # imported here: a build imports lint.integrity (a transform), not the rules
    from .book import (
        duplicate_ids,
        glossary_entries,
        glossary_references,
        missing_metadata,
        subject_commas,
    )
    from .paragraphs import book_paragraphs
    from .quotations import check_quotations
    from .shoptalk import shop_talk
    from .typography import RULES
    from .voice import editor_voice

    missing_metadata(book, reporter)
    subject_commas(book, reporter)
    paras = list(book_paragraphs(book))
    for rule in RULES:
        for para, pos, message, code in rule(paras):
            reporter.warning(para.file, para.line_at(pos), para.where + message, code)
    duplicate_ids(book, reporter)
    glossary_references(book, reporter)
    glossary_entries(book, paras, reporter)
    shop_talk(book, reporter)
    check_quotations(book, reporter)
    editor_voice(book, reporter)
