"""The build cache (edition/build_manifest.py): an unchanged output is skipped, any changed input
(chapter, CSS, font, configuration, code, environment, options) rebuilds it, and a
deleted or edited output is built again.  No timing is asserted here: speed lives in
``make bench``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SmallBook

from edition import build_manifest
from edition.cli import main

ONE = "Some text with a note.[^1]\n\n[^1]: The note.\n"


@pytest.fixture
def book(tmp_path, monkeypatch) -> SmallBook:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    b = SmallBook(tmp_path / "book")
    b.book(["01-one.md"])
    b.chapter("01-one.md", "One", ONE)
    return b


def build(book: SmallBook, capsys, *args: str) -> tuple[int, list[str], str]:
    """Run ``edition build`` in this process; return (status, output lines, stderr)."""
    capsys.readouterr()
    status = main(["-C", str(book.root), "build", *args])
    out = capsys.readouterr()
    return status, out.out.splitlines(), out.err


def wrote(lines: list[str]) -> list[str]:
    return sorted(Path(x.split(" ", 1)[1]).name for x in lines if x.startswith("wrote "))


def skipped(lines: list[str]) -> list[str]:
    return sorted(Path(x.split(" ")[3]).name for x in lines if x.startswith("up to date: "))


def flip_byte(path: Path, offset: int = -1) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_second_build_is_skipped_and_force_rebuilds(book, capsys):
    status, lines, _ = build(book, capsys, "epub")
    assert status == 0 and wrote(lines) == ["small-book.epub"]
    epub = book.root / "build" / "small-book.epub"
    before = (epub.read_bytes(), epub.stat().st_mtime_ns)
    status, lines, _ = build(book, capsys, "epub")
    assert status == 0 and wrote(lines) == [] and skipped(lines) == ["small-book.epub"]
    assert (epub.read_bytes(), epub.stat().st_mtime_ns) == before  # not even rewritten
    from edition.trust import unseal  # sealed with this machine's key (#27)

    manifest = json.loads(unseal((build_manifest.cache_dir(book.root) / build_manifest.MANIFEST).read_bytes()))
    assert [v["output"] for v in manifest["outputs"].values()] == [str(epub.resolve())]
    status, lines, _ = build(book, capsys, "epub", "--force")
    assert status == 0 and wrote(lines) == ["small-book.epub"]
    assert epub.read_bytes() == before[0]  # same input, same bytes


@pytest.mark.parametrize("change", ["chapter", "css", "font", "book.yaml", "sources", "new-yaml"])
def test_one_changed_byte_rebuilds(book, capsys, change):
    assert wrote(build(book, capsys, "epub")[1]) == ["small-book.epub"]
    if change == "chapter":
        flip_byte(book.root / "chapters" / "01-one.md", -3)  # "note." -> "notd."
    elif change == "css":
        flip_byte(book.root / "styles" / "epub.css", -2)  # the last "}" -> "|"
    elif change == "font":
        flip_byte(book.root / "styles" / "fonts" / "EBGaramond-Regular.ttf", -100)  # in a glyph
    elif change == "book.yaml":
        text = (book.root / "book.yaml").read_text()
        (book.root / "book.yaml").write_text(text.replace("Test Editor", "Test Editer"))
    elif change == "sources":
        book.write("sources/corrections/x.yaml", "# a correction file\n")
    else:
        book.write("persons.yaml", "persons: []\n")
    status, lines, err = build(book, capsys, "epub")
    assert status == 0, err
    assert wrote(lines) == ["small-book.epub"], (change, lines)
    assert skipped(build(book, capsys, "epub")[1]) == ["small-book.epub"]


def test_chapter_change_shows_in_the_rebuilt_output(book, capsys):
    import zipfile

    build(book, capsys, "epub")
    book.chapter("01-one.md", "One", ONE.replace("Some text", "Other text"))
    build(book, capsys, "epub")
    with zipfile.ZipFile(book.root / "build" / "small-book.epub") as z:
        text = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
    assert "Other text" in text and "Some text" not in text


@pytest.mark.parametrize("damage", ["delete", "edit"])
def test_deleted_or_edited_output_is_rebuilt(book, capsys, damage):
    build(book, capsys, "epub")
    epub = book.root / "build" / "small-book.epub"
    good = epub.read_bytes()
    if damage == "delete":
        epub.unlink()
    else:
        flip_byte(epub, 100)
    assert wrote(build(book, capsys, "epub")[1]) == ["small-book.epub"]
    assert epub.read_bytes() == good


def test_environment_and_options_are_inputs(book, capsys, monkeypatch):
    build(book, capsys, "epub")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert wrote(build(book, capsys, "epub")[1]) == ["small-book.epub"]
    out = book.root / "elsewhere"
    assert wrote(build(book, capsys, "epub", "-o", str(out))[1]) == ["small-book.epub"]
    assert skipped(build(book, capsys, "epub", "-o", str(out))[1]) == ["small-book.epub"]
    # the PDF's page size and print-shop variant are separate outputs with their own keys
    p = build_manifest.plan(book.root, None, ["epub", "pdf"])
    assert p.stale == ["pdf"] and list(p.fresh) == ["epub"]
    p.remember("pdf", book.root / "build" / "x.pdf", b"%PDF", [], [])
    assert len({p.keys["pdf"], build_manifest.plan(book.root, None, ["pdf"], page_size="A4").keys["pdf"],
                build_manifest.plan(book.root, None, ["pdf"], print_shop=True).keys["pdf"]}) == 3


def test_python_code_is_an_input(book, capsys, tmp_path, monkeypatch):
    """A changed byte in any module of the edition package changes every key."""
    code = tmp_path / "edition-code"
    shutil.copytree(build_manifest.PACKAGE, code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(build_manifest, "PACKAGE", code)
    build(book, capsys, "epub")
    assert build_manifest.plan(book.root, None, ["epub"]).stale == []
    flip_byte(code / "render" / "epub.py")  # the final newline of one module
    assert build_manifest.plan(book.root, None, ["epub"]).stale == ["epub"]
    assert wrote(build(book, capsys, "epub")[1]) == ["small-book.epub"]
    assert build_manifest.plan(book.root, None, ["epub"]).stale == []
    (code / "new_module.py").write_text("X = 1\n")
    assert build_manifest.plan(book.root, None, ["epub"]).stale == ["epub"]


def test_skipped_build_reports_the_same_warnings_and_strict_fails(book, capsys):
    book.write("glossary.yaml", "entries:\n  - id: kadets\n    headword: Kadets\n"
               "    category: organisation\n    forms: [Kadet]\n    definition: Constitutional Democrats.\n")
    status, lines, err1 = build(book, capsys, "epub")
    warnings = [x for x in err1.splitlines() if ": warning: " in x]
    assert status == 0 and any("[glossary.unused]" in x for x in warnings), err1
    status, lines, err2 = build(book, capsys, "epub")
    assert status == 0 and skipped(lines) == ["small-book.epub"]
    assert [x for x in err2.splitlines() if ": warning: " in x] == warnings
    status, lines, err3 = build(book, capsys, "epub", "--strict")
    assert status == 1 and "nothing was written" in err3 and lines == []


def test_damaged_manifest_means_a_rebuild(book, capsys):
    build(book, capsys, "epub")
    (build_manifest.cache_dir(book.root) / build_manifest.MANIFEST).write_text("{not json")
    status, lines, err = build(book, capsys, "epub")
    assert status == 0 and wrote(lines) == ["small-book.epub"] and "Traceback" not in err
    assert skipped(build(book, capsys, "epub")[1]) == ["small-book.epub"]


def test_failed_build_records_nothing(book, capsys):
    book.write("chapters/01-one.md", "no front matter\n")
    status, _, err = build(book, capsys, "epub")
    assert status == 1 and "chapter.front-matter" in err
    # no manifest entry and no output (the memo may keep book.yaml's validated contents)
    assert not (build_manifest.cache_dir(book.root) / build_manifest.MANIFEST).exists() and not (book.root / "build").exists()


def test_noop_build_imports_neither_the_pipeline_nor_weasyprint(book):
    env_run = [sys.executable, "-c",
               "import sys; from edition.cli import main; s = main(sys.argv[1:]); "
               "print(sorted(m for m in ('weasyprint', 'edition.pipeline', 'edition.importers.run', "
               "'ebooklib', 'markdown_it') if m in sys.modules)); sys.exit(s)",
               "-C", str(book.root), "build", "all"]
    first = subprocess.run(env_run, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert first.returncode == 0, first.stderr
    assert "weasyprint" in first.stdout  # the check below can see an import
    # from another folder (another sys.path[0]): the key does not depend on it
    # (PYTHONPATH: this checkout's package, not whichever one the environment installed)
    second = subprocess.run(env_run, capture_output=True, text=True, cwd=book.root, timeout=900,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines()[-1] == "[]", second.stdout
    assert second.stdout.count("up to date: ") == 2
