"""The register of persons, for both editions: its own back-matter document.

For each person, in index order: the name as the index sorts it, the dates
(only where the documents give them), the one- or two-line identification, the
other names and spellings used in the documents (an ambiguous one with the
documents in which it means this person), the documents the facts come from,
and a document's own glossary entry about the person, verbatim.

EPUB: each name links to the person's entry in the index of names, and "In the
text" links to the first mention in each document.  PDF: the page numbers are
in the index, to which the register refers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Book, IndexRules, Person
from ..terms import paragraphs, term
from .index import drop_titles, heading_of, index_rules, indexed, person_anchor, sort_key
from .xhtml import Doc, esc, in_the_text, render_tokens, strip_p

if TYPE_CHECKING:
    from .html import Writer

REGISTER_FILE = "persons.xhtml"


def register_anchor(p: Person) -> str:
    return f"pn-{p.id}"


def _part_of_name(form: str, name: str, rules: IndexRules) -> bool:
    """"Curie" or "Professor Curie" add nothing to "Marie Curie"."""
    words = drop_titles(form.split(), rules)
    return " ".join(words) in name.split() or " ".join(words) == name


def other_names(p: Person, rules: IndexRules | None = None) -> list[tuple[str, list[str]]]:
    """(name, chapter slugs or [] for everywhere) for every form that is not part of the
    register name; an ambiguous form comes with the chapters in which it counts."""
    rules = rules or index_rules()
    seen = {p.name.casefold()}
    out: list[tuple[str, list[str]]] = []
    for form, chapters in [*((f, []) for f in p.forms), *p.ambiguous.items()]:
        if form.casefold() in seen or heading_of(form, rules) is None:
            continue
        if not chapters and _part_of_name(form, p.name, rules):
            continue
        seen.add(form.casefold())
        out.append((form, list(chapters)))
    return out


def source_titles(book: Book) -> dict[str, str]:
    """source id -> the document's short title: ``short_title`` in sources.yaml, else the
    title of the chapter made from it, before a colon ("Common Sense")."""
    out: dict[str, str] = {}
    for rec in book.import_records:
        if rec.source.short_title:
            out[rec.source.id] = rec.source.short_title
    for ch in book.chapters:
        if ch.meta.source:
            out.setdefault(ch.meta.source, short_title(ch.meta.short_title or ch.meta.title))
    return out


def chapter_titles(book: Book) -> dict[str, str]:
    """chapter slug -> short title: the document's short title for a chapter made from a
    source, else the chapter's short title or title."""
    sources = source_titles(book)
    return {ch.slug: sources.get(ch.meta.source or "", "") or short_title(ch.meta.short_title or ch.meta.title)
            for ch in book.chapters}


def short_title(title: str) -> str:
    """A document's title as a short label: the part before a colon ("Common Sense")."""
    return title.split(":", 1)[0].strip() or title


def _entry(w: Writer, p: Person, titles: dict[str, str], sources: dict[str, str]) -> str:
    name = esc(p.sort_name)
    if not w.print and p.occurrences:
        name = f'<a href="{esc(w.href(person_anchor(p)))}">{name}</a>'
    dates = f' <span class="pn-dates">({esc(p.dates)})</span>' if p.dates else ""
    ident = (strip_p(render_tokens(p.identification_text.tokens, w.env())) if p.identification_text
             else esc(p.identification))
    parts = [f'<dt id="{register_anchor(p)}" class="pn-name">{name}{dates}</dt>',
             f'<dd class="pn-body"><p class="pn-id">{ident}</p>']
    names = []
    for form, chapters in other_names(p, w.book.index_rules):
        where = ""
        if chapters:
            where = " (in " + ", ".join(f"<i>{esc(titles.get(c, c))}</i>"
                                         for c in chapters) + ")"
        names.append(f"{esc(form)}{where}")
    if names:
        joined = "; ".join(names)
        end = "" if joined.endswith(".") else "."  # "V.I." ends the list without a second point
        parts.append(f'<p class="pn-names"><i>{esc(term(w.book, "also-named"))}</i> {joined}{end}</p>')
    if p.glossary_entry:
        g = p.glossary_entry
        src = f'<i>{esc(sources.get(g["source"], g["source"]))}</i>'
        said = esc(term(w.book, "in-the-glossary-of", source="\x00")).replace("\x00", src)
        parts.append(f'<p class="pn-glossary"><i>{said}</i> '
                     f'<span class="pn-headword">{esc(g["headword"])}</span>—{esc(g["text"])}</p>')
    if p.sources:
        docs = "; ".join(f"<i>{esc(sources.get(s, s))}</i>" for s in p.sources)
        parts.append(f'<p class="pn-sources"><i>{esc(term(w.book, "register-sources"))}</i> {docs}.</p>')
    if not w.print and p.occurrences:
        parts.append(in_the_text(w, [(slug, anchor) for slug, anchor, _ in p.occurrences], titles, "pn-where"))
    parts.append("</dd>")
    return "\n".join(parts)




def intro_html(book: Book) -> str:
    """The book's own introduction to the register (persons.yaml ``introduction``: whom it
    lists and by what rule it leaves anyone out), paragraphs split at blank lines; else a
    generic one."""
    if not book.persons_intro:
        return paragraphs(term(book, "register-intro"))
    paras = [p.strip() for p in book.persons_intro.split("\n\n") if p.strip()]
    return "".join(f"<p>{esc(' '.join(p.split()))}</p>" for p in paras)


def register_doc(w: Writer) -> Doc | None:
    book: Book = w.book
    persons = indexed(book)
    if not persons:
        return None
    titles = chapter_titles(book)
    sources = source_titles(book)
    body = ['<section id="persons" class="register" epub:type="appendix" role="doc-appendix" '
            f'aria-labelledby="persons-title" data-running="{esc(term(book, "register-title"))}">',
            f'<h1 id="persons-title" class="chapter-title">{esc(term(book, "register-title"))}</h1>',
            '<div class="register-intro">' + intro_html(book)
            + paragraphs(term(book, "register-intro-print" if w.print else "register-intro-epub")) + "</div>",
            '<dl class="register-list">']
    body += [_entry(w, p, titles, sources) for p in sorted(persons, key=lambda p: sort_key(p.sort_name))]
    body += ["</dl>", "</section>"]
    return Doc("persons", REGISTER_FILE, term(book, "register-title"), "\n".join(body), role="back",
               epub_type="appendix")
