"""Lay the print edition out unit by unit, and reuse the units a pass did not change.

The PDF renderer (``pdf.py``) lays the book out several times, until the page numbers
it prints (contents, page references, glossary and register ranges) are the pages the
anchors land on, and until no note is pushed away from its call.  From one pass to the
next only some of the book changes: the contents and back matter when a number
changes, a chapter when one of its paragraphs gives up widow control.  Laying out the
whole book again each time is what made the PDF slow.

Every document of the book after the front matter opens on a recto (``break-before:
right`` in print.css), so its pages depend only on its own HTML and on the folio it
starts at.  ``UnitRenderer.render(source)`` cuts the book's HTML into units (the front
matter as one unit, then each body or back document), lays each out as a document of
its own — or takes its pages from an earlier pass when its HTML and starting folio are
the same — inserts the blank versos the book's flow would have, and joins all pages
into one WeasyPrint document (one font configuration, so the fonts are shared; links,
anchors and bookmarks resolve across the joined pages when the PDF is written).

Anything it does not recognise (another HTML shape, a unit that does not open on a
recto) falls back to laying the whole book out at once, as before.  ``ENABLED = False``
(or ``EDITION_PDF_UNITS=0`` in the environment) turns it off: the benchmark measures
both ways.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import re
import signal
from collections.abc import Callable
from dataclasses import dataclass, field

from .weasy import forget_layout, page_box

ENABLED = os.environ.get("EDITION_PDF_UNITS", "1") != "0"


def _jobs() -> int:
    """Processes that lay units out (``EDITION_PDF_JOBS``; default: 2 where there are two
    cores and ``fork``, else 1)."""
    try:
        n = int(os.environ.get("EDITION_PDF_JOBS", "0"))
    except ValueError:
        n = 0
    if n <= 0:
        n = min(2, os.cpu_count() or 1)
    return n if hasattr(os, "fork") else 1


JOBS = _jobs()


def _keep_pages() -> int:
    """How many pages' layout trees a build keeps (``EDITION_PDF_KEEP_PAGES``, default
    300: about 350 MB).  The pages of a unit laid out beyond that are kept as ``Shell``s
    and laid out again, one unit at a time, when the PDF is written."""
    try:
        return max(0, int(os.environ.get("EDITION_PDF_KEEP_PAGES", "300")))
    except ValueError:
        return 300


KEEP_PAGES = _keep_pages()


def release_memory() -> None:
    """Collect the layout trees of earlier passes (they hold reference cycles, which the
    collector as ``tune_gc`` sets it rarely reaches) and give the freed memory back to the
    system (glibc's ``malloc_trim``), so that one pass's garbage does not add to the next
    pass's peak.  Measured on the reader: peak memory 493 -> 426 MB."""
    import ctypes

    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


class _Litter:
    """Layout trees hold reference cycles, which the collector as ``tune_gc`` sets it
    reaches rarely: the pages let go (shelved, written, laid out only to be measured) are
    counted, and every ``PAGES`` of them the cycles are collected, so that what was let
    go does not stay in memory (the book ten times the reader peaked 140 MB higher)."""

    PAGES = 64

    def __init__(self) -> None:
        self.pages = 0

    def add(self, pages: int) -> None:
        self.pages += pages
        if self.pages >= self.PAGES:
            self.pages = 0
            gc.collect()

_BODY = re.compile(r"<body[^>]*>\n")
_DOC = re.compile(r'^<div class="doc doc-(front|body|back)[^"]*" data-doc="([^"]*)">', re.M)


@dataclass
class Unit:
    html: str
    front: bool  # the front matter: folios from i, laid out from the book's first page
    doc: str = ""  # the data-doc of its first document


@dataclass
class Stats:
    laid_out: int = 0  # units laid out
    reused: int = 0  # units whose pages came from an earlier pass
    fallbacks: int = 0  # passes laid out whole
    measured: int = 0  # units measured in a second process (pages and anchors only)
    shelved: int = 0  # units whose layout trees were let go (``KEEP_PAGES``)
    relaid: int = 0  # units laid out again to be written
    log: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # why the book was laid out whole (said in the build)


class UnitsRefused(ValueError):
    """The unit layout cannot give the whole book's pages: the book is laid out whole."""


class _Lost(Exception):
    """The second process ended before sending a unit's figures (they are measured here)."""


# -- CSS whose state crosses documents ----------------------------------------------------
#
# Each unit is laid out as a WeasyPrint document of its own, with the book's <head> and
# <body>; the pages are then joined.  What one document's layout carries into the next is
# lost: counters (other than ``page``, which each unit starts at its folio), the total of
# ``counter(pages)``, ``target-counter()``/``target-text()`` to another document, running
# elements, and named strings read before a document sets them.  ``crossing_state`` finds
# the CSS that may do so; then the book is laid out whole (slower, the same book).
#
# Named strings are allowed where the unit layout keeps them: set on ``html``/``body`` (in
# every unit's <body>) or by a rule that also starts a new page (``break-before``): that
# element begins its pages, and every unit begins with such a document (tests/test_units.py).

_PAGE_COUNTERS = {"page"}
_BREAK = {"right", "recto", "left", "verso", "page", "always"}


def crossing_state(css: str) -> list[tuple[int, str]]:
    """(line, what) for every rule of ``css`` whose state would cross the documents of the
    unit layout; none: units give the book the whole layout gives."""
    import tinycss2

    found: list[tuple[int, str]] = []
    strings: list[tuple[int, str]] = []  # (line, selector) of every string-set
    breaking: set[str] = {"html", "body", ":root"}  # selectors whose element begins new pages

    def values(decl) -> list:
        return [t for t in decl.value if t.type not in ("whitespace", "comment")]

    def walk(rules, in_page: bool) -> None:
        for rule in rules:
            if rule.type == "at-rule":
                if rule.content is not None:
                    nested = (tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True,
                                                             skip_comments=True)
                              if rule.lower_at_keyword in ("page", "media", "supports")
                              or in_page else [])
                    walk([r for r in nested if r.type in ("qualified-rule", "at-rule")],
                         in_page or rule.lower_at_keyword == "page")
                    decls = [d for d in nested if d.type == "declaration"]
                    check(decls, "", in_page or rule.lower_at_keyword == "page")
                continue
            if rule.type != "qualified-rule":
                continue
            selector = tinycss2.serialize(rule.prelude).strip()
            decls = [d for d in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True,
                                                                skip_comments=True)
                     if d.type == "declaration"]
            check(decls, selector, in_page)

    def check(decls, selector: str, in_page: bool) -> None:
        if any(d.lower_name in ("break-before", "page-break-before")
               and any(getattr(t, "lower_value", "") in _BREAK for t in values(d)) for d in decls):
            breaking.update(one.strip() for one in selector.split(","))
        for d in decls:
            vals = values(d)
            if d.lower_name in ("counter-reset", "counter-increment", "counter-set"):
                counters = [t.value for t in vals if t.type == "ident" and t.lower_value != "none"]
                others = [c for c in counters if c not in _PAGE_COUNTERS]
                if others and not in_page:
                    found.append((d.source_line, f"{d.lower_name}: {', '.join(others)} (a counter "
                                  "other than page: its value would restart in every document)"))
            elif d.lower_name == "string-set" and not in_page:
                strings.append((d.source_line, selector))
            elif d.lower_name == "position" and any(
                    t.type == "function" and t.lower_name == "running" for t in vals):
                found.append((d.source_line, "position: running() (a running element)"))
            for t in _functions(vals):
                name = t.lower_name
                args = [a for a in t.arguments if a.type == "ident"]
                if name in ("target-counter", "target-counters", "target-text"):
                    found.append((d.source_line, f"{name}() (a reference into another document)"))
                elif name in ("counter", "counters") and args and args[0].lower_value == "pages":
                    found.append((d.source_line, "counter(pages) (the book's page count)"))

    walk(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True), False)
    for line, selector in strings:
        for one in (s.strip() for s in selector.split(",")):
            if one not in breaking and re.sub(r"\[[^\]]*\]", "", one) not in breaking:
                found.append((line, f"string-set on '{one}' (a named string a later document could "
                                    "read before it sets its own)"))
    return sorted(set(found))


def _functions(tokens) -> list:
    out = []
    for t in tokens:
        if t.type == "function":
            out.append(t)
            out += _functions(t.arguments)
        elif getattr(t, "content", None) and t.type in ("() block", "[] block", "{} block"):
            out += _functions(t.content)
    return out


def split_units(source: str) -> tuple[str, list[Unit], str] | None:
    """(head up to and with ``<body>``, units, tail) or None if the shape is not ours."""
    m = _BODY.search(source)
    end = source.rfind("\n</body>")
    if not m or end < m.end():
        return None
    head, body, tail = source[:m.end()], source[m.end():end], source[end:]
    starts = [(d.start(), d.group(1), d.group(2)) for d in _DOC.finditer(body)]
    if not starts or starts[0][0] != 0:
        return None
    pieces = [(body[a:(starts[i + 1][0] if i + 1 < len(starts) else len(body))], role, doc)
              for i, (a, role, doc) in enumerate(starts)]
    units: list[Unit] = []
    n = 0
    while n < len(pieces) and pieces[n][1] == "front":
        n += 1
    if n:
        units.append(Unit("".join(p for p, _, _ in pieces[:n]), True, pieces[0][2]))
    if any(role == "front" for _, role, _ in pieces[n:]):
        return None  # front matter after the body: not a shape we split
    units += [Unit(p, False, doc) for p, _, doc in pieces[n:]]
    return head, units, tail


class Shell:
    """A laid-out page whose layout tree was let go (a book's layout trees take about a
    megabyte a page): what joining the book and the PDF's anchors and outline read of it,
    and the HTML that lays it out again (``source``; it is page ``index`` of ``count``)."""

    def __init__(self, page, source: str, index: int, count: int) -> None:
        self.width, self.height, self.bleed = page.width, page.height, page.bleed
        self.anchors, self.bookmarks = page.anchors, page.bookmarks
        self.links: list = []
        self.forms: dict = {None: []}
        self.recto = opens_on_recto(page)
        self.source, self.index, self.count = source, index, count


def opens_on_recto(page) -> bool:
    """Does the first page's content begin with a forced break to a right-hand page?
    (Then, in the book's flow, it starts a new recto whatever came before.)"""
    if isinstance(page, Shell):
        return page.recto
    box = page_box(page)
    for _ in range(12):
        if box.style["break_before"] in ("right", "recto"):
            return True
        children = getattr(box, "children", None)
        if not children:
            return False
        box = children[0]
    return False


def _source(head: str, unit: Unit, folio: int, tail: str) -> str:
    """The HTML that lays ``unit`` out as a document of its own, its folios from ``folio``."""
    if unit.front:
        return head + unit.html + tail
    reset = f"<style>@page :first {{ counter-reset: page {folio}; }}</style>\n"
    return head.replace("</head>", reset + "</head>", 1) + unit.html + tail


def join(units: list[Unit], joins: set[str]) -> list[Unit]:
    """Units that do not open on a recto run on from the unit before them."""
    out: list[Unit] = []
    for u in units:
        if out and u.doc in joins:
            out[-1] = Unit(out[-1].html + u.html, out[-1].front, out[-1].doc)
        else:
            out.append(u)
    return out


LAST: Stats | None = None  # the counts of the last renderer made (for the benchmark)


class _RunsOn(Exception):
    def __init__(self, doc: str, *more: str):
        self.doc = doc
        self.docs = {doc, *more}


@dataclass
class Measure:
    """What a layout tells without its pages: how many, and the page of every anchor."""

    count: int
    where: dict[str, int]  # anchor -> index of the first page it is on


def unit_measure(pages: list) -> tuple[int, dict[str, int], bool]:
    """(pages, anchor -> page index within the unit, opens on a recto) of a unit's pages."""
    where: dict[str, int] = {}
    for i, page in enumerate(pages):
        for anchor in page.anchors:
            where.setdefault(anchor, i)
    return len(pages), where, bool(pages) and opens_on_recto(pages[0])


class UnitRenderer:
    """``render(source)`` → a WeasyPrint Document, reusing units across calls."""

    def __init__(self, base_url: str, url_fetcher, stylesheets: list, fonts,
                 crossing: list[tuple[int, str]] | None = None):
        self.base_url = base_url
        self.crossing = crossing or []  # CSS whose state crosses documents: the book laid out whole
        self.fetcher = url_fetcher
        self.stylesheets = stylesheets
        self.fonts = fonts  # the FontConfiguration the stylesheets registered their faces in
        self.done: dict[tuple[str, int], list] = {}  # (unit html, first folio) -> pages
        self.measures: dict[str, tuple[int, dict[str, int], bool]] = {}  # unit html -> figures
        self.used: set = set()  # the keys of both that this build has used
        self.joins: set[str] = set()  # documents that run on from the one before
        self.blanks: list = []  # empty versos; each page object is used once per document
        self.stats = Stats()
        self.litter = _Litter()
        global LAST
        LAST = self.stats

    def begin(self) -> None:
        """A new build with the same stylesheets and files (``edition build --watch``):
        forget the units the last build did not use, and count afresh."""
        self.done = {k: v for k, v in self.done.items() if k in self.used}
        self.measures = {k: v for k, v in self.measures.items() if k in self.used}
        self.used = set()
        self.stats = Stats()
        global LAST
        LAST = self.stats

    def _layout(self, source: str):
        from weasyprint import HTML

        return HTML(string=source, base_url=self.base_url, url_fetcher=self.fetcher).render(
            stylesheets=self.stylesheets, pdf_variant=None, font_config=self.fonts)

    def whole(self, source: str):
        self.stats.fallbacks += 1
        return self._layout(source)

    def render(self, source: str):
        split = split_units(source) if ENABLED and not self.crossing else None
        if split is None:
            return self.whole(source)
        try:
            return self._units(*split)
        except UnitsRefused as exc:  # the units do not join: lay the book out whole, and say why
            self.stats.notes.append(f"laid out whole: {exc}")
            return self.whole(source)

    def measure(self, source: str, elsewhere: Callable[[str], bool]) -> Measure:
        """The pages and anchor pages of ``source`` laid out, where the units for which
        ``elsewhere(unit.html)`` holds are laid out in a second process at the same time
        (their pages are thrown away: they are units the next layout will change) and the
        others here, kept for the next ``render``.  Same figures as ``render(source)``."""
        split = split_units(source) if ENABLED and JOBS > 1 and not self.crossing else None
        if split is not None:
            head, units, tail = split
            try:
                for _ in range(len(units)):
                    try:
                        return self._measure(head, join(units, self.joins), tail, elsewhere)
                    except _RunsOn as exc:
                        self.joins |= exc.docs
            except (_Lost, UnitsRefused) as exc:  # measured here, in one process: the same figures
                self.stats.log.append(f"measured here: {exc}")
        doc = self.render(source)
        count, where, _ = unit_measure(doc.pages)
        return Measure(count, where)

    def _measure(self, head: str, units: list[Unit], tail: str,
                 elsewhere: Callable[[str], bool]) -> Measure:
        known = self.measures
        changing = [elsewhere(u.html) for u in units]

        def cost(i: int) -> int:  # what laying the unit out would cost, roughly
            u = units[i]
            if changing[i]:
                return 0 if u.html in known else len(u.html)
            return 0 if any(k[0] == u.html for k in self.done) else len(u.html)

        # The second process takes units the numbers change, in book order, up to half the work.
        half, total, away = sum(cost(i) for i in range(len(units))) / 2, 0, []
        for i in range(len(units)):
            if changing[i] and cost(i) and total + cost(i) <= half:
                away.append(i)
                total += cost(i)
        remote = _Remote(self, head, tail, [units[i] for i in away]) if away else None
        figures: dict[int, tuple[int, dict[str, int], bool]] = {}

        def fetch(upto: int) -> None:  # the second process's figures of the units before upto
            for k, i in enumerate(away):
                if i < upto and i not in figures:
                    assert remote is not None
                    figures[i] = known[units[i].html] = remote.result(k)
                    self.used.add(units[i].html)
                    self.stats.measured += 1

        try:
            for i, unit in enumerate(units):
                if i in away:
                    continue
                if changing[i]:  # measured only: the next pass lays it out with numbers
                    if unit.html not in known:
                        pages = self._layout(head + unit.html + tail).pages
                        known[unit.html] = unit_measure(pages)
                        self.litter.add(len(pages))
                        self.stats.laid_out += 1
                    else:
                        self.stats.reused += 1
                    self.used.add(unit.html)
                    figures[i] = known[unit.html]
                    continue
                fetch(i)
                count, front_count, _ = self._assemble(units, figures, i)
                if not unit.front and count % 2:  # the blank verso before it
                    count += 1
                folio = 1 if unit.front else count - (count if front_count is None else front_count) + 1
                figures[i] = unit_measure(self._unit_pages(head, unit, folio, tail))
            fetch(len(units))
        except _RunsOn:  # joined and measured again: keep what the second process found
            try:
                fetch(len(units))
            except _Lost:  # what it did not send is measured again after the join
                pass
            raise
        finally:
            if remote is not None:
                remote.close()
        count, _, where = self._assemble(units, figures, len(units))
        self.stats.log.append(f"{len(units)} units measured: {len(away)} in a second process")
        return Measure(count, where)

    @staticmethod
    def _assemble(units: list[Unit], figures: dict,
                  upto: int) -> tuple[int, int | None, dict[str, int]]:
        """(pages, pages before the first body unit, anchor -> page) of the units before
        ``upto``, blank versos included, as ``_join_units`` joins them."""
        runs_on = [units[i].doc for i in range(upto) if not units[i].front
                   and figures[i][0] and not figures[i][2]]
        if runs_on:
            raise _RunsOn(*runs_on)
        where: dict[str, int] = {}
        count = 0
        front_count: int | None = None
        for i in range(upto):
            unit = units[i]
            if not unit.front and count % 2:
                count += 1
            if not unit.front and front_count is None:
                front_count = count
            n, rel, recto = figures[i]
            for anchor, k in rel.items():
                where.setdefault(anchor, count + k)
            count += n
        return count, front_count, where

    def _unit_pages(self, head: str, unit: Unit, folio: int, tail: str) -> list:
        """The pages of one unit starting at ``folio`` (laid out, or from an earlier pass)."""
        key = (unit.html, folio)
        self.used.add(key)
        got = self.done.get(key)
        if got is None:
            source = _source(head, unit, folio, tail)
            got = self.done[key] = self._keep(self._layout(source).pages, source)
            self.stats.laid_out += 1
        else:
            self.stats.reused += 1
        return got

    def _keep(self, pages: list, source: str) -> list:
        """The pages, or their ``Shell``s when the pages kept would pass ``KEEP_PAGES``."""
        kept = sum(len(v) for v in self.done.values() if v and not isinstance(v[0], Shell))
        if kept + len(pages) <= KEEP_PAGES:
            return pages
        self.stats.shelved += 1
        self.litter.add(len(pages))
        return [Shell(page, source, i, len(pages)) for i, page in enumerate(pages)]

    def writing(self, pages: list, on_page: Callable[[int, object], None], release: bool):
        """The pages of a joined document, as ``weasy.write_pdf`` takes them: shells
        laid out again (one unit at a time), ``on_page(i, page)`` told of each page before
        its layout tree goes (when ``release``: the renderer is not kept for another
        build)."""
        return _Writing(self, pages, on_page, release)

    def _units(self, head: str, units: list[Unit], tail: str):
        for _ in range(len(units)):
            try:
                return self._join_units(head, join(units, self.joins), tail)
            except _RunsOn as exc:
                self.joins.add(exc.doc)
        raise UnitsRefused("its documents could not be joined into units that each open on a recto")

    def _join_units(self, head: str, units: list[Unit], tail: str):
        pages: list = []
        keys: set[tuple[str, int]] = set()  # the units this pass joins
        first_doc = None
        front_count: int | None = None  # pages before the first body page (roman folios)
        blanks = 0
        for n, unit in enumerate(units):
            # What an earlier pass laid out and this one can no longer use (its HTML is
            # none of the units to come) goes now, not at the end of the pass: it would
            # count against KEEP_PAGES (and memory) while the pass lays out its new units.
            ahead = {u.html for u in units[n:]}
            self.done = {k: v for k, v in self.done.items() if k in keys or k[0] in ahead}
            if not unit.front and len(pages) % 2:  # the blank verso before a recto opener
                pages.append(self._blank(head, tail, blanks))
                blanks += 1
            if not unit.front and front_count is None:
                front_count = len(pages)
            folio = 1 if unit.front else len(pages) - (front_count or 0) + 1
            key = (unit.html, folio)
            self.used.add(key)
            keys.add(key)
            got = self.done.get(key)
            if got is None:
                source = _source(head, unit, folio, tail)
                doc = self._layout(source)
                first_doc = first_doc or doc
                got = doc.pages
                if not unit.front and got and not opens_on_recto(got[0]):
                    raise _RunsOn(unit.doc)
                got = self.done[key] = self._keep(got, source)
                self.stats.laid_out += 1
            else:
                self.stats.reused += 1
            pages.extend(got)
        if first_doc is None:
            first_doc = self._layout(head + tail)
        # The pages of earlier passes that this one did not join are dropped: a later pass
        # rarely wants them back (the numbers converge), and kept they doubled the memory
        # of a build (a unit's pages hold its whole layout tree).
        self.done = {k: v for k, v in self.done.items() if k in keys}
        self.stats.log.append(f"{len(units)} units: {self.stats.laid_out} laid out, "
                              f"{self.stats.reused} reused so far")
        return first_doc.copy(pages)

    def _blank(self, head: str, tail: str, i: int):
        """The i-th empty left-hand page, as WeasyPrint makes before a recto opener."""
        while len(self.blanks) <= i:
            probe = ('<div class="doc doc-back" data-doc="x"><section class="chapter">'
                     '<p>x</p></section><section class="chapter"><p>x</p></section></div>')
            doc = self._layout(head + probe + tail)
            if len(doc.pages) != 3:
                raise ValueError("a blank verso could not be made")
            self.blanks.append(doc.pages[1])
        return self.blanks[i]


class _Writing:
    """``UnitRenderer.writing``: a ``weasy.PageSource``."""

    def __init__(self, renderer: UnitRenderer, pages: list,
                 on_page: Callable[[int, object], None], release: bool) -> None:
        self.renderer, self.pages, self.on_page, self.release = renderer, pages, on_page, release
        self.unit: tuple[str, list] | None = None  # the shelved unit laid out again

    def page(self, i: int):
        page = self.pages[i]
        if not isinstance(page, Shell):
            return page
        if self.unit is None or self.unit[0] is not page.source:
            if self.unit is not None:  # the last one's layout goes first
                self.renderer.litter.add(len(self.unit[1]))
                self.unit = None
            self.unit = (page.source, self.renderer._layout(page.source).pages)
            self.renderer.stats.relaid += 1
        again = self.unit[1]
        if len(again) != page.count or again[page.index].anchors != page.anchors:
            raise UnitsRefused(f"a unit laid out again differs (page {i + 1})")
        return again[page.index]

    def end(self) -> None:
        """Every page is written: the last unit laid out again goes, and the memory the
        layouts held is given back before the PDF's objects are serialised (a long
        book's peak was there)."""
        self.unit = None
        release_memory()

    def written(self, i: int, page) -> None:
        self.on_page(i, page)
        shelved = isinstance(self.pages[i], Shell)  # (its unit is counted when it goes)
        if self.release or shelved:
            forget_layout(page)
            if not shelved:
                self.renderer.litter.add(1)


class _Remote:
    """Units laid out in a forked copy of this process, which sends back, unit by unit and
    in order, what ``unit_measure`` says of each (laid-out pages cannot cross processes)."""

    def __init__(self, renderer: UnitRenderer, head: str, tail: str, units: list[Unit]):
        self.results: list[tuple[int, dict[str, int], bool]] = []
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: lay out, report, and leave without running any clean-up
            os.close(rfd)
            _die_with_parent()
            code = 0
            said = _Said()
            litter = _Litter()
            logging.getLogger("weasyprint").addHandler(said)
            try:
                with os.fdopen(wfd, "wb") as out:
                    for unit in units:
                        # the first folio changes no page break, only the numbers printed
                        pages = renderer._layout(head + unit.html + tail).pages
                        pickle.dump((unit_measure(pages), said.records), out)
                        out.flush()
                        said.records = []
                        n = len(pages)
                        del pages
                        litter.add(n)
            except BaseException:  # noqa: BLE001  the parent sees the stream end early
                code = 1
            os._exit(code)
        os.close(wfd)
        self.pid = pid
        self.stream = os.fdopen(rfd, "rb")

    def result(self, i: int) -> tuple[int, dict[str, int], bool]:
        """The i-th unit's figures; what WeasyPrint logged laying it out is logged here
        now, so that messages come in the order a layout in one process gives them."""
        while len(self.results) <= i:
            try:
                got, records = pickle.load(self.stream)
            except (EOFError, pickle.UnpicklingError, OSError) as exc:
                raise _Lost(f"the second process ended before unit {len(self.results) + 1} "
                            f"({type(exc).__name__})") from exc
            for level, msg in records:
                logging.getLogger("weasyprint").log(level, "%s", msg)
            self.results.append(got)
        return self.results[i]

    def close(self) -> None:
        self.stream.close()
        try:
            os.kill(self.pid, signal.SIGKILL)  # done or not wanted any more
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)


def _die_with_parent() -> None:
    """Linux: the kernel kills this process when its parent dies (a build killed with
    SIGKILL or SIGTERM leaves no layout running).  Elsewhere the child ends at its next
    write to the closed pipe."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class _Said(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))
