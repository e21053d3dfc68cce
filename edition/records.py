"""The record of the sources, for the back matter: what each import applied and left out.

Runs each importer in memory (fast: well under a second for the whole book) so
that the Textual Notes print exactly the corrections and removals that the
fidelity check (``edition check``) verifies.  Books without ``sources/sources.yaml``
have no record and no such back matter.

A build reads the record of an unchanged source from the memo (``memo.py``): the key
covers the source text, its corrections, its entry in ``sources.yaml`` and the code.
``full=True`` (``edition check``) always runs the importers, for their whole result.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import memo
from .cache import diag_of_row, diag_row
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


def _memo_key(root: Path, rec: SourceRecord) -> str | None:
    from .importers.sources import corrections_path

    try:
        source = (root / "sources" / rec.file).read_bytes()
        corr = root / corrections_path(rec.id)
        corrections = corr.read_bytes() if corr.is_file() else b"<none>"
    except OSError:
        return None  # unreadable: the import says so
    fields = json.dumps(dataclasses.asdict(rec), sort_keys=True, default=str)
    return memo.key("import-record", fields, source, corrections)


def _encode(view: SourceRecordView) -> bytes:
    return json.dumps({
        "applied": [dataclasses.asdict(c) for c in view.applied],
        "removed": [dataclasses.asdict(r) for r in view.removed],
        "diagnostics": [diag_row(d) for d in view.diagnostics],
    }, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _decode(data: bytes, rec: SourceRecord, title: str, anchor: str) -> SourceRecordView | None:
    try:
        doc = json.loads(data)
        return SourceRecordView(
            rec, [Correction(**c) for c in doc["applied"]], [Removal(**r) for r in doc["removed"]],
            title, anchor, None, [diag_of_row(row) for row in doc["diagnostics"]])
    except (ValueError, KeyError, TypeError):
        return None  # damaged: import again


def load_records(root: Path, chapter_order: list[tuple[str, str, str]],
                 full: bool = False) -> list[SourceRecordView]:
    """chapter_order: (chapter file name, title, anchor) in reading order.  ``full``: run
    every importer and keep its whole result (``edition check``); else use the memo."""
    if not (root / "sources" / "sources.yaml").is_file():
        return []
    from .importers.sources import load_sources

    sources = load_sources(root)
    by_chapter = {rec.chapter: rec for rec, _ in sources.values() if rec.chapter}
    out: list[SourceRecordView] = []
    for fname, title, anchor in chapter_order:
        rec = by_chapter.get(fname)
        if rec is None:
            continue
        k = _memo_key(root, rec)
        kind = f"import-{rec.id}"
        if not full and k is not None:
            data = memo.get(root, kind, k)
            view = _decode(data, rec, title, anchor) if data is not None else None
            if view is not None:
                out.append(view)
                continue
        from .importers.run import import_one

        result, diags = import_one(root, rec)
        applied = sorted(result.applied, key=lambda c: (c.line, c.read))
        removed = sorted(result.removed, key=lambda r: (r.line, r.end))
        view = SourceRecordView(rec, applied, removed, title, anchor, result, diags)
        if k is not None:
            memo.put(root, kind, k, _encode(view))
        out.append(view)
    return out
