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


MAX_CREEP = 10.0  # mm: more than a signature of 80 gsm paper could need many times over


def check_options(signature: int, creep_mm: float) -> None:
    if signature < 1:
        raise BookletError(f"--signature must be at least 1 sheet (got {signature})")
    if not abs(creep_mm) <= MAX_CREEP:  # (NaN too)
        raise BookletError(f"--creep must be between -{MAX_CREEP:g} and {MAX_CREEP:g} mm (got {creep_mm:g})")


def impose(pages: int, signature: int = DEFAULT_SIGNATURE, creep_mm: float = 0.0,
           page_size: tuple[float, float] = (148 * MM, 210 * MM)) -> Imposition:
    """The order of the booklet: which page goes where, for ``pages`` pages."""
    if pages < 1:
        raise BookletError("the PDF has no pages")
    check_options(signature, creep_mm)
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

    Each page of the edition becomes a form XObject (pikepdf's ``as_form_xobject``: its
    content as it is, bounded by its trim box, so a print-shop PDF's bleed and crop marks
    stay off the sheet; the resources shared, so a font is in the file once) and is drawn
    once, against the fold."""
    import pikepdf

    try:
        src = pikepdf.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else Path(pdf))
    except (pikepdf.PdfError, OSError) as exc:
        raise BookletError(f"cannot read the print PDF: {exc}") from None
    with src:
        if not src.pages:
            raise BookletError("the PDF has no pages")
        trim = src.pages[0].trimbox
        pw, ph = float(trim[2]) - float(trim[0]), float(trim[3]) - float(trim[1])
        imp = impose(len(src.pages), signature, creep_mm, (pw, ph))
        sw, sh = imp.sheet_size
        out = pikepdf.new()
        forms: dict[int, pikepdf.Object] = {}
        sides: dict[tuple[int, str], list[str]] = {}
        names: dict[tuple[int, str], pikepdf.Dictionary] = {}
        for slot in imp.slots:
            key = (slot.sheet, slot.side)
            ops = sides.setdefault(key, [])
            xobjects = names.setdefault(key, pikepdf.Dictionary())
            if slot.page is None:
                continue
            page = src.pages[slot.page]
            if slot.page not in forms:
                forms[slot.page] = out.copy_foreign(page.as_form_xobject())
            t = [float(v) for v in page.trimbox]
            # the trim box against the fold: right of it on the right half, left on the left
            x = sw / 2 + (-slot.shift if slot.half == "right" else -pw + slot.shift)
            y = (sh - ph) / 2
            name = f"/P{slot.page}"
            xobjects[name] = forms[slot.page]
            ops.append(f"q 1 0 0 1 {x - t[0]:.4f} {y - t[1]:.4f} cm {name} Do Q")
        for key, ops in sides.items():
            sheet = out.add_blank_page(page_size=(sw, sh))
            sheet.obj.Resources = pikepdf.Dictionary(XObject=names[key])
            sheet.obj.Contents = out.make_stream(("\n".join(ops) + "\n").encode("ascii"))
        title = str(src.docinfo.get("/Title", "")) if src.docinfo is not None else ""
        out.docinfo["/Title"] = f"{title} (booklet)".strip()
        out.docinfo["/Creator"] = "edition"
        buf = io.BytesIO()
        # no timestamps, no random ID: the same PDF gives the same booklet
        out.save(buf, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buf.getvalue(), imp


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
