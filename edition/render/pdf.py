"""Print renderer: the shared XHTML writer, laid out by WeasyPrint in two passes.

Pass 1 lays the book out with placeholder page numbers and reads the page of
every anchor from ``document.pages[i].anchors``.  Pass 2 lays it out again with
those numbers written as plain text (contents, page references).  We never
use ``target-counter()``: WeasyPrint can silently drop footnotes when a layout
resolves it.  If pass 2 moves an anchor to another page (a number changed the
line breaks), a third pass is made; the build fails loudly rather than print a
wrong number.

The book is laid out unit by unit (``render/units.py``): a pass lays out again only the
documents whose HTML or first folio changed, pass 1 is shared with a second process, and
``keep_layouts()`` (the watch) keeps the units from one build to the next.
``render_pdf`` returns a ``PdfResult``: the bytes, the page numbers printed (``Pages``)
and the page map (``render/pagemap.py``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sized
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..model import Book, Location
from .html import Doc, Writer, esc
from .ties import tie_glossary_marks
from .totalfit import fit_chapter
from .units import release_memory

ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
         (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


class PdfError(Exception):
    pass


@dataclass
class Pages:
    """The printed page numbers a layout gives: the folio of every anchor and the folios
    in page order (roman in the front matter, arabic from the first body page)."""

    of: dict[str, str]  # anchor -> folio
    order: list[str]  # the folio of each page, first to last

    def settles(self, earlier: Pages | None) -> bool:
        """Did ``earlier`` (the numbers a layout printed) give these same numbers?"""
        return (earlier is not None and earlier.order == self.order
                and all(self.of.get(k) == v for k, v in earlier.of.items()))


@dataclass
class Seed:
    """Where a layout may start: the page numbers and the relaxed paragraphs of the last
    build (``PdfResult.seed``).  Only a guess: the layout it gives is kept only if it prints
    those very numbers and needs no more relaxing (a fixpoint), the test an unseeded build's
    last pass passes too."""

    numbers: Pages
    relax: frozenset[str] = frozenset()
    relax_rounds: int = 0

    def to_json(self) -> dict:
        return {"of": self.numbers.of, "order": self.numbers.order,
                "relax": sorted(self.relax), "relax_rounds": self.relax_rounds}

    @classmethod
    def from_json(cls, d: object) -> Seed | None:
        """The seed in ``d``, or None when it is not one (a damaged seed is no seed)."""
        if not isinstance(d, dict):
            return None
        of, order, relax, rounds = d.get("of"), d.get("order"), d.get("relax"), d.get("relax_rounds")
        if not (isinstance(of, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in of.items())
                and isinstance(order, list) and all(isinstance(x, str) for x in order)
                and isinstance(relax, list) and all(isinstance(x, str) for x in relax)
                and isinstance(rounds, int) and order):
            return None
        return cls(Pages(dict(of), list(order)), frozenset(relax), rounds)


@dataclass
class PdfResult:
    """What the PDF renderer returns: the file, its page numbers and its page map."""

    data: bytes
    pages: Pages  # the folios printed in it (contents, page references, ranges)
    page_map: list[dict] = field(default_factory=list)  # render/pagemap.py, one entry a page
    seed: Seed | None = None  # where the next build's layout may start
    # why the book was laid out whole, not unit by unit: (line of print.css or None, what)
    notes: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.pages.order)


def _large_page(size: str, top: int, bottom: int, colophon: int) -> str:
    """A4 and Letter: bigger type and a 122 mm measure, about 65 characters a line (#32)."""
    outer, inner = (54, 34) if size == "A4" else (58, 36)
    return f"""
@page {{ size: {size}; margin: {top}mm {outer}mm {bottom}mm {inner}mm;
  @top-center {{ font-size: 10.5pt; }} @top-left {{ font-size: 11pt; }} @top-right {{ font-size: 11pt; }} }}
@page :left {{ margin-left: {outer}mm; margin-right: {inner}mm; }}
@page :right {{ margin-left: {inner}mm; margin-right: {outer}mm; }}
html {{ font-size: 13.5pt; }} .footnote {{ font-size: 10pt; }} .colophon {{ font-size: 9pt; min-height: {colophon}mm; }}
"""


# Page geometry beyond the A5 default in print.css.
GEOMETRY = {
    "A5": "",
    "A4": _large_page("A4", 22, 26, 248),
    "Letter": _large_page("letter", 20, 24, 234),
}
# The print-shop variant: 3 mm of bleed round the trim box and crop marks.
PRINT_SHOP = "\n@page { bleed: 3mm; marks: crop; }\n"


def geometry_css(page_size: str, print_shop: bool = False) -> str:
    """CSS appended to print.css for the page size and the print-shop variant."""
    return GEOMETRY[page_size] + (PRINT_SHOP if print_shop else "")


def html_document(book: Book, docs: list[Doc]) -> str:
    lang = book.meta.language
    parts = []
    first_body = first_body_anchor(docs)
    for d in docs:
        extra = " doc-first-body" if d.id == first_body else ""
        body = tie_glossary_marks(d.body)
        if book.meta.line_breaking == "total-fit":  # book.yaml line_breaking (render/totalfit.py)
            body = fit_chapter(body, book.meta.page_size, lang)
        parts.append(f'<div class="doc doc-{d.role}{extra}" data-doc="{d.id}">{body}</div>')
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" xmlns:epub="http://www.idpf.org/2007/ops">\n<head>\n'
        f'<meta charset="utf-8"/>\n<title>{esc(book.meta.title)}</title>\n'
        f'<meta name="author" content="{esc(", ".join(document_authors(book)))}"/>\n'
        f'<meta name="description" content="{esc(book.meta.description or book.meta.subtitle or "")}"/>\n'
        f'<meta name="keywords" content="{esc(", ".join(book.meta.subjects))}"/>\n'
        f'<meta name="generator" content="edition"/>\n'
        f'</head>\n<body data-booktitle="{esc(book.meta.short_title or book.meta.title)}">\n'
        + "\n".join(parts) + "\n</body>\n</html>\n"
    )


class _AnyNumber(dict):
    """A ``page_of`` that knows every anchor (page 1): the HTML of a pass with numbers, to
    tell which units the numbers change."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> str:
        return "1"

    def get(self, key, default=None):  # type: ignore[override]
        return "1"


def folio_labels(pages: Sized, front_count: int) -> list[str]:
    """The printed folio of each page: roman in the front matter, then arabic from 1."""
    labels = []
    for i in range(len(pages)):
        labels.append(roman(i + 1) if i < front_count else str(i - front_count + 1))
    return labels


_FOOTNOTE = re.compile(r'<span class="footnote [a-z]+" id="([^"]+)"')


_P_TAG = re.compile(r"<p(\s[^>]*)?>")


def mark_calls(source: str, relax: set[str], keys: dict[str, str] | None = None) -> str:
    """Mark where each note is called (an empty ``<span id="{note}-call">`` in the text)
    and where each paragraph starts (``<p id="pp-N">``), so both pages can be read back;
    relax widow/orphan control in the paragraphs listed in ``relax``.  ``keys`` receives
    each paragraph's key (``pp-N`` -> a digest of its HTML and how many paragraphs before
    it have the same), which names the same paragraph after an edit elsewhere moved its
    number (``Seed.relax``)."""
    import hashlib

    count = 0
    seen: dict[str, int] = {}

    def para(m: re.Match[str]) -> str:
        nonlocal count
        attrs = m.group(1) or ""
        if " id=" in attrs:
            return m.group(0)
        count += 1
        pid = f"pp-{count}"
        if keys is not None:
            end = source.find("</p>", m.end())
            digest = hashlib.sha1(source[m.start():end if end >= 0 else None].encode()).hexdigest()[:16]
            seen[digest] = seen.get(digest, 0) + 1
            keys[pid] = f"{digest}:{seen[digest]}"
        extra = ' data-relax=""' if pid in relax else ""
        return f'<p id="{pid}"{extra}{attrs}>'

    source = _P_TAG.sub(para, source)
    return _FOOTNOTE.sub(lambda m: f'<span class="call-site" id="{m.group(1)}-call"></span>'
                         + m.group(0), source)


def deferred_notes(notes: list[str], where: dict[str, int]) -> set[str]:
    """Notes whose text is not on the page of their call."""
    return {n for n in notes if f"{n}-call" in where and where.get(n) != where[f"{n}-call"]}


def paragraphs_to_relax(deferred: set[str], where: dict[str, int]) -> set[str]:
    """WeasyPrint pushes a note to the next page, away from its call, when the paragraph
    at the page break cannot otherwise keep two lines together on either side.  The
    paragraphs of the call's page (from the one the page begins in) and the first of the
    next page give up widow/orphan control, for the note's sake."""
    starts = sorted((page, int(a[3:])) for a, page in where.items() if a.startswith("pp-"))
    out = set()
    for n in deferred:
        page = where[f"{n}-call"]
        before = [k for p, k in starts if p < page]
        on = [k for p, k in starts if p == page]
        first = max(before) if before else min(on, default=0)
        last = max(on) if on else first
        out |= {f"pp-{k}" for k in range(first, last + 2) if k > 0}
    return out


def first_body_anchor(docs: list[Doc]) -> str | None:
    for d in docs:
        if d.role == "body":
            return d.id
    return None


class _Collect(logging.Handler):
    """Collects WeasyPrint's warnings and errors (it would otherwise drop them)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if msg not in self.messages:
            self.messages.append(msg)


Warn = Callable[[str, Location | None, str], None]  # message, where its cause is, code

_CSS_AT = re.compile(r"\bat (\d+):(\d+)\b")  # WeasyPrint's "… at LINE:COLUMN" of a stylesheet
_URL_IN = re.compile(r"(?:file|https?|data):[^\s'\"]+")


def stylesheet_location(message: str, sheet) -> Location | None:
    """Where in the style sheets WeasyPrint's message points: its ``at LINE:COLUMN`` of the
    layered sheet (``stylesheets.Layered``: the shipped sheet, the page geometry the tool
    appends, chosen by ``page_size`` in book.yaml, the book's own sheet), or the line that
    names the file it failed to load; None when the message names neither."""
    if m := _CSS_AT.search(message):
        file, line = sheet.locate(int(m.group(1)))
        return Location(file, line)
    if m := _URL_IN.search(message):
        name = unquote(urlparse(m.group(0)).path).rstrip("/").rsplit("/", 1)[-1]
        if name:
            lines = sheet.text.splitlines()
            for n in range(len(lines), 0, -1):  # the book's own sheet, read last, first
                if name in unquote(lines[n - 1]):
                    file, line = sheet.locate(n)
                    if file != "book.yaml":
                        return Location(file, line)
    return None


def render_pdf(book: Book, styles_dir: Path, css_text: str,
               progress: Callable[[str], None] | None = None,
               warn: Warn | None = None, seed: Seed | None = None,
               pdf_variant: str | None = None) -> PdfResult:
    """Lay the book out and return the PDF with its page numbers and page map.
    ``warn(message, location)`` receives every warning WeasyPrint logs (bad CSS, a refused or missing file) once, with no location,
    and every character the shipped faces lack, at the place of the text that uses it."""
    from .fonts import coverage, face_files

    have = coverage(face_files(css_text, styles_dir))
    located = glyphs_missing(book, have)
    reported = {f"(U+{ord(c):04X})" for _, chars in located for c in chars}
    for where, chars in located:
        if warn:
            names = ", ".join(f"U+{ord(c):04X} {c!r}" for c in chars)
            warn(f"the book's faces have no glyph for {names}: it prints as an empty box", where,
                 "pdf.glyph")
    notes = {n.anchor: n for ch in book.chapters for n in ch.notes}
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    lost: list[str] = []
    from .weasy import version_warning

    if warn and (unknown := version_warning()):
        warn(unknown, None, "pdf.weasyprint-version")
    try:
        return _render(book, styles_dir, css_text, progress, lost, seed, pdf_variant)
    finally:
        logger.removeHandler(collect)
        for msg in collect.messages:
            if msg.startswith(".notdef glyph") and any(msg.endswith(r) for r in reported):
                continue  # said above, at the place of the text
            if warn:
                warn(msg, None, "pdf.layout")
        for anchor in lost:  # notes parted from their call: at the note's own file and line
            note = notes.get(anchor)
            if warn:
                warn(f"note {note.number if note else anchor} is printed on the page after "
                     "its call", note.location if note else None, "pdf.layout")


def inline_text(t) -> str:
    return "".join(c.content for c in t.children or [] if c.type in ("text", "code_inline"))


def _texts(book: Book) -> Iterator[tuple[Location, str]]:
    """Every piece of text the print edition sets, with the place it comes from."""
    meta = book.meta
    for value in (meta.title, meta.subtitle, meta.short_title, meta.editor, meta.description):
        if value:
            yield meta.location, value
    for ch in book.chapters:
        for value in (ch.meta.title, ch.meta.subtitle, ch.meta.author, ch.meta.date,
                      ch.meta.original_publication, ch.meta.translator, ch.meta.rights):
            if value:
                yield ch.location, value
        for t in ch.tokens:
            if text := inline_text(t):
                yield Location(ch.location.file, ch.line_of(t.map)), text
        for n in ch.notes:
            for t in n.tokens:
                if text := inline_text(t):
                    yield n.location, text
    for e in book.glossary:
        for value in (e.headword, *e.forms):
            yield e.location, value
    for p in book.persons:
        for value in (p.name, p.sort_name, p.dates):
            if value:
                yield p.location, value
    for frag in book.fragments():  # headnotes, questions, definitions, identifications
        for t in frag.tokens:
            if text := inline_text(t):
                yield Location(frag.location.file, frag.line_of(t.map)), text


def glyphs_missing(book: Book, have: frozenset[int]) -> list[tuple[Location, list[str]]]:
    """The characters no shipped face has, each at the first place (file and line) that
    uses it, one warning per file and character."""
    from .fonts import missing

    seen: set[tuple[str, str]] = set()
    out: list[tuple[Location, list[str]]] = []
    for where, text in _texts(book):
        new = [c for c in missing(text, have) if (where.file, c) not in seen]
        if new:
            seen.update((where.file, c) for c in new)
            out.append((where, new))
    return out


def document_authors(book: Book) -> list[str]:
    """The book's authors (``BookMeta.creators``, role ``aut``: edition/creators.py), for the
    PDF's Author field; the editor is named on the title page, not as an author."""
    return [c.name for c in book.meta.creators if c.role == "aut"]


def pdf_date(epoch: int) -> str:
    """A W3C date-time (as WeasyPrint's metadata takes it) from SOURCE_DATE_EPOCH."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def page_labels(labels: list[str]):
    """A finisher that writes ``/PageLabels``: viewers show the printed folios (roman in
    the front matter, arabic from the first body page) instead of the sheet count."""
    import pydyf

    nums = pydyf.Array()
    style = None
    for i, label in enumerate(labels):
        s = "/D" if label.isdigit() else "/r"
        if s != style:
            start = int(label) if label.isdigit() else _from_roman(label)
            nums.extend([i, pydyf.Dictionary({"S": s, "St": start})])
            style = s

    def finish(document, pdf) -> None:
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": nums})

    return finish


def _from_roman(s: str) -> int:
    values = dict((letters, value) for value, letters in ROMAN)
    n, i = 0, 0
    while i < len(s):
        if s[i:i + 2] in values:
            n += values[s[i:i + 2]]
            i += 2
        else:
            n += values[s[i]]
            i += 1
    return n


# The layouts kept from one build to the next by ``edition build --watch`` (keep_layouts()):
# (project, styles, stylesheet) -> the unit renderer and the fetcher that read its files.
_KEPT: dict[tuple[str, str, str], tuple] | None = None


def keep_layouts(on: bool = True) -> None:
    """Keep the laid-out units between builds in this process (the watch), so that a
    build lays out again only the units whose HTML or first folio changed.  A unit's
    pages depend only on its HTML, its first folio, the stylesheet and the files read
    while laying it out (fonts, images): a change to any of those files drops them all."""
    global _KEPT
    _KEPT = {} if on else None


def _recording_fetcher():
    from .fetch import ProjectFetcher

    class Recording(ProjectFetcher):
        """ProjectFetcher that remembers the files it served (and their bytes' digest)."""

        def __init__(self, root: Path):
            super().__init__(root)
            self.served: dict[str, str] = {}

        def fetch(self, url: str, headers=None):  # type: ignore[override]
            result = super().fetch(url, headers)
            parsed = urlparse(url)
            if parsed.scheme == "file":
                self.served.setdefault(url, _digest(Path(unquote(parsed.path))))
            return result

        def unchanged(self) -> bool:
            return all(_digest(Path(unquote(urlparse(u).path))) == d for u, d in self.served.items())

    return Recording


def _digest(path: Path) -> str:
    import hashlib

    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _render(book: Book, styles_dir: Path, css_text: str,
            progress: Callable[[str], None] | None, lost: list[str],
            seed: Seed | None = None, pdf_variant: str | None = None) -> PdfResult:
    from weasyprint import CSS  # imported here: `edition check` must not pay for it

    from .fonts import font_config
    from .pagemap import PageMap  # where each printed page begins, for the EPUB's page list
    from .units import Measure, UnitRenderer, crossing_state, split_units, unit_measure
    from .weasy import fix_line_breaking, write_pdf
    from .weasy import install as fix_page_references

    fix_line_breaking()  # no word stranded before an inline element (render/weasy.py)
    fix_page_references()  # writing the PDF grows linearly with the book (render/weasy.py)
    _Recording = _recording_fetcher()

    base = styles_dir.as_uri() + "/"
    key = (str(book.root), base, css_text)
    kept = _KEPT.get(key) if _KEPT is not None else None
    if kept is not None and kept[1].unchanged():
        units = kept[0]  # the watch: the units the last build laid out, and its stylesheet
        units.begin()
    else:
        fetcher = _Recording(book.root)
        fonts = font_config()  # the shipped faces only; @font-face rules register into it
        css = CSS(string=css_text, base_url=base, url_fetcher=fetcher, font_config=fonts)
        units = UnitRenderer(base, fetcher, [css], fonts, crossing=crossing_state(css_text))
        if _KEPT is not None:
            _KEPT.clear()
            _KEPT[key] = (units, fetcher)
    say = progress or (lambda s: None)

    def layout(numbers: Pages | None, relax: set[str]):
        writer = Writer(book, notes="inline", href=lambda a: f"#{a}",
                        page_of=numbers.of if numbers else None,
                        page_order=numbers.order if numbers else None, print_edition=True)
        docs = writer.documents()
        source = mark_calls(html_document(book, docs), relax)
        doc = units.render(source)  # = HTML(string=source, …).render(stylesheets=[css])
        return docs, doc

    notes = [n.anchor for ch in book.chapters for n in ch.notes]
    relax: set[str] = set()
    # The paragraphs' keys (mark_calls), from the HTML without page numbers: how a seed
    # names the relaxed paragraphs.
    docs = Writer(book, notes="inline", href=lambda a: f"#{a}", print_edition=True).documents()
    keys: dict[str, str] = {}  # pp-N -> key
    source = mark_calls(html_document(book, docs), relax, keys)
    document = None
    numbers: Pages | None = None
    relax_rounds = 0  # widow control is given up in at most three rounds, then numbers settle
    if seed is not None:
        # The last build's numbers: if the layout they give prints them again (and needs
        # no more relaxing), it is the one the passes below would end on; else they go on
        # from it.  An unseeded build of the same inputs gives the same bytes (tested).
        say("laying out (from the last build's page numbers)")
        pid_of = {k: pid for pid, k in keys.items()}
        numbers, relax_rounds = seed.numbers, seed.relax_rounds
        # (a number past the last paragraph, which paragraphs_to_relax may name, stays one)
        relax = {pid_of.get(k, k) for k in seed.relax if k in pid_of or k.startswith("pp-")}
        docs, document = layout(numbers, relax)
        measured = Measure(0, {})  # measured from the document in the loop
    else:
        say("laying out (pass 1)")
        # Pass 1 only measures (page count, anchor pages): the units whose HTML the page
        # numbers will change are measured in a second process while this one lays out the
        # others, which the next pass reuses (render/units.py).
        numbered = mark_calls(html_document(book, Writer(
            book, notes="inline", href=lambda a: f"#{a}", page_of=_AnyNumber(), page_order=["1"],
            print_edition=True).documents()), relax)
        split = split_units(numbered)
        stable = {u.html for u in split[1]} if split else set()
        measured = units.measure(source, lambda html: html not in stable)
    passes = 0
    for attempt in range(6):
        if document is not None:
            measured = Measure(*unit_measure(document.pages)[:2])
        where = measured.where
        body = first_body_anchor(docs)
        front = where.get(body, 0) if body else 0
        labels = folio_labels(range(measured.count), front)
        new = Pages({a: labels[i] for a, i in where.items()}, labels)
        deferred = deferred_notes(notes, where)
        more = paragraphs_to_relax(deferred, where) - relax if relax_rounds < 3 else set()
        # (a seed must also have numbered every anchor this layout has: an anchor new
        # since the last build was printed with no number)
        complete = passes > 0 or seed is None or numbers is None or new.of.keys() <= numbers.of.keys()
        if new.settles(numbers) and not more and complete:
            break
        if more:
            relax |= more
            relax_rounds += 1
        numbers = new
        passes += 1
        document = None  # the pages this pass reuses are kept by the unit renderer
        release_memory()
        say(f"laying out (pass {attempt + 2})")
        docs, document = layout(numbers, relax)
    else:
        raise PdfError("page numbers did not settle after seven layouts")
    lost.extend(sorted(deferred))  # render_pdf says where each note is written
    assert numbers is not None and document is not None  # the loop lays out at least once
    meta = document.metadata
    meta.title = book.meta.title
    meta.authors = document_authors(book)
    meta.description = book.meta.description or book.meta.subtitle
    meta.keywords = list(book.meta.subjects)
    meta.lang = book.meta.language
    meta.generator = "edition"
    meta.created = meta.modified = pdf_date(book.source_date_epoch)
    release_memory()
    say("writing PDF")
    # Page by page: each page's layout tree goes once it is painted and tagged, and the
    # pages whose trees were let go during layout are laid out again, a unit at a time
    # (render/weasy.py, render/units.py).  Tagged (headings, paragraphs, lists, the
    # outline), but not declared PDF/UA-1: WeasyPrint's tag tree does not meet it (notes,
    # running heads; docs/decisions.md).
    mapped = PageMap(labels)
    pages = units.writing(document.pages, mapped.add, release=_KEPT is None)
    data = write_pdf(document, pages, finisher=page_labels(labels),
                     pdf_variant=pdf_variant, pdf_tags=True, uncompressed_pdf=False,
                     project_root=book.root)  # (--print-shop: PDF/X-4, render/print_ready.py)
    entries = mapped.entries
    whole: list[tuple[int | None, str]] = [
        (line, f"the book is laid out whole, not document by document (slower, the same book): "
               f"{what}") for line, what in units.crossing]
    whole += [(None, note) for note in dict.fromkeys(units.stats.notes)]
    return PdfResult(data, numbers, entries,
                     seed=Seed(numbers, frozenset(keys.get(p, p) for p in relax), relax_rounds),
                     notes=whole)
