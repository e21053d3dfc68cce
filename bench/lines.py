"""How well the print edition's lines are set, read back from the PDF.

``python -m bench.lines BOOK.pdf`` prints, for the whole book:

- **loose lines**: justified lines with a word gap wider than 1.2 em (the gap between
  two words read back from the glyph positions, in ems of the line's type size);
- **stranded words**: a word standing alone on a line in mid-paragraph (a short line
  followed, in the same column, by a line of the same paragraph set flush).

Lines are read with pdfplumber (a development dependency: this measures the output, the
build does not need it).  A line is *justified* when it reaches the right edge of the
text block; the text block of a page is the span of its body lines.  Running heads and
folios (above and below the block), centred lines and pages set in two columns (the
index, ragged right) are left out.
"""

from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass, field

LOOSE_EM = 1.2


@dataclass
class Line:
    page: int  # 1-based sheet number
    top: float
    x0: float
    x1: float
    size: float
    words: list[tuple[float, float, str]]  # (x0, x1, text)

    @property
    def text(self) -> str:
        return " ".join(w[2] for w in self.words)

    def max_gap(self) -> float:
        gaps = [(b[0] - a[1]) / self.size for a, b in zip(self.words, self.words[1:], strict=False)]
        return max(gaps, default=0.0)


@dataclass
class Report:
    lines: int = 0
    justified: int = 0
    loose: list[Line] = field(default_factory=list)
    stranded: list[Line] = field(default_factory=list)
    multicolumn_pages: int = 0  # left out

    @property
    def loose_per_1000(self) -> float:
        return 1000 * len(self.loose) / self.justified if self.justified else 0.0

    def summary(self) -> str:
        return (f"{self.lines} lines, {self.justified} justified; loose (gap > {LOOSE_EM} em): "
                f"{len(self.loose)} ({self.loose_per_1000:.1f} per 1,000 justified lines); "
                f"stranded words: {len(self.stranded)}; "
                f"{self.multicolumn_pages} pages in two columns left out")


def page_lines(page, number: int) -> list[Line]:
    words = page.extract_words(use_text_flow=False, keep_blank_chars=False,
                               extra_attrs=["size"], x_tolerance=1.2)
    rows: dict[tuple[int, float], list[dict]] = {}
    for w in words:
        key = (round(w["bottom"] * 2) / 2, round(w["size"], 1))
        rows.setdefault(key, []).append(w)
    # merge rows whose baselines are within half a point (superscripts sit higher; keep
    # them apart, they are note calls and glossary marks, not words of the line)
    out = []
    for (bottom, size), ws in sorted(rows.items()):
        ws.sort(key=lambda w: w["x0"])
        out.append(Line(number, bottom, ws[0]["x0"], ws[-1]["x1"], size,
                        [(w["x0"], w["x1"], w["text"]) for w in ws]))
    return out


def attach_superscripts(lines: list[Line]) -> list[Line]:
    """Note calls are set smaller and higher: fold them into the line they belong to, so
    that they neither count as lines nor open gaps."""
    body = [ln for ln in lines if ln.size >= 7]
    small = [ln for ln in lines if ln.size < 7]
    for s in small:
        host = min(body, key=lambda b: abs(b.top - s.top), default=None)
        if host is None or abs(host.top - s.top) > host.size * 0.6:
            body.append(s)
            continue
        host.words = sorted(host.words + s.words)
        # a call glued to its word is part of that word
        merged: list[tuple[float, float, str]] = []
        for w in host.words:
            if merged and w[0] - merged[-1][1] < host.size * 0.08:
                merged[-1] = (merged[-1][0], w[1], merged[-1][2] + w[2])
            else:
                merged.append(w)
        host.words = merged
        host.x1 = max(host.x1, s.x1)
    return sorted(body, key=lambda ln: ln.top)


def measure(pdf_path: str) -> Report:
    import pdfplumber

    report = Report()
    with pdfplumber.open(pdf_path) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            lines = attach_superscripts(page_lines(page, n))
            lines = [ln for ln in lines if ln.size >= 7.5]
            if len(lines) < 4:
                continue
            # pages set in two columns (the index) are ragged and read column by column:
            # a third of their lines or more hold a gap of several ems between columns
            if sum(ln.max_gap() > 2.5 for ln in lines) >= len(lines) / 3:
                report.multicolumn_pages += 1
                continue
            right = statistics.median(sorted(ln.x1 for ln in lines)[-max(1, len(lines) // 3):])
            left = min(ln.x0 for ln in lines)
            width = right - left
            # the running head and the folio sit outside the text block's lines
            block = [ln for ln in lines if ln.x0 >= left - 1 and ln.x1 <= right + 1]
            for i, ln in enumerate(block):
                report.lines += 1
                flush_right = ln.x1 >= right - 0.8
                centred = abs((ln.x0 - left) - (right - ln.x1)) < 2 and ln.x0 - left > 6
                if flush_right and len(ln.words) >= 2 and not centred:
                    report.justified += 1
                    if ln.max_gap() > LOOSE_EM:
                        report.loose.append(ln)
                nxt = block[i + 1] if i + 1 < len(block) else None
                # a word that ends a sentence more likely ends its paragraph (the next block
                # may begin flush, as a register's "Sources:" line does)
                ends = ln.words[0][2].rstrip("”’)]\"'").endswith((".", "!", "?")) if ln.words else False
                if (len(ln.words) == 1 and not ends and not flush_right and not centred and nxt is not None
                        and abs(nxt.size - ln.size) < 0.2 and nxt.x1 >= right - 0.8
                        and abs(nxt.x0 - ln.x0) < 1 and nxt.top - ln.top < ln.size * 1.6
                        and ln.x1 - ln.x0 < width * 0.5
                        # a contents entry's author: its next line has the dot leader
                        and sum(1 for w in nxt.words if set(w[2]) <= {".", "\u2024", "\u2026"}) < 3
                        and not any(".." in w[2] for w in nxt.words)):
                    report.stranded.append(ln)
    return report


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m bench.lines BOOK.pdf [--list]", file=sys.stderr)
        return 2
    report = measure(argv[0])
    print(report.summary())
    if "--list" in argv:
        for ln in report.loose:
            print(f"loose  p{ln.page:>3} gap {ln.max_gap():.2f} em: {ln.text}")
        for ln in report.stranded:
            print(f"alone  p{ln.page:>3}: {ln.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
