"""A PDF build starts from the last build's page numbers (edition/layout_seed.py, issue
#21 point 2) and keeps that layout only when it proves a fixpoint: the PDF never depends on
the build's history.  Every seeded build here is compared byte for byte with a build
that started from nothing (``EDITION_NO_SEED=1``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT, SmallBook
from test_units import LONG  # a chapter of several pages, with notes

from edition.build_manifest import cache_dir


@pytest.fixture
def book(tmp_path, monkeypatch) -> SmallBook:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.delenv("EDITION_NO_SEED", raising=False)
    b = SmallBook(tmp_path / "book")
    b.book(["01-one.md", "02-two.md", "03-three.md"])
    b.chapter("01-one.md", "One", LONG)
    b.chapter("02-two.md", "Two", "A short chapter: see [Three](#three){.pageref} and "
              "[One](#one){.pageref}.\n")
    b.chapter("03-three.md", "Three", LONG.replace("Paragraph", "Passage"))
    return b


def build(root, out, monkeypatch, seed: bool = True) -> tuple[bytes, list[str]]:
    from edition.diagnostics import Reporter
    from edition.pipeline import build as run_build

    monkeypatch.setenv("EDITION_NO_SEED", "" if seed else "1")
    said: list[str] = []
    result = run_build(root, ["pdf"], Reporter(), out_dir=out, force=True, progress=said.append)
    return result.outputs[0].read_bytes(), [s for s in said if s.startswith("laying out")]


SEEDED = "laying out (from the last build's page numbers)"


def seed_file(root):
    files = list((cache_dir(root) / "layout-seed").glob("*.json"))
    assert len(files) == 1, files
    return files[0]


def test_a_rebuild_is_one_layout_and_the_same_bytes(book, monkeypatch):
    fresh, passes = build(book.root, book.root / "a", monkeypatch, seed=False)
    assert passes == ["laying out (pass 1)", "laying out (pass 2)"]
    again, passes = build(book.root, book.root / "b", monkeypatch)
    assert passes == [SEEDED]  # the seed proved a fixpoint: no measuring pass, no second pass
    assert again == fresh


def test_after_an_edit_a_seeded_build_is_the_unseeded_one(book, monkeypatch):
    build(book.root, book.root / "a", monkeypatch)
    # a chapter grows by pages: chapter three's number in chapter two's reference moves
    ch = book.root / "chapters" / "01-one.md"
    ch.write_text(ch.read_text(encoding="utf-8").replace("Paragraph 1 of", "\n\n".join(
        ["Paragraph 1 of the chapter, longer now " * 20] * 4) + "\n\nParagraph 1 of"), encoding="utf-8")
    seeded, passes = build(book.root, book.root / "b", monkeypatch)
    assert passes[0] == SEEDED and len(passes) >= 2  # the old numbers were no fixpoint
    fresh, _ = build(book.root, book.root / "c", monkeypatch, seed=False)
    assert seeded == fresh


@pytest.mark.parametrize("damage", ["{not json", "null", '{"of": {}, "order": []}', "shifted"])
def test_a_damaged_or_wrong_seed_changes_nothing(book, monkeypatch, damage):
    fresh, _ = build(book.root, book.root / "a", monkeypatch, seed=False)
    path = seed_file(book.root)
    if damage == "shifted":  # every folio one too high: a well-formed seed that is wrong,
        from edition.trust import read_sealed, seal  # sealed with this machine's key (#27)

        raw = read_sealed(path)
        assert raw is not None
        seed = json.loads(raw)
        bump = {v: str(int(v) + 1) if v.isdigit() else v for v in seed["order"]}
        seed["of"] = {k: bump.get(v, v) for k, v in seed["of"].items()}
        seed["order"] = [bump[v] for v in seed["order"]]
        sealed = seal(json.dumps(seed).encode())
        assert sealed is not None
        path.write_bytes(sealed)
    else:
        path.write_text(damage)
    seeded, passes = build(book.root, book.root / "b", monkeypatch)
    assert seeded == fresh
    assert passes[0] == (SEEDED if damage == "shifted" else "laying out (pass 1)")


def test_the_reader_rebuilt_from_its_seed_is_the_reference_pdf(edition_build, tmp_path):
    """The real edition: the shared build started from nothing and kept its numbers; a
    rebuild of the same inputs starts from them, lays the book out once, and gives the
    same bytes."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    env.pop("EDITION_NO_SEED", None)
    code = ("import sys, pathlib\n"
            "from edition.pipeline import build\nfrom edition.diagnostics import Reporter\n"
            "said = []\n"
            "r = build(pathlib.Path(sys.argv[1]), ['pdf'], Reporter(), out_dir=pathlib.Path(sys.argv[2]),"
            " force=True, progress=said.append)\n"
            "print([s for s in said if s.startswith('laying out')])\n")
    proc = subprocess.run([sys.executable, "-c", code, str(ROOT), str(tmp_path)], capture_output=True,
                          text=True, env=env, timeout=1800, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == repr([SEEDED]), proc.stdout
    assert (tmp_path / edition_build["pdf"].name).read_bytes() == edition_build["pdf"].read_bytes()


def test_a_relaxed_paragraph_keeps_its_key_when_an_edit_renumbers_it():
    from edition.render.pdf import mark_calls

    before: dict[str, str] = {}
    after: dict[str, str] = {}
    mark_calls("<p>One.</p><p>* * *</p><p>Two.</p><p>* * *</p>", set(), before)
    out = mark_calls("<p>New.</p><p>One.</p><p>* * *</p><p>Two.</p><p>* * *</p>", {"pp-3"}, after)
    assert after["pp-2"] == before["pp-1"] and after["pp-4"] == before["pp-3"]
    assert before["pp-2"] != before["pp-4"] and after["pp-3"] == before["pp-2"]  # twins told apart
    assert '<p id="pp-3" data-relax="">* * *</p>' in out


def test_the_watch_with_kept_layouts_and_a_seed_gives_a_fresh_builds_bytes(book, monkeypatch):
    """`edition build --watch` keeps the laid-out units *and* starts from the last numbers:
    after an edit that moves a page number, its PDF is still the one a build from nothing
    makes."""
    from edition.render import pdf

    monkeypatch.setattr(pdf, "_KEPT", {})  # pdf.keep_layouts(), undone after the test
    build(book.root, book.root / "w", monkeypatch)
    ch = book.root / "chapters" / "01-one.md"
    ch.write_text(ch.read_text(encoding="utf-8").replace("Paragraph 3 of", "\n\n".join(
        ["Paragraph 3 of the chapter, longer now " * 20] * 3) + "\n\nParagraph 3 of"), encoding="utf-8")
    watched, passes = build(book.root, book.root / "w", monkeypatch)
    assert passes[0] == SEEDED
    monkeypatch.setattr(pdf, "_KEPT", None)
    fresh, _ = build(book.root, book.root / "f", monkeypatch, seed=False)
    assert watched == fresh
