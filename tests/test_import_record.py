"""The build reads data, not importers: ``edition import`` writes what an import learned to
``sources/records/<id>.json`` (edition/import_record.py), the build prints the Textual Notes
from it without loading any module of ``edition/importers/``, and ``edition check`` reports
a record that is missing or differs from a fresh import, at its file and line."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

from bench.books import copy_project
from edition.cli import main
from edition.import_record import RECORDS_DIR, record_text

SDE = "1700000000"


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(ROOT, tmp_path / "book")


def textual_notes(root: Path, out: Path) -> str:
    assert main(["-C", str(root), "build", "epub", "--force", "-o", str(out)]) == 0
    (epub,) = out.glob("*.epub")
    with zipfile.ZipFile(epub) as z:
        return z.read("EPUB/textual-notes.xhtml").decode("utf-8")


def test_a_build_loads_no_importer(tmp_path):
    code = ("import sys; from edition.cli import main; "
            f"s = main(['-C', {str(ROOT)!r}, 'build', 'epub', '--force', '-o', {str(tmp_path)!r}]); "
            "print(sorted(m for m in sys.modules if m.startswith('edition.'))); sys.exit(s)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env=dict(os.environ, SOURCE_DATE_EPOCH=SDE), timeout=600)
    assert proc.returncode == 0, proc.stderr
    loaded = proc.stdout.strip().splitlines()[-1]
    assert "edition.import_record" in loaded and "edition.render.backmatter" in loaded  # it sees
    assert "edition.importers" not in loaded, loaded
    (epub,) = tmp_path.glob("*.epub")
    with zipfile.ZipFile(epub) as z:
        notes = z.read("EPUB/textual-notes.xhtml").decode("utf-8")
    assert notes.count('class="tn-document"') == 5


def test_the_records_are_what_a_fresh_import_writes():
    from edition.importers.run import import_one
    from edition.importers.sources import load_sources

    sources = load_sources(ROOT)
    with_chapter = [rec for rec, _ in sources.values() if rec.chapter]
    assert len(with_chapter) == 5
    for rec in with_chapter:
        result, diags = import_one(ROOT, rec)
        assert diags == []
        path = ROOT / RECORDS_DIR / f"{rec.id}.json"
        assert path.read_text(encoding="utf-8") == record_text(rec, result.applied, result.removed)


def test_a_changed_correction_needs_an_import(project, tmp_path, monkeypatch, capsys):
    """The build prints what the record says; check sees the record is stale; `edition
    import` writes it anew (and keeps the chapter) and the notes follow."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SDE)
    sid = "shachtman-1941-sedoff"
    corr = project / "sources" / "corrections" / f"{sid}.yaml"
    text = corr.read_text(encoding="utf-8")
    assert 'note: "stray hyphen"' in text
    corr.write_text(text.replace('note: "stray hyphen"', 'note: "a hyphen, recorded anew"'),
                    encoding="utf-8")
    assert "(stray hyphen)" in textual_notes(project, tmp_path / "old")
    capsys.readouterr()
    assert main(["-C", str(project), "check"]) == 1
    err = capsys.readouterr().err
    rel = f"{RECORDS_DIR}/{sid}.json"
    record = (project / rel).read_text(encoding="utf-8")
    line = record.split("\n").index(next(ln for ln in record.split("\n") if "stray hyphen" in ln)) + 1
    assert f"{rel}:{line}: error: " in err and "[record.stale]" in err, err
    chapter = project / "chapters" / "03-shachtman.md"
    before = chapter.read_bytes()
    assert main(["-C", str(project), "import", sid]) == 1  # the chapter exists: kept
    assert chapter.read_bytes() == before
    notes = textual_notes(project, tmp_path / "new")
    assert "(a hyphen, recorded anew)" in notes and "(stray hyphen)" not in notes
    capsys.readouterr()
    main(["-C", str(project), "check"])
    assert "[record.stale]" not in capsys.readouterr().err


def test_a_missing_or_broken_record(project, tmp_path, capsys):
    sid = "hansen-1941-persecution"
    path = project / RECORDS_DIR / f"{sid}.json"
    path.write_text('{"format": 1,\n "source": [\n', encoding="utf-8")
    assert main(["-C", str(project), "build", "epub", "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert f"{RECORDS_DIR}/{sid}.json:3: error: not JSON" in err and "[record.invalid]" in err
    assert "Traceback" not in err and not (tmp_path / "out").exists()
    path.unlink()
    main(["-C", str(project), "check"])
    err = capsys.readouterr().err
    assert f"{RECORDS_DIR}/{sid}.json: error: no import record" in err and "[record.missing]" in err
