"""Page sizes (book.yaml and --page-size), the print-shop variant (bleed and crop marks),
the URL fetcher that reads only project files, and the page-reference helper."""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest
from test_pdf import check_text_block, make_notes_book
from test_pdf_read import MM, norm, read_pages

from edition.render.pagerefs import merge_pages, roman_value

SIZES = {"A5": (148, 210), "A4": (210, 297), "Letter": (215.9, 279.4)}
# the margins pdf.py gives A4 and Letter (mm): bigger page, bigger type, wider margins
BIG_MARGINS = {"A4": {"top": 22, "outer": 54, "bottom": 26, "inner": 34},
               "Letter": {"top": 20, "outer": 58, "bottom": 24, "inner": 36}}


def _chars_per_line(pages) -> float:
    lengths = []
    for p in pages:
        for line in p.lines(p.chars):
            if len(line) > 40:
                lengths.append(len(line))
    return statistics.median(lengths)


@pytest.mark.parametrize("how", ["book.yaml", "option"])
@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_page_size_end_to_end(tmp_path, size, how):
    book = make_notes_book(tmp_path / "book")
    args = ["build", "pdf"]
    if how == "book.yaml":
        book.write("book.yaml", (book.root / "book.yaml").read_text() + f"page_size: {size}\n")
    else:
        book.write("book.yaml", (book.root / "book.yaml").read_text() + "page_size: A5\n")
        args += ["--page-size", size]
    proc = book.run(*args)
    assert proc.returncode == 0, proc.stderr
    # This test is about page geometry.  Where a note is printed on the page after its call
    # the build says so ([pdf.layout]; a WeasyPrint limitation still open in Letter size for
    # this generated book, docs/status.md); notes are checked in test_pdf.py.  No other warning.
    others = [ln for ln in proc.stderr.splitlines() if "warning" in ln
              and not ln.endswith("is printed on the page after its call [pdf.layout]")]
    assert not others, proc.stderr
    pages = read_pages(book.root / "build" / "small-book.pdf")
    w, h = SIZES[size]
    for p in pages:
        assert abs(p.width - w * MM) < 1 and abs(p.height - h * MM) < 1
    check_text_block(pages, BIG_MARGINS[size])
    body = [c["size"] for p in pages for c in p.chars]
    assert abs(statistics.mode(round(s, 1) for s in body) - 13.5) < 0.2  # the type scales up
    assert 60 <= _chars_per_line(pages) <= 70  # and the measure stays readable (#32)


# the generated book's plain A5 and print-shop PDFs, each built once for the tests that read them
@pytest.fixture(scope="module")
def plain_a5(tmp_path_factory) -> Path:
    book = make_notes_book(tmp_path_factory.mktemp("plain") / "book")
    proc = book.run("build", "pdf")
    assert proc.returncode == 0, proc.stderr
    return book.root / "build"


@pytest.fixture(scope="module")
def print_shop(tmp_path_factory) -> Path:
    book = make_notes_book(tmp_path_factory.mktemp("print-shop") / "book")
    proc = book.run("build", "pdf", "--print-shop")
    assert proc.returncode == 0, proc.stderr
    return book.root / "build"


def test_a5_measure_is_readable(plain_a5):
    pages = read_pages(plain_a5 / "small-book.pdf")
    # EB Garamond 1.003 at 11 pt on a 100 mm measure: 60–70 characters a line (#32; it was
    # 76 at 10.5 pt on 112 mm, over the 45–75 Bringhurst gives for a single column)
    assert 60 <= _chars_per_line(pages) <= 70


def test_print_shop_variant_has_bleed_and_crop_marks(print_shop):
    import pdfplumber
    from pypdf import PdfReader

    out = print_shop / "small-book-print-shop.pdf"
    assert out.is_file() and not (print_shop / "small-book.pdf").exists()
    reader = PdfReader(str(out))
    bleed = 3 * MM
    for page in reader.pages:
        trim, bbox, media = page.trimbox, page.bleedbox, page.mediabox
        assert abs(float(trim.width) - 148 * MM) < 0.5 and abs(float(trim.height) - 210 * MM) < 0.5
        assert abs(float(bbox.width) - float(trim.width) - 2 * bleed) < 0.5
        assert abs(float(bbox.left) - (float(trim.left) - bleed)) < 0.5
        assert float(media.width) >= float(bbox.width) and float(media.height) >= float(bbox.height)
    # crop marks: strokes outside the trim box
    shop_pages = read_pages(out)
    with pdfplumber.open(str(out)) as pdf:
        for i in (0, 8, len(pdf.pages) - 1):
            p = pdf.pages[i]
            x0, top, x1, bottom = shop_pages[i].trim
            strokes = [o for o in p.lines + p.rects + p.curves
                       if o["x1"] < x0 - 0.5 or o["x0"] > x1 + 0.5
                       or o["bottom"] < top - 0.5 or o["top"] > bottom + 0.5]
            assert len(strokes) >= 8, (i, len(strokes))  # two strokes at each corner
    # the text block sits inside the trim box just as in the plain edition
    from test_pdf import A5_MARGINS

    check_text_block(shop_pages, A5_MARGINS)


def test_print_shop_text_equals_plain_text(plain_a5, print_shop):
    """Bleed changes nothing in the layout: the same words on the same pages (the same book
    built both ways, the fixtures' builds)."""
    plain = read_pages(plain_a5 / "small-book.pdf")
    shop = read_pages(print_shop / "small-book-print-shop.pdf")
    assert len(plain) == len(shop)
    for a, b in zip(plain, shop, strict=True):
        assert norm(a.text()) == norm(b.text()), a.number


# -- the URL fetcher --------------------------------------------------------------------------
def test_fetcher_refuses_files_outside_the_project_and_the_network(tmp_path):
    from weasyprint.urls import URLFetchingError

    from edition.render.fetch import ProjectFetcher

    root = tmp_path / "book"
    (root / "styles").mkdir(parents=True)
    (root / "styles" / "x.css").write_text("p{}")
    (tmp_path / "secret.css").write_text("p{}")
    f = ProjectFetcher(root)
    assert f.fetch((root / "styles" / "x.css").as_uri())  # inside: read
    for url in [(tmp_path / "secret.css").as_uri(), (root / ".." / "secret.css").as_uri(),
                "file:///etc/passwd", "http://example.com/x.css", "https://example.com/f.otf"]:
        with pytest.raises(URLFetchingError):
            f.fetch(url)
    assert len(f.refused) == 5


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201c9fa5f0c0000000049454e44ae426082")


def _images(resources, depth: int = 0) -> int:
    """Image XObjects drawn from these resources, looking inside form XObjects and patterns."""
    count = 0
    resources = resources.get_object() if resources is not None else {}
    for kind in ("/XObject", "/Pattern"):
        for x in (resources.get(kind) or {}).values():
            x = x.get_object()
            if x.get("/Subtype") == "/Image":
                count += 1
            elif depth < 5 and "/Resources" in x:
                count += _images(x["/Resources"], depth + 1)
    return count


def test_stylesheet_image_in_the_project_is_printed(tmp_path):
    from pypdf import PdfReader

    book = make_notes_book(tmp_path / "book")
    (book.root / "styles" / "dot.png").write_bytes(PNG)
    css = book.root / "styles" / "print.css"
    css.write_text(css.read_text() + "\n.halftitle { background: url(dot.png) no-repeat; }\n")
    proc = book.run("build", "pdf")
    assert proc.returncode == 0, proc.stderr
    reader = PdfReader(str(book.root / "build" / "small-book.pdf"))
    assert _images(reader.pages[0]["/Resources"]) == 1


@pytest.mark.parametrize("inside", [True, False])
def test_stylesheet_image_outside_the_project_is_not_read(tmp_path, inside):
    """A url() with a scheme (here file://, even to a file of the project) or out of it is a
    located error [css.reference]: exit 1, nothing written, the file never opened."""
    import os
    import subprocess
    import sys

    book = make_notes_book(tmp_path / "book")
    img = (book.root / "styles" / "dot.png") if inside else (tmp_path / "dot.png")
    os.mkfifo(img)  # opening it to read would block: the build below would time out
    css = book.root / "styles" / "print.css"
    before = css.read_text()
    css.write_text(before + f"\n.halftitle {{ background: url({img.as_uri()}) no-repeat; }}\n")
    line = next(i for i, text in enumerate(css.read_text().split("\n"), 1) if "url(file:" in text)
    assert line > before.count("\n")  # the appended rule's own line
    proc = subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(book.root), "build", "pdf"],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
    assert proc.returncode == 1, proc.stderr
    assert f"styles/print.css:{line}: error:" in proc.stderr and "[css.reference]" in proc.stderr
    assert "outside the project" in proc.stderr and "Traceback" not in proc.stderr
    assert not (book.root / "build").exists() or not any((book.root / "build").rglob("*.pdf"))


# -- page references ------------------------------------------------------------------------------
def test_merge_pages_orders_and_merges():
    assert merge_pages(["12", "13", "14", "17"]) == [("12", "14"), ("17", "17")]
    assert merge_pages(["17", "14", "12", "12", "13"]) == [("12", "14"), ("17", "17")]  # order, duplicates
    assert merge_pages(["iv", "iii", "ix", "1", "2"]) == [("iii", "iv"), ("ix", "ix"), ("1", "2")]
    assert merge_pages(["?", "12"]) == [("12", "12")]  # a lost anchor's "?" is left out
    assert merge_pages([]) == []


def test_page_ref_helpers():
    assert roman_value("xiv") == 14 and roman_value("iv") == 4 and roman_value("12") is None
    assert merge_pages(["5", "4", "3", "v"]) == [("v", "v"), ("3", "5")]
    assert merge_pages(["iv", "1"]) == [("iv", "iv"), ("1", "1")]  # never across the matter
