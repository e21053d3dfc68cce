"""The memo (edition/memo.py): a rebuild reads the import records and the cover from
``.cache/memo`` and gives the same bytes as a build without it; a changed correction,
a damaged entry or ``edition check`` never see a stale or broken record."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

from edition.bench.books import copy_project
from edition.cache import cache_dir
from edition.cli import main
from edition.diagnostics import Reporter
from edition.pipeline import load_book


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(ROOT, tmp_path_factory.mktemp("memo") / "book")


def build_epub(root: Path, out: Path) -> bytes:
    assert main(["-C", str(root), "build", "epub", "--force", "-o", str(out)]) == 0
    (epub,) = out.glob("*.epub")
    return epub.read_bytes()


def memo_files(root: Path) -> list[Path]:
    return sorted((cache_dir(root) / "memo").glob("*.*"))


def textual_notes(epub: bytes, tmp: Path) -> str:
    (tmp / "x.epub").write_bytes(epub)
    with zipfile.ZipFile(tmp / "x.epub") as z:
        return z.read("EPUB/textual-notes.xhtml").decode("utf-8")


def test_rebuild_from_the_memo_gives_the_same_bytes(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("EDITION_NO_MEMO", "1")
    plain = build_epub(project, tmp_path / "plain")
    assert memo_files(project) == []  # turned off: nothing written
    monkeypatch.delenv("EDITION_NO_MEMO")
    first = build_epub(project, tmp_path / "first")  # computes and stores
    kinds = {p.name.rsplit(".", 1)[0] for p in memo_files(project)}
    assert {"cover", "import-biography-leon-trotsky", "import-hansen-1941-persecution",
            "import-shachtman-1941-sedoff", "import-trotsky-1930-my-life-exile",
            "import-trotsky-1938-sedoff-pamphlet", "yaml-book.yaml", "yaml-glossary.yaml",
            "yaml-persons.yaml", "yaml-apparatus.yaml", "yaml-sources-sources.yaml",
            "yaml-chapters-01-exile.md-front-matter"} <= kinds
    second = build_epub(project, tmp_path / "second")  # reads
    assert plain == first == second

    # a damaged entry is the same as none
    for p in memo_files(project):
        p.write_bytes(b"\x00not json, not a PNG")
    assert build_epub(project, tmp_path / "damaged") == plain


def test_a_changed_correction_is_not_read_from_the_memo(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_epub(project, tmp_path / "warm")
    corr = project / "sources" / "corrections" / "shachtman-1941-sedoff.yaml"
    text = corr.read_text(encoding="utf-8")
    assert 'note: "stray hyphen"' in text
    corr.write_text(text.replace('note: "stray hyphen"', 'note: "a hyphen, recorded anew"'), encoding="utf-8")
    try:
        notes = textual_notes(build_epub(project, tmp_path / "changed"), tmp_path)
        assert "(a hyphen, recorded anew)" in notes and "(stray hyphen)" not in notes
    finally:
        corr.write_text(text, encoding="utf-8")


def test_check_runs_the_whole_import_whatever_the_memo_says(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_epub(project, tmp_path / "warm")
    built = load_book(project, Reporter())
    assert built.records and all(v.result is None for v in built.records)  # from the memo
    checked = load_book(project, Reporter(), full_records=True)
    assert all(v.result is not None and v.result.body for v in checked.records)
    assert [(v.applied, v.removed) for v in checked.records] == [(v.applied, v.removed)
                                                                 for v in built.records]


def test_a_rebuild_from_the_memo_imports_neither_pydantic_nor_yaml(project, tmp_path):
    code = ("import sys; from edition.cli import main; "
            f"main(['-C', {str(project)!r}, 'build', 'epub', '--force', '-o', {str(tmp_path)!r}]); "
            "print(sorted(m for m in ('pydantic', 'yaml', 'PIL') if m in sys.modules))")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    env.pop("EDITION_NO_MEMO", None)
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)  # warm
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True,
                         text=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_a_mistake_in_the_yaml_is_reported_though_the_memo_is_warm(project, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_epub(project, tmp_path / "warm")
    glossary = project / "glossary.yaml"
    text = glossary.read_text(encoding="utf-8")
    broken = text.replace("category: term", "category: terms", 1)
    assert broken != text
    glossary.write_text(broken, encoding="utf-8")
    try:
        capsys.readouterr()
        assert main(["-C", str(project), "build", "epub", "--force", "-o", str(tmp_path / "bad")]) == 1
        err = capsys.readouterr().err
        line = broken[: broken.index("category: terms")].count("\n") + 1
        assert f"glossary.yaml:{line}: error: " in err and "[yaml.type]" in err
        assert not (tmp_path / "bad").exists() or not list((tmp_path / "bad").glob("*.epub"))
    finally:
        glossary.write_text(text, encoding="utf-8")


def test_a_memo_that_cannot_be_written_does_not_fail_the_build(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = copy_project(ROOT, tmp_path / "book")
    cache_dir(root).mkdir(parents=True)
    (cache_dir(root) / "memo").write_text("a file where the memo's folder should be")
    plain = build_epub(root, tmp_path / "one")
    assert (cache_dir(root) / "memo").is_file()  # left as it was
    assert build_epub(root, tmp_path / "two") == plain
