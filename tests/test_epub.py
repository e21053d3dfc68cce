"""The EPUB on a small golden book that uses every feature (notes of all three
kinds, a letter, an extract, h2/h3 sections, a translator, front matter) and on
the real edition: EPUBCheck -u reports nothing, the package metadata, the
markup of notes, headings and landmarks, the cover, the styles, and identical
bytes on rebuild."""

from __future__ import annotations

import datetime
import io
import os
import re
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, SmallBook, epubcheck_messages, run_epubcheck
from lxml import etree

SDE = "1700000000"
NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

GOLDEN_EXTRA = """\
subtitle: Letters and Extracts, 1938–1941
description: A golden book for the EPUB tests.
subjects:
  - Testing
  - Books
rights: Editorial matter may be freely copied.
"""

LETTER = """
    An author’s note.[^1] A translator’s note.[^tr-a] An editor’s note.[^ed-a]

    ## A section

    The G.P.U. wrote to the N.K.V.D.:

    ::: letter
    Dear friend,

    This is the letter.[^2]
    :::

    ### A subsection

    ::: extract
    An extract from a newspaper of the time.
    :::

    Closing words, calling the first note again.[^1]

    ## Another section

    The end.

    [^1]: The author’s own note.
    [^2]: A second note of the author’s,

        in two paragraphs.
    [^tr-a]: The translator explains a word.
    [^ed-a]: The editor explains a fact.
    """

GLOSSARY = """\
entries:
  - id: gpu
    headword: G.P.U.
    category: organisation
    forms: [G.P.U.]
    definition: The Soviet political police.
"""

FILLER = "\n\n".join(
    f"Paragraph {i}. " + "The exile went on from one country to the next, and the letters with it. " * 8
    for i in range(1, 31))


def write_golden(root: Path) -> SmallBook:
    b = SmallBook(root)
    b.book(["01-intro.md", "02-letter.md", "03-long.md"], extra=GOLDEN_EXTRA)
    b.chapter("01-intro.md", "Introduction", "A word from the editor.[^ed-w]\n\n[^ed-w]: Said once.\n",
              role="front", kind="editorial")
    b.chapter("02-letter.md", "A Letter", LETTER, author="A. Author", translator="T. Translator",
              date="1938", original_publication="Pamphlet, 1938", source="test", rights="not stated")
    b.chapter("03-long.md", "A Long Text", FILLER + "\n", author="B. Author", date="1941",
              original_publication="Newspaper, 1941", source="test")
    b.write("glossary.yaml", GLOSSARY)
    return b


def build(book: SmallBook, out: Path, epoch: str = SDE) -> Path:
    proc = book.run("build", "epub", "-o", str(out), env={"SOURCE_DATE_EPOCH": epoch})
    assert proc.returncode == 0, proc.stderr
    (epub,) = out.glob("*.epub")
    return epub


def golden_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("golden")
    return build(write_golden(root / "book"), root / "out")


@pytest.fixture(scope="session")
def golden(tmp_path_factory) -> Path:
    return golden_epub(tmp_path_factory)


def real_epub(out: Path, epoch: str = SDE) -> Path:
    proc = subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(ROOT), "build", "epub",
                           "-o", str(out)], capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, SOURCE_DATE_EPOCH=epoch))
    assert proc.returncode == 0, proc.stderr
    (epub,) = out.glob("*.epub")
    return epub


@pytest.fixture(scope="session")
def real(tmp_path_factory) -> Path:
    return real_epub(tmp_path_factory.mktemp("real-epub"))


def read(epub: Path, name: str) -> bytes:
    with zipfile.ZipFile(epub) as z:
        return z.read(name)


def opf(epub: Path) -> etree._Element:
    return etree.fromstring(read(epub, "EPUB/content.opf"))


def xhtml_docs(epub: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}


def metas(pkg: etree._Element, prop: str) -> list[str]:
    return [m.text or "" for m in pkg.findall(f"opf:metadata/opf:meta[@property='{prop}']", NS)]


# -- checkers ------------------------------------------------------------------

def test_golden_book_passes_epubcheck_with_usage(golden):
    report = run_epubcheck(golden)
    assert epubcheck_messages(report) == [], "\n".join(epubcheck_messages(report))
    assert report["checker"]["nFatal"] == 0 and report["checker"]["nUsage"] == 0


def test_real_epub_passes_epubcheck_with_usage(real):
    report = run_epubcheck(real)
    assert epubcheck_messages(report) == [], "\n".join(epubcheck_messages(report))


# -- package metadata ------------------------------------------------------------

def test_opf_metadata(golden):
    pkg = opf(golden)
    md = pkg.find("opf:metadata", NS)
    assert pkg.get(XML_LANG) == "en"
    titles = md.findall("dc:title", NS)
    assert [t.text for t in titles] == ["A Small Book", "Letters and Extracts, 1938–1941"]
    refines = {(m.get("refines"), m.get("property")): m.text for m in md.findall("opf:meta", NS)}
    assert refines[("#" + titles[0].get("id"), "title-type")] == "main"
    assert refines[("#" + titles[1].get("id"), "title-type")] == "subtitle"

    def people(tag: str) -> dict[str, str]:
        return {e.text: refines[("#" + e.get("id"), "role")] for e in md.findall(f"dc:{tag}", NS)}
    # the documents' authors are the creators (issue #19), the editor a contributor
    assert people("creator") == {"A. Author": "aut", "B. Author": "aut"}
    assert people("contributor") == {"T. Translator": "trl", "Test Editor": "edt"}
    assert [refines[("#" + e.get("id"), "file-as")] for e in md.findall("dc:creator", NS)] == \
        ["Author, A.", "Author, B."]
    assert md.findtext("dc:language", namespaces=NS) == "en"
    ident = md.find("dc:identifier", NS)
    assert pkg.get("unique-identifier") == ident.get("id")
    assert ident.text == "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "edition:small-book:A Small Book"))
    modified = datetime.datetime.fromtimestamp(int(SDE), datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert metas(pkg, "dcterms:modified") == [modified]
    sources = [s.text for s in md.findall("dc:source", NS)]
    assert sources == ["A. Author, “A Letter”, Pamphlet, 1938", "B. Author, “A Long Text”, Newspaper, 1941"]
    assert md.findtext("dc:rights", namespaces=NS) == "Editorial matter may be freely copied."
    assert md.findtext("dc:description", namespaces=NS) == "A golden book for the EPUB tests."
    assert [s.text for s in md.findall("dc:subject", NS)] == ["Testing", "Books"]


def test_accessibility_metadata(golden):
    pkg = opf(golden)
    assert set(metas(pkg, "schema:accessMode")) == {"textual", "visual"}
    assert metas(pkg, "schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder", "alternativeText"} <= set(
        metas(pkg, "schema:accessibilityFeature"))
    # no print page numbers: built without the PDF, the golden book has no page-list
    assert "printPageNumbers" not in metas(pkg, "schema:accessibilityFeature")
    assert metas(pkg, "schema:accessibilityHazard") == ["none"]
    assert len(metas(pkg, "schema:accessibilitySummary")[0]) > 80
    assert metas(pkg, "dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    # no certification: a build runs no checker, so it names no one as having evaluated it
    assert metas(pkg, "a11y:certifiedBy") == [] and metas(pkg, "a11y:certifierCredential") == []
    summary = metas(pkg, "schema:accessibilitySummary")[0]
    assert "checked" not in summary and "EPUBCheck" not in summary and "Ace" not in summary


def test_identifier_is_stable_and_modified_follows_source_date_epoch(tmp_path):
    book = write_golden(tmp_path / "book")
    a = opf(build(book, tmp_path / "a", "1600000000"))
    b = opf(build(book, tmp_path / "b", "1700000000"))
    assert a.findtext(".//dc:identifier", namespaces=NS) == b.findtext(".//dc:identifier", namespaces=NS)
    assert metas(a, "dcterms:modified") == ["2020-09-13T12:26:40Z"]
    assert metas(b, "dcterms:modified") == ["2023-11-14T22:13:20Z"]


# -- content documents ------------------------------------------------------------

def test_every_document_has_language_and_headings_in_order(golden, real):
    for epub in (golden, real):
        for name, doc in xhtml_docs(epub).items():
            assert doc.get(XML_LANG) == "en" and doc.get("lang") == "en", name
            levels = [int(h.tag[-1]) for h in doc.iter() if re.fullmatch(r"\{.*\}h[1-6]", str(h.tag))]
            prev = 0
            for lv in levels:
                assert lv <= prev + 1, f"{epub.name}:{name}: heading levels {levels} skip one"
                prev = lv


def test_sections_headings_letter_and_extract(golden):
    doc = xhtml_docs(golden)["EPUB/letter.xhtml"]
    body = doc.find("x:body", NS)
    assert body.get(EPUB_TYPE) == "bodymatter"
    sec = body.find("x:section", NS)
    assert sec.get(EPUB_TYPE) == "chapter" and sec.get("role") == "doc-chapter"
    heads = [(h.tag.split("}")[1], h.text) for h in doc.iter(f"{{{NS['x']}}}h1", f"{{{NS['x']}}}h2",
                                                               f"{{{NS['x']}}}h3")]
    assert heads == [("h1", "A Letter"), ("h2", "A section"), ("h3", "A subsection"),
                     ("h2", "Another section")]
    assert doc.find(".//x:div[@class='letter']", NS) is not None
    assert doc.find(".//x:blockquote[@class='extract']", NS) is not None
    assert b'<abbr class="sc">G.P.U.</abbr>' in read(golden, "EPUB/letter.xhtml")
    intro = xhtml_docs(golden)["EPUB/intro.xhtml"].find("x:body", NS)
    assert intro.get(EPUB_TYPE) == "frontmatter"


def test_notes_markup_for_popups(golden):
    """Calls and notes as Apple Books, Kobo and Kindle need them: noteref → aside
    footnote in the same file, after the text, holding the note only, starting
    with its number which links back; the three kinds told apart in text and
    markup; nothing hidden."""
    doc = xhtml_docs(golden)["EPUB/letter.xhtml"]
    calls = doc.findall(".//x:a[@class]", NS)
    calls = [a for a in calls if a.get(EPUB_TYPE) == "noteref"]
    assert [a.text for a in calls] == ["1", "2", "3", "4", "1"]
    asides = {a.get("id"): a for a in doc.iter(f"{{{NS['x']}}}aside")}
    assert len(asides) == 4
    body_text = doc.find(".//x:div[@class='chapter-body']", NS)
    for a in calls:
        assert a.get("role") == "doc-noteref"
        target = a.get("href")
        assert target.startswith("#")  # same document
        note = asides[target[1:]]
        assert note.get(EPUB_TYPE) == "footnote" and note.get("role") == "doc-footnote"
        assert note.get("hidden") is None
        assert note not in body_text.iter()  # after the text, not inside it
        first_p = note.find("x:p", NS)
        back = first_p[0]
        assert back.tag == f"{{{NS['x']}}}a" and back.get("role") == "doc-backlink"
        assert back.text == a.text  # the number is inside the aside
        assert back.get("href") == "#" + calls[[c.text for c in calls].index(a.text)].get("id")
        assert note.findall(".//x:aside", NS) == [] and note.find(".//x:h2", NS) is None
    kinds = {a.text: a.get("class") for a in calls}
    assert kinds == {"1": "noteref author", "2": "noteref translator", "3": "noteref editor",
                     "4": "noteref author"}

    def text(el: etree._Element) -> str:
        return " ".join("".join(el.itertext()).split())
    assert [a.get("class") for a in asides.values()] == ["note author", "note translator",
                                                         "note editor", "note author"]
    texts = [text(a) for a in asides.values()]
    assert texts[:3] == ["1. The author’s own note.",
                         "2. Translator’s note. The translator explains a word.",
                         "3. Editor’s note. The editor explains a fact."]
    assert len(asides["letter-n4"].findall("x:p", NS)) == 2  # a note of two paragraphs
    # every call's aria-label names whose note it is and contains the visible number
    assert [a.get("aria-label") for a in calls[:3]] == ["Note 1", "Translator’s note 2", "Editor’s note 3"]


# -- navigation and cover ----------------------------------------------------------

def landmarks(epub: Path) -> list[tuple[str, str]]:
    nav = etree.fromstring(read(epub, "EPUB/nav.xhtml"))
    lm = [n for n in nav.iter(f"{{{NS['x']}}}nav") if n.get(EPUB_TYPE) == "landmarks"]
    assert len(lm) == 1
    return [(a.get(EPUB_TYPE), a.get("href")) for a in lm[0].iter(f"{{{NS['x']}}}a")]


def test_landmarks_point_at_existing_documents(golden, real):
    for epub in (golden, real):
        marks = landmarks(epub)
        types = [t for t, _ in marks]
        assert types[:3] == ["cover", "titlepage", "toc"] and "bodymatter" in types, marks
        docs = xhtml_docs(epub)
        for _type, href in marks:
            name, _, frag = href.partition("#")
            doc = docs[f"EPUB/{name}"]
            if frag:
                assert doc.find(f".//*[@id='{frag}']") is not None, href
    assert dict(landmarks(golden))["bodymatter"] == "letter.xhtml"  # the intro is front matter


def test_landmarks_are_data_driven():
    from edition.render.epub_nav import landmarks as marks
    from edition.render.html import Doc

    docs = [Doc("cover", "cover.xhtml", "Cover", "", landmark="cover"),
            Doc("tp", "tp.xhtml", "Title", "", landmark="titlepage"),
            Doc("a", "a.xhtml", "A", "", landmark="bodymatter"),
            Doc("g", "glossary.xhtml", "Glossary", "", role="back", landmark="glossary"),
            Doc("i", "index.xhtml", "Register of Persons", "", role="back", landmark="index")]
    assert marks(docs) == [("cover", "cover.xhtml", "Cover"), ("titlepage", "tp.xhtml", "Title page"),
                           ("toc", "nav.xhtml#toc", "Contents"), ("bodymatter", "a.xhtml", "Start of the text"),
                           ("glossary", "glossary.xhtml", "Glossary"), ("index", "index.xhtml", "Index")]


def test_cover_image_and_page(golden):
    from PIL import Image

    pkg = opf(golden)
    items = {i.get("id"): i for i in pkg.findall("opf:manifest/opf:item", NS)}
    covers = [i for i in items.values() if "cover-image" in (i.get("properties") or "").split()]
    assert len(covers) == 1 and covers[0].get("media-type") == "image/png"
    assert pkg.find("opf:metadata/opf:meta[@name='cover']", NS).get("content") == covers[0].get("id")
    img = Image.open(io.BytesIO(read(golden, "EPUB/" + covers[0].get("href"))))
    assert img.size == (1600, 2560)
    # not a blank page: the title is drawn in ink on paper
    assert len(img.convert("L").getcolors(65536) or []) > 20
    spine = [i.get("idref") for i in pkg.findall("opf:spine/opf:itemref", NS)]
    assert items[spine[0]].get("href") == "cover.xhtml"
    page = etree.fromstring(read(golden, "EPUB/cover.xhtml"))
    (im,) = page.iter(f"{{{NS['x']}}}img")
    assert im.get("src") == covers[0].get("href") and im.get("role") == "doc-cover"
    assert im.get("alt") == ("Cover: A Small Book. Letters and Extracts, 1938–1941. "
                             "A. Author and B. Author. Edited by Test Editor.")


def test_cover_is_drawn_from_the_metadata(tmp_path):
    from edition.diagnostics import Reporter
    from edition.pipeline import load_book
    from edition.render.cover import cover_png

    write_golden(tmp_path / "book")
    book = load_book(tmp_path / "book", Reporter())
    fonts = ROOT / "edition" / "data" / "styles" / "fonts"
    one = cover_png(book, fonts)
    assert cover_png(book, fonts) == one
    book.meta.subtitle = "Another Subtitle"
    assert cover_png(book, fonts) != one


# -- styles ---------------------------------------------------------------------------

def test_styles_leave_font_and_size_to_the_reader():
    css = (ROOT / "edition" / "data" / "styles" / "epub.css").read_text()
    plain = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert not re.search(r"\d(px|pt|pc|cm|mm|in)\b", plain), "fixed units in epub.css"
    assert "font-family" not in plain and "@font-face" not in plain
    for prop, value in re.findall(r"(?<![-\w])((?:max-|min-)?width|height)\s*:\s*([^;}]+)", plain):
        assert value.strip() in ("auto", "0") or value.strip().endswith(("%", "em", "vh")), (prop, value)
    for size in re.findall(r"font-size\s*:\s*([^;}]+)", plain):
        assert size.strip().endswith("em"), size
    # acronyms: smaller capitals for every reader; no @supports, which Calibre's converter rejects
    assert re.search(r"abbr\.sc\s*\{[^}]*font-size: 0\.85em", plain)
    assert "@supports" not in plain
    # nothing hides the notes from readers without popups
    assert not re.search(r"aside[^{]*\{[^}]*display:\s*none", plain)


# -- reproducible ----------------------------------------------------------------------

def test_small_book_rebuilds_to_identical_bytes(tmp_path):
    book = write_golden(tmp_path / "book")
    a = build(book, tmp_path / "a").read_bytes()
    b = build(book, tmp_path / "b").read_bytes()
    assert a == b


def test_real_edition_rebuilds_to_identical_bytes(real, tmp_path):
    again = real_epub(tmp_path / "again").read_bytes()
    if again != real.read_bytes():
        # In a shared checkout a commit may land between two builds (the colophon
        # names the commit): two builds back to back must still agree.
        again, real = real_epub(tmp_path / "third").read_bytes(), tmp_path / "again" / real.name
    assert again == real.read_bytes()


def test_headings_nest_without_skipping_whatever_the_markdown_levels():
    from edition.render.html import render_markdown

    out = render_markdown("#### Deep first\n\n## Top\n\n#### Under top\n\n### Also under top\n\n"
                          "##### Below that\n\n# Back to the top\n",
                          {"heading_shift": 1, "notes": "end", "href": lambda a: a})
    assert re.findall(r"<(h\d)>", out) == ["h2", "h2", "h3", "h3", "h4", "h2"]
    assert re.findall(r"</(h\d)>", out) == ["h2", "h2", "h3", "h3", "h4", "h2"]
