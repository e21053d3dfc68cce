"""End-to-end: the real edition builds, EPUBCheck (with -u) reports nothing,
the PDF has the expected page size, fonts embedded, and every note is in it."""

from __future__ import annotations

import re
import zipfile

import pytest
from conftest import epubcheck_messages, run_epubcheck


def test_real_epub_passes_epubcheck_with_usage(edition_epubcheck):
    msgs = epubcheck_messages(edition_epubcheck)
    assert msgs == [], "\n".join(msgs)
    assert edition_epubcheck["checker"]["nFatal"] == 0


def test_real_pdf_is_a5_with_embedded_book_face(edition_build):
    from pypdf import PdfReader

    reader = PdfReader(str(edition_build["pdf"]))
    assert len(reader.pages) > 20
    box = reader.pages[0].mediabox
    # A5 = 148 x 210 mm = 419.5 x 595.3 pt
    assert abs(float(box.width) - 419.53) < 1 and abs(float(box.height) - 595.28) < 1
    fonts = set()
    for page in reader.pages[:40]:
        res = page.get("/Resources") or {}
        for f in (res.get("/Font") or {}).values():
            fd = f.get_object()
            desc = fd.get("/FontDescriptor") or (fd.get("/DescendantFonts") or [{}])[0].get_object().get("/FontDescriptor")
            name = str(fd.get("/BaseFont"))
            embedded = desc is not None and any(k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add((name.split("+")[-1], embedded))
    assert any("Garamond" in n for n, _ in fonts), fonts
    assert all(e for _, e in fonts), fonts


def test_epub_has_every_chapter_in_spine(edition_build):
    with zipfile.ZipFile(edition_build["epub"]) as z:
        opf = z.read("EPUB/content.opf").decode()
        assert z.namelist()[0] == "mimetype"
    for slug in ("exile", "sedoff", "shachtman", "hansen", "biography"):
        assert re.search(rf'<itemref idref="ch-{slug}"', opf), slug


def test_small_golden_book_builds_and_passes_epubcheck(small_book):
    small_book.book(["01-one.md", "02-two.md"])
    small_book.chapter("01-one.md", "One", """
        First paragraph with a note.[^1] And an editor's note.[^ed-a]

        ## A section

        “Quoted,” she said; the G.P.U. and the GPU.

        [^1]: The author's note.
        [^ed-a]: The editor explains.
        """, author="A. Author", date="1938", source="test")
    small_book.chapter("02-two.md", "Two", "Just text.\n", author="B. Author", date="1941",
                       source="test")
    proc = small_book.run("build", "epub")
    assert proc.returncode == 0, proc.stderr
    epub = small_book.root / "build" / "small-book.epub"
    report = run_epubcheck(epub)
    assert epubcheck_messages(report) == []
    with zipfile.ZipFile(epub) as z:
        one = z.read("EPUB/one.xhtml").decode()
    assert 'epub:type="noteref"' in one and 'role="doc-noteref"' in one
    assert 'epub:type="footnote"' in one and 'role="doc-footnote"' in one
    assert 'class="note editor"' in one and 'class="note author"' in one
    assert '<abbr class="sc">G.P.U.</abbr>' in one


@pytest.mark.parametrize("target", ["epub", "pdf"])
def test_cli_build_single_target(small_book, target):
    small_book.book(["01-one.md"])
    small_book.chapter("01-one.md", "One", "Text.\n", author="A", date="1", source="s")
    proc = small_book.run("build", target)
    assert proc.returncode == 0, proc.stderr
    assert (small_book.root / "build" / f"small-book.{target}").is_file()
    other = "pdf" if target == "epub" else "epub"
    assert not (small_book.root / "build" / f"small-book.{other}").exists()
