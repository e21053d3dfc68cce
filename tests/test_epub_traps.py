"""One test per ebooklib trap listed in edition/render/epub.py: each fails if
the workaround is taken out."""

from __future__ import annotations

import io
import zipfile

import pytest
from ebooklib import epub
from lxml import etree
from test_epub import NS, SDE, golden_epub, metas, opf, read, write_golden

EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    return golden_epub(tmp_path_factory)


def test_body_epub_type_and_head_survive(golden):
    """Trap: EpubHtml.get_content() rebuilds <head> and drops <body>'s attributes."""
    doc = etree.fromstring(read(golden, "EPUB/letter.xhtml"))
    assert doc.find("x:body", NS).get(EPUB_TYPE) == "bodymatter"
    links = doc.findall("x:head/x:link", NS)
    assert [x.get("href") for x in links] == ["css/epub.css"]
    # the bytes are ours, verbatim: our XML declaration and doctype, not lxml's
    assert read(golden, "EPUB/letter.xhtml").startswith(
        b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n')


def test_ebooklib_epubhtml_would_drop_body_type():
    """The trap itself, so that we notice if a new ebooklib fixes it (then the
    workaround can go)."""
    book = epub.EpubBook()
    book.set_language("en")
    item = epub.EpubHtml(uid="a", file_name="a.xhtml", title="A")
    item.content = '<html><body epub:type="bodymatter"><p>x</p></body></html>'
    book.add_item(item)
    assert b"bodymatter" not in item.get_content()


def test_no_bogus_page_list(golden):
    """Trap: EpubNav turns every element with epub:type and id into a page.  A
    page-list, if there is one, points only at page breaks, and is declared."""
    nav = etree.fromstring(read(golden, "EPUB/nav.xhtml"))
    navs = {n.get(EPUB_TYPE): n for n in nav.iter("{http://www.w3.org/1999/xhtml}nav")}
    assert list(navs)[:2] == ["toc", "landmarks"] and set(navs) <= {"toc", "landmarks", "page-list"}
    declared = "printPageNumbers" in metas(opf(golden), "schema:accessibilityFeature")
    assert declared == ("page-list" in navs)
    for a in navs["page-list"].iter("{http://www.w3.org/1999/xhtml}a") if "page-list" in navs else []:
        name, _, frag = a.get("href").partition("#")
        target = etree.fromstring(read(golden, "EPUB/" + name)).find(f".//*[@id='{frag}']")
        assert target.get(EPUB_TYPE) == "pagebreak", a.get("href")
    # the golden book is built without the PDF, so it has no print pages at all
    assert "page-list" not in navs


def test_spine_names_an_ncx_that_exists(golden):
    """Trap: the spine always says toc="ncx"; the NCX must be in the manifest."""
    pkg = opf(golden)
    toc = pkg.find("opf:spine", NS).get("toc")
    items = {i.get("id"): i for i in pkg.findall("opf:manifest/opf:item", NS)}
    assert items[toc].get("media-type") == "application/x-dtbncx+xml"
    read(golden, "EPUB/" + items[toc].get("href"))  # and the file is there


def test_modified_is_source_date_epoch(golden):
    """Trap: dcterms:modified defaults to now."""
    assert metas(opf(golden), "dcterms:modified") == ["2023-11-14T22:13:20Z"]
    assert SDE == "1700000000"


def test_zip_entries_fixed_dates_sorted_mimetype_first_stored(golden):
    """Trap: zip entries are dated now, in ebooklib's order."""
    with zipfile.ZipFile(golden) as z:
        infos = z.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert infos[0].extra == b""
    raw = golden.read_bytes()
    assert raw[30:38] == b"mimetype" and raw[38:58] == b"application/epub+zip"
    names = [i.filename for i in infos[1:]]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_package_has_xml_lang(golden):
    """Trap: ebooklib writes <package> without xml:lang."""
    assert opf(golden).get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


@pytest.mark.filterwarnings("ignore:In the future throwing exceptions")
def test_write_errors_raise(tmp_path, monkeypatch):
    """Trap: write_epub swallows OSError and returns False unless raise_exceptions."""
    from edition.diagnostics import Reporter
    from edition.pipeline import load_book
    from edition.render import epub as renderer

    write_golden(tmp_path / "book")
    book = load_book(tmp_path / "book", Reporter())
    real_write = epub.EpubWriter.write

    def write_then_fail(self: epub.EpubWriter) -> None:
        real_write(self)  # a complete archive, then the disk fails
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(epub.EpubWriter, "write", write_then_fail)
    with pytest.raises(OSError, match="No space left"):
        renderer.build_epub(book, "")


def test_normalize_zip_is_idempotent_and_order_free():
    from edition.render.epub import normalize_zip

    def make(order: list[str]) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            for n in order:
                z.writestr(n, n * 3)
        return buf.getvalue()

    a = normalize_zip(make(["mimetype", "b", "a"]))
    b = normalize_zip(make(["a", "mimetype", "b"]))
    assert a == b == normalize_zip(a)
