"""Helpers (no tests here) for reading a built PDF back (pdfplumber for glyph geometry, pypdf for structure).

Nothing here looks at our HTML: every fact comes from the PDF file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

MM = 72 / 25.4
ROMAN = re.compile(r"^[ivxlcdm]+$")


def norm(text: str) -> str:
    """Letters and digits only, lower case, ligatures and small caps folded."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\W_]+", "", text).casefold()


@dataclass
class Page:
    index: int  # 0-based physical page
    width: float
    height: float
    trim: tuple[float, float, float, float]  # x0, top, x1, bottom in pdfplumber coordinates
    chars: list[dict] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def recto(self) -> bool:
        return self.number % 2 == 1

    def text(self, chars: list[dict] | None = None) -> str:
        return "".join(c["text"] for c in (self.chars if chars is None else chars))

    def head_chars(self, band_mm: float) -> list[dict]:
        """Characters in the top margin (above the text block)."""
        return [c for c in self.chars if c["top"] < self.trim[1] + band_mm * MM]

    def body_chars(self, band_mm: float) -> list[dict]:
        return [c for c in self.chars if c["top"] >= self.trim[1] + band_mm * MM]

    def lines(self, chars: list[dict]) -> list[str]:
        """Characters grouped into lines by their baseline, left to right."""
        rows: dict[int, list[dict]] = {}
        for c in chars:
            rows.setdefault(round(c["bottom"]), []).append(c)
        out = []
        for key in sorted(rows):
            row = sorted(rows[key], key=lambda c: c["x0"])
            s, prev = "", None
            for c in row:
                if prev is not None and c["x0"] - prev > 1.2:
                    s += " "
                s += c["text"]
                prev = c["x1"]
            out.append(s)
        return out


def read_pages(path: Path) -> list[Page]:
    import pdfplumber
    from pypdf import PdfReader

    boxes = [(p.mediabox, p.trimbox) for p in PdfReader(str(path)).pages]
    pages = []
    with pdfplumber.open(str(path)) as pdf:
        for i, p in enumerate(pdf.pages):
            # pdfplumber keeps PDF x coordinates and measures `top` down from the media
            # box's top, shifted by its bbox when the media box does not start at 0
            # (the print-shop variant's bleed): put the trim box in the same terms
            media, trim = boxes[i]
            y = lambda v, p=p, media=media: float(p.bbox[1]) + float(media.top) - float(v)  # noqa: E731
            box = (float(trim.left), y(trim.top), float(trim.right), y(trim.bottom))
            chars = [{"text": c["text"], "x0": c["x0"], "x1": c["x1"], "top": c["top"],
                      "bottom": c["bottom"], "size": c["size"], "font": c["fontname"],
                      "upright": c.get("upright", True)}
                     for c in p.chars if c["text"].strip()]
            pages.append(Page(i, float(p.width), float(p.height), box, chars))
    return pages


def head_words(page: Page, band_mm: float) -> list[str]:
    """The words of the top margin, left to right (split where glyphs are 2.5 pt apart)."""
    head = sorted(page.head_chars(band_mm), key=lambda c: c["x0"])
    words: list[str] = []
    prev = None
    for c in head:
        if prev is None or c["x0"] - prev > 2.5:
            words.append("")
        words[-1] += c["text"]
        prev = c["x1"]
    return words


def folio(page: Page, band_mm: float) -> str | None:
    """The folio: the outermost word of the top margin (left on a verso, right on a recto)."""
    words = head_words(page, band_mm)
    if not words:
        return None
    word = words[-1] if page.recto else words[0]
    return word if word.isdigit() or ROMAN.match(word) else None


def running_head(page: Page, band_mm: float) -> str:
    """The words of the top margin without the folio."""
    words = head_words(page, band_mm)
    f = folio(page, band_mm)
    if f is not None:
        words = words[:-1] if page.recto else words[1:]
    return " ".join(words)


def named_dest_pages(path: Path) -> dict[str, int]:
    """Named destination -> 0-based page index, from the PDF's /Dests tree."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    index = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    out = {}
    for name, dest in reader.named_destinations.items():
        ref = dest.page
        idnum = getattr(ref, "idnum", None)
        if idnum is None and hasattr(ref, "indirect_reference"):
            idnum = ref.indirect_reference.idnum
        if idnum in index:
            out[str(name)] = index[idnum]
    return out


def roman(n: int) -> str:
    vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
            (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def contents_entries(pages: list[Page], band_mm: float) -> list[tuple[str, str]]:
    """(title, printed page) for every line of the contents, dot leaders removed.

    A title that wraps is joined with the following line that carries the number."""
    start = next(p for p in pages if norm(p.text(p.body_chars(band_mm)))[:8] == "contents")
    entries: list[tuple[str, str]] = []
    pending = ""
    for p in pages[start.index:]:
        body = p.body_chars(band_mm)
        if p is not start and not p.head_chars(band_mm):
            break  # a page without head or folio (blank, opener) ends the contents
        for line in p.lines(body):
            if p is start and norm(line) == "contents" and not entries and not pending:
                continue
            line_clean = re.sub(r"(\s*\.){3,}", " ", line).strip()
            m = re.match(r"^(.*\S)\s+([ivxlcdm]+|\d+)$", line_clean)
            if m:
                entries.append(((pending + " " + m.group(1)).strip(), m.group(2)))
                pending = ""
            else:
                pending = (pending + " " + line_clean).strip()
    return entries
