"""Figures and links (issue #18, point 4): images from the book's images/ folder with alt
text, caption and credit, in both editions; a warning for an image too coarse for print;
web links live in the e-book and print gives their URL; unsafe schemes stay refused."""

from __future__ import annotations

import subprocess
import zipfile

import pytest
from conftest import SmallBook, epubcheck_messages, run_epubcheck

BOOK = """\
title: A Small Book
slug: small-book
language: en
editor: Test Editor
chapters:
  - 01-one.md
"""

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">
<title>A circle</title><circle cx="100" cy="50" r="40" fill="none" stroke="black"/></svg>
"""

ONE = """\
---
title: One
kind: editorial
---

The text before the figure.

![A grey square with a black border](images/square.png "A square, drawn for the test."){credit="Drawing by the editor"}

![A circle drawn in one black line](images/circle.svg "A circle.")

More about it in [the archive’s page](https://example.org/archive/page.html) and at
<https://example.org/plain>.
"""


def _png(path, size: tuple[int, int]) -> None:
    from PIL import Image, ImageDraw

    path.parent.mkdir(parents=True, exist_ok=True)
    im = Image.new("RGB", size, "#dddddd")
    ImageDraw.Draw(im).rectangle([2, 2, size[0] - 3, size[1] - 3], outline="black", width=3)
    im.save(path, format="PNG", optimize=False)


def _book(book: SmallBook, chapter: str = ONE, png: tuple[int, int] = (1000, 800)) -> None:
    book.write("book.yaml", BOOK)
    book.write("chapters/01-one.md", chapter)
    _png(book.root / "images" / "square.png", png)
    book.write("images/circle.svg", SVG)


def test_figures_and_links_in_the_epub(small_book):
    _book(small_book)
    out = small_book.root / "out"
    r = small_book.run("build", "epub", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr, r.stderr
    epub = out / "small-book.epub"
    with zipfile.ZipFile(epub) as z:
        names = z.namelist()
        opf = z.read("EPUB/content.opf").decode()
        one = z.read("EPUB/one.xhtml").decode()
    assert "EPUB/figures/square.png" in names and "EPUB/figures/circle.svg" in names
    assert '<item href="figures/square.png" id="image-2" media-type="image/png"/>' in opf
    assert '<item href="figures/circle.svg" id="image-1" media-type="image/svg+xml"/>' in opf
    assert "The only image is the cover" not in opf
    assert ('<figure class="figure"' in one and '<img src="figures/square.png" alt="A grey square '
            'with a black border"/><figcaption>A square, drawn for the test. <span class="credit">'
            'Drawing by the editor</span></figcaption></figure>') in one
    assert '<a class="external" href="https://example.org/archive/page.html">the archive’s page</a>' in one
    assert "(https://example.org" not in one  # the e-book does not print the URL
    msgs = [m for m in epubcheck_messages(run_epubcheck(epub)) if not m.startswith("INFO")]
    assert msgs == [], "\n".join(msgs)


def test_figures_and_urls_in_print(small_book):
    _book(small_book)
    out = small_book.root / "out"
    r = small_book.run("build", "pdf", "-o", str(out))
    assert r.returncode == 0, r.stderr
    pdf = out / "small-book.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "A square, drawn for the test. Drawing by the editor" in " ".join(text.split())
    flat = "".join(text.split())
    assert "thearchive’spage(https://example.org/archive/page.html)" in flat
    assert "https://example.org/plain" in flat and "(https://example.org/plain)" not in flat
    # the PDF links only inside itself (tests/test_attacks.py): print gives the URL as text
    import io

    from pypdf import PdfReader

    uris = [str((a.get_object().get("/A") or {}).get("/URI")) for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages
            for a in page.get("/Annots") or [] if "/URI" in (a.get_object().get("/A") or {})]
    assert uris == []
    images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]
    sizes = {(int(row.split()[3]), int(row.split()[4])) for row in images}
    assert (1000, 800) in sizes, images  # the PNG itself, not a copy scaled down


def test_low_resolution_image_is_a_warning_with_the_size_needed(small_book):
    _book(small_book, png=(300, 240))
    r = small_book.run("check")
    assert r.returncode == 0, r.stderr
    assert "chapters/01-one.md:8: warning: image 'images/square.png': 300×240 pixels print at 76 dpi across 100 mm" in r.stderr
    assert "591 pixels wide or more would do" in r.stderr and "[image.low-resolution]" in r.stderr


@pytest.mark.parametrize(("markdown", "code", "words"), [
    ("![A map](images/missing.png)", "file.missing", "image 'images/missing.png': file not found"),
    ("![A map](chapters/01-one.md)", "image.refused", "an image is a file in the book's images/ folder"),
    ("![A map](../book.yaml)", "image.refused", "points outside the project"),
    ("![A map](images/map.gif)", "image.refused", "only PNG, JPEG and SVG"),
    ("![](images/square.png)", "image.no-alt", "has no alt text"),
    ("![A map](https://example.org/map.png)", "image.refused", "refused"),
    ("[click](javascript:alert(1))", "link.refused", "forbidden scheme 'javascript:'"),
    ("[click](data:text/html,hi)", "link.refused", "forbidden scheme 'data:'"),
    ("[click](ftp://example.org/x)", "link.refused", "refused"),
    ("[click](http://exa%6dple.org/)", "link.refused", "refused"),
])
def test_bad_images_and_links_are_located_errors(small_book, markdown, code, words):
    _book(small_book, chapter=f"---\ntitle: One\nkind: editorial\n---\n\nText.\n\n{markdown}\n")
    r = small_book.run("check")
    assert r.returncode == 1, r.stderr
    assert "chapters/01-one.md:8: error:" in r.stderr and f"[{code}]" in r.stderr, r.stderr
    assert words in r.stderr


def test_svg_with_a_script_is_refused(small_book):
    _book(small_book)
    small_book.write("images/circle.svg", SVG.replace("<title>", '<script>alert(1)</script><title>'))
    r = small_book.run("check")
    assert r.returncode == 1 and "[image.unsafe]" in r.stderr and "<script>" in r.stderr
