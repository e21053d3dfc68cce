"""One source read and imported in memory: its importer (``importer_for``), its text in its
encoding (``source_text``), the import with its recorded corrections (``import_one``).
Used by ``edition import`` (run.py) and ``edition check`` (fidelity.py) alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..diagnostics import BookError, Diagnostic, Severity
from ..project import read_text
from .base import Correction, ImportResult, SourceEntry
from .sources import SOURCES_YAML, corrections_path, load_corrections


def importer_for(record: SourceEntry) -> Callable[[str, SourceEntry, list[Correction]], ImportResult]:
    from .registry import load

    mod = load(record.importer)
    if mod is None:
        raise BookError(Diagnostic(SOURCES_YAML, None, Severity.ERROR,
                                   f"source '{record.id}': importer '{record.importer}' "
                                   "is not available", "import.importer"))
    fn: Callable[[str, SourceEntry, list[Correction]], ImportResult] = mod.import_source
    return fn


def source_text(root: Path, record: SourceEntry) -> tuple[str, str]:
    """The source's text and its encoding with how it was found.  An importer with a
    ``decode(bytes) -> (text, how)`` hook (importers/encoding.py) reads any encoding; the
    others read UTF-8 only."""
    from ..gate import read_input
    from .readable import text_of
    from .registry import load

    rel = f"sources/{record.file}"
    decode = getattr(load(record.importer), "decode", None)
    if decode is None:
        return read_text(root / rel, rel, controls=True), "utf-8"
    text, how = text_of(read_input(root / rel, rel), rel, decode)  # import.not-text
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"), how


def import_one(root: Path, record: SourceEntry) -> tuple[ImportResult, list[Diagnostic]]:
    """Import one source in memory.  Diagnostics: corrections that matched nothing."""
    importer = importer_for(record)
    text, how = source_text(root, record)
    recorded = load_corrections(root, record.id)
    result = importer(text, record, [c for c, _ in recorded])
    result.encoding = how
    lines = {id(c): ln for c, ln in recorded}
    diags = [
        Diagnostic(corrections_path(record.id), lines.get(id(c)), Severity.ERROR,
                   f"correction never applied: source line {c.line} does not read {c.read!r}",
                   "import.unused-correction")
        for c in result.unused
    ]
    return result, diags
