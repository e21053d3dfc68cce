"""The glossary document of both editions, and the EPUB search key map.

EPUB: ``glossary.xhtml`` (back matter, landmark ``glossary``): a ``<dl>`` of
``<div id="gl-…">`` (the target of every link to the entry, so that a pop-up
shows term and definition), each of whose ``<dt epub:type="glossterm">`` holds the ``<dfn>`` and whose
``<dd epub:type="glossdef">`` holds the definition (Markdown; ``{gl=id}``
spans in it link to other entries), the ``see`` links, the entry's source
(a document's own glossary, verbatim, or the editor), and a link back
to each chapter where the term occurs, landing on its first occurrence there.
The manifest item gets the ``glossary`` property and a search key map
(EPUB Dictionaries and Glossaries 1.0) lists every form of every entry.

PDF: the same list, with the printed pages of every occurrence, merged into
ranges ("12–14, 17"), read from the two-pass ``page_of``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Book, GlossaryEntry
from ..terms import paragraphs, term
from ..transforms.glossary import entry_anchor
from .pagerefs import EN_DASH, merge_pages
from .xhtml import Doc, esc, in_the_text, render_tokens

if TYPE_CHECKING:
    from .html import Writer

GLOSSARY_FILE = "glossary.xhtml"
SEARCH_KEY_MAP_FILE = "glossary-search-key-map.xml"


def sort_key(e: GlossaryEntry) -> tuple[str, str]:
    head = re.sub(r"^[\W_]+", "", e.headword)
    head = re.sub(r"^(The|A|An) ", "", head)
    return head.casefold(), e.id


def page_ranges(pages: list[str]) -> list[tuple[str, int]]:
    """Merge folios into ranges: ``["12","13","14","17"] -> [("12–14", 0), ("17", 3)]``.

    Each item is (label, index in ``pages`` of its first page), so the label can link to
    the first mention on that page.  The merging is the print engineer's
    (``pagerefs.merge_pages``: roman front-matter folios first, arabic runs merged, "?" dropped).
    """
    first: dict[str, int] = {}
    for i, p in enumerate(pages):
        first.setdefault(p, i)
    return [(a if a == b else f"{a}{EN_DASH}{b}", first[a]) for a, b in merge_pages(pages)]


def _entry(w: Writer, e: GlossaryEntry, by_id: dict[str, GlossaryEntry], titles: dict[str, str]) -> str:
    env = w.env()
    # The links land on a <div> round the term and its definition (HTML allows one
    # inside a <dl>), not on the <dt>: a reading system that pops up the target of a
    # glossary link (foliate-js shows the element the link points at) shows the term
    # *and* its definition, not the bare word.
    parts = [f'<div id="{entry_anchor(e.id)}" class="gl-entry">',
             f'<dt epub:type="glossterm" class="gl-term gl-{e.category}">'
             f"<dfn>{esc(e.headword)}</dfn></dt>",
             '<dd epub:type="glossdef" class="gl-def">']
    body = (render_tokens(e.definition_text.tokens, env).strip() if e.definition_text
            else f"<p>{esc(e.definition)}</p>")
    src = f'<span class="gl-source gl-source-{e.source}">{source_label(w.book, e.source)}.</span>'
    if body.endswith("</p>"):
        body = body[:-4] + " " + src + "</p>"
    else:
        body += f"<p>{src}</p>"
    parts.append(body)
    if e.note:
        note = (render_tokens(e.note_text.tokens, env).strip() if e.note_text
                else f"<p>{esc(e.note)}</p>")
        label = esc(term(w.book, "note-label-editor"))
        note = note.replace("<p>", f'<p class="gl-note"><span class="note-kind">{label}.</span> ', 1)
        parts.append(note)
    see = [by_id[s] for s in e.see if s in by_id]
    if see:
        links = ", ".join(f'<a href="{esc(w.href(entry_anchor(s.id)))}">{esc(s.headword)}</a>' for s in see)
        stop = "" if see[-1].headword.endswith((".", "?", "!")) else "."
        parts.append(f'<p class="gl-see"><i>{esc(term(w.book, "see-also"))}</i> {links}{stop}</p>')
    if e.occurrences:
        if w.print:
            anchors = [a for _, a in e.occurrences]
            ranges = page_ranges([w.page(a) for a in anchors])
            items = ", ".join(f'<a href="{esc(w.href(anchors[i]))}">{esc(label)}</a>' for label, i in ranges)
            word = term(w.book, "page" if len(ranges) == 1 and "–" not in ranges[0][0] else "pages")
            parts.append(f'<p class="gl-pages">{esc(word)} {items}</p>')
        else:
            parts.append(in_the_text(w, e.occurrences, titles, "gl-where"))
    parts.append("</dd>\n</div>")
    return "\n".join(parts)


def source_label(book: Book, source: str) -> str:
    """Whose entry it is, as XHTML: the editor's, or "From the glossary of" the document
    (glossary.yaml ``source_labels``, else the document's title)."""
    if source == "editor":
        return esc(term(book, "glossary-source-editor"))
    label = book.glossary_sources.get(source)
    if label is None:
        titles = {r.source.id: r.source.title for r in book.import_records}
        label = f"*{titles.get(source, source)}*"
    return inline(term(book, "glossary-source", source="\x00")).replace("\x00", inline(label))


def inline(text: str) -> str:
    """One paragraph's text as inline XHTML (``terms.paragraphs`` without the <p>)."""
    return paragraphs(text).removeprefix("<p>").removesuffix("</p>")


def intro_html(book: Book) -> str:
    """The book's own introduction (glossary.yaml ``introduction``), else a generic one."""
    return paragraphs(book.glossary_intro or term(book, "glossary-intro"))


def glossary_doc(w: Writer) -> Doc | None:
    book: Book = w.book
    if not book.glossary:
        return None
    by_id = {e.id: e for e in book.glossary}
    titles = {ch.slug: ch.meta.short_title or ch.meta.title for ch in book.chapters}
    entries = sorted({e.id: e for e in book.glossary}.values(), key=sort_key)
    body = ['<section id="glossary" class="glossary" epub:type="glossary" role="doc-glossary" '
            f'aria-labelledby="glossary-title" data-running="{esc(term(book, "glossary-title"))}">',
            f'<h1 id="glossary-title" class="chapter-title">{esc(term(book, "glossary-title"))}</h1>',
            '<div class="glossary-intro">' + intro_html(book)
            + paragraphs(term(book, "glossary-intro-print" if w.print else "glossary-intro-epub")) + "</div>",
            '<dl class="glossary-list">']
    body += [_entry(w, e, by_id, titles) for e in entries]
    body += ["</dl>", "</section>"]
    return Doc("glossary", GLOSSARY_FILE, term(book, "glossary-title"), "\n".join(body), role="back",
               landmark="glossary", epub_type="glossary")


def search_key_map(book: Book, lang: str) -> bytes:
    """EPUB Dictionaries and Glossaries 1.0 search key map: every form -> its entry."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<search-key-map xmlns="http://www.idpf.org/2007/ops" xml:lang="{esc(lang)}">']
    for e in sorted(book.glossary, key=sort_key):
        values: list[str] = []
        for v in [e.headword, *e.forms, *e.explicit_only]:
            if v not in values:
                values.append(v)
        lines.append(f'<search-key-group href="{GLOSSARY_FILE}#{entry_anchor(e.id)}">')
        lines += [f'<match value="{esc(v)}"/>' for v in values]
        lines.append("</search-key-group>")
    lines.append("</search-key-map>")
    return ("\n".join(lines) + "\n").encode("utf-8")


# EPUBCheck 5 accepts the search key map (no error, no warning) but with -u it always adds
# OPF-097 ("listed in the manifest, but no reference to it was found in content documents"):
# nothing in a content document can reference it.  The edition must pass EPUBCheck -u with
# no message at all, so the map is off by default (docs/glossary.md).
SEARCH_KEY_MAP = False


def add_glossary_items(eb, book: Book, docs: list[Doc], items: dict,
                       with_search_key_map: bool | None = None) -> None:
    """EPUB: mark the glossary document (manifest property ``glossary``); optionally add its
    search key map (``properties="search-key-map glossary"``)."""
    from ebooklib import epub

    doc = next((d for d in docs if d.landmark == "glossary"), None)
    if doc is None:
        return
    items[doc.id].properties = ["glossary"]
    if not (SEARCH_KEY_MAP if with_search_key_map is None else with_search_key_map):
        return
    skm = epub.EpubItem(uid="glossary-skm", file_name=SEARCH_KEY_MAP_FILE,
                        media_type="application/vnd.epub.search-key-map+xml",
                        content=search_key_map(book, book.meta.language))
    skm.properties = ["search-key-map", "glossary"]
    eb.add_item(skm)
