"""Even colour of the print edition, measured beside an anchor: Typst on the same text.

``python -m bench.colour BOOK.pdf [ROOT]`` reads the body lines of the PDF (the
type size most lines are set in; notes, headings and running heads are other sizes) and
reports, for justified text:

- **loose**: lines whose word space (the median gap between the words of the line) is
  over 0.40 em, twice the face's normal space;
- **hyphenated**: line ends broken at a hyphen, in % of the lines;
- **stacks**: runs of three or more hyphenated line ends one under another;
- **leaf turns**: a word broken at the foot of a recto (finished overleaf);
- **last-line tails**: a paragraph whose last line begins with the tail of a broken word;
- **short pieces**: a break leaving fewer than three letters on one side;
- **names**: a break inside a capitalised word (a proper name) or after an initial.

The anchor (``anchor``) sets the documents' body paragraphs (the chapters whose ``kind`` is
``document``, their text after the transforms) with Typst, whose line breaker optimises
whole paragraphs, in EB Garamond at the print edition's size, leading and measure,
justified and hyphenated, and reads its PDF back with the same measure, so the comparison
is redone at every run (``make bench``).  Typst is a development dependency.
"""

from __future__ import annotations

import re
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .lines import Line, attach_superscripts, page_lines

LOOSE = 0.40  # em

# The A5 print edition (edition/data/styles/print.css): 11 pt on 14.52 pt, a 100 mm measure,
# the first line of a paragraph indented 1.1 em.
SIZE_PT = 11.0
LEADING = 1.32
MEASURE_MM = 100.0
INDENT_EM = 1.1


@dataclass
class Colour:
    lines: int = 0
    justified: int = 0
    loose: list[Line] = field(default_factory=list)
    hyphenated: list[Line] = field(default_factory=list)
    stacks: list[int] = field(default_factory=list)  # length of each run of >= 3
    leaf_turns: list[Line] = field(default_factory=list)
    last_line_tails: list[Line] = field(default_factory=list)
    short_pieces: list[Line] = field(default_factory=list)
    names: list[Line] = field(default_factory=list)

    def pct(self, n: int, of: int | None = None) -> float:
        d = self.lines if of is None else of
        return 100 * n / d if d else 0.0

    def row(self, label: str) -> str:
        return (f"| {label} | {self.lines} | {self.pct(len(self.loose), self.justified):.1f}% "
                f"({len(self.loose)}) | {self.pct(len(self.hyphenated)):.1f}% ({len(self.hyphenated)}) | "
                f"{len(self.stacks)} | {len(self.leaf_turns)} | {len(self.last_line_tails)} | "
                f"{len(self.short_pieces)} | {len(self.names)} |")


HEADER = ("| setting | body lines | justified lines over 0.40 em | hyphenated ends | stacks of ≥3 | "
          "broken at a leaf turn | last line a word's tail | < 3 letters at a break | "
          "breaks in names/initials |\n|---|---|---|---|---|---|---|---|---|")

_LETTERS = re.compile(r"[^\W\d_]+")
_INITIAL_END = re.compile(r"(?:^|\s)[A-Z]\.$")


def _word_space(ln: Line) -> float:
    gaps = [(b[0] - a[1]) / ln.size for a, b in zip(ln.words, ln.words[1:], strict=False)]
    gaps = [g for g in gaps if g > 0.1]
    return statistics.median(gaps) if gaps else 0.0


def _broken(ln: Line) -> bool:
    last = ln.words[-1][2] if ln.words else ""
    return len(last) >= 2 and last.endswith("-") and last[-2].isalpha()


def measure(pdf_path: str | Path, body_size: float | None = None) -> Colour:
    import pdfplumber

    out = Colour()
    with pdfplumber.open(str(pdf_path)) as pdf:
        pages = [attach_superscripts(page_lines(p, n)) for n, p in enumerate(pdf.pages, 1)]
    sizes = [round(ln.size, 1) for lines in pages for ln in lines for _ in ln.words]
    if not sizes:
        return out
    size = body_size or statistics.mode(sizes)
    for number, lines in enumerate(pages, 1):
        body = [ln for ln in lines if abs(ln.size - size) < 0.3 and ln.words]
        if len(body) < 3:
            continue
        if sum(ln.max_gap() > 2.5 for ln in body) >= len(body) / 3:
            continue  # two columns (the index)
        right = statistics.median(sorted(ln.x1 for ln in body)[-max(1, len(body) // 3):])
        left = min(ln.x0 for ln in body)
        body = [ln for ln in body if ln.x0 >= left - 1 and ln.x1 <= right + 1]
        flush = [ln.x1 >= right - 0.8 for ln in body]
        run = 0
        for i, ln in enumerate(body):
            out.lines += 1
            centred = abs((ln.x0 - left) - (right - ln.x1)) < 2 and ln.x0 - left > 6
            if flush[i] and len(ln.words) >= 2 and not centred:
                out.justified += 1
                if _word_space(ln) > LOOSE:
                    out.loose.append(ln)
            nxt = body[i + 1] if i + 1 < len(body) else None
            adjacent = nxt is not None and nxt.top - ln.top < ln.size * 1.7
            if _broken(ln) and flush[i]:
                out.hyphenated.append(ln)
                run += 1
                head = _LETTERS.findall(ln.words[-1][2])
                tail = _LETTERS.findall(nxt.words[0][2]) if adjacent and nxt else []
                if (head and len(head[-1]) < 3) or (tail and len(tail[0]) < 3):
                    out.short_pieces.append(ln)
                if head and head[-1][:1].isupper():
                    out.names.append(ln)
                if nxt is None and number % 2 == 1:
                    out.leaf_turns.append(ln)
                if adjacent and nxt is not None and not flush[i + 1]:
                    out.last_line_tails.append(nxt)
            else:
                if run >= 3:
                    out.stacks.append(run)
                run = 0
            if flush[i] and _INITIAL_END.search(ln.text):
                out.names.append(ln)
        if run >= 3:
            out.stacks.append(run)
    return out


# -- the anchor: Typst --------------------------------------------------------------

def body_paragraphs(root: Path) -> list[str]:
    """The text of the documents' body paragraphs, after the transforms (house style,
    ties), as the print edition sets them; notes left out."""
    from ..diagnostics import Reporter
    from ..pipeline import load_book

    book = load_book(root, Reporter())
    out = []
    for ch in book.chapters:
        if ch.meta.kind != "document" or ch.meta.role != "body":
            continue
        depth = 0
        for t in ch.tokens:
            if t.type == "blockquote_open" or t.type.startswith("container_"):
                depth += 1 if t.nesting == 1 else -1 if t.nesting == -1 else 0
            if t.type == "blockquote_close":
                depth -= 1
            if t.type != "inline" or depth:
                continue
            text = "".join(c.content if c.type == "text" else " " if c.type in ("softbreak",) else ""
                           for c in t.children or [])
            text = " ".join(text.split(" "))
            if len(text) > 80:
                out.append(text.strip())
    return out


def _typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def typst_source(paragraphs: list[str], size_pt: float = SIZE_PT, measure_mm: float = MEASURE_MM) -> str:
    leading = size_pt * (LEADING - 1) + 0.3 * size_pt  # Typst's leading is the gap between lines
    items = ",\n".join(_typst_string(p) for p in paragraphs)
    return (f'#set page(width: {measure_mm + 20}mm, height: 200mm, margin: 10mm)\n'
            f'#set text(font: "EB Garamond", size: {size_pt}pt, lang: "en", hyphenate: true, '
            f'number-type: "old-style", overhang: false)\n'
            f'#set par(justify: true, leading: {leading:.2f}pt, spacing: {leading:.2f}pt, '
            f'first-line-indent: {INDENT_EM}em)\n'
            f"#let ps = (\n{items},\n)\n#for p in ps [#p #parbreak()]\n")


def anchor(root: Path, work: Path) -> Colour:
    import typst

    from ..build_manifest import PACKAGE_STYLES

    fonts = root / "styles" / "fonts"
    fonts = fonts if fonts.is_dir() else PACKAGE_STYLES / "fonts"
    src = work / "anchor.typ"
    src.write_text(typst_source(body_paragraphs(root)), encoding="utf-8")
    pdf = work / "anchor.pdf"
    pdf.write_bytes(typst.compile(str(src), font_paths=[str(fonts)]))
    return measure(pdf, SIZE_PT)


def report(ours: Colour, theirs: Colour | None) -> str:
    rows = [HEADER, ours.row("edition (WeasyPrint)")]
    if theirs is not None:
        rows.append(theirs.row("Typst 0.x, same paragraphs"))
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m bench.colour BOOK.pdf [ROOT] [--list]", file=sys.stderr)
        return 2
    import tempfile

    ours = measure(argv[0])
    theirs = None
    if len(argv) > 1 and not argv[1].startswith("--"):
        with tempfile.TemporaryDirectory() as t:
            theirs = anchor(Path(argv[1]), Path(t))
    print(report(ours, theirs))
    if "--list" in argv:
        for label, items in (("loose", ours.loose), ("leaf", ours.leaf_turns), ("tail", ours.last_line_tails),
                             ("short", ours.short_pieces), ("name", ours.names)):
            for ln in items:
                print(f"{label:6} p{ln.page:>3}: {ln.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
