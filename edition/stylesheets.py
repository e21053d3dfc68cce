"""A book's style sheets layered on the shipped ones.

The package ships ``print.css`` and ``epub.css`` (``edition/data/styles/``).  A book's own
``styles/print.css`` (or ``epub.css``) is read *after* the shipped sheet, in the same
cascade: a rule of the book's wins over the shipped rule it meets, and a book that wants
one change writes one rule.  A book that wants to replace the shipped sheet outright says
so on the first line of its own::

    /* edition: replace */

and then its sheet alone is used.  The page geometry the tool appends for A4 and Letter
(``render/pdf.py``) comes after both: ``page_size`` in book.yaml has the last word.

Lines are counted per part, so that a message about line 412 of the combined text points
at the line of the file it came from (``Layered.locate``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

REPLACE = re.compile(r"\A\s*/\*\s*edition:\s*replace\b", re.I)


@dataclass
class Part:
    label: str  # the file as the editor names it ("styles/print.css") or "book.yaml"
    first: int  # first line of this part in the combined text (1-based)
    lines: int


@dataclass
class Layered:
    text: str
    base: Path  # the folder relative url()s start from
    parts: list[Part] = field(default_factory=list)

    def locate(self, line: int) -> tuple[str, int | None]:
        """(file, line in that file) of a line of the combined text."""
        for part in self.parts:
            if part.first <= line < part.first + part.lines:
                return part.label, (line - part.first + 1) if part.label != "book.yaml" else None
        return (self.parts[-1].label if self.parts else "styles"), None

    def own_text(self, label: str) -> str:
        lines = self.text.split("\n")
        for part in self.parts:
            if part.label == label:
                return "\n".join(lines[part.first - 1:part.first - 1 + part.lines])
        return ""


def replaces(own_css: str) -> bool:
    """Does the book's own sheet say that it replaces the shipped one?"""
    return bool(REPLACE.match(own_css))


def layer(shipped: str, shipped_label: str, own: str | None, own_label: str, base: Path,
          after: str = "") -> Layered:
    """The combined sheet: shipped, then the book's own (which may replace the shipped
    one), then ``after`` (the page geometry of book.yaml's page_size, which a sheet copied
    from an older shipped one, with its A5 ``@page``, must not undo)."""
    pieces: list[tuple[str, str]] = []
    if own is None or not replaces(own):
        pieces.append((shipped_label, shipped))
    if own is not None:
        pieces.append((own_label, own))
    if after:
        pieces.append(("book.yaml", after))
    parts, text, line = [], "", 1
    for label, piece in pieces:
        if text and not text.endswith("\n"):
            text += "\n"  # the last line was counted already
        n = piece.count("\n") + (0 if piece.endswith("\n") else 1)
        parts.append(Part(label, line, n))
        text += piece
        line += n
    return Layered(text, base, parts)
