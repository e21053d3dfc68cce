"""Credits, identifiers, the editor's cover and back matter (issue #29 points 3-5): the ISBN
checked, the title page, contents and opener crediting authors, editor, translators and
publisher; the EPUB's contributors, collection and urn:isbn as Calibre reads them; the
editor's own cover image in the EPUB; the back matter the editor lists, in that order."""

from __future__ import annotations

import re
import struct
import zipfile
import zlib

import pytest
from conftest import epubcheck_messages, run_epubcheck
from test_reading_systems import ebook_meta

from edition.diagnostics import Reporter
from edition.pipeline import load_book
from edition.render.html import Writer
from edition.schema import isbn13_problem

CREDITS = """isbn: 978-3-16-148410-0
series:
  title: Small Readers
  number: 3
publisher: Example Press
edition: Second printing, 2027
"""


def make(small_book, extra: str = CREDITS) -> None:
    small_book.book(["01-one.md", "02-two.md"], extra)
    small_book.chapter("01-one.md", "Ein Brief", "Ein Text.[^tr-1]\n\n[^tr-1]: A translator’s note.\n",
                       author="Anna Autorin", date="1900", source="s", translator="Tom Translator")
    small_book.chapter("02-two.md", "Another", "More text.\n", author="Bert Writer", date="1901")


def test_isbn13_check_digit():
    assert isbn13_problem("978-3-16-148410-0") is None and isbn13_problem("9780306406157") is None
    assert "check digit" in (isbn13_problem("978-3-16-148410-1") or "")
    assert isbn13_problem("3-16-148410-X")  # an ISBN-10 is not taken


def test_a_wrong_isbn_is_an_error_at_its_line(small_book):
    make(small_book, CREDITS.replace("410-0", "410-7"))
    lines = (small_book.root / "book.yaml").read_text().splitlines()
    line = next(i for i, ln in enumerate(lines, 1) if ln.startswith("isbn:"))
    r = small_book.run("check")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"book.yaml:{line}: error: 'isbn'" in r.stderr and "check digit is 7" in r.stderr, r.stderr


def test_an_unknown_key_gets_a_hint(small_book):
    make(small_book, "seres: X\n")
    r = small_book.run("check")
    assert r.returncode == 1 and "unknown key 'seres' in book.yaml (did you mean 'series'?)" in r.stderr


def test_title_page_contents_and_opener_credit_everyone(small_book):
    make(small_book)
    book = load_book(small_book.root, Reporter())
    docs = {d.id: d for d in Writer(book, notes="inline", href=lambda a: "#" + a, print_edition=True).documents()}
    title = docs["titlepage"].body
    assert '<p class="book-authors">Anna Autorin and Bert Writer</p>' in title
    assert "Edited by Test Editor" in title and "Translated by Tom Translator" in title
    assert '<p class="book-publisher">Example Press</p>' in title
    contents = docs["contents"].body
    assert re.search(r'<span class="toc-author">Anna Autorin</span> <span class="toc-title">Ein Brief', contents)
    assert '<p class="chapter-translator">Translated by Tom Translator</p>' in docs["ch-one"].body
    colophon = docs["colophon"].body
    assert '<p class="colophon-edition">Second printing, 2027</p>' in colophon
    assert "Small Readers, 3" in colophon and "ISBN 978-3-16-148410-0" in colophon
    assert "Edition unversioned" not in colophon and "colophon-version" not in colophon


def test_epub_metadata_read_by_calibre(small_book):
    make(small_book)
    r = small_book.run("build", "epub")
    assert r.returncode == 0, r.stderr
    epub = small_book.root / "build" / "small-book.epub"
    assert epubcheck_messages(run_epubcheck(epub)) == []
    with zipfile.ZipFile(epub) as z:
        opf = z.read("EPUB/content.opf").decode()
    assert '<dc:identifier id="id">urn:isbn:9783161484100</dc:identifier>' in opf
    for ref, role in (("translator1", "trl"), ("editor1", "edt"), ("publisher1", "pbl")):
        assert f'<meta refines="#{ref}" property="role" scheme="marc:relators">{role}</meta>' in opf
    assert '<dc:contributor id="translator1">Tom Translator</dc:contributor>' in opf
    assert '<meta property="belongs-to-collection" id="series">Small Readers</meta>' in opf
    assert '<meta refines="#series" property="group-position">3</meta>' in opf
    meta = ebook_meta(epub)
    assert meta["Author(s)"] == "Anna Autorin & Bert Writer [Autorin, Anna & Writer, Bert]", meta
    assert "Tom Translator" not in meta["Author(s)"] and "Test Editor" not in meta["Author(s)"]
    assert meta["Series"] == "Small Readers #3", meta
    assert meta["Publisher"] == "Example Press"
    assert meta["Identifiers"] == "isbn:9783161484100", meta


def _png(w: int, h: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80\x20\x20" * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_the_editors_cover_is_the_epub_cover(small_book):
    make(small_book, "cover: art/front.png\ncover_alt: A red field with the title in white.\n")
    png = _png(40, 64)
    small_book.write("art/front.png", png)
    r = small_book.run("build", "epub")
    assert r.returncode == 0, r.stderr
    epub = small_book.root / "build" / "small-book.epub"
    assert epubcheck_messages(run_epubcheck(epub)) == []
    with zipfile.ZipFile(epub) as z:
        assert z.read("EPUB/images/cover.png") == png
        cover = z.read("EPUB/cover.xhtml").decode()
        opf = z.read("EPUB/content.opf").decode()
    assert 'alt="A red field with the title in white."' in cover
    assert re.search(r'<item [^>]*href="images/cover.png"[^>]*properties="cover-image"', opf)
    from edition.render.cover import cover_image

    book = load_book(small_book.root, Reporter())
    assert cover_image(book, small_book.root / "styles" / "fonts") == ("images/cover.png", "image/png", png)


@pytest.mark.parametrize("name,data,code", [("art/none.png", None, "cover.missing"),
                                            ("art/front.png", b"GIF89a", "cover.type"),
                                            ("art/front.gif", b"GIF89a", "cover.type")])
def test_a_bad_cover_is_an_error_at_its_line(small_book, name, data, code):
    make(small_book, f"cover: {name}\n")
    if data is not None:
        small_book.write(name, data)
    lines = (small_book.root / "book.yaml").read_text().splitlines()
    line = next(i for i, ln in enumerate(lines, 1) if ln.startswith("cover:"))
    r = small_book.run("check")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"book.yaml:{line}: error: cover:" in r.stderr and f"[{code}]" in r.stderr, r.stderr


def test_generated_cover_names_the_authors(small_book):
    make(small_book)
    from edition.render.cover import cover_alt

    book = load_book(small_book.root, Reporter())
    assert cover_alt(book) == ("Cover: A Small Book. Anna Autorin and Bert Writer. "
                               "Edited by Test Editor.")
