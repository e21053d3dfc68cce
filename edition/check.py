"""``edition check``: load and transform the book, then lint it.  Writes nothing."""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Reporter
from .pipeline import load_book


def check(root: Path, reporter: Reporter) -> None:
    book = load_book(root, reporter, full_records=True)
    from .lint import lint

    lint(book, reporter)
    from .importers.fidelity import check_fidelity

    check_fidelity(root, reporter, {v.record.id: (v.result, v.diagnostics)
                                    for v in book.records if v.result is not None})
