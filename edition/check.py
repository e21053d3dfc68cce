"""``edition check``: load and transform the book, lint it, import every source afresh and
compare (the chapter: the fidelity check; sources/records/: the import record).  Writes
nothing."""

from __future__ import annotations

from pathlib import Path

from .diagnostics import BookError, Reporter
from .import_record import check_import_records
from .lint import lint
from .pipeline import load_book


def check(root: Path, reporter: Reporter) -> None:
    book = load_book(root, reporter)
    lint(book, reporter)
    from .importers.fidelity import check_fidelity  # the importers: for check and import only
    from .importers.run import import_one
    from .importers.sources import SOURCES_YAML, load_sources

    if not (root / SOURCES_YAML).is_file():
        return
    try:
        sources = load_sources(root)
    except BookError as exc:
        reporter.extend(exc.diagnostics)
        return
    in_book = {ch.path.name for ch in book.chapters}
    imported = {rec.id: import_one(root, rec) for rec, _ in sources.values() if rec.chapter in in_book}
    check_import_records(root, reporter, {sid: (sources[sid][0], result)
                                          for sid, (result, diags) in imported.items() if not diags})
    check_fidelity(root, reporter, imported, sources)
