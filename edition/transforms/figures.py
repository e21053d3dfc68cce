"""Figures: images from the book's ``images/`` folder, with alt text, caption and credit.

Syntax (README "Figures and links")::

    ![Alt text: what the image shows](images/map.png "Caption, in both editions"){credit="Drawn by the editor"}

An image that is a paragraph of its own is a **figure**: ``<figure>`` with the image and a
``<figcaption>`` (the caption, then the credit).  An image inside a sentence stays inline.

* The file is read through the gate (``edition/gate.py``): a regular file inside the
  project, under ``images/``, PNG, JPEG or SVG; anything else is an error at the line.
* Alt text is required (``image.no-alt``): a reader who cannot see the image reads it.
* An SVG must be well-formed XML and may not carry scripts, event attributes or
  references outside itself (``image.unsafe``).
* Print sets a figure to the measure (``print.css``: ``.figure img``); a PNG or JPEG with
  fewer than ``MIN_DPI`` pixels per inch at that printed width is a warning
  (``image.low-resolution``) with the size it would print well at.

The images read are kept in ``book.images`` (EPUB path ``figures/…`` -> media type, bytes):
the EPUB ships them with a manifest entry each; the print edition reads the file itself.
"""

from __future__ import annotations

import io
import re
from pathlib import PurePosixPath

from markdown_it.token import Token

from ..diagnostics import BookError, Reporter
from ..gate import read_input
from ..model import Book, Chapter, Fragment

MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".svg": "image/svg+xml"}
# the text measure per page size (print.css for A5, render/pdf.py's geometry for A4/Letter)
MEASURE_MM = {"A5": 100.0, "A4": 122.0, "Letter": 121.9}
MAX_HEIGHT_MM = 140.0  # print.css: .figure img { max-height }
MIN_DPI = 150
_SAFE_PATH = re.compile(r"^images/[A-Za-z0-9._/-]+$")


def image_path_problem(src: str) -> str | None:
    """None if ``src`` names a file the editions may carry, else the reason."""
    p = PurePosixPath(src)
    if not _SAFE_PATH.match(src) or ".." in p.parts or "." in p.parts or src.endswith("/"):
        return (f"image '{src}': an image is a file in the book's images/ folder, named "
                "images/NAME.png (letters, digits, '.', '-', '_')")
    if p.suffix.lower() not in MEDIA_TYPES:
        return f"image '{src}': only PNG, JPEG and SVG images are supported"
    return None


def _svg_problem(data: bytes) -> str | None:
    """The first reason the SVG may not ship (``safe_svg``: an allow-list on the parsed tree)."""
    from ..safe_svg import svg_problems

    problems = svg_problems(data)
    return "; ".join(problems[:3]) if problems else None


def _dpi_warning(data: bytes, page_size: str) -> str | None:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        w, h = im.size
    width_mm = MEASURE_MM.get(page_size, MEASURE_MM["A5"])
    if h * width_mm / w > MAX_HEIGHT_MM:  # a tall image is set to the height limit instead
        width_mm = MAX_HEIGHT_MM * w / h
    dpi = w / (width_mm / 25.4)
    if dpi >= MIN_DPI:
        return None
    need = round(MIN_DPI * width_mm / 25.4)
    return (f"{w}×{h} pixels print at {dpi:.0f} dpi across {width_mm:.0f} mm (page size "
            f"{page_size}): too coarse for print; {need} pixels wide or more would do "
            f"(at least {MIN_DPI} dpi)")


def _figure_paragraphs(tokens: list[Token]) -> None:
    """A paragraph holding one image and nothing else is a figure."""
    for i, t in enumerate(tokens):
        if t.type != "inline" or not t.children or i == 0 or i + 1 >= len(tokens):
            continue
        kids = [k for k in t.children if not (k.type in ("text", "softbreak") and not k.content.strip())]
        if (len(kids) == 1 and kids[0].type == "image" and kids[0].meta.get("image")
                and tokens[i - 1].type == "paragraph_open" and tokens[i + 1].type == "paragraph_close"):
            tokens[i - 1].meta["figure"] = True
            tokens[i + 1].meta["figure"] = True
            kids[0].meta["figure"] = True


def _place(src: Chapter | Fragment, book: Book, reporter: Reporter, warned: set[str]) -> None:
    for t in src.tokens:
        if t.type != "inline" or not t.children:
            continue
        line = src.line_of(t.map)
        for c in t.children:
            if c.type != "image":
                continue
            path = str(c.attrGet("src") or "")
            if problem := image_path_problem(path):
                reporter.error(src.location.file, line, problem, "image.refused")
                continue
            if not c.children or not "".join(k.content for k in c.children).strip():
                reporter.error(src.location.file, line, f"image '{path}' has no alt text: write "
                               "what it shows between the brackets, ![…](…)", "image.no-alt")
            try:
                data = read_input(book.root / path, path, book.root)
            except BookError as exc:
                for d in exc.diagnostics:
                    reporter.error(src.location.file, line, f"image '{path}': {d.message}", d.code)
                continue
            media = MEDIA_TYPES[PurePosixPath(path).suffix.lower()]
            if media == "image/svg+xml":
                if problem := _svg_problem(data):
                    reporter.error(src.location.file, line, f"image '{path}' {problem}", "image.unsafe")
                    continue
                from ..safe_svg import clean_svg

                data = clean_svg(data)  # as parsed: no comment, no processing instruction
            else:
                try:
                    warning = _dpi_warning(data, book.meta.page_size)
                except Exception as exc:  # Pillow: not an image it can read
                    reporter.error(src.location.file, line, f"image '{path}' cannot be read as "
                                   f"{media} ({type(exc).__name__})", "image.unreadable")
                    continue
                if warning and path not in warned:
                    warned.add(path)
                    reporter.warning(src.location.file, line, f"image '{path}': {warning}",
                                     "image.low-resolution")
            epub_path = "figures/" + path[len("images/"):]  # apart from the cover's images/
            c.meta["image"] = {"epub": epub_path, "uri": (book.root / path).resolve().as_uri()}
            book.images[epub_path] = (media, data)
    _figure_paragraphs(src.tokens)


def place_figures(book: Book, reporter: Reporter) -> Book:
    warned: set[str] = set()
    for ch in book.chapters:
        _place(ch, book, reporter, warned)
    for fragment in book.fragments():
        _place(fragment, book, reporter, warned)
    return book
