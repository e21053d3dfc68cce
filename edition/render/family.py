"""A family tree drawn from the register of persons, for both editions.

The data is the book's: each person of ``persons.yaml`` may list ``parents`` (person
ids) and ``spouses`` (``{person: id, married: "…"}``: what the documents say of the union, shown
as written, "married in …"), and the file's ``family`` key
names the tree's ``title``, its ``root`` persons (the top of the tree) and an optional
``caption``.  Nothing here knows any family.

Layout (generations top to bottom): a person's *unit* is the person's box with the
spouses' boxes beside it (at the top of the tree the first spouse to the left, the others
to the right; in a row of children on the outer side, away from the siblings: to the left
in the left half of the row, to the right in the right half, so that a partner does not
stand among the children); the children of each marriage (persons whose ``parents`` are
that couple) hang from the middle of the line between the two boxes, the children of one
listed parent alone from that person's box.  A unit is as wide as its own row of boxes or
its children's units side by side, whichever is wider, so no two boxes overlap.

Marriage and descent look different at a glance, in print and on a small screen: a
marriage or partnership is a double horizontal line between the two boxes (the
genealogist's "="), descent a single line; the box of a person who married into the family
(a spouse, not a descendant of the tree's root) has a dashed border; and a key under the
tree says so.

The figure is an inline SVG (``role="img"``, ``<title>`` and ``<desc>``) followed by
the same relations as a nested list, which a screen reader follows and which is the
figure's full text alternative; the SVG's ``aria-describedby`` points at the list.
In the EPUB the document holding inline SVG gets the manifest property ``svg``
(``render/epub.py``); WeasyPrint draws the SVG in print.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import Book, Person
from .xhtml import Doc, esc

if TYPE_CHECKING:
    from .html import Writer

FAMILY_FILE = "family.xhtml"

# Sizes in SVG user units.  The figure is scaled to the width of the page (or, turned, to
# its height: ``turned``), so the boxes are narrow and the type large.
BOX_W = 122  # box width
GAP_SPOUSE = 36  # between a person and a spouse: room for the double line of marriage
DOUBLE = 3  # half the distance between the two strokes of the line of marriage
KEY_H = 3 * 22 + 12  # the key under the tree: three rows
GAP_UNITS = 16  # between the units of siblings
GAP_Y = 40  # between a row of boxes and the next generation
FONT = 13  # font size
LINE_H = 16  # text line height
PAD = 7  # inside a box
CHARS = 15  # characters that fit on a line of a box (bold serif at FONT)


def _wrap(text: str, width: int = CHARS) -> list[str]:
    lines: list[str] = []
    cur = ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        lines.append(cur)
    return lines


@dataclass
class Family:
    """The relations of the persons, looked up by id."""

    by_id: dict[str, Person]
    spouses: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)  # id -> [(id, married)]

    @classmethod
    def of(cls, book: Book) -> Family:
        by_id = {p.id: p for p in book.persons}
        fam = cls(by_id)
        for p in book.persons:
            for s in p.spouses:
                other, married = s["person"], s.get("married")
                if other not in by_id:
                    continue
                fam.spouses.setdefault(p.id, [])
                if other not in [o for o, _ in fam.spouses[p.id]]:
                    fam.spouses[p.id].append((other, married))
                fam.spouses.setdefault(other, [])
                if p.id not in [o for o, _ in fam.spouses[other]]:
                    fam.spouses[other].append((p.id, married))
        return fam

    def children(self, pid: str, spouse: str | None) -> list[Person]:
        """The children of ``pid`` with ``spouse`` (None: those whose only listed parent is pid)."""
        want = {pid} if spouse is None else {pid, spouse}
        return [p for p in self.by_id.values() if set(p.parents) == want]

    def groups(self, pid: str, seen: set[str]) -> list[tuple[str | None, list[Person]]]:
        """(spouse or None, children) for the person's marriages, in order, then alone."""
        out: list[tuple[str | None, list[Person]]] = [
            (s, [c for c in self.children(pid, s) if c.id not in seen]) for s, _ in self.spouses.get(pid, [])]
        out.append((None, [c for c in self.children(pid, None) if c.id not in seen]))
        return out


# -- layout ------------------------------------------------------------------------

@dataclass
class Box:
    pid: str
    x: float
    y: float
    lines: list[str]
    married: bool = False


@dataclass
class Layout:
    boxes: list[Box] = field(default_factory=list)
    lines: list[tuple[float, float, float, float]] = field(default_factory=list)  # descent
    marriages: list[tuple[float, float, float, float]] = field(default_factory=list)  # the strokes
    width: float = 0
    height: float = 0
    box_h: float = 0  # every box is as tall as the tallest


def _box_lines(p: Person, married: str | None) -> list[str]:
    lines = _wrap(p.name)
    if p.dates:
        lines += _wrap(p.dates)
    if married:
        lines += _wrap(married)
    return lines


@dataclass
class Unit:
    """A person, the spouses beside them, and the units of their children by marriage."""

    pid: str
    row: list[str]
    groups: list[tuple[str | None, list[Unit]]]
    width: float = 0


def _row_width(row: list[str], pid: str) -> float:  # noqa: ARG001 (pid: the row's person)
    """A row of boxes: spouses further from the person than siblings are from each other."""
    return len(row) * BOX_W + (len(row) - 1) * GAP_SPOUSE


def _build(fam: Family, pid: str, used: set[str], side: str | None = None) -> Unit:
    """``side``: where the spouses go, "left" or "right" of the person (None: the first to
    the left, the others to the right, as at the top of the tree)."""
    sp = [s for s, _ in fam.spouses.get(pid, []) if s not in used]
    if side == "left":
        row = sp[::-1] + [pid]
    elif side == "right":
        row = [pid] + sp
    else:
        row = ([sp[0]] if sp else []) + [pid] + sp[1:]
    used.update(row)
    raw = [(s, [c for c in cs if c.id not in used]) for s, cs in fam.groups(pid, used)]
    for _, cs in raw:
        used.update(c.id for c in cs)
    n = sum(len(cs) for _, cs in raw)
    groups: list[tuple[str | None, list[Unit]]] = []
    i = 0
    for s, cs in raw:
        units = []
        for c in cs:
            units.append(_build(fam, c.id, used, "left" if n > 1 and i < n / 2 - 0.5 else "right"))
            i += 1
        if units:
            groups.append((s, units))
    own = _row_width(row, pid)
    kids = [u for _, us in groups for u in us]
    below = sum(u.width for u in kids) + GAP_UNITS * max(0, len(kids) - 1)
    return Unit(pid, row, groups, max(own, below))


def _place(fam: Family, u: Unit, x0: float, depth: int, box_h: float, out: Layout) -> float:
    """Place the unit from x0 at this generation; return the centre of the person's box."""
    own = _row_width(u.row, u.pid)
    y = depth * (box_h + GAP_Y)
    rx = x0 + (u.width - own) / 2
    married = dict(fam.spouses.get(u.pid, []))
    centre: dict[str, float] = {}
    for i, r in enumerate(u.row):
        bx = rx + i * (BOX_W + GAP_SPOUSE)
        centre[r] = bx + BOX_W / 2
        m = married.get(r) if r != u.pid else None
        out.boxes.append(Box(r, bx, y, _box_lines(fam.by_id[r], m), married=r != u.pid))
    for r in u.row:  # the double line of marriage between the person and each spouse
        if r != u.pid:
            a, b = sorted((centre[r], centre[u.pid]))
            mid = y + box_h / 2
            for dy in (-DOUBLE, DOUBLE):
                out.marriages.append((a + BOX_W / 2, mid + dy, b - BOX_W / 2, mid + dy))
    kids = [k for _, ks in u.groups for k in ks]
    below = sum(k.width for k in kids) + GAP_UNITS * max(0, len(kids) - 1)
    kx = x0 + (u.width - below) / 2
    y_child = (depth + 1) * (box_h + GAP_Y)
    bus_y = y_child - GAP_Y / 2
    for s, ks in u.groups:
        # the line of descent leaves the middle of the line of marriage, or a lone parent's box
        sx = (centre[s] + centre[u.pid]) / 2 if s is not None else centre[u.pid]
        sy = y + box_h / 2 + DOUBLE if s is not None else y + box_h
        tops = []
        for k in ks:
            tops.append(_place(fam, k, kx, depth + 1, box_h, out))
            kx += k.width + GAP_UNITS
        out.lines.append((sx, sy, sx, bus_y))
        out.lines.append((min([*tops, sx]), bus_y, max([*tops, sx]), bus_y))
        out.lines += [(cx, bus_y, cx, y_child) for cx in tops]
    out.width = max(out.width, x0 + u.width)
    out.height = max(out.height, y + box_h)
    return centre[u.pid]


def layout(book: Book, roots: list[str]) -> Layout:
    fam = Family.of(book)
    used: set[str] = set()
    units = [_build(fam, r, used) for r in roots if r in fam.by_id and r not in used]
    in_tree = sorted(used)
    married = {p: dict(fam.spouses.get(p, [])) for p in in_tree}
    lines = max((len(_box_lines(fam.by_id[p], m)) for p in in_tree
                 for m in [None, *married[p].values()]), default=2)
    box_h = PAD * 2 + LINE_H * lines
    out = Layout(box_h=box_h)
    x = 0.0
    for u in units:
        _place(fam, u, x, 0, box_h, out)
        x += u.width + GAP_UNITS
    return out


# -- output ------------------------------------------------------------------------

KEY = [("marriage", "marriage or partnership"), ("descent", "descent: parent to child"),
       ("married-in", "married into the family")]


def _key(y0: float) -> list[str]:
    """The key under the tree: what a double line, a single line and a dashed box mean."""
    out = ['<g class="family-key">']
    for i, (kind, words) in enumerate(KEY):
        y = y0 + 12 + i * 22
        if kind == "marriage":
            out += [f'<line x1="0" y1="{y - 4 - DOUBLE:.1f}" x2="34" y2="{y - 4 - DOUBLE:.1f}" '
                    'stroke="#444" stroke-width="1.2"/>',
                    f'<line x1="0" y1="{y - 4 + DOUBLE:.1f}" x2="34" y2="{y - 4 + DOUBLE:.1f}" '
                    'stroke="#444" stroke-width="1.2"/>']
        elif kind == "descent":
            out.append(f'<line x1="17" y1="{y - 13:.1f}" x2="17" y2="{y + 4:.1f}" stroke="#444" '
                       'stroke-width="1.2"/>')
        else:
            out.append(f'<rect x="4" y="{y - 12:.1f}" width="26" height="16" rx="3" fill="#fff" '
                       'stroke="#222" stroke-width="1" stroke-dasharray="4 3"/>')
        out.append(f'<text x="44" y="{y:.1f}" font-size="{FONT}" font-family="serif">{esc(words)}</text>')
    out.append('</g>')
    return out


def svg(book: Book, lay: Layout, title: str, desc_id: str) -> str:
    w, h = max(lay.width, 230) + 2, lay.height + KEY_H + 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="family-svg" role="img" '
             f'viewBox="-1 -1 {w:.0f} {h:.0f}" width="{w:.0f}" height="{h:.0f}" '
             f'aria-labelledby="family-svg-title" aria-describedby="{desc_id}">',
             f'<title id="family-svg-title">{esc(title)}</title>',
             f'<desc>{esc(title)}: the same relations are given as a list after the figure.</desc>',
             '<g class="family-lines" stroke="#444" stroke-width="1.2" fill="none">']
    parts += [f'<line x1="{a:.1f}" y1="{b:.1f}" x2="{c:.1f}" y2="{d:.1f}"/>' for a, b, c, d in lay.lines]
    parts.append('</g>')
    parts.append('<g class="family-marriages" stroke="#444" stroke-width="1.2" fill="none">')
    parts += [f'<line x1="{a:.1f}" y1="{b:.1f}" x2="{c:.1f}" y2="{d:.1f}"/>' for a, b, c, d in lay.marriages]
    parts.append('</g>')
    for box in lay.boxes:
        hb = lay.box_h
        dash = ' stroke-dasharray="5 3"' if box.married else ""
        kind = "family-person family-spouse" if box.married else "family-person"
        parts.append(f'<g class="{kind}"><rect x="{box.x:.1f}" y="{box.y:.1f}" width="{BOX_W}" '
                     f'height="{hb}" rx="4" fill="#fff" stroke="#222" stroke-width="1"{dash}/>')
        for i, line in enumerate(box.lines):
            weight = ' font-weight="bold"' if i == 0 else ""
            parts.append(f'<text x="{box.x + BOX_W / 2:.1f}" y="{box.y + PAD + LINE_H * (i + 1) - 4:.1f}" '
                         f'text-anchor="middle" font-size="{FONT}" font-family="serif"{weight}>{esc(line)}</text>')
        parts.append('</g>')
    parts += _key(lay.height + 12)
    parts.append('</svg>')
    return "\n".join(parts)


def _label(p: Person) -> str:
    return f"{esc(p.name)}" + (f" ({esc(p.dates)})" if p.dates else "")


def relations_list(book: Book, roots: list[str], list_id: str) -> str:
    """The tree as a nested list: each person, the marriages (with what the documents say of
    them), the children of each marriage under it."""
    fam = Family.of(book)
    done: set[str] = set()

    def item(pid: str) -> str:
        p = fam.by_id[pid]
        done.add(pid)
        out = [f"<li>{_label(p)}"]
        sub = []
        for s, cs in fam.groups(pid, done):
            if s is not None:
                married = dict(fam.spouses[pid]).get(s)
                line = f"with {_label(fam.by_id[s])}" + (f": {married_text(married)}" if married else "")
                done.add(s)
                kids = "".join(item(c.id) for c in cs)
                sub.append(f"<li>{line}" + (f"; their children:<ul>{kids}</ul>" if kids else "") + "</li>")
            elif cs:
                kids = "".join(item(c.id) for c in cs)
                sub.append(f"<li>children:<ul>{kids}</ul></li>")
        if sub:
            out.append("<ul>" + "".join(sub) + "</ul>")
        out.append("</li>")
        return "".join(out)

    items = "".join(item(r) for r in roots if r in fam.by_id and r not in done)
    return f'<ul id="{list_id}" class="family-list">{items}</ul>'


def married_text(married: str) -> str:
    return esc(married)


MAX_GENERATIONS = 30  # the tree is drawn and listed recursively, a level a generation (#27)


def _check_generations(book: Book, spec: dict) -> None:
    """A BookError at persons.yaml's ``family:`` if the parents reach more than
    MAX_GENERATIONS generations deep (or loop: a person their own ancestor)."""
    gen = {p.id: 0 for p in book.persons}
    for _ in range(MAX_GENERATIONS + 1):
        changed = False
        for p in book.persons:
            g = max((gen[q] + 1 for q in p.parents if q in gen), default=0)
            if g > gen[p.id]:
                gen[p.id], changed = g, True
        if not changed:
            break
    else:
        changed = True  # still growing: a loop of parents
    if not changed and max(gen.values(), default=0) < MAX_GENERATIONS:
        return
    from ..diagnostics import BookError, Diagnostic, Severity

    raise BookError(Diagnostic("persons.yaml", spec.get("line"), Severity.ERROR,
                               f"the family tree is more than {MAX_GENERATIONS} generations deep "
                               "(or a person is their own ancestor): it cannot be drawn",
                               "persons.family-depth"))


MIN_PT = 7.0  # the smallest type of the figure on the printed page


def turned(book: Book, lay: Layout) -> bool:
    """Would the tree, set to the text measure of print, have its names under ``MIN_PT``?
    Then print turns it a quarter (print.css ``.family-turned``): the page's height is its
    width, and a tree five boxes wide keeps its names at about 7.5 pt on A5."""
    from ..transforms.figures import MEASURE_MM

    measure_pt = MEASURE_MM.get(book.meta.page_size, MEASURE_MM["A5"]) / 25.4 * 72
    return FONT * measure_pt / (lay.width + 2) < MIN_PT


def family_doc(w: Writer) -> Doc | None:
    book: Book = w.book
    spec = book.family
    if not spec:
        return None
    roots = [r for r in spec["root"] if any(p.id == r for p in book.persons)]
    if not roots:
        return None
    title = spec["title"]
    _check_generations(book, spec)
    lay = layout(book, roots)
    caption = f'<figcaption class="family-caption">{esc(spec["caption"])}</figcaption>' if spec.get("caption") else ""
    body = ['<section id="family" class="family" epub:type="appendix" role="doc-appendix" '
            f'aria-labelledby="family-title" data-running="{esc(title)}">',
            f'<h1 id="family-title" class="chapter-title">{esc(title)}</h1>',
            f'<div class="family-page{" family-turned" if turned(book, lay) else ""}">'
            '<figure class="family-figure">', svg(book, lay, title, "family-relations"), caption, '</figure></div>',
            '<h2 class="family-list-title">The same relations as a list</h2>',
            relations_list(book, roots, "family-relations"),
            '</section>']
    return Doc("family", FAMILY_FILE, title, "\n".join(body), role="back", epub_type="appendix")
