"""Write sources/pamphlet-glossary.yaml (the pamphlet's own GLOSSARY, as data) from a fresh
import of the pamphlet: ``python tools/pamphlet_glossary.py [ROOT]``.  Same input, same bytes;
tests/test_import_ocr.py checks the file is what this writes."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edition.diagnostics import BookError  # noqa: E402
from edition.importers.ocr import run_import  # noqa: E402
from edition.importers.ocr_glossary import OUTPUT, glossary_yaml  # noqa: E402
from edition.importers.run import write_atomic  # noqa: E402
from edition.importers.sources import load_corrections, load_sources  # noqa: E402


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path.cwd()
    sid = "trotsky-1938-sedoff-pamphlet"
    try:
        sources = load_sources(root)
        if sid not in sources:
            print(f"sources/sources.yaml: error: no source '{sid}' [import.unknown-source]",
                  file=sys.stderr)
            return 1
        record, _ = sources[sid]
        text = (root / "sources" / record.file).read_text(encoding="utf-8")
        draft = run_import(text, record, [c for c, _ in load_corrections(root, record.id)])
    except BookError as exc:
        for d in exc.diagnostics:
            print(d.format(), file=sys.stderr)
        return 1
    unused = draft.meta.get("unused", [])
    if unused:
        for c in unused:
            print(f"sources/corrections/{sid}.yaml: error: correction never applied: source "
                  f"line {c.line} does not read {c.read!r} [import.unused-correction]",
                  file=sys.stderr)
        return 1
    write_atomic(root / OUTPUT, glossary_yaml(draft.meta["glossary"]))
    print(f"{OUTPUT}: {len(draft.meta['glossary'])} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
