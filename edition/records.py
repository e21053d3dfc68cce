"""The record of the sources, for the back matter: what each import applied and left out.

Runs each importer in memory (fast: well under a second for the whole book) so
that the Textual Notes print exactly the corrections and removals that the
fidelity check (``edition check``) verifies.  Books without ``sources/sources.yaml``
have no record and no such back matter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic
from .importers.base import Correction, ImportResult, Removal, SourceRecord


@dataclass
class SourceRecordView:
    record: SourceRecord
    applied: list[Correction] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    chapter_title: str | None = None
    chapter_anchor: str | None = None
    result: ImportResult | None = None  # the whole import, reused by the fidelity check
    diagnostics: list[Diagnostic] = field(default_factory=list)


def load_records(root: Path, chapter_order: list[tuple[str, str, str]]) -> list[SourceRecordView]:
    """chapter_order: (chapter file name, title, anchor) in reading order."""
    if not (root / "sources" / "sources.yaml").is_file():
        return []
    from .importers.run import import_one
    from .importers.sources import load_sources

    sources = load_sources(root)
    by_chapter = {rec.chapter: rec for rec, _ in sources.values() if rec.chapter}
    out: list[SourceRecordView] = []
    for fname, title, anchor in chapter_order:
        rec = by_chapter.get(fname)
        if rec is None:
            continue
        result, diags = import_one(root, rec)
        applied = sorted(result.applied, key=lambda c: (c.line, c.read))
        removed = sorted(result.removed, key=lambda r: (r.line, r.end))
        out.append(SourceRecordView(rec, applied, removed, title, anchor, result, diags))
    return out
