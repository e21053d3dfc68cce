"""Booklets: the print edition imposed two pages to a side for duplex printing and saddle
stitching (``edition build booklet``).

The booklet is made from the print PDF itself (the same pages, so the same page
numbers), with pypdf: each page of the edition is drawn once, on one half of one side
of one sheet.  Sheets are printed on both sides, "flip on short edge"; each signature
(a stack of ``signature`` sheets) is folded on its own and the signatures are gathered
in order, so the folded stack reads 1, 2, 3 …  Blank pages fill the last sheet, at the
end of the book.

The sheet is the standard paper the two pages fit on side by side (A5 on A4 landscape,
half-letter on Letter, Letter on 11 × 17, A4 on A3); any other page size gets a sheet
exactly twice its width.  Each page sits against the fold, so whatever the sheet has to
spare is at the outer edges, where a copy shop trims.

Creep: in a folded signature the inner sheets stick out at the fore-edge, and trimming
the fore-edge then leaves their text nearer to it than the outer sheets'.  ``creep`` (mm)
moves the pages of the innermost sheet that far towards the fold, the sheets between in
proportion (the outermost does not move), so that after trimming the margins line up.
A negative value moves them away from the fold.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

MM = 72 / 25.4
DEFAULT_SIGNATURE = 10  # sheets: 40 pages, what an office long-arm stapler goes through

# Standard sheets (landscape, mm) and their names; the first that holds two pages is used.
SHEETS = [
    ("A4", 297.0, 210.0),
    ("Letter", 279.4, 215.9),
    ("Legal", 355.6, 215.9),
    ("A3", 420.0, 297.0),
    ("Tabloid (11 × 17 in)", 431.8, 279.4),
]
_FIT = 1.0  # mm: a page pair at most this much larger than a sheet still counts as fitting


class BookletError(Exception):
    pass


@dataclass
class Slot:
    """One half of one side: which source page (None: blank) and where it is drawn."""

    page: int | None  # 0-based index in the edition, None for a blank
    sheet: int  # 0-based over the whole booklet
    side: str  # "front" or "back"
    half: str  # "left" or "right"
    signature: int  # 0-based
    shift: float = 0.0  # pt, towards the fold (creep)


@dataclass
class Imposition:
    sheet_name: str
    sheet_size: tuple[float, float]  # pt
    page_size: tuple[float, float]  # pt
    signatures: list[int] = field(default_factory=list)  # sheets in each
    slots: list[Slot] = field(default_factory=list)
    blanks: int = 0


def sheet_for(width: float, height: float) -> tuple[str, float, float]:
    """(name, width, height) in pt of the landscape sheet for pages ``width`` × ``height`` pt."""
    for name, w, h in SHEETS:
        if 2 * width <= (w + _FIT) * MM and height <= (h + _FIT) * MM:
            return name, max(w * MM, 2 * width), max(h * MM, height)
    return (f"{2 * width / MM:.1f} × {height / MM:.1f} mm", 2 * width, height)


def split_signatures(sheets: int, per: int) -> list[int]:
    """Sheets in each signature: as few signatures as ``per`` sheets allows, as even as can
    be (the larger first), so that no signature is a lone sheet at the end."""
    if sheets <= 0:
        return []
    count = -(-sheets // per)
    base, extra = divmod(sheets, count)
    return [base + 1 if i < extra else base for i in range(count)]


def impose(pages: int, signature: int = DEFAULT_SIGNATURE, creep_mm: float = 0.0,
           page_size: tuple[float, float] = (148 * MM, 210 * MM)) -> Imposition:
    """The order of the booklet: which page goes where, for ``pages`` pages."""
    if pages < 1:
        raise BookletError("the PDF has no pages")
    if signature < 1:
        raise BookletError(f"--signature must be at least 1 sheet (got {signature})")
    padded = -(-pages // 4) * 4
    name, sw, sh = sheet_for(*page_size)
    imp = Imposition(name, (sw, sh), page_size, split_signatures(padded // 4, signature),
                     blanks=padded - pages)
    first_page = 0
    sheet_no = 0
    for sig, n in enumerate(imp.signatures):
        local = list(range(first_page, first_page + 4 * n))
        for j in range(n):
            shift = creep_mm * MM * (j / (n - 1) if n > 1 else 0.0)
            for side, left, right in (("front", local[4 * n - 1 - 2 * j], local[2 * j]),
                                      ("back", local[2 * j + 1], local[4 * n - 2 - 2 * j])):
                for half, p in (("left", left), ("right", right)):
                    imp.slots.append(Slot(p if p < pages else None, sheet_no, side, half, sig, shift))
            sheet_no += 1
        first_page += 4 * n
    return imp


def build_booklet(pdf: bytes | Path, signature: int = DEFAULT_SIGNATURE,
                  creep_mm: float = 0.0) -> tuple[bytes, Imposition]:
    """The booklet PDF imposed from ``pdf`` (bytes or a path) and its imposition.

    Each page is clipped to its trim box (a print-shop PDF's bleed and crop marks stay
    off the sheet) and drawn against the fold."""
    from pypdf import PageObject, PdfReader, PdfWriter, Transformation
    from pypdf.generic import NameObject, RectangleObject

    try:
        reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))
        src = list(reader.pages)
    except Exception as exc:  # pypdf raises several kinds on a damaged file
        raise BookletError(f"cannot read the print PDF: {exc}") from None
    if not src:
        raise BookletError("the PDF has no pages")
    trim = src[0].trimbox
    pw, ph = float(trim.width), float(trim.height)
    imp = impose(len(src), signature, creep_mm, (pw, ph))
    sw, sh = imp.sheet_size
    writer = PdfWriter()
    sides: dict[tuple[int, str], PageObject] = {}
    for slot in imp.slots:
        key = (slot.sheet, slot.side)
        if key not in sides:
            sides[key] = writer.add_blank_page(sw, sh)
        if slot.page is None:
            continue
        page = src[slot.page]
        t = page.trimbox
        # the page's trim box against the fold: right of it on the right half, left on the left
        x = sw / 2 + (-slot.shift if slot.half == "right" else -pw + slot.shift)
        y = (sh - ph) / 2
        box = RectangleObject([float(t.left), float(t.bottom), float(t.right), float(t.top)])
        page.cropbox = box  # what merge_transformed_page clips the page to
        if NameObject("/Annots") in page:  # links into the edition's pages lead nowhere here
            del page[NameObject("/Annots")]
        sides[key].merge_transformed_page(
            page, Transformation().translate(x - float(t.left), y - float(t.bottom)), expand=False)
    for p in writer.pages:
        p.compress_content_streams()
        for k in ("/TrimBox", "/BleedBox", "/CropBox", "/ArtBox"):
            if NameObject(k) in p:
                del p[NameObject(k)]
    writer.add_metadata({"/Title": str((reader.metadata or {}).get("/Title", "")) + " (booklet)",
                         "/Creator": "edition", "/Producer": "edition (pypdf)"})
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), imp


def describe(imp: Imposition) -> str:
    """One line for the editor: how to print it."""
    sheets = sum(imp.signatures)
    sigs = len(imp.signatures)
    blanks = f", {imp.blanks} blank page{'s' if imp.blanks != 1 else ''} at the end" if imp.blanks else ""
    return (f"{sheets} sheet{'s' if sheets != 1 else ''} of {imp.sheet_name} landscape in "
            f"{sigs} signature{'s' if sigs != 1 else ''} ({'+'.join(map(str, imp.signatures))} sheets){blanks}: "
            "print double-sided, flip on short edge; fold each signature and gather them in order")


def booklet_path(out_dir: Path, slug: str) -> Path:
    return out_dir / f"{slug}-booklet.pdf"
