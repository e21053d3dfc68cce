"""The index of names, for both editions (and the hook that places the back matter).

One entry per person found in the text, under ``sort_name`` ("Curie, Marie"),
sorted by surname with accents and case folded away (Ramón files as Ramon),
grouped by initial letter.  Every other name a person goes by that would file
elsewhere becomes a cross-reference: "Sklodowska, see Curie, Marie"; a name shared by
several persons refers to all of them ("Curie, see Curie, Marie; Curie, Pierre").

EPUB: ``index.xhtml`` follows EPUB Indexes 1.0 (``epub:type`` ``index`` on the
section, ``index-group`` per letter, ``index-entry-list``, ``index-entry``,
``index-term``, ``index-locator-list`` / ``index-locator`` and
``index-xref-preferred``): each locator links to one occurrence, grouped by
document; once the print edition's page breaks are in place (``label_locators``), a
locator reads "p. 42" (the first mention on that printed page) with an accessible
name ("Marie Curie, page 42").  PDF: the printed pages of the occurrences, merged into ranges
("12–14, 17"), from the two-pass ``page_of``; each range links to its first
occurrence.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import defaultdict
from typing import TYPE_CHECKING

from ..model import Book, IndexRules, Person
from ..terms import paragraphs, term
from .pagerefs import merge_pages
from .xhtml import Doc, esc

if TYPE_CHECKING:
    from .html import Writer

INDEX_FILE = "index.xhtml"
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


def index_rules(terms: dict[str, str] | None = None, book: dict | None = None) -> IndexRules:
    """The rules names file by: the language's (terms ``index-titles``, ``index-article``)
    and the book's (persons.yaml ``index:``)."""
    env = {"terms": terms}
    book = book or {}
    return IndexRules(titles=frozenset(term(env, "index-titles").split()) | set(book.get("titles", [])),
                      article=term(env, "index-article"),
                      given_name_endings=tuple(e.casefold() for e in book.get("given_name_endings", [])),
                      nicknames=tuple(book.get("nicknames", [])))


def drop_titles(words: list[str], rules: IndexRules) -> list[str]:
    """The words of a name without the titles before it ("Professor Curie" -> "Curie")."""
    while len(words) > 1 and words[0].rstrip(".") in rules.titles:
        words = words[1:]
    return words


def heading_of(form: str, rules: IndexRules | None = None) -> str | None:
    """How a form files in the index: "Marie Curie" -> "Curie, Marie"; a single name stays;
    "the Little Corporal" -> "Little Corporal, the"; a title is dropped; all-capital forms
    are left out.  A last word with one of the book's given-name endings (a patronymic) is
    no surname: the form stays as it is."""
    rules = rules or index_rules()
    form = " ".join(form.split())
    if any(len(w) > 2 and w.isalpha() and w.isupper() for w in re.split(r"[\s.\-]+", form)):
        return None  # a signature in capitals: the same name as another form
    words = drop_titles(form.split(" "), rules)
    if words[0] == rules.article and len(words) > 1:
        words = words[1:]
        return " ".join(words) + f", {rules.article}"
    if words[0] in rules.nicknames:  # a nickname, not first + last name
        return " ".join(words) + f", {rules.article}"
    if len(words) == 1:
        return words[0]
    if all(re.fullmatch(r"[A-Z]\.?", w) for w in words):
        return " ".join(words)  # "L. D.": initials stay as they are
    last = words[-1]
    if last.casefold().endswith(rules.given_name_endings) or _ROMAN.match(last) or not last[:1].isupper():
        return " ".join(words)  # a given name and patronymic, "Henry VIII", a lower-case word
    rest = words[:-1]
    particles: list[str] = []
    while rest and rest[-1][:1].islower():  # "Ramon del Rio" -> "Rio, Ramon del"
        particles.insert(0, rest.pop())
    return f"{last}, {' '.join(rest + particles)}" if rest else last


def cross_references(persons: list[Person], rules: IndexRules | None = None) -> dict[str, list[Person]]:
    """Heading -> the persons it refers to, for every name that files away from the main entry."""
    main = {fold(p.sort_name) for p in persons}
    refs: dict[str, list[Person]] = defaultdict(list)
    shown: dict[str, str] = {}
    for p in persons:
        own = surname(p.sort_name)
        for form in [*p.forms, *p.ambiguous]:
            h = heading_of(form, rules)
            if h is None or fold(h) in main or surname(h) in (own, own + "s"):
                continue  # files where the entry does ("Curie"), or a plural ("the Curies")
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


def label_locators(docs: list[Doc], pages: dict[str, str], terms: dict[str, str] | None = None) -> None:
    """EPUB, after the links are resolved and the page breaks placed: the index's locators
    say what they point to.  With the print edition's pages, one link per printed page
    ("p. 42", to the first mention there, named "p. 42, Marie Curie" for a screen reader:
    the name begins with the visible label, WCAG 2.5.3); without them the mentions stay
    numbered, each with a name ("2: mention 2 in Marie Curie")."""

    index = next((d for d in docs if d.filename == INDEX_FILE), None)
    if index is None:
        return
    env = {"terms": terms}

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
                     f'aria-label="{esc(term(env, "index-page-label", document=doc, page=p))}">'
                     f'{esc(term(env, "page-ref", page=p))}</a>' for p, h in first.items()]
        else:
            links = [f'<a epub:type="index-locator" href="{esc(h)}" '
                     f'aria-label="{esc(term(env, "index-mention-label", document=doc, number=n))}">{n}</a>'
                     for h, n in hrefs]
        return f'<li><span class="ix-doc">{doc_html}</span> {", ".join(links)}</li>'

    index.body = _LOCATOR_ITEM.sub(item, index.body)


def _entry(w: Writer, p: Person, titles: dict[str, str]) -> str:
    dates = f' <span class="ix-dates">({esc(p.dates)})</span>' if p.dates else ""
    head = (f'<li class="ix-entry" epub:type="index-entry" id="{person_anchor(p)}">'
            f'<span class="ix-term" epub:type="index-term">{esc(p.sort_name)}</span>{dates}')
    if w.print:
        return head + f' <span class="ix-pages">{_pages(w, p)}</span></li>'
    return head + _locators(w, p, titles) + "</li>"


def _xref(w: Writer, heading: str, targets: list[Person]) -> str:
    links = "; ".join(f'<a epub:type="index-term" href="{esc(w.href(person_anchor(t)))}">'
                      f"{esc(t.sort_name)}</a>" for t in sorted(targets, key=lambda t: sort_key(t.sort_name)))
    return (f'<li class="ix-entry ix-xref" epub:type="index-entry">'
            f'<span class="ix-term" epub:type="index-term">{esc(heading)}</span> '
            f'<span class="ix-see" epub:type="index-xref-preferred"><i>{esc(term(w.book, "index-see"))}</i> '
            f'{links}</span></li>')




def index_doc(w: Writer) -> Doc | None:
    book: Book = w.book
    persons = indexed(book)
    if not persons:
        return None
    titles = {ch.slug: ch.meta.short_title or ch.meta.title for ch in book.chapters}
    rows: list[tuple[tuple[str, str, str], str]] = []
    for p in persons:
        rows.append((sort_key(p.sort_name), _entry(w, p, titles)))
    for heading, targets in cross_references(persons, book.index_rules).items():
        rows.append((sort_key(heading), _xref(w, heading, targets)))
    rows.sort(key=lambda r: r[0])
    groups: dict[str, list[str]] = {}
    for key, row in rows:
        groups.setdefault(letter(key[2]), []).append(row)
    # epub:type "index" with its ARIA role on the section, not on <body>, which can take no
    # role (DAISY Ace: epub-type-has-matching-role).  Hence the EPUB's manifest does *not* give
    # this document the property "index" of EPUB Indexes 1.0: with it EPUBCheck validates the
    # document against the Indexes schema, which wants epub:type="index" on <body>.  The index
    # keeps the Indexes vocabulary (index-group, index-entry-list, index-entry, index-term,
    # index-locator, index-xref-preferred) on its own elements; EPUBCheck (-u) and Ace report
    # nothing, and the landmarks nav still points at it.
    body = ['<section id="index" class="index" epub:type="index" role="doc-index" '
            f'aria-labelledby="index-title" data-running="{esc(term(book, "index-title"))}">',
            f'<h1 id="index-title" class="chapter-title">{esc(term(book, "index-title"))}</h1>',
            '<div class="index-intro">' + paragraphs(term(book, "index-intro"))
            + paragraphs(term(book, "index-intro-print" if w.print else "index-intro-epub")) + "</div>"]
    body.append('<div class="ix-groups">')  # print: one two-column flow, letters inside it
    for initial, items in groups.items():
        gid = f"index-{initial.lower()}" if initial.isalpha() else "index-other"
        body.append(f'<section class="ix-group" epub:type="index-group" id="{gid}" '
                    f'aria-labelledby="{gid}-h"><h2 id="{gid}-h">{esc(initial)}</h2>'
                    f'<ul class="ix-list" epub:type="index-entry-list">')
        body += items
        body.append("</ul></section>")
    body.append("</div></section>")
    return Doc("index", INDEX_FILE, term(book, "index-title"), "\n".join(body), role="back",
               landmark="index", epub_type="index")
