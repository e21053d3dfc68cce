"""``edition import``: sources -> ``chapters/NN-slug.md``.

For each source asked for, the importer its record names (``edition.importers.<importer>``)
turns the raw text, with the recorded corrections, into front matter and a Markdown body.
The chapter is written atomically, and never over an existing chapter without ``--force``
(chapters are edited by hand after import).  The record of the import is printed: the
corrections applied, what was removed, and the suspicious tokens left unresolved.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..diagnostics import BookError, Diagnostic, Reporter, Severity
from ..import_record import write_record
from ..project import read_text
from .base import Correction, ImportResult, SourceEntry
from .sources import SOURCES_YAML, corrections_path, load_corrections, load_sources

FRONT_KEYS = ("title", "subtitle", "author", "date", "original_publication", "source",
              "translator", "rights", "role", "kind", "headnote")


def original_publication(record: SourceEntry) -> str | None:
    """The ``original_publication`` line of a chapter, from the record."""
    if record.publication:
        return record.publication
    if record.periodical:
        parts = [record.periodical]
        if record.volume:
            parts.append(f"Vol. {record.volume}" + (f" No. {record.number}" if record.number else ""))
        if record.page:
            parts.append(f"p. {record.page}")
        return ", ".join(parts)
    return None


def front_matter_for(record: SourceEntry) -> dict[str, Any]:
    """The front matter every imported chapter carries (importers may add to it)."""
    fm: dict[str, Any] = {
        "title": record.title,
        "subtitle": record.subtitle,
        "author": record.author,
        "date": record.date,
        "original_publication": original_publication(record),
        "source": record.id,
        "translator": record.translator,
        "rights": record.rights,
    }
    return {k: v for k, v in fm.items() if v is not None}


def _scalar(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def render_chapter(result: ImportResult) -> str:
    """Front matter (fixed key order, double-quoted scalars) + body; same input, same bytes."""
    fm = result.front_matter
    out = ["---"]
    keys = [k for k in FRONT_KEYS if k in fm] + sorted(k for k in fm if k not in FRONT_KEYS)
    for k in keys:
        v = fm[k]
        if v is None:
            continue
        if isinstance(v, str) and "\n" in v:
            out.append(f"{k}: |")
            out.extend(("  " + ln) if ln else "" for ln in v.rstrip("\n").split("\n"))
        else:
            out.append(f"{k}: {_scalar(str(v))}")
    out.append("---")
    return "\n".join(out) + "\n\n" + result.body.strip("\n") + "\n"


def importer_for(record: SourceEntry) -> Callable[[str, SourceEntry, list[Correction]], ImportResult]:
    from .registry import load

    mod = load(record.importer)
    if mod is None:
        raise BookError(Diagnostic(SOURCES_YAML, None, Severity.ERROR,
                                   f"source '{record.id}': importer '{record.importer}' "
                                   "is not available", "import.importer"))
    fn: Callable[[str, SourceEntry, list[Correction]], ImportResult] = mod.import_source
    return fn


def import_one(root: Path, record: SourceEntry) -> tuple[ImportResult, list[Diagnostic]]:
    """Import one source in memory.  Diagnostics: corrections that matched nothing."""
    text = read_text(root / "sources" / record.file, f"sources/{record.file}", controls=True)
    recorded = load_corrections(root, record.id)
    result = importer_for(record)(text, record, [c for c, _ in recorded])
    lines = {id(c): ln for c, ln in recorded}
    diags = [
        Diagnostic(corrections_path(record.id), lines.get(id(c)), Severity.ERROR,
                   f"correction never applied: source line {c.line} does not read {c.read!r}",
                   "import.unused-correction")
        for c in result.unused
    ]
    return result, diags


def write_atomic(path: Path, text: str) -> None:
    from ..atomic import write_atomic as write_bytes

    write_bytes(path, text.encode("utf-8"))


def _short(text: str, n: int = 70) -> str:
    text = text.replace("\n", "⏎")
    return text if len(text) <= n else text[: n - 1] + "…"


def describe(record: SourceEntry, result: ImportResult, full: bool) -> list[str]:
    """The record of one import, as lines for the terminal."""
    src = f"sources/{record.file}"
    out = [f"{record.id}: {len(result.applied)} correction(s) applied, "
           f"{len(result.removed)} removal(s), {len(result.suspicious)} suspicious token(s)"]
    if full:
        for c in result.applied:
            out.append(f"  {src}:{c.line}: corrected ({c.reason}): {c.read!r} -> {c.edition!r}")
        for r in result.removed:
            where = f"{r.line}" if r.end == r.line else f"{r.line}-{r.end}"
            out.append(f"  {src}:{where}: removed ({r.reason}): {_short(r.text)!r}")
    for s in result.suspicious:
        out.append(f"  {src}:{s.line}: suspicious, not resolved: {s.token!r} ({s.why})")
    return out


def run_import(root: Path, ids: list[str], all_: bool, force: bool, report: bool,
               reporter: Reporter, say: Callable[[str], None] = print) -> list[Path]:
    """Import the sources named (or all); returns the files written (import records,
    chapters)."""
    sources = load_sources(root)
    if not ids and not all_:
        raise BookError(Diagnostic(SOURCES_YAML, None, Severity.ERROR,
                                   "name the sources to import (ids in sources/sources.yaml) "
                                   "or give --all", "import.usage"))
    wanted = list(sources) if all_ else ids
    unknown = [i for i in wanted if i not in sources]
    if unknown:
        raise BookError([Diagnostic(SOURCES_YAML, None, Severity.ERROR,
                                    f"no source '{i}' in sources/sources.yaml "
                                    f"(known: {', '.join(sources)})", "import.unknown-source")
                         for i in unknown])
    written: list[Path] = []
    for sid in wanted:
        record, line = sources[sid]
        if not record.chapter:
            reporter.error(SOURCES_YAML, line, f"source '{sid}' names no chapter to import into",
                           "import.no-chapter")
            continue
        result, diags = import_one(root, record)
        for line_out in describe(record, result, report):
            say(line_out)
        if diags:
            reporter.extend(diags)
            reporter.error(SOURCES_YAML, line, f"'{sid}' not written: its record of corrections "
                           "does not match the source", "import.not-written")
            continue
        # what the import learned, for the build's Textual Notes (import_record.py): written
        # even when the chapter is kept, since it describes the source, not the chapter
        written.append(write_record(root, record, result.applied, result.removed))
        target = root / "chapters" / record.chapter
        rel = f"chapters/{record.chapter}"
        if target.exists() and not force:
            reporter.error(rel, None, "chapter exists (it may have been edited by hand); "
                           "use --force to overwrite it", "import.exists")
            continue
        write_atomic(target, render_chapter(result))
        written.append(target)
        if (added := list_in_book_yaml(root, record.chapter)) is not None:
            say(added)
    return written


_CHAPTERS_KEY = re.compile(r"^chapters:[ \t]*(?:#.*)?$")
_ITEM = re.compile(r"^([ \t]*)-[ \t]+[\"']?([^\"'#\s]+)")


def list_in_book_yaml(root: Path, chapter: str) -> str | None:
    """Add ``chapter`` to the end of book.yaml's ``chapters:`` list (a block list, edited as
    text so comments stay), or say exactly what to add.  Returns the line to print (None
    when book.yaml lists it already)."""
    path = root / "book.yaml"
    try:
        from ..gate import read_text as read_gated  # a FIFO or a link out: not read (#27)

        text = read_gated(path, "book.yaml", root)
    except BookError:
        return f"add '  - {chapter}' to book.yaml's chapters to put it in the book"
    lines = text.split("\n")
    start = next((i for i, ln in enumerate(lines) if _CHAPTERS_KEY.match(ln)), None)
    if start is None:
        return (f"book.yaml has no block list 'chapters:': add '{chapter}' to its chapters "
                "to put it in the book")
    last, indent, listed = start, "  ", []
    for i in range(start + 1, len(lines)):
        ln = lines[i]
        m = _ITEM.match(ln)
        if m:
            last, indent = i, m.group(1)
            listed.append(m.group(2))
        elif ln.strip() and not ln.lstrip().startswith("#"):
            break
    if chapter in listed:
        return None
    lines.insert(last + 1, f"{indent}- {chapter}")
    write_atomic(path, "\n".join(lines))
    return f"book.yaml:{last + 2}: added '{chapter}' to the chapters (move the line to change its place)"
