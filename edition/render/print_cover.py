"""The printed cover (``edition build cover``): back, spine and front in one piece, at the
trim size plus bleed, as a print-on-demand service asks for it.

Geometry (mm; ``trim`` is the interior's trim size, read from its PDF)::

    width  = bleed + trim width (back) + spine + trim width (front) + bleed
    height = bleed + trim height + bleed
    spine  = leaves × caliper, leaves = ceil(pages / 2)

The caliper (the thickness of one leaf) comes from ``paper:`` in book.yaml, as
``caliper: 0.1`` (mm a leaf) or ``ppi: 444`` (the pages per inch printers quote;
caliper = 2 × 25.4 / ppi); by default 0.1 mm, about 80 gsm uncoated offset paper.
The PDF's TrimBox is the whole cover without the bleed, its BleedBox and MediaBox
that plus 3 mm all round.

The spine carries the title and the editor when it is at least ``SPINE_TEXT_MIN`` wide
(thinner books have a blank spine, as printers advise), running top to bottom, as
English and most left-to-right languages have it.  The back has the book's
``description`` and a blank white box for the barcode (2 × 1.2 in, the size printers
leave for the ISBN barcode) at its foot next to the spine.  The front is the editor's
``cover:`` image (a file in the project, stretched to the front panel and its bleed),
else the design of the e-book cover (render/cover.py) set in type.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import BookError, Diagnostic, Severity
from ..model import Book
from ..terms import term
from .cover import ACCENT, INK, PAPER
from .xhtml import esc

MM = 72 / 25.4
BLEED = 3.0  # mm
DEFAULT_CALIPER = 0.1  # mm a leaf: 80 gsm uncoated
SPINE_TEXT_MIN = 6.0  # mm: below this the spine stays blank
BARCODE = (50.8, 30.48)  # mm (2 × 1.2 in)
BARCODE_INSET = 10.0  # mm from the spine and from the foot of the back
MIN_DPI = 300


@dataclass(frozen=True)
class CoverGeometry:
    trim_w: float  # mm, one page
    trim_h: float
    pages: int
    caliper: float  # mm a leaf
    bleed: float = BLEED

    @property
    def leaves(self) -> int:
        return math.ceil(self.pages / 2)

    @property
    def spine(self) -> float:
        return round(self.leaves * self.caliper, 3)

    @property
    def width(self) -> float:  # the trimmed cover
        return 2 * self.trim_w + self.spine

    @property
    def height(self) -> float:
        return self.trim_h

    @property
    def media(self) -> tuple[float, float]:  # with the bleed
        return self.width + 2 * self.bleed, self.height + 2 * self.bleed


def caliper_of(paper: dict | None) -> float:
    """mm a leaf from book.yaml's ``paper:`` (``caliper`` or ``ppi``), or the default."""
    if paper:
        if paper.get("caliper"):
            return float(paper["caliper"])
        if paper.get("ppi"):
            return 2 * 25.4 / float(paper["ppi"])
    return DEFAULT_CALIPER


def cover_image_setting(book: Book) -> str | None:
    """The editor's ``cover:`` (a project-relative image path) in book.yaml, if any: the
    one place this module reads it (another branch adds the key to the schema and to
    ``BookMeta``; until then no book has it and the generated design is used)."""
    value = getattr(book.meta, "cover", None)
    return value if isinstance(value, str) and value.strip() else None


def interior(pdf: bytes | Path) -> tuple[int, float, float]:
    """(pages, trim width, trim height in mm) of the interior PDF."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))
    trim = reader.pages[0].trimbox
    return len(reader.pages), float(trim.width) / MM, float(trim.height) / MM


def _rgb(c: tuple[int, int, int]) -> str:
    return f"rgb({c[0]},{c[1]},{c[2]})"


def cover_html(book: Book, g: CoverGeometry, front_image: str | None) -> str:
    b, bl = book.meta, g.bleed
    title, subtitle = esc(b.title), esc(b.subtitle or "")
    editor = esc(term(book, "edited-by", editor=b.editor)) if b.editor else ""
    front_x = g.trim_w + g.spine
    css = f"""
@font-face {{ font-family: "EB Garamond"; src: url(fonts/EBGaramond-Regular.ttf); font-weight: 400; }}
@font-face {{ font-family: "EB Garamond"; src: url(fonts/EBGaramond-Italic.ttf); font-style: italic; }}
@page {{ size: {g.width:.3f}mm {g.height:.3f}mm; margin: 0; bleed: {bl}mm; }}
html, body {{ margin: 0; padding: 0; }}
body {{ font-family: "EB Garamond"; color: {_rgb(INK)}; }}
.panel {{ position: absolute; top: -{bl}mm; height: {g.height + 2 * bl:.3f}mm; background: {_rgb(PAPER)};
  overflow: hidden; }}
.back {{ left: -{bl}mm; width: {g.trim_w + bl:.3f}mm; }}
.spine {{ left: {g.trim_w:.3f}mm; width: {g.spine:.3f}mm; background: {_rgb(ACCENT)}; }}
.front {{ left: {front_x:.3f}mm; width: {g.trim_w + bl:.3f}mm; }}
.front img {{ display: block; width: 100%; height: 100%; object-fit: cover; }}
.frame {{ position: absolute; top: {bl + 7:.3f}mm; left: 7mm; right: {bl + 7:.3f}mm;
  bottom: {bl + 7:.3f}mm; border: 1.6mm solid {_rgb(ACCENT)}; }}
.frame2 {{ position: absolute; top: {bl + 10:.3f}mm; left: 10mm; right: {bl + 10:.3f}mm;
  bottom: {bl + 10:.3f}mm; border: 0.5mm solid {_rgb(ACCENT)}; }}
.titles {{ position: absolute; top: {bl + g.trim_h * 0.2:.3f}mm; left: 18mm; right: {bl + 18:.3f}mm;
  text-align: center; }}
.title {{ font-size: {min(30.0, g.trim_w * 0.18):.1f}pt; line-height: 1.15; margin: 0; font-weight: 400; }}
.rule {{ width: 30mm; border-top: 0.8mm solid {_rgb(ACCENT)}; margin: 8mm auto; }}
.subtitle {{ font-style: italic; font-size: {min(15.0, g.trim_w * 0.09):.1f}pt; line-height: 1.3; margin: 0; }}
.editor {{ position: absolute; bottom: {bl + g.trim_h * 0.1:.3f}mm; left: 18mm; right: {bl + 18:.3f}mm;
  text-align: center; font-size: {min(13.0, g.trim_w * 0.08):.1f}pt; }}
.blurb {{ position: absolute; top: {bl + 20:.3f}mm; left: {bl + 16:.3f}mm; right: 16mm;
  font-size: 11pt; line-height: 1.45; text-align: left; hyphens: auto; }}
.blurb h2 {{ font-size: 14pt; font-weight: 400; margin: 0 0 5mm; }}
.barcode {{ position: absolute; width: {BARCODE[0]}mm; height: {BARCODE[1]}mm; background: white;
  right: {BARCODE_INSET}mm; bottom: {bl + BARCODE_INSET:.3f}mm; }}
.spine-text {{ position: absolute; white-space: nowrap; text-align: center; color: {_rgb(PAPER)};
  width: {g.height:.3f}mm; height: {g.spine:.3f}mm; line-height: {g.spine:.3f}mm;
  left: {g.trim_w + g.spine / 2 - g.height / 2:.3f}mm; top: {g.height / 2 - g.spine / 2:.3f}mm;
  font-size: {min(11.0, g.spine * 0.5 / 0.3528):.1f}pt; transform: rotate(90deg); }}
"""
    if front_image:
        front = f'<img src="{esc(front_image)}" alt=""/>'
    else:
        front = (f'<div class="frame"></div><div class="frame2"></div>'
                 f'<div class="titles"><h1 class="title">{title}</h1><div class="rule"></div>'
                 + (f'<p class="subtitle">{subtitle}</p>' if subtitle else "") + "</div>"
                 + (f'<p class="editor">{editor}</p>' if editor else ""))
    blurb = esc(b.description or "")
    spine_text = ""
    if g.spine >= SPINE_TEXT_MIN:
        spine_text = (f'<div class="spine-text">{esc(b.short_title or b.title)}'
                      + (f" \u2003 {esc(b.editor)}" if b.editor else "") + "</div>")
    return (f'<!DOCTYPE html><html lang="{esc(b.language)}"><head><meta charset="utf-8"/>'
            f"<title>{title}</title><style>{css}</style></head><body>"
            f'<div class="panel back"><div class="blurb"><h2>{title}</h2><p>{blurb}</p></div>'
            f'<div class="barcode"></div></div>'
            f'<div class="panel spine"></div>{spine_text}'
            f'<div class="panel front">{front}</div></body></html>')


def _front_image(book: Book, g: CoverGeometry, warn) -> str | None:
    """The editor's cover image as a file URL, checked: in the project, an image, and at
    300 dpi over the front panel (else a warning naming it)."""
    rel = cover_image_setting(book)
    if rel is None:
        return None
    from ..gate import read_input

    path = book.root / rel
    data = read_input(path, rel, book.root)  # refuses links out of the project, FIFOs …
    from PIL import Image, UnidentifiedImageError

    try:
        import io

        with Image.open(io.BytesIO(data)) as im:
            px_w, px_h = im.size
    except (UnidentifiedImageError, OSError):
        raise BookError(Diagnostic("book.yaml", None, Severity.ERROR,
                                   f"cover: '{rel}' is not an image", "cover.image")) from None
    need_w = (g.trim_w + g.bleed) / 25.4 * MIN_DPI
    need_h = (g.trim_h + 2 * g.bleed) / 25.4 * MIN_DPI
    if px_w < need_w or px_h < need_h:
        dpi = min(px_w / ((g.trim_w + g.bleed) / 25.4), px_h / ((g.trim_h + 2 * g.bleed) / 25.4))
        warn(rel, f"the cover image {rel} is {px_w} × {px_h} px: {dpi:.0f} dpi on the front "
             f"({g.trim_w + g.bleed:.0f} × {g.trim_h + 2 * g.bleed:.0f} mm with bleed); printers ask "
             f"for {MIN_DPI} ({math.ceil(need_w)} × {math.ceil(need_h)} px)")
    return path.resolve().as_uri()


def build_cover(book: Book, pdf: bytes | Path, warn=None) -> tuple[bytes, CoverGeometry]:
    """The cover PDF for the interior ``pdf`` and its geometry.  ``warn(file, message)``
    receives what a printer would object to (an image under 300 dpi)."""
    from weasyprint import HTML

    from .fetch import ProjectFetcher
    from .fonts import font_config
    from .pdf import pdf_date

    pages, tw, th = interior(pdf)
    g = CoverGeometry(round(tw, 2), round(th, 2), pages, caliper_of(book.meta.paper))
    image = _front_image(book, g, warn or (lambda f, m: None))
    styles = (book.root / "styles").resolve().as_uri() + "/"
    html = HTML(string=cover_html(book, g, image), base_url=styles,
                url_fetcher=ProjectFetcher(book.root))
    doc = html.render(font_config=font_config())
    meta = doc.metadata
    meta.title = f"{book.meta.title} (cover)"
    meta.generator = "edition"
    meta.created = meta.modified = pdf_date(book.source_date_epoch)
    return doc.write_pdf(pdf_identifier=False), g
