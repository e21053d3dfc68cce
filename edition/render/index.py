"""The index of names, for both editions (and the hook that places the back matter).

One entry per person found in the text, under ``sort_name`` ("Sedov, Leon"),
sorted by surname with accents and case folded away (Ramón files as Ramon),
grouped by initial letter.  Every other name a person goes by that would file
elsewhere becomes a cross-reference: "Lyova, see Sedov, Leon"; a name shared by
several persons refers to all of them ("Sedoff, see Sedov, Leon; Sedov, Sergei;
Sedova, Natalia").

EPUB: ``index.xhtml`` follows EPUB Indexes 1.0 (``epub:type`` ``index`` on the
section, ``index-group`` per letter, ``index-entry-list``, ``index-entry``,
``index-term``, ``index-locator-list`` / ``index-locator`` and
``index-xref-preferred``): each locator links to one occurrence, grouped by
document; once the print edition's page breaks are in place (``label_locators``), a
locator reads "p. 42" (the first mention on that printed page) with an accessible
name ("p. 42, The Exile").  PDF: the printed pages of the occurrences, merged into ranges
("12–14, 17"), from the two-pass ``page_of``; each range links to its first
occurrence.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import defaultdict
from typing import TYPE_CHECKING

from ..model import Book, Person

if TYPE_CHECKING:
    from .html import Doc, Writer

INDEX_FILE = "index.xhtml"
TITLES = ("Comrade", "General", "Father", "Professor", "Tsar", "Czar", "Sir", "Mr", "Mrs")
_PATRONYMIC = re.compile(r"(ovich|evich|ovna|evna|ilyich|inishna)$", re.IGNORECASE)  # not "Deich", "Zasulich"
_ROMAN = re.compile(r"^[IVXL]+$")


def fold(text: str) -> str:
    """Collation form: accents removed, case folded, apostrophes dropped, punctuation to spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"['’‘ʼ]", "", text)
    return re.sub(r"[^0-9a-z,]+", " ", text).strip()


def sort_key(heading: str) -> tuple[str, str, str]:
    """Word-by-word on the surname, then the rest; ties broken by the heading itself."""
    head, _, rest = fold(heading).partition(",")
    return head.strip(), rest.strip(), heading


def letter(heading: str) -> str:
    key = sort_key(heading)[0]
    return key[:1].upper() if key[:1].isalpha() else "#"


def surname(heading: str) -> str:
    return fold(heading.split(",", 1)[0])


def heading_of(form: str) -> str | None:
    """How a form files in the index: "Leon Sedoff" -> "Sedoff, Leon"; "Lyova" stays;
    "the Old Man" -> "Old Man, the"; a title is dropped; all-capital forms are left out."""
    form = " ".join(form.split())
    if any(len(w) > 2 and w.isalpha() and w.isupper() for w in re.split(r"[\s.\-]+", form)):
        return None  # "CHRISTIAN", a signature in capitals: the same name as another form
    words = form.split(" ")
    while len(words) > 1 and words[0].rstrip(".") in TITLES:
        words = words[1:]
    if words[0] == "the":
        words = words[1:]
        return " ".join(words) + ", the"
    if words[0] in ("Old", "Little"):  # "Old Man", "Little Son": a nickname, not first + last name
        return " ".join(words) + ", the"
    if len(words) == 1:
        return words[0]
    if all(re.fullmatch(r"[A-Z]\.?", w) for w in words):
        return " ".join(words)  # "L. D.": initials stay as they are
    last = words[-1]
    if _PATRONYMIC.search(last) or _ROMAN.match(last) or not last[:1].isupper():
        return " ".join(words)  # "Lev Davidovich", "Nicholas II", "synok"
    rest = words[:-1]
    particles: list[str] = []
    while rest and rest[-1][:1].islower():  # "Ramon del Rio" -> "Rio, Ramon del"
        particles.insert(0, rest.pop())
    return f"{last}, {' '.join(rest + particles)}" if rest else last


def cross_references(persons: list[Person]) -> dict[str, list[Person]]:
    """Heading -> the persons it refers to, for every name that files away from the main entry."""
    main = {fold(p.sort_name) for p in persons}
    refs: dict[str, list[Person]] = defaultdict(list)
    shown: dict[str, str] = {}
    for p in persons:
        own = surname(p.sort_name)
        for form in [*p.forms, *p.ambiguous]:
            h = heading_of(form)
            if h is None or fold(h) in main or surname(h) in (own, own + "s"):
                continue  # files where the entry does ("Trotsky"), or a plural ("the Kamenevs")
            key = re.sub(r"[^a-z0-9]", "", fold(h))  # "L. D." and "L.D." are one heading
            h = shown.setdefault(key, h)
            if p not in refs[h]:
                refs[h].append(p)
    return refs


def indexed(book: Book) -> list[Person]:
    return [p for p in book.persons if p.occurrences]


def person_anchor(p: Person) -> str:
    return f"ix-{p.id}"


def _pages(w: Writer, p: Person) -> str:
    from .html import esc
    from .pagerefs import merge_pages

    anchors = [a for _, a, _ in p.occurrences]
    if w.page_of is None:  # first layout pass: a stand-in of similar width
        return esc(", ".join("00" for _ in anchors[:4]))
    first_of: dict[str, str] = {}
    for a in anchors:
        first_of.setdefault(w.page(a), a)
    runs = merge_pages(first_of)
    out = []
    for a, b in runs:
        label = a if a == b else f"{a}–{b}"
        out.append(f'<a class="ix-page" href="{esc(w.href(first_of[a]))}">{esc(label)}</a>')
    return ", ".join(out)


def _locators(w: Writer, p: Person, titles: dict[str, str]) -> str:
    from .html import esc

    by_chapter: dict[str, list[str]] = defaultdict(list)
    for slug, anchor, _ in p.occurrences:
        by_chapter[slug].append(anchor)
    items = []
    for slug, anchors in by_chapter.items():
        links = ", ".join(f'<a epub:type="index-locator" href="{esc(w.href(a))}">{n}</a>'
                          for n, a in enumerate(anchors, 1))
        items.append(f'<li><span class="ix-doc">{esc(titles.get(slug, slug))}</span> {links}</li>')
    return '<ul class="ix-locators" epub:type="index-locator-list">' + "".join(items) + "</ul>"


_LOCATOR_ITEM = re.compile(r'<li><span class="ix-doc">([^<]*)</span> ((?:<a epub:type="index-locator" '
                           r'href="[^"]*">\d+</a>(?:, )?)+)</li>')
_LOCATOR = re.compile(r'<a epub:type="index-locator" href="([^"]*)">(\d+)</a>')
_ID_OR_PAGE = re.compile(r'<span epub:type="pagebreak"[^>]*\baria-label="([^"]*)"|\bid="([^"]+)"')


def print_pages(docs: list[Doc]) -> dict[str, str]:
    """``file#id`` -> the printed page that place falls on, from the page-break markers the
    EPUB carries (``epub_pages.insert_pagebreaks``); empty when it has none."""
    out: dict[str, str] = {}
    page: str | None = None
    for d in docs:
        for m in _ID_OR_PAGE.finditer(d.body):
            if m.group(1) is not None:
                page = html.unescape(m.group(1))
            elif page is not None:
                out.setdefault(f"{d.filename}#{m.group(2)}", page)
    return out


def label_locators(docs: list[Doc], pages: dict[str, str]) -> None:
    """EPUB, after the links are resolved and the page breaks placed: the index's locators
    say what they point to.  With the print edition's pages, one link per printed page
    ("p. 42", to the first mention there, named "p. 42, The Exile" for a screen reader:
    the name begins with the visible label, WCAG 2.5.3); without them the mentions stay
    numbered, each with a name ("2: mention 2 in The Exile")."""
    from .html import esc

    index = next((d for d in docs if d.filename == INDEX_FILE), None)
    if index is None:
        return

    def item(m: re.Match[str]) -> str:
        doc_html = m.group(1)
        doc = html.unescape(doc_html)
        hrefs = [(html.unescape(h), n) for h, n in _LOCATOR.findall(m.group(2))]
        links: list[str] = []
        if pages and all(pages.get(h) for h, _ in hrefs):
            first: dict[str, str] = {}
            for h, _ in hrefs:
                first.setdefault(pages[h], h)
            links = [f'<a epub:type="index-locator" href="{esc(h)}" '
                     f'aria-label="p. {esc(p)}, {esc(doc)}">p.\u00a0{esc(p)}</a>' for p, h in first.items()]
        else:
            links = [f'<a epub:type="index-locator" href="{esc(h)}" '
                     f'aria-label="{n}: mention {n} in {esc(doc)}">{n}</a>' for h, n in hrefs]
        return f'<li><span class="ix-doc">{doc_html}</span> {", ".join(links)}</li>'

    index.body = _LOCATOR_ITEM.sub(item, index.body)


def _entry(w: Writer, p: Person, titles: dict[str, str]) -> str:
    from .html import esc

    dates = f' <span class="ix-dates">({esc(p.dates)})</span>' if p.dates else ""
    head = (f'<li class="ix-entry" epub:type="index-entry" id="{person_anchor(p)}">'
            f'<span class="ix-term" epub:type="index-term">{esc(p.sort_name)}</span>{dates}')
    if w.print:
        return head + f' <span class="ix-pages">{_pages(w, p)}</span></li>'
    return head + _locators(w, p, titles) + "</li>"


def _xref(w: Writer, heading: str, targets: list[Person]) -> str:
    from .html import esc

    links = "; ".join(f'<a epub:type="index-term" href="{esc(w.href(person_anchor(t)))}">'
                      f"{esc(t.sort_name)}</a>" for t in sorted(targets, key=lambda t: sort_key(t.sort_name)))
    return (f'<li class="ix-entry ix-xref" epub:type="index-entry">'
            f'<span class="ix-term" epub:type="index-term">{esc(heading)}</span> '
            f'<span class="ix-see" epub:type="index-xref-preferred"><i>see</i> {links}</span></li>')


INTRO = ("<p>Persons named in the documents and in the editor’s text, under the name the register "
         "of persons gives them; other names and spellings refer to it.</p>")
INTRO_EPUB = ("<p>Under each name, document by document, links to its mentions: to the first on each "
              "page of the print edition (“p. 42”), or numbered when the pages are not known.</p>")
INTRO_PRINT = "<p>Numbers are page numbers; names in notes are included.</p>"


def index_doc(w: Writer) -> Doc | None:
    from .html import Doc, esc

    book: Book = w.book
    persons = indexed(book)
    if not persons:
        return None
    titles = {ch.slug: ch.meta.short_title or ch.meta.title for ch in book.chapters}
    rows: list[tuple[tuple[str, str, str], str]] = []
    for p in persons:
        rows.append((sort_key(p.sort_name), _entry(w, p, titles)))
    for heading, targets in cross_references(persons).items():
        rows.append((sort_key(heading), _xref(w, heading, targets)))
    rows.sort(key=lambda r: r[0])
    groups: dict[str, list[str]] = {}
    for key, row in rows:
        groups.setdefault(letter(key[2]), []).append(row)
    # epub:type "index" with its ARIA role on the section (DAISY Ace's epub-type-has-matching-role);
    # not on <body>, which can take no role (see add_index_items)
    body = ['<section id="index" class="index" epub:type="index" role="doc-index" '
            'aria-labelledby="index-title">',
            '<h1 id="index-title" class="chapter-title">Index of Names</h1>',
            '<div class="index-intro">' + INTRO + (INTRO_PRINT if w.print else INTRO_EPUB) + "</div>"]
    for initial, items in groups.items():
        gid = f"index-{initial.lower()}" if initial.isalpha() else "index-other"
        body.append(f'<section class="ix-group" epub:type="index-group" id="{gid}" '
                    f'aria-labelledby="{gid}-h"><h2 id="{gid}-h">{esc(initial)}</h2>'
                    f'<ul class="ix-list" epub:type="index-entry-list">')
        body += items
        body.append("</ul></section>")
    body.append("</section>")
    return Doc("index", INDEX_FILE, "Index of Names", "\n".join(body), role="back",
               landmark="index", epub_type="index")


def names_back_matter(w: Writer, docs: list[Doc]) -> list[Doc]:
    """Place the list of abbreviations before the glossary, the family tree and the
    register of persons after it (or after the last body chapter) and the index of names after the documents given (the writer adds any
    later back matter)."""
    from .abbreviations import abbreviations_doc
    from .family import family_doc
    from .persons import register_doc

    register, index = register_doc(w), index_doc(w)
    docs = list(docs)
    at = next((i + 1 for i, d in enumerate(docs) if d.landmark == "glossary"), None)
    if at is None:
        at = max((i + 1 for i, d in enumerate(docs) if d.role in ("body", "front")), default=len(docs))
    # the family tree (render/family.py), then the register of persons
    for doc in [register, family_doc(w)]:
        if doc is not None:
            docs.insert(at, doc)
    # the list of abbreviations (render/abbreviations.py) opens the back matter, before the glossary
    abbreviations = abbreviations_doc(w)
    if abbreviations is not None:
        first = next((i for i, d in enumerate(docs) if d.landmark == "glossary"), at)
        docs.insert(first, abbreviations)
    if index is not None:
        docs.append(index)
    return docs


def add_index_items(book: Book, docs: list[Doc], items: dict) -> None:
    """EPUB: how the index document is declared — deliberately *not* with the manifest
    property ``index`` of EPUB Indexes 1.0.

    With that property EPUBCheck validates the document against the Indexes schema, which
    requires ``epub:type="index"`` on ``<body>``; but ``<body>`` can take no ARIA role, so
    DAISY Ace then reports ``epub-type-has-matching-role``.  Without the property the index
    keeps the Indexes vocabulary (index, index-group, index-entry-list, index-entry,
    index-term, index-locator, index-xref-preferred) on its own elements, the section has
    ``epub:type="index" role="doc-index"``, the body stays ``backmatter``, and both
    EPUBCheck (with -u) and Ace report nothing.  The landmarks nav still points at it."""
    return None
