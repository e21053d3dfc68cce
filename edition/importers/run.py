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

from ..diagnostics import BookError, Diagnostic, Reporter, Severity
from ..import_record import write_record
from .base import ImportResult, SourceEntry
from .front import front_matter_for, original_publication  # noqa: F401  (their old home)
from .reading import import_one, importer_for, source_text  # noqa: F401  (their old home)
from .sources import SOURCES_YAML, load_sources

FRONT_KEYS = ("title", "subtitle", "author", "date", "original_publication", "source",
              "translator", "rights", "role", "kind", "headnote")


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
    from .register import looks_like_path, register

    ids = [register(root, i, say) if looks_like_path(i) else i for i in ids]
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
        if not _accounted(root, record, line, result, reporter, say):
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


def _accounted(root: Path, record: SourceEntry, line: int | None, result: ImportResult,
               reporter: Reporter, say: Callable[[str], None]) -> bool:
    """Every word of the source in the chapter or on record (fidelity.tally): says the count;
    False (nothing to write) when words are unaccounted for, each reported at its line."""
    from .fidelity import pattern_warnings, tally, unaccounted
    from .sources import pattern_lines

    src = f"sources/{record.file}"
    text, how = source_text(root, record)
    count = tally(text, record, result)
    say(f"{src}: read as {how}")
    if result.separators:
        say(f"{src}: {result.separators} separator line(s) matching {record.separator!r} "
            f"became {'section' if record.pieces == 'sections' else 'paragraph'} breaks")
    reporter.extend(pattern_warnings(record, result, count, pattern_lines(root)))
    say(count.line(record.id))
    if not count.differences:
        return True
    reporter.extend(unaccounted(src, count.differences))
    reporter.error(SOURCES_YAML, line, f"'{record.id}' not written: {count.unaccounted} word(s) "
                   f"of {src} are neither in the chapter nor on record (listed above)",
                   "import.not-written")
    return False


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
