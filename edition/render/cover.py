"""The cover: an image generated from the book's metadata, and its XHTML page.

The image (PNG, 1600 × 2560, the 1:1.6 ratio Kindle and Kobo recommend) sets
the title, the subtitle and the editor in EB Garamond from ``styles/fonts/`` (the
book's own, else the package's)
with Pillow.  Nothing in it depends on the time or the machine beyond Pillow
and FreeType themselves, so the same book gives the same bytes.

Drawing and compressing the image costs more than a tenth of a second, so the PNG
is kept in the memo (``edition/step_memo.py``) under a key over the text it sets, the
font files and the code (with the installed packages, Pillow among them): Pillow is
not even imported on a rebuild.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from .. import step_memo
from ..cover_file import COVER_TYPES, editor_cover  # noqa: F401 (the editor's own cover)
from ..diagnostics import BookError, Diagnostic, Severity
from ..gate import read_input
from ..model import Book
from ..terms import term
from .xhtml import Doc, esc

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont

WIDTH, HEIGHT = 1600, 2560
MARGIN = 170
PAPER = (244, 237, 224)
INK = (38, 30, 28)
ACCENT = (139, 26, 26)
FONT_FILES = {"regular": "EBGaramond-Regular.ttf", "italic": "EBGaramond-Italic.ttf"}
PACKAGE_FONTS = Path(__file__).resolve().parents[1] / "data" / "styles" / "fonts"  # the defaults
COVER_IMAGE = "images/cover.png"


def _font_data(fonts_dir: Path, style: str) -> tuple[str, bytes] | None:
    """(name shown, bytes) of a face, read through the gate: the project's ``styles/fonts``
    (no link out of the project), else the tool's own."""
    for d in (fonts_dir, PACKAGE_FONTS):
        p = d / FONT_FILES[style]
        if p.exists() or p.is_symlink():
            project = d.parent.parent if d == fonts_dir else None
            return f"styles/fonts/{FONT_FILES[style]}", read_input(p, f"styles/fonts/{FONT_FILES[style]}",
                                                                   project)
    return None


def _font(fonts_dir: Path, style: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    from PIL import ImageFont

    found = _font_data(fonts_dir, style)
    if found is None:
        return ImageFont.load_default(size)
    rel, data = found
    try:
        return ImageFont.truetype(io.BytesIO(data), size)
    except OSError as exc:  # a damaged or wrong file: say which, not a traceback
        raise BookError(Diagnostic(rel, None, Severity.ERROR, f"not a font FreeType can read ({exc})",
                                   "font.unreadable")) from None


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
          width: int) -> list[str]:
    """Greedy line breaking at spaces; a word wider than the measure stands alone."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}" if line else word
        if line and draw.textlength(trial, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


def _fit(draw: ImageDraw.ImageDraw, text: str, fonts_dir: Path, style: str, size: int,
         width: int, max_lines: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, list[str]]:
    """The largest size (from ``size`` down) at which ``text`` fits in ``max_lines``."""
    while True:
        font = _font(fonts_dir, style, size)
        lines = _wrap(draw, text, font, width)
        if len(lines) <= max_lines or size <= 40:
            return font, lines
        size -= 8


def _centred(draw: ImageDraw.ImageDraw, lines: list[str], font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
             y: int, leading: int, fill: tuple[int, int, int]) -> int:
    for line in lines:
        w = draw.textlength(line, font=font)
        draw.text(((WIDTH - w) / 2, y), line, font=font, fill=fill)
        y += leading
    return y


def cover_png(book: Book, fonts_dir: Path) -> bytes:
    b = book.meta
    # (Pillow's version is in every memo key: step_memo.code_digest covers the installed packages)
    parts: list[bytes | str] = ["cover", b.title, b.subtitle or "",
                                term(book, "edited-by", editor=b.editor) if b.editor else "",
                                _authors(book)]
    for style in sorted(FONT_FILES):
        found = _font_data(fonts_dir, style)
        parts.append(found[1] if found is not None else b"<default font>")
    k = step_memo.key(*parts)
    png = step_memo.get(book.root, "cover", k)
    if png is None or not png.startswith(b"\x89PNG\r\n\x1a\n"):
        png = _draw(book, fonts_dir)
        step_memo.put(book.root, "cover", k, png)
    return png


def _authors(book: Book) -> str:
    names = book.meta.author_names
    if len(names) > 3:  # a cover names a few; the title page names them all
        names = names[:3] + ["…"]
        return ", ".join(names)
    return names[0] if len(names) == 1 else (", ".join(names[:-1]) + term(book, "and") + names[-1]
                                             if names else "")


def _draw(book: Book, fonts_dir: Path) -> bytes:
    from PIL import Image, ImageDraw

    b = book.meta
    img = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(img)
    measure = WIDTH - 2 * MARGIN
    # a frame of two rules
    draw.rectangle((70, 70, WIDTH - 71, HEIGHT - 71), outline=ACCENT, width=10)
    draw.rectangle((100, 100, WIDTH - 101, HEIGHT - 101), outline=ACCENT, width=3)

    if authors := _authors(book):  # the authors above the title
        font, lines = _fit(draw, authors, fonts_dir, "italic", 80, measure, 3)
        _centred(draw, lines, font, 250, 100, INK)
    font, lines = _fit(draw, b.title, fonts_dir, "regular", 170, measure, 4)
    y = _centred(draw, lines, font, 520, int(font.size * 1.2) if hasattr(font, "size") else 180, INK)
    y += 90
    draw.line((WIDTH / 2 - 180, y, WIDTH / 2 + 180, y), fill=ACCENT, width=5)
    y += 110
    if b.subtitle:
        font, lines = _fit(draw, b.subtitle, fonts_dir, "italic", 84, measure, 6)
        _centred(draw, lines, font, y, int(font.size * 1.3) if hasattr(font, "size") else 110, INK)
    if b.editor:
        font, lines = _fit(draw, term(book, "edited-by", editor=b.editor), fonts_dir, "regular", 72,
                           measure, 2)
        _centred(draw, lines, font, HEIGHT - 420, 95, INK)
    out = io.BytesIO()
    # no metadata chunks (no time stamp); fixed compression settings
    img.save(out, format="PNG", optimize=False, compress_level=6)  # 9: 2% smaller, 3x slower
    return out.getvalue()


def cover_image(book: Book, fonts_dir: Path) -> tuple[str, str, bytes]:
    """The book's cover as (file name in the EPUB, media type, bytes): the editor's
    (``cover:``), else the one drawn from the metadata (``cover_png``).  The EPUB's cover,
    and the front of the print cover, come from here."""
    own = editor_cover(book)
    if own is not None:
        media, data = own
        ext = {"image/png": "png", "image/jpeg": "jpg", "image/svg+xml": "svg"}[media]
        return f"images/cover.{ext}", media, data
    return COVER_IMAGE, "image/png", cover_png(book, fonts_dir)


def cover_alt(book: Book) -> str:
    b = book.meta
    if b.cover and b.cover_alt:  # the editor's cover says what the editor says it shows
        return b.cover_alt
    alt = term(book, "cover-alt", title=b.title)
    if b.subtitle:
        alt += f". {b.subtitle}"
    if authors := _authors(book):
        alt += f". {authors}"
    if b.editor:
        alt += ". " + term(book, "edited-by", editor=b.editor)
    return alt + "."


def cover_doc(book: Book, src: str = COVER_IMAGE) -> Doc:
    """The cover page: the image alone, scaled to the screen."""
    body = (f'<section id="cover" class="cover" aria-label="{esc(term(book, "cover"))}">'
            f'<img class="cover-image" src="{esc(src)}" alt="{esc(cover_alt(book))}" '
            f'epub:type="cover" role="doc-cover"/></section>')
    return Doc("cover", "cover.xhtml", term(book, "cover"), body, role="front", landmark="cover", in_toc=False)
