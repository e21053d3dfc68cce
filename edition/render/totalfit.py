"""Line ends chosen over whole paragraphs (Knuth and Plass's total fit), set by WeasyPrint.

WeasyPrint fills a line greedily: it ends each line at the last break that fits, so a
line that could have taken one more syllable does not, and the lines after it pay.  Here,
before WeasyPrint sees the print HTML, each plain paragraph of a chapter's body is broken
as a whole: the words are measured in the book's faces (advance widths of EB Garamond from
its files, kerning left out; a line is fitted to 99.5 % of the measure so that the estimate
errs short), the breaks (spaces, and the hyphenation points of words of six letters or
more, three on each side, not in capitalised words) are chosen to minimise the sum of the
lines' demerits (the cube of how far each line's spaces stretch, a penalty per hyphen, more
for two in a row, most for a hyphen before a paragraph's last line), and the chosen breaks
are the only ones WeasyPrint is given: every other space becomes a no-break space (which
WeasyPrint still stretches when it justifies) and each chosen hyphenation point a soft
hyphen in a paragraph set ``hyphens: manual`` (``p[data-fit]`` in print.css).  WeasyPrint
then sets exactly those lines, justified as usual.

From the line holding a paragraph's first note call on, every space and hyphenation point
is offered to WeasyPrint (its own greedy breaking): with a call in the line, WeasyPrint
fitted lines wider than estimated, and a line given no other break overflowed.

Left alone: paragraphs inside quotations, letters, verse and the like (other sizes and
measures), a paragraph holding an element this module cannot measure (an image, a line
break), and every paragraph of a book whose page size has no entry in ``GEOMETRY``.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# (measure in pt, body size in pt) per page size: print.css and render/pdf.py's geometry
GEOMETRY = {"A5": (100 / 25.4 * 72, 11.0), "A4": (122 / 25.4 * 72, 13.5), "Letter": (121.9 / 25.4 * 72, 13.5)}
INDENT_EM = 1.1
FIT = 0.995  # of the measure: the estimate ignores kerning, so it errs on the long side
HYPHEN_PENALTY = 100.0
DOUBLE_HYPHEN_DEMERITS = 3000.0
LAST_LINE_HYPHEN = 10_000.0  # a hyphen before the paragraph's last line
MAX_RATIOS = (0.8, 1.5, 4.0)  # how far a space may stretch (times its width): tried in turn
SHRINK = 0.25  # how much of its width a space may give up: the paragraph is set with its
#                spaces that much narrower (word-spacing), and WeasyPrint's justification
#                stretches them back to the width the breaker chose


@lru_cache(maxsize=4)
def _widths(face: str) -> tuple[dict[str, float], float]:
    from fontTools.ttLib import TTFont

    from ..build_manifest import PACKAGE_STYLES

    font = TTFont(str(Path(PACKAGE_STYLES) / "fonts" / f"EBGaramond-{face}.ttf"), lazy=True)
    upm = font["head"].unitsPerEm
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    out = {chr(cp): hmtx[name][0] / upm for cp, name in cmap.items() if name in hmtx.metrics}
    return out, out.get(" ", 0.25)


def text_width(text: str, italic: bool = False, caps: bool = False, bold: bool = False) -> float:
    """The width of ``text`` in ems of the face (advance widths, no kerning)."""
    face = ("SemiBoldItalic" if italic else "SemiBold") if bold else ("Italic" if italic else "Regular")
    widths, space = _widths(face)
    if caps:  # all-small-caps with 0.03 em letter-spacing (print.css abbr.sc), erring wide
        return sum(widths.get(c.upper(), 0.5) * 0.85 + 0.03 for c in text)
    return sum(widths.get(c, 0.5) for c in text)


@dataclass
class Piece:
    """A stretch of the paragraph's HTML: markup (zero width unless ``width``), or a word's
    fragment, with where it may break after it."""
    html: str
    width: float  # ems
    kind: str  # "box" (text or markup), "space" (a breakable space), "hyph" (a hyphenation point)


_TAG = re.compile(r"<[^>]+>")
_LETTERS = re.compile(r"^[^\W\d_]+$")


@lru_cache(maxsize=1)
def _hyphenator(lang: str):
    import pyphen

    return pyphen.Pyphen(lang=lang if lang in pyphen.LANGUAGES else "en", left=3, right=3)


def pieces(inner: str, lang: str) -> list[Piece] | None:
    """The paragraph as pieces, or None if it holds what this module does not measure."""
    if re.search(r"<(img|br|svg|table|math)\b", inner):
        return None
    out: list[Piece] = []
    italic = 0
    bold = 0
    caps = 0
    nowrap = 0  # inside a run WeasyPrint may not break (a glossary mark's tie)
    in_name = 0  # inside a name: no hyphenation
    skip = 0  # inside a footnote's text (floated out of the line)
    span_stack: list[str] = []
    pos = 0
    hyph = _hyphenator(lang)
    for m in [*_TAG.finditer(inner), None]:
        text = inner[pos:m.start()] if m else inner[pos:]
        if text:
            if skip:
                out.append(Piece(text, 0.0, "box"))
            else:
                # a source line break is a space to WeasyPrint (collapsed), and a break
                _text_pieces(re.sub(r"[ \t\r\n]+", " ", htmllib.unescape(text)), italic > 0, caps > 0,
                             hyph, out, nowrap > 0, in_name > 0 or nowrap > 0, bold > 0)
        if m is None:
            break
        tag = m.group(0)
        pos = m.end()
        name = re.match(r"</?([a-zA-Z0-9]+)", tag)
        name_s = name.group(1).lower() if name else ""
        closing = tag.startswith("</")
        width = 0.0
        if name_s == "span" and not closing and not tag.endswith("/>"):
            cls = re.search(r'class="([^"]*)"', tag)
            c = cls.group(1) if cls else ""
            span_stack.append(c)
            if "footnote" in c.split():
                if not skip:  # the call: its number, small and raised
                    n = re.search(r'data-n="([^"]*)"', tag)
                    width = 0.66 * 0.5 * len(n.group(1) if n else "1") + 0.05
                skip += 1
            elif "gl-mark" in c.split():
                width = 0.34
            elif "sc" in c.split():
                caps += 1
            nowrap += bool({"gl-tie", "nowrap"} & set(c.split()))
            in_name += "pn" in c.split()
        elif name_s == "span" and closing:
            c = span_stack.pop() if span_stack else ""
            if "footnote" in c.split():
                skip -= 1
            elif "sc" in c.split():
                caps -= 1
            nowrap -= bool({"gl-tie", "nowrap"} & set(c.split()))
            in_name -= "pn" in c.split()
        elif name_s in ("i", "em", "cite"):
            italic += -1 if closing else 1
        elif name_s in ("b", "strong"):
            bold += -1 if closing else 1
        elif name_s == "abbr":
            caps += -1 if closing else (1 if 'class="sc"' in tag else 0)
        elif name_s == "a" and not closing and 'class="noteref' in tag and not skip:
            width = 0.66 * 0.5 * 2
        out.append(Piece(tag, width if not skip else 0.0, "box"))
    return out


def _text_pieces(text: str, italic: bool, caps: bool, hyph, out: list[Piece],
                 nowrap: bool = False, no_hyphen: bool = False, bold: bool = False) -> None:
    # the text is unescaped to be measured and escaped again on output
    words = text.split(" ")
    for i, word in enumerate(words):
        if i > 0:
            out.append(Piece(" ", text_width(" ", italic, bold=bold), "box" if nowrap else "space"))
        if not word:
            continue
        core = word.strip("“”‘’\"'()[],.;:!?…")
        parts = [word]
        if (len(core) >= 6 and _LETTERS.match(core) and not core[0].isupper()
                and not caps and not no_hyphen and "-" not in word):
            at = word.index(core)
            positions = [p for p in hyph.positions(core)]
            if positions:
                parts, last = [], 0
                for p in positions:
                    parts.append(word[last:at + p])
                    last = at + p
                parts.append(word[last:])
        for j, part in enumerate(parts):
            out.append(Piece(htmllib.escape(part, quote=False), text_width(part, italic, caps, bold), "box"))
            if j < len(parts) - 1:
                out.append(Piece("\u00ad", text_width("-", italic), "hyph"))


@dataclass
class _Node:
    index: int  # break after pieces[index] (-1: the start)
    line: int
    total_w: float
    total_stretch: float
    demerits: float
    hyphen: bool
    prev: _Node | None


def breaks(ps: list[Piece], first_width: float, width: float, space: float) -> list[int] | None:
    """Indices of the pieces after which the lines end (the last line excluded), or None:
    the least demerits with spaces stretched no further than the first of ``MAX_RATIOS``
    that lets the paragraph be set."""
    for max_ratio in MAX_RATIOS:
        found = _breaks(ps, first_width, width, space, max_ratio)
        if found is not None:
            return found
    return None


def _breaks(ps: list[Piece], first_width: float, width: float, space: float,
            max_ratio: float) -> list[int] | None:
    # running sums of the width and stretch of the pieces
    sum_w = [0.0]
    sum_s = [0.0]
    sum_f = [0]  # note calls: WeasyPrint fits a line with a call wider than estimated
    #              (measured: the call's line overflowed); such a line is given no shrink
    for p in ps:
        sum_w.append(sum_w[-1] + (p.width if p.kind != "hyph" else 0.0))
        sum_s.append(sum_s[-1] + (space if p.kind == "space" else 0.0))
        sum_f.append(sum_f[-1] + p.html.startswith('<span class="footnote'))
    active = [_Node(-1, 0, 0.0, 0.0, 0.0, False, None)]
    n = len(ps)
    candidates = [i for i, p in enumerate(ps) if p.kind in ("space", "hyph")] + [n]
    for i in candidates:
        final = i == n
        is_hyph = not final and ps[i].kind == "hyph"
        best: _Node | None = None
        keep = []
        for a in active:
            start = a.index + 1
            if start < n and ps[start].kind == "space":
                start += 1  # a line does not begin with the space it broke at
            w = sum_w[i] - sum_w[start] + (ps[i].width if is_hyph else 0.0)
            stretch = sum_s[i] - sum_s[start]
            target = first_width if a.line == 0 else width
            shrink = stretch * SHRINK if sum_f[i] == sum_f[start] else 0.0
            if w - shrink > target:  # too long from this node on, and for every later break
                continue
            keep.append(a)
            if final:
                ratio = 0.0  # the last line: set at its width
            elif w > target:
                ratio = (target - w) / shrink
            elif stretch <= 0:
                continue
            else:
                ratio = (target - w) / stretch
                if ratio > max_ratio:
                    continue
            bad = 100 * abs(ratio) ** 3
            d = (1 + bad) ** 2
            if is_hyph:
                d += HYPHEN_PENALTY ** 2
                if a.hyphen:
                    d += DOUBLE_HYPHEN_DEMERITS
            if final and a.hyphen:
                d += LAST_LINE_HYPHEN
            total = a.demerits + d
            if best is None or total < best.demerits:
                best = _Node(i, a.line + 1, 0.0, 0.0, total, is_hyph, a)
        active = keep
        if best is not None:
            if final:
                out = []
                node = best.prev
                while node is not None and node.index >= 0:
                    out.append(node.index)
                    node = node.prev
                return sorted(out)
            active.append(best)
        if not active:
            return None
    return None


def fit_paragraph(inner: str, size_pt: float, measure_pt: float, indent: bool, lang: str) -> str | None:
    ps = pieces(inner, lang)
    if not ps:
        return None
    em = size_pt
    width = measure_pt * FIT / em
    first = width - (INDENT_EM if indent else 0.0)
    space = text_width(" ")
    chosen = breaks(ps, first, width, space)
    if chosen is None:
        return None
    chosen_set = set(chosen)
    # From the line that holds the first note call on, WeasyPrint breaks as it would
    # (every space and hyphenation point offered): it fitted a line with a call wider than
    # estimated and, given no other break, let it overflow (measured on the reader).
    call = next((i for i, p in enumerate(ps) if p.html.startswith('<span class="footnote')), len(ps))
    free_from = max([-1, *[b for b in chosen if b < call]]) + 1 if call < len(ps) else len(ps)
    out = []
    for i, p in enumerate(ps):
        free = i >= free_from
        if p.kind == "space":
            out.append(" " if free or i in chosen_set else "\u00a0")
        elif p.kind == "hyph":
            if free or i in chosen_set:
                out.append("\u00ad")
        else:
            out.append(p.html)
    return "".join(out)


# A body paragraph: a <p> of a chapter's text, not inside a quotation, letter or note
_SCAN = re.compile(r"<div\b[^>]*>|</div>|<blockquote\b[^>]*>|</blockquote>|"
                   r"<p( data-pid=\"[^\"]*\")>(.*?)</p>", re.S)
_SET_OFF = re.compile(r"<blockquote|<div class=\"(?:letter|extract|verse|epigraph|headnote)")
_NO_INDENT_BEFORE = re.compile(r"(</h[1-6]>|</header>|<div class=\"chapter-body\">|<hr[^>]*>|"
                               r"</blockquote>|</div>)\s*\Z")


def fit_chapter(body: str, page_size: str, lang: str) -> str:
    """The chapter's HTML with its plain body paragraphs broken over their whole length."""
    if page_size not in GEOMETRY or 'class="chapter-body"' not in body:
        return body
    measure, size = GEOMETRY[page_size]
    out = []
    pos = 0
    stack: list[bool] = []  # open divs and blockquotes: set-off or not
    for m in _SCAN.finditer(body):
        tag = m.group(0)
        if not tag.startswith("<p"):
            if tag.startswith("</"):
                if stack:
                    stack.pop()
            else:
                stack.append(bool(_SET_OFF.match(tag)))
            continue
        if any(stack):
            continue
        indent = not _NO_INDENT_BEFORE.search(body[max(0, m.start() - 300):m.start()])
        fitted = fit_paragraph(m.group(2), size, measure, indent, lang)
        if fitted is None:
            continue
        out.append(body[pos:m.start()])
        out.append(f'<p{m.group(1)} data-fit="" style="word-spacing: -{SHRINK * text_width(" "):.3f}em">'
                   f"{fitted}</p>")
        pos = m.end()
    out.append(body[pos:])
    return "".join(out)
