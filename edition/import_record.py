"""What an import learned, kept as data beside the chapter: ``sources/records/<id>.json``.

For each source it imports, ``edition import`` writes the import record (``record_text``):
the source's entry in ``sources/sources.yaml`` as the import read it, the corrections it
applied and the passages of the source it left out.  The build reads these files
(``load_import_records``) for the Textual Notes and the Sources page, and so loads no module
of ``edition/importers/``; ``edition check`` imports every source afresh and reports a file
that is missing or says something else than the import says now (``check_import_records``).

The file is JSON, keys sorted, one item a line, so that the same import gives the same bytes
and a change reads as a diff.  Nothing here imports the importers: ``check_import_records``
is given the fresh results.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .diagnostics import BookError, Diagnostic, Reporter, Severity
from .gate import read_text

MAX_RECORD = 32 * 1024 * 1024

RECORDS_DIR = "sources/records"
FORMAT = 1
# The fields of a sources.yaml entry the book prints (Sources page, register, lint)
SOURCE_FIELDS = ("id", "file", "sha256", "author", "title", "subtitle", "date", "kind", "rights",
                 "periodical", "volume", "number", "page", "publication", "credit", "translator",
                 "chapter", "short_title")


@dataclass(frozen=True)
class SourceEntry:
    """A source's entry in sources/sources.yaml, as the import read it."""

    id: str
    file: str
    sha256: str
    author: str
    title: str
    date: str
    kind: str
    rights: str
    subtitle: str | None = None
    periodical: str | None = None
    volume: str | None = None
    number: str | None = None
    page: str | None = None
    publication: str | None = None
    credit: str | None = None
    translator: str | None = None
    chapter: str | None = None
    short_title: str | None = None


@dataclass(frozen=True)
class Applied:
    """A correction the import applied (sources/corrections/<id>.yaml)."""

    line: int
    read: str
    edition: str
    reason: str
    note: str | None = None


@dataclass(frozen=True)
class LeftOut:
    """A passage of the source the import left out, with its lines and the reason."""

    line: int
    end: int
    text: str
    reason: str


@dataclass
class ImportRecord:
    """One source's import record, placed in the book: the chapter made from it."""

    source: SourceEntry
    applied: list[Applied] = field(default_factory=list)
    removed: list[LeftOut] = field(default_factory=list)
    chapter_title: str | None = None
    chapter_anchor: str | None = None
    anchors: dict[int, str] = field(default_factory=dict)  # correction number -> its anchor in the text


def record_path(source_id: str) -> str:
    return f"{RECORDS_DIR}/{source_id}.json"


def record_text(source: Any, applied: Iterable[Any], removed: Iterable[Any]) -> str:
    """The file ``edition import`` writes for a source: ``source`` its sources.yaml entry,
    ``applied`` and ``removed`` the import's corrections and removals (any objects with the
    fields of ``Applied`` and ``LeftOut``).  Same import, same text."""
    src = {k: getattr(source, k, None) for k in SOURCE_FIELDS}
    corrections = sorted(({f.name: getattr(c, f.name) for f in dataclasses.fields(Applied)}
                          for c in applied), key=lambda c: (c["line"], c["read"]))
    removals = sorted(({f.name: getattr(r, f.name) for f in dataclasses.fields(LeftOut)}
                       for r in removed), key=lambda r: (r["line"], r["end"]))
    lines = ["{", f' "format": {FORMAT},', f' "source": {_dump(src)},', ' "applied": [']
    lines += [f"  {_dump(c)}," for c in corrections]
    if corrections:
        lines[-1] = lines[-1].rstrip(",")
    lines += [" ],", ' "removed": [']
    lines += [f"  {_dump(r)}," for r in removals]
    if removals:
        lines[-1] = lines[-1].rstrip(",")
    lines += [" ]", "}"]
    return "\n".join(lines) + "\n"


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def write_record(root: Path, source: Any, applied: Iterable[Any], removed: Iterable[Any]) -> Path:
    path = root / record_path(source.id)
    write_atomic(path, record_text(source, applied, removed).encode("utf-8"))
    return path


_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
_SHA = re.compile(r"^[0-9a-f]{64}$")
_CHAPTER = re.compile(r"^[0-9]{2}-[a-z0-9-]{1,100}\.md$")
_FIELD_MAX = 100_000  # characters in any one string of a record


def _validated(data: Any) -> ImportRecord:
    """The record in ``data``, every field of the type ``edition import`` writes (a record
    may come with a book from anyone: it is checked like any input, and everything printed
    from it is escaped where it is rendered)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"format {data.get('format') if isinstance(data, dict) else None!r}, not {FORMAT}")
    src, applied, removed = data.get("source"), data.get("applied"), data.get("removed")
    if not isinstance(src, dict) or not isinstance(applied, list) or not isinstance(removed, list):
        raise ValueError("'source' must be a mapping, 'applied' and 'removed' lists")
    required = {"id", "file", "sha256", "author", "title", "date", "kind", "rights"}
    for k in SOURCE_FIELDS:
        v = src.get(k)
        if v is None and k not in required:
            continue
        if not isinstance(v, str) or len(v) > _FIELD_MAX:
            raise ValueError(f"source.{k} must be a string")
    if not _ID.match(src["id"]) or not _SHA.match(src["sha256"]):
        raise ValueError("source.id or source.sha256 is not of the form sources.yaml allows")
    if src.get("chapter") is not None and not _CHAPTER.match(src["chapter"]):
        raise ValueError("source.chapter is not a chapter file name (NN-name.md)")
    source = SourceEntry(**{k: src.get(k) for k in SOURCE_FIELDS})  # type: ignore[arg-type]

    def fields(item: Any, cls: Any) -> dict:
        if not isinstance(item, dict) or set(item) - {f.name for f in dataclasses.fields(cls)}:
            raise ValueError(f"an entry of the record is not a {cls.__name__}")
        for f in dataclasses.fields(cls):
            v = item.get(f.name)
            if f.type == "int":
                if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v < 10**9:
                    raise ValueError(f"{f.name} must be a line number")
            elif not (v is None and "None" in str(f.type)) and (not isinstance(v, str) or len(v) > _FIELD_MAX):
                raise ValueError(f"{f.name} must be a string")
        return item

    return ImportRecord(source, [Applied(**fields(c, Applied)) for c in applied],
                        [LeftOut(**fields(r, LeftOut)) for r in removed])


def _read(root: Path, path: Path) -> ImportRecord:
    rel = path.relative_to(root).as_posix()
    text = read_text(path, rel, root, limit=MAX_RECORD)  # the gate: no link out, no FIFO
    try:
        return _validated(json.loads(text))
    except json.JSONDecodeError as exc:
        raise BookError(Diagnostic(rel, exc.lineno, Severity.ERROR, f"not JSON: {exc.msg}",
                                   "record.invalid")) from None
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise BookError(Diagnostic(rel, 1, Severity.ERROR,
                                   f"not an import record ({exc}); `edition import` writes it",
                                   "record.invalid")) from None


def load_import_records(root: Path, chapter_order: list[tuple[str, str, str]]) -> list[ImportRecord]:
    """The import records of the book's chapters, in reading order.  ``chapter_order``:
    (chapter file name, title, anchor) of each chapter.  A book without sources/records/
    has none (and no Textual Notes)."""
    folder = root / RECORDS_DIR
    if not folder.is_dir():
        return []
    by_chapter: dict[str, ImportRecord] = {}
    if folder.is_symlink():
        raise BookError(Diagnostic(RECORDS_DIR, None, Severity.ERROR, "is a symbolic link: the "
                                   "records are read from the book's own folder", "file.outside"))
    for path in sorted(folder.glob("*.json"))[:10_000]:
        rec = _read(root, path)
        if rec.source.chapter:
            by_chapter[rec.source.chapter] = rec
    out = []
    for fname, title, anchor in chapter_order:
        found = by_chapter.get(fname)
        if found is not None:
            out.append(dataclasses.replace(found, chapter_title=title, chapter_anchor=anchor))
    return out


def check_import_records(root: Path, reporter: Reporter, fresh: Mapping[str, tuple[Any, Any]]) -> None:
    """``edition check``: ``fresh`` maps a source id to (its sources.yaml entry, a fresh import
    result); each source's file must say what ``edition import`` would write now."""
    for sid, (source, result) in sorted(fresh.items()):
        rel = record_path(sid)
        expected = record_text(source, result.applied, result.removed)
        path = root / rel
        try:
            actual = read_text(path, rel, root, limit=MAX_RECORD)
        except BookError:
            reporter.error(rel, None, f"no import record for source '{sid}': `edition import {sid}` "
                           "writes it (the Textual Notes are printed from it)", "record.missing")
            continue
        if actual != expected:
            first = next((i for i, (a, b) in enumerate(zip(actual.split("\n"), expected.split("\n"),
                                                          strict=False), 1) if a != b),
                         min(actual.count("\n"), expected.count("\n")) + 1)
            reporter.error(rel, first, f"the import record of '{sid}' differs from a fresh import "
                           f"from this line on; `edition import {sid}` writes it anew", "record.stale")
