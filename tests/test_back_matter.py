"""The editor chooses the back matter (issue #29 point 5): which parts and in what order (the
index last by default); the Textual Notes and Sources speak to readers (the page of each
correction, no file names, source lines, patterns or checksums), which go to the
machine-readable record beside the editions."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT

from edition.diagnostics import Reporter
from edition.pipeline import load_book
from edition.render.html import Writer

EXAMPLE = ROOT / "examples" / "small-reader"


def edition(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    return subprocess.run([sys.executable, "-m", "edition.cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=600)


def spine(epub: Path) -> list[str]:
    with zipfile.ZipFile(epub) as z:
        opf = z.read("EPUB/content.opf").decode()
    return re.findall(r'<itemref idref="([^"]+)"', opf)


def test_index_last_by_default_and_the_editors_choice_and_order(tmp_path):
    book = tmp_path / "b"
    assert edition("new", str(book)).returncode == 0
    r = edition("-C", str(book), "build", "epub")
    assert r.returncode == 0, r.stderr
    order = spine(book / "build" / "b.epub")
    assert order[-1] == "index" and order.index("glossary") < order.index("persons") < order.index("index")
    text = (book / "book.yaml").read_text()
    (book / "book.yaml").write_text(text + "back_matter: [register, index]\n")
    r = edition("-C", str(book), "build", "epub", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    order = spine(tmp_path / "out" / "b.epub")
    assert "glossary" not in order and order[-2:] == ["persons", "index"], order
    with zipfile.ZipFile(tmp_path / "out" / "b.epub") as z:
        letter = z.read("EPUB/letter.xhtml").decode()
    assert "glossary.xhtml" not in letter  # a glossary not printed is not linked


def test_back_matter_names_are_checked(tmp_path):
    book = tmp_path / "b"
    assert edition("new", str(book)).returncode == 0
    text = (book / "book.yaml").read_text()
    (book / "book.yaml").write_text(text + "back_matter: [glossary, indexes]\n")
    line = len(text.splitlines()) + 1
    r = edition("-C", str(book), "check")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"book.yaml:{line}: error: 'back_matter.1'" in r.stderr, r.stderr
    (book / "book.yaml").write_text(text + "back_matter: [glossary, index]\n")
    r = edition("-C", str(book), "check")
    assert r.returncode == 1 and "list 'register' too" in r.stderr, r.stderr


def test_sources_speak_to_readers_and_the_record_keeps_files_and_checksums(tmp_path):
    root = tmp_path / "small-reader"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("build", ".cache"))
    r = edition("-C", str(root), "build", "epub", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    record = json.loads((tmp_path / "out" / "three-short-texts.record.json").read_text())
    by_id = {s["source"]["id"]: s for s in record["sources"]}
    gettysburg = by_id["gettysburg"]
    assert gettysburg["source"]["file"] == "gettysburg.html" and len(gettysburg["source"]["sha256"]) == 64
    assert any("strip pattern" in rm["reason"] and rm["line"] == 33 for rm in gettysburg["removed"])
    with zipfile.ZipFile(tmp_path / "out" / "three-short-texts.epub") as z:
        printed = z.read("EPUB/sources.xhtml").decode() + z.read("EPUB/textual-notes.xhtml").decode()
    for s in record["sources"]:
        assert s["source"]["sha256"] not in printed and s["source"]["file"] not in printed
    assert "strip pattern" not in printed and "SHA-256" not in printed
    assert "Home | Speeches | Search" in printed  # what was left out, as the reader can judge it


def test_textual_notes_give_the_readers_pages(tmp_path):
    from bench.books import copy_project

    root = copy_project(ROOT, tmp_path / "book")
    book = load_book(root, Reporter())
    recs = [r for r in book.import_records if r.applied]
    assert recs
    total = sum(len(r.applied) for r in recs)
    found = sum(len(r.anchors) for r in recs)
    assert found >= total * 0.75, (found, total)  # most readings are found in their paragraph (221 of 276)
    ebook = {d.id: d for d in Writer(book, notes="end", href=lambda a: "#" + a).documents()}
    body = "".join(d.body for d in ebook.values())
    for r in recs:
        for anchor in r.anchors.values():
            assert f'id="{anchor}"' in body and f'href="#{anchor}"' in ebook["textual-notes"].body
    pages = {a: "42" for r in recs for a in r.anchors.values()}
    printed = Writer(book, notes="inline", href=lambda a: "#" + a, page_of=pages,
                     print_edition=True).documents()
    notes = next(d for d in printed if d.id == "textual-notes").body
    assert notes.count('<span class="tn-line">p.\u00a042</span>') == found
    assert not re.search(r"\.txt|\.html|\.pdf|Source file", notes)
