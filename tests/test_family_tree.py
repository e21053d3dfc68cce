"""The family tree (edition/render/family.py): partners stand beside their partners, on the
outer side of a row of siblings, never under the line that joins the siblings; a marriage is
a double line, descent a single one, a spouse's box is dashed, and a key says so."""

from __future__ import annotations

import re

from edition.diagnostics import Reporter
from edition.pipeline import load_book
from edition.render import family

PERSONS = """\
family:
  title: The Alpha Family
  root: [a]
persons:
  - {id: a, sort_name: "Alpha, Ann", name: Ann Alpha, identification: The root., forms: [Ann Alpha],
     spouses: [{person: b, married: married in Rome}]}
  - {id: b, sort_name: "Beta, Bob", name: Bob Beta, identification: Her husband., forms: [Bob Beta]}
  - {id: c, sort_name: "Alpha, Cy", name: Cy Alpha, identification: First child., forms: [Cy Alpha],
     parents: [a, b], spouses: [{person: x, married: married in Paris}]}
  - {id: d, sort_name: "Alpha, Di", name: Di Alpha, identification: Second child., forms: [Di Alpha],
     parents: [a, b]}
  - {id: e, sort_name: "Alpha, Ed", name: Ed Alpha, identification: Third child., forms: [Ed Alpha],
     parents: [a, b], spouses: [{person: y, married: set up home}]}
  - {id: x, sort_name: "Xi, Xe", name: Xe Xi, identification: Cy's wife., forms: [Xe Xi]}
  - {id: y, sort_name: "Yu, Yo", name: Yo Yu, identification: Ed's partner., forms: [Yo Yu]}
"""

TEXT = "Ann Alpha, Bob Beta, Cy Alpha, Di Alpha, Ed Alpha, Xe Xi and Yo Yu.\n"


def _book(small_book):
    small_book.book(["01-one.md"], extra="silence: [meta, lint]\n")
    small_book.chapter("01-one.md", "One", TEXT, source="doc-one")
    small_book.write("persons.yaml", PERSONS)
    reporter = Reporter()
    book = load_book(small_book.root, reporter)
    assert not reporter.errors, [d.format() for d in reporter.items]
    return book


def test_partners_stand_outside_the_row_of_children(small_book):
    book = _book(small_book)
    lay = family.layout(book, ["a"])
    x = {b.pid: b.x for b in lay.boxes}
    y = {b.pid: b.y for b in lay.boxes}
    children = ["c", "d", "e"]
    assert x["c"] < x["d"] < x["e"]
    # the first child's wife on the left of the siblings, the last child's partner on the right
    assert x["x"] < min(x[c] for c in children) and x["y"] > max(x[c] for c in children)
    # the line that joins the siblings runs between the outermost children only
    bus_y = min(y[c] for c in children) - family.GAP_Y / 2
    bus = [ln for ln in lay.lines if ln[1] == ln[3] == bus_y]
    assert bus, lay.lines
    left = min(ln[0] for ln in bus)
    right = max(ln[2] for ln in bus)
    for spouse in ("x", "y"):
        assert x[spouse] + family.BOX_W <= left or x[spouse] >= right
    # a drop line reaches each child, none reaches a partner
    drops = {ln[0] for ln in lay.lines if ln[0] == ln[2] and ln[3] == y["c"]}
    centre = {p: x[p] + family.BOX_W / 2 for p in x}
    assert {centre[c] for c in children} == drops


def test_marriage_and_descent_are_drawn_differently_with_a_key(small_book):
    book = _book(small_book)
    lay = family.layout(book, ["a"])
    # three marriages, each a pair of parallel strokes; no marriage stroke among descent lines
    assert len(lay.marriages) == 6
    pairs = sorted(lay.marriages)
    for m1, m2 in zip(pairs[::2], pairs[1::2], strict=True):
        assert m1[0] == m2[0] and m1[2] == m2[2] and m2[1] - m1[1] == 2 * family.DOUBLE
    assert not set(lay.marriages) & set(lay.lines)
    svg = family.svg(book, lay, "The Alpha Family", "rel")
    spouses = re.findall(r'<g class="family-person family-spouse"><rect [^>]*stroke-dasharray', svg)
    assert len(spouses) == 3  # Bob Beta, Xe Xi, Yo Yu
    plain = re.findall(r'<g class="family-person"><rect (?![^>]*stroke-dasharray)', svg)
    assert len(plain) == 4
    assert "marriage or partnership" in svg and "descent: parent to child" in svg
    assert "married into the family" in svg
    # the key lies below the tree, inside the figure
    vb = [float(v) for v in re.search(r'viewBox="([-\d. ]+)"', svg).group(1).split()]
    assert vb[3] >= lay.height + family.KEY_H


def test_the_reader_tree_has_olga_greber_beside_sergei_not_among_the_children():
    from pathlib import Path

    book = load_book(Path(__file__).resolve().parent.parent, Reporter())
    lay = family.layout(book, book.family["root"])
    x = {b.pid: b.x for b in lay.boxes}
    kids = ["volkova-zinaida", "nevelson-nina", "sedov-leon", "sedov-sergei"]
    assert x["greber-olga"] > max(x[k] for k in kids)
    assert x["greber-olga"] - x["sedov-sergei"] == family.BOX_W + family.GAP_SPOUSE
    assert {b.pid for b in lay.boxes if b.married} == {"sokolovskaya-alexandra", "sedova-natalia",
                                                      "greber-olga"}
