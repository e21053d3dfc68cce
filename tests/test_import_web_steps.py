"""Golden fixture tests for each step of the web importer (edition/importers/web.py).

``tests/fixtures/import/<step>/<case>.in.txt`` is fed to the step (after the steps it
needs, see PRE); the draft text must equal ``<case>.out.md`` and the record (corrections
applied and unused, removals, suspicious tokens) must equal ``<case>.record.txt``.
A ``<case>.corrections.yaml`` gives the recorded corrections for the case.

After reviewing a change, rewrite the goldens with ``EDITION_UPDATE_GOLDENS=1 pytest …``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from edition.importers import web
from edition.importers.base import Correction, SourceEntry
from edition.schema import CorrectionsFile
from edition.yamlio import load_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "import"
UPDATE = os.environ.get("EDITION_UPDATE_GOLDENS") == "1"
STEPS = {step.__name__: step for step in web.STEPS}
#: steps a step depends on (run first, on the same input)
PRE = {"lead_in": ["read_header"]}

RECORD = SourceEntry(id="fixture", file="fixture.txt", sha256="0" * 64, author="Max Shachtman",
                      title="T", date="1941", kind="web transcription", importer="web",
                      rights="not stated")


def cases() -> list[tuple[str, Path]]:
    out = []
    for name in STEPS:
        d = FIXTURES / name
        if d.is_dir():
            out.extend((name, p) for p in sorted(d.glob("*.in.txt")))
    return out


def record_text(draft) -> str:
    lines = [f"applied {c.line}: {c.read!r} -> {c.edition!r} ({c.reason})" for c in draft.applied]
    lines += [f"unused {c.line}: {c.read!r}" for c in draft.meta.get("unused", [])]
    lines += [f"removed {r.line}-{r.end} ({r.reason}): {r.text!r}" for r in draft.removed]
    lines += [f"suspicious {s.line}: {s.token!r} ({s.why})" for s in draft.suspicious]
    return "\n".join(lines) + "\n" if lines else ""


def run_case(step: str, path: Path):
    corrections: list[Correction] = []
    cpath = path.with_name(path.name.replace(".in.txt", ".corrections.yaml"))
    if cpath.exists():
        node = load_yaml(cpath.read_text(), str(cpath))
        data = CorrectionsFile.model_validate(node)
        corrections = [Correction(**c.model_dump()) for c in data.corrections]
    draft = web.draft_from_text(path.read_text(encoding="utf-8"), RECORD, corrections)
    for pre in PRE.get(step, []):
        draft = STEPS[pre](draft)
    return STEPS[step](draft)


@pytest.mark.parametrize("step,path", cases(), ids=lambda v: v.name if isinstance(v, Path) else v)
def test_step_golden(step: str, path: Path) -> None:
    draft = run_case(step, path)
    got = {".out.md": web.draft_text(draft), ".record.txt": record_text(draft)}
    for suffix, text in got.items():
        golden = path.with_name(path.name.replace(".in.txt", suffix))
        if UPDATE:
            if text or suffix == ".out.md":
                golden.write_text(text, encoding="utf-8")
            elif golden.exists():
                golden.unlink()
            continue
        want = golden.read_text(encoding="utf-8") if golden.exists() else ""
        assert text == want, f"{golden.relative_to(FIXTURES)} differs (review, then " \
                             "EDITION_UPDATE_GOLDENS=1)"


def test_every_step_has_fixtures() -> None:
    have = {s for s, _ in cases()}
    assert have == set(STEPS), f"steps without fixtures: {set(STEPS) - have}"
