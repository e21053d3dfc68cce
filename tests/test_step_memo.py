"""The memo (edition/memo.py): a rebuild reads the validated YAML and the cover from
the cache folder's ``memo/`` and gives the same bytes as a build without it; a damaged
entry is the same as none."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from bench.books import copy_project
from edition.build_manifest import cache_dir
from edition.cli import main


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(ROOT, tmp_path_factory.mktemp("memo") / "book")


def build_epub(root: Path, out: Path) -> bytes:
    assert main(["-C", str(root), "build", "epub", "--force", "-o", str(out)]) == 0
    (epub,) = out.glob("*.epub")
    return epub.read_bytes()


def memo_files(root: Path) -> list[Path]:
    return sorted((cache_dir(root) / "memo").glob("*.*"))


def test_rebuild_from_the_memo_gives_the_same_bytes(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("EDITION_NO_MEMO", "1")
    plain = build_epub(project, tmp_path / "plain")
    assert memo_files(project) == []  # turned off: nothing written
    monkeypatch.delenv("EDITION_NO_MEMO")
    first = build_epub(project, tmp_path / "first")  # computes and stores
    kinds = {p.name.rsplit(".", 1)[0] for p in memo_files(project)}
    assert {"cover", "yaml-book.yaml", "yaml-glossary.yaml",
            "yaml-persons.yaml", "yaml-apparatus.yaml",
            "yaml-chapters-01-exile.md-front-matter"} <= kinds
    second = build_epub(project, tmp_path / "second")  # reads
    assert plain == first == second

    # a damaged entry is the same as none
    for p in memo_files(project):
        p.write_bytes(b"\x00not json, not a PNG")
    assert build_epub(project, tmp_path / "damaged") == plain


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
