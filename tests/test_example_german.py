"""The third book in the repository (examples/kleines-lesebuch, issue #29 point 2): a German
reader of two public-domain texts, built and checked as the small reader is: `edition check
--strict`, both editions, EPUBCheck, DAISY Ace (skipped locally without it), the PDF read back
(German labels and running heads from the terms, German hyphenation), the editor's SVG cover,
the Textual Notes with the reader's page, and the imports reproduced."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, epubcheck_messages, run_epubcheck

EXAMPLE = ROOT / "examples" / "kleines-lesebuch"


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    return subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=900, cwd=ROOT)


def copy_example(dest: Path) -> Path:
    root = dest / "kleines-lesebuch"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("build", ".cache"))
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    root = copy_example(tmp_path_factory.mktemp("lesebuch"))
    out = root.parent / "out"
    r = run(root, "build", "all", "-o", str(out))
    assert r.returncode == 0, r.stderr
    return {"root": root, "out": out, "epub": out / "kleines-lesebuch.epub",
            "pdf": out / "kleines-lesebuch.pdf"}


def test_german_example_checks_clean(tmp_path):
    r = run(copy_example(tmp_path), "check", "--strict")
    assert r.returncode == 0, r.stderr
    assert "0 error(s), 0 warning(s)" in r.stderr


def test_german_epub_passes_epubcheck_in_german(built):
    msgs = [m for m in epubcheck_messages(run_epubcheck(built["epub"])) if not m.startswith("INFO")]
    assert msgs == [], "\n".join(msgs)
    with zipfile.ZipFile(built["epub"]) as z:
        opf = z.read("EPUB/content.opf").decode()
        nav = z.read("EPUB/nav.xhtml").decode()
        intro = z.read("EPUB/einleitung.xhtml").decode()
        cover = z.read("EPUB/cover.xhtml").decode()
        svg = z.read("EPUB/images/cover.svg")
        title = z.read("EPUB/titlepage.xhtml").decode()
    assert '<package xml:lang="de"' in opf and "<dc:language>de</dc:language>" in opf
    assert re.search(r'<item [^>]*href="images/cover.svg"[^>]*media-type="image/svg\+xml"[^>]*'
                     r'properties="cover-image"|<item [^>]*href="images/cover.svg"[^>]*properties="cover-image"', opf)
    assert svg == (EXAMPLE / "images" / "umschlag.svg").read_bytes()
    assert 'alt="Umschlag: »Kleines Lesebuch« in dunkler Schrift' in cover
    assert '<meta property="belongs-to-collection" id="series">Beispielbücher für edition</meta>' in opf
    assert '<h1 id="toc-title">Inhalt</h1>' in nav
    assert '<span lang="en" xml:lang="en">waste books</span>' in intro
    assert "Anmerkung des Herausgebers" in intro
    assert ('<p class="book-authors">Georg Christoph Lichtenberg und Johann Wolfgang von Goethe</p>'
            in title) and "Herausgegeben von Erika Mustermann" in title


def test_german_pdf_reads_back_in_german(built):
    text = subprocess.run(["pdftotext", "-layout", str(built["pdf"]), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")
    flat = " ".join(text.split())
    assert "Alles auf einmal tun wollen zerstört alles auf einmal." in flat
    assert "schützen uns dagegen" in flat and "schützen und dagegen wie" not in flat.split("Textkritische")[0]
    for label in ("Inhalt", "Textkritische Anmerkungen", "Quellen und Dank", "Anm. d. Hrsg.",
                  "Herausgegeben von Erika Mustermann", "Beispielbücher für edition, Band 2",
                  "Erste Ausgabe, 2026"):
        assert label in flat, label
    assert "Edition " not in flat and "Contents" not in flat and "Sources and Acknowledgements" not in flat
    # the versos' running heads: the book's short title (the sections' own heads, from the
    # terms, are checked in test_terms.py::test_running_heads_come_from_the_terms)
    heads = [p.strip().splitlines()[0].strip() for p in pages if p.strip()]
    assert "4 Kleines Lesebuch" in [" ".join(h.split()) for h in heads], heads
    # the Textual Notes give the reader's page of the correction, and no file, line or checksum
    notes = flat.split("Textkritische Anmerkungen Was diese Ausgabe")[1]
    m = re.search(r"S\. (\d+) schützen uns dagegen \] schützen und dagegen Tippfehler", notes)
    assert m, notes[:800]
    from pypdf import PdfReader

    reader = PdfReader(built["pdf"])  # the page labels are the printed folios
    at = next(i for i, pg in enumerate(reader.pages)
              if "schützen uns dagegen wie" in " ".join(pg.extract_text().split()))
    assert reader.page_labels[at] == m.group(1), (reader.page_labels, at)
    assert ".txt" not in notes and "sha256" not in notes.lower() and "29227" not in notes
    # the % lines between the aphorisms divide pieces by the separator rule of sources.yaml:
    # one rule, not a removal listed line by line
    assert "%" not in notes and "Beiwerk der Vorlage: -- Georg Christoph Lichtenberg (12×)" in notes


def test_german_record_keeps_files_and_checksums(built):
    record = json.loads((built["out"] / "kleines-lesebuch.record.json").read_text())
    files = {s["source"]["file"]: s for s in record["sources"]}
    assert set(files) == {"lichtenberg.txt", "goethe-maximen.txt"}
    import hashlib

    for name, s in files.items():
        data = (EXAMPLE / "sources" / name).read_bytes()
        assert s["source"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert files["goethe-maximen.txt"]["applied"][0]["line"] == 37


def test_german_imports_are_reproduced(tmp_path):
    root = copy_example(tmp_path)
    before = {p.name: p.read_text(encoding="utf-8") for p in (root / "chapters").glob("0[12]-*.md")}
    r = run(root, "import", "--all", "--force")
    assert r.returncode == 0, r.stderr
    for name, text in before.items():
        assert (root / "chapters" / name).read_text(encoding="utf-8") == text, name


def test_german_example_in_ace(built):
    from test_epub_readers import run_ace, violations

    proc, report = run_ace(built["epub"], "lesebuch")
    assert violations(report) == [], "\n".join(violations(report))
    assert report["earl:result"]["earl:outcome"] == "pass"
