"""The print edition in its own faces on every machine, and a PDF that viewers,
copy-and-paste and screen readers read right (read back with poppler and pypdf)."""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT
from test_pdf import HEAD_BAND, folio

from edition.diagnostics import Reporter
from edition.pipeline import load_book

FONTS = ROOT / "edition" / "data" / "styles" / "fonts"


def shipped_face_names() -> set[str]:
    from fontTools.ttLib import TTFont

    names = set()
    for f in FONTS.glob("*.ttf"):
        names.add(TTFont(f, lazy=True)["name"].getDebugName(6))
    return names


def embedded_faces(pdf: Path) -> set[str]:
    """The PostScript names inside the font programs the PDF embeds (a subset keeps the
    name table of the file it was cut from)."""
    import io

    from fontTools.ttLib import TTFont
    from pypdf import PdfReader

    names = set()
    seen: set[int] = set()
    for page in PdfReader(str(pdf)).pages:
        for f in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            fd = f.get_object()
            desc = fd.get("/FontDescriptor") or fd["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            desc = desc.get_object()
            stream = desc.get("/FontFile2") or desc.get("/FontFile3") or desc.get("/FontFile")
            assert stream is not None, fd
            if stream.idnum in seen:
                continue
            seen.add(stream.idnum)
            font = TTFont(io.BytesIO(stream.get_object().get_data()))
            names.add(font["name"].getDebugName(6))
    return names


def test_pdffonts_lists_only_the_book_faces(edition_build):
    out = subprocess.run(["pdffonts", str(edition_build["pdf"])], capture_output=True, text=True,
                         check=True).stdout
    rows = [r for r in out.splitlines()[2:] if r.strip()]
    assert rows and all(r.split()[0].split("+", 1)[-1].startswith("EB-Garamond") for r in rows), out


def test_every_embedded_face_is_one_the_repository_ships(edition_build):
    faces = embedded_faces(edition_build["pdf"])
    shipped = shipped_face_names()
    assert faces, "no font in the PDF"
    assert faces <= shipped, f"faces not shipped in styles/fonts: {faces - shipped}"
    assert "EBGaramond-Regular" in faces and "EBGaramond-Italic" in faces
    assert (FONTS / "OFL.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE") == 1


def test_the_faces_have_true_small_capitals_and_old_style_figures():
    from fontTools.ttLib import TTFont

    for f in FONTS.glob("*.ttf"):
        feats = {r.FeatureTag for r in TTFont(f, lazy=True)["GSUB"].table.FeatureList.FeatureRecord}
        assert {"smcp", "c2sc", "onum"} <= feats, f.name


def test_a_machine_without_fonts_makes_the_same_pdf(tmp_path, source_date_epoch):
    """fontconfig told of no font directory at all: the PDF is byte for byte the same.

    Shown on a small book set in every face the repository ships (regular, italic,
    semibold, semibold italic; small capitals, notes, headings, a letter), not on the real
    edition, whose second full layout cost three minutes of the suite: the real edition's
    faces are all shipped ones (:func:`test_every_embedded_face_is_one_the_repository_ships`),
    and pdffonts finds no other (:func:`test_pdffonts_lists_only_the_book_faces`)."""
    from test_pdf import make_notes_book

    book = make_notes_book(tmp_path / "book")
    book.write("chapters/03-three.md", (book.root / "chapters" / "03-three.md").read_text(encoding="utf-8")
               + "\nIn *italic*, in **semibold**, in ***semibold italic***, and the G.P.U. "
               "in 1905\u20131906.\n")
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n', encoding="utf-8")
    listed = subprocess.run(["fc-list"], capture_output=True, text=True,
                            env=dict(os.environ, FONTCONFIG_FILE=str(conf)))
    assert listed.stdout.strip() == "", "the empty configuration still lists fonts"
    pdfs = []
    for name, extra in (("usual", {}), ("no-fonts", {"FONTCONFIG_FILE": str(conf)})):
        out = tmp_path / name
        proc = book.run("build", "pdf", "-o", str(out), env={"SOURCE_DATE_EPOCH": source_date_epoch, **extra})
        assert proc.returncode == 0, proc.stderr
        pdfs.append(next(out.glob("*.pdf")))
    assert embedded_faces(pdfs[0]) == shipped_face_names()  # every shipped face is in the test
    assert pdfs[1].read_bytes() == pdfs[0].read_bytes()


def test_pdf_metadata_names_the_documents_authors_and_the_build_date(edition_build,
                                                                      source_date_epoch):
    from datetime import UTC, datetime

    from pypdf import PdfReader

    reader = PdfReader(str(edition_build["pdf"]))
    book = load_book(ROOT, Reporter())
    authors = [ch.meta.author for ch in book.chapters if ch.meta.kind == "document"]
    info = reader.metadata
    assert info.author and "Leon Trotsky" in info.author and "Joseph Hansen" in info.author
    assert all(a in info.author for a in authors if a and not a.startswith("Anonymous"))
    if book.meta.editor:
        assert book.meta.editor not in info.author
    when = datetime.fromtimestamp(int(source_date_epoch), UTC)
    assert info.creation_date.replace(tzinfo=UTC) == when
    root = reader.trailer["/Root"]
    # no claim the tag tree does not meet (docs/decisions.md)
    xmp = root["/Metadata"].get_object().get_data().decode() if "/Metadata" in root else ""
    assert "pdfuaid" not in xmp


def test_viewers_show_the_printed_folios(edition_build, edition_pdf_pages):
    """/PageLabels: every page whose folio is printed carries that folio as its label."""
    from pypdf import PdfReader

    labels = PdfReader(str(edition_build["pdf"])).page_labels
    pages = edition_pdf_pages
    assert len(labels) == len(pages)
    checked = 0
    for p in pages:
        f = folio(p, HEAD_BAND)
        if f is not None:
            assert labels[p.index] == f, (p.number, labels[p.index], f)
            checked += 1
    assert checked > len(pages) // 2
    assert labels[0] == "i" and "1" in labels and labels.index("1") > 0


# -- copy, search, read aloud -----------------------------------------------------------
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00a0": " ", "\u202f": " ",
                         "\u2009": " "})


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = re.sub(r"[^\w' ]+", " ", text)  # punctuation (and the digits of note calls, below)
    text = re.sub(r"(?<=[^\W\d])\d+", " ", text)  # a note call glued to its word
    return re.sub(r"\s+", " ", text).strip()


def chapter_sentences(book) -> list[tuple[str, str]]:
    """(chapter slug, sentence) for the sentences of every chapter's paragraphs, as the
    model holds them (notes left out), long enough to be unambiguous."""
    out = []
    for ch in book.chapters:
        for t in ch.tokens:
            if t.type != "inline" or not t.children:
                continue
            text = "".join(c.content if c.type == "text" else " " if c.type == "softbreak" else ""
                           for c in t.children)
            for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“])", text):
                words = _norm(s).split()
                if len(words) >= 8:
                    out.append((ch.slug, " ".join(words)))
    return out


@pytest.fixture(scope="module")
def pdf_text(edition_build) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(edition_build["pdf"]), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_extracted_text_reads_as_the_chapters(pdf_text):
    """pdftotext of the whole book against every chapter's own sentences: small capitals
    come out as written, words hyphenated at a line end whole, no glossary mark."""
    book = load_book(ROOT, Reporter())
    sentences = chapter_sentences(book)
    flat = " " + _norm(pdf_text) + " "
    found = [s for _, s in sentences if f" {s} " in flat]
    missing = [(slug, s) for slug, s in sentences if f" {s} " not in flat]
    # a sentence that runs across a page break has the running head, the folio and the
    # page's notes inside it in the extracted text; everything else must be found
    assert len(found) >= 800, len(found)
    assert len(missing) <= len(sentences) * 0.12, missing[:10]
    for needle in ("Contents", "Leon Trotsky", "Joseph Hansen", "Introduction"):
        assert needle in pdf_text, needle
    assert "\u2010" not in pdf_text  # the line-end hyphen is the ASCII one, joined on copy
    # the glossary mark is drawn, not a character: the only ° are those the text writes
    from edition.render.html import Writer

    w = Writer(book, notes="inline", href=lambda a: "#" + a, print_edition=True)
    written = sum(re.sub(r"<[^>]+>", "", d.body).count("°") for d in w.documents())
    assert pdf_text.count("°") == written, (pdf_text.count("°"), written)
    assert not re.search(r"\b[a-z]+[A-Z]{2,}[a-z]*\b", pdf_text.replace("McC", "")), \
        re.findall(r"\b[a-z]+[A-Z]{2,}[a-z]*\b", pdf_text)[:5]  # "c onTenTs", "TroTsky"


def test_hyphenated_words_come_out_whole(pdf_text, edition_pdf_pages):
    """Every word hyphenated at a line end in print comes out whole in the extracted text
    (but for compounds broken at their own hyphen)."""
    pairs = []
    for p in edition_pdf_pages:
        lines = p.lines(p.body_chars(HEAD_BAND))
        for a, b in zip(lines, lines[1:], strict=False):
            m, n = re.search(r"([A-Za-z]+)-$", a.strip()), re.match(r"([a-z]+)", b.strip())
            if m and n:
                pairs.append(m.group(1) + n.group(1))
    assert len(pairs) > 50, pairs
    words = set(re.findall(r"[A-Za-z]+", pdf_text))
    cut = [w for w in pairs if w not in words]
    assert len(cut) <= len(pairs) * 0.05, cut


# -- what the lines look like -------------------------------------------------------------
def test_lines_are_set_as_a_typographer_would(edition_build):
    """Justified lines with a word gap over 1.2 em: under 3 per 1,000; no word stranded
    alone on a line in mid-paragraph (bench/lines.py reads them back)."""
    from bench.lines import measure

    report = measure(str(edition_build["pdf"]))
    assert report.justified > 2000, report.summary()
    assert report.loose_per_1000 < 3, report.summary() + "".join(
        f"\n p{ln.page}: {ln.text}" for ln in report.loose)
    assert report.stranded == [], report.summary() + "".join(
        f"\n p{ln.page}: {ln.text}" for ln in report.stranded)


def test_the_title_page_breaks_where_a_typographer_would(edition_pdf_pages):
    pages = edition_pdf_pages
    title_page = next(p for p in pages[:4] if "Edited" in p.text() or "Study" in p.text())
    lines = title_page.lines(title_page.chars)
    for ln in lines:
        assert not re.search(r"\d[–-]$", ln.strip()), lines  # a range is never split
        assert len(ln.split()) != 1 or len(lines) == 1, lines  # never one word alone


# -- notes say whose they are ----------------------------------------------------------------
def test_translators_notes_are_marked_in_print(pdf_text):
    book = load_book(ROOT, Reporter())
    translator = [n for ch in book.chapters for n in ch.notes if n.kind == "translator"]
    assert translator, "the reader has translator's notes"
    flat = re.sub(r"\s+", " ", pdf_text)
    for n in translator:
        first = "".join(c.content for t in n.tokens if t.type == "inline"
                        for c in t.children or [] if c.type == "text")
        words = " ".join(first.split()[:4])
        assert re.search(rf"{n.number}\. Trans\. {re.escape(words)}", flat), (n.number, words)


def test_a_character_the_faces_lack_is_warned_at_its_line(small_book):
    small_book.book(["01-one.md"])
    small_book.chapter("01-one.md", "One", "First line.\n\nA Korean word: 한국어 here.\n",
                       author="A. Author")
    proc = small_book.run("build", "pdf")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"chapters/01-one\.md:\d+: warning: .*U\+D55C.*\[pdf\.glyph\]", proc.stderr), \
        proc.stderr
    assert "styles/print.css" not in proc.stderr


def test_weasyprints_css_warnings_point_at_the_style_sheets_line(small_book):
    """WeasyPrint's own warnings about a book's print.css (a property it does not know, a
    file it cannot load) name the line of the sheet, not the sheet alone."""
    small_book.book(["01-one.md"])
    small_book.chapter("01-one.md", "One", "First line.\n", author="A. Author")
    lines = (ROOT / "edition" / "data" / "styles" / "print.css").read_text().splitlines()
    lines[14:14] = ["p { colr: red; }", "body { background: url(missing-paper.png); }"]
    small_book.write("styles/print.css", "\n".join(lines) + "\n")
    proc = small_book.run("build", "pdf")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^styles/print\.css:15: warning: Ignored `colr: ?red` .*\[pdf\.css\]$",
                     proc.stderr, re.M), proc.stderr
    assert re.search(r"^styles/print\.css:16: warning: Failed to load image at "
                     r"'styles/missing-paper\.png'.*\[pdf\.css\]$", proc.stderr, re.M), proc.stderr
    assert str(small_book.root) not in proc.stderr  # paths inside the project, as the editor sees them
