"""The one XHTML writer shared by the EPUB and the PDF.

It turns the Book into a list of ``Doc`` (one per EPUB content document; the
PDF concatenates them).  The two editions differ only in

* where notes go: ``notes="end"`` (EPUB: ``<aside epub:type="footnote">``
  after the chapter text) or ``notes="inline"`` (PDF: a ``float: footnote``
  element at the call, laid out at the foot of the page);
* how a link target is addressed (``href``: another file or the same one);
* whether page numbers are known (``page_of``: anchor -> printed folio).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence

from ..languages import lang_attrs
from ..model import Book, Chapter, Note
from ..terms import term
from .abbreviations import abbreviations_doc
from .backmatter import sources_doc, textual_notes_doc
from .family import family_doc
from .glossary import glossary_doc
from .index import index_doc
from .persons import register_doc
from .xhtml import (  # noqa: F401  (Doc, esc, render_markdown: used by pdf.py, epub.py, tests)
    NOTE_LABEL,
    NOTE_MARK,
    Doc,
    esc,
    in_the_text,
    render_markdown,
    render_tokens,
    strip_p,
    title_lines,
)


class Writer:
    """Build the list of documents of an edition."""

    def __init__(self, book: Book, notes: str, href: Callable[[str], str],
                 page_of: Mapping[str, str] | None = None, print_edition: bool = False,
                 page_order: Sequence[str] | None = None):
        self.book = book
        self.notes = notes
        self.href = href
        self.page_of = page_of  # anchor -> printed folio, once a layout has given them
        self.page_order = list(page_order or [])  # the folios in page order (for ranges)
        self.print = print_edition

    def env(self, **extra: object) -> dict:
        env: dict = {"notes": self.notes, "href": self.href, "render_note": self.render_note_inline,
                     "heading_shift": 1, "page": self.page if self.print else None,
                     "captions": not self.print,  # <figure> and <figcaption> in the EPUB only: print.css styles no figure
                     "terms": self.book.terms}  # the labels, in the book's language
        env.update(extra)
        return env

    def page(self, anchor: str, before: bool = False) -> str:
        """Printed page of an anchor: a number after the first pass, else a placeholder.
        ``before=True`` gives the page before it (the end of a range that stops there)."""
        if self.page_of is None:
            return "00"
        label = self.page_of.get(anchor, "?")
        if before:
            order = self.page_order
            if label in order and order.index(label) > 0:
                return order[order.index(label) - 1]
        return label

    # -- notes ------------------------------------------------------------
    def note_body(self, note: Note) -> str:
        # a note's source line breaks are spaces: WeasyPrint ends a footnote's line at a
        # newline of its text (set as a float, the note keeps its lines unjustified)
        return render_tokens(note.tokens, self.env(notes="end", softbreak=" "))

    def render_note_inline(self, note: Note) -> str:
        body = self.note_body(note)
        paras = [p for p in body.replace("<p>", "\x00").replace("</p>", "").split("\x00") if p.strip()]
        mark = NOTE_MARK.get(note.kind)
        kind = f'<span class="note-kind">{esc(term(self.book, mark))}</span> ' if mark else ""
        return kind + '<br class="note-para"/>'.join(p.strip() for p in paras)

    def notes_section(self, ch: Chapter) -> str:
        if not ch.notes:
            return ""
        out = [f'<section class="notes" aria-label="{esc(term(self.book, "notes"))}">']
        for note in ch.notes:
            body = self.note_body(note).strip()
            label = term(self.book, NOTE_LABEL[note.kind])
            kind = f'<span class="note-kind">{esc(label)}.</span> ' if note.kind != "author" else ""
            # The aside holds the note only (Apple Books and Kobo show the aside
            # in the popup), starting with its number, which links back to the
            # call (Kindle's converter makes a popup of a note that links back).
            num = (f'<a class="note-number" href="#{note.call_anchor}" role="doc-backlink" '
                   f'aria-label="{esc(term(self.book, "note-back", number=note.number))}">{note.number}</a>. ')
            if body.startswith("<p>"):
                body = "<p>" + num + kind + body[3:]
            else:
                body = f"<p>{num}{kind}</p>" + body
            own = ch.meta.language if note.kind == "author" and ch.meta.language else None
            out.append(f'<aside class="note {note.kind}" id="{note.anchor}" epub:type="footnote" '
                       f'role="doc-footnote"{lang_attrs(own)}>{body}</aside>')
        out.append("</section>")
        return "\n".join(out)

    # -- chapters -----------------------------------------------------------
    def chapter(self, ch: Chapter) -> Doc:
        m = ch.meta
        title_id = f"{ch.anchor}-title"
        editorial = m.kind == "editorial"
        etype = "chapter" if m.role == "body" else ("preface" if m.role == "front" else "appendix")
        role = "doc-chapter" if m.role == "body" else ("doc-preface" if m.role == "front" else "doc-appendix")
        classes = f"chapter {m.kind} {m.role}"
        running = m.short_title or m.title
        book_lang = self.book.meta.language
        # a document in another language: its title and text carry its tag (the headnote,
        # questions and the editor's and translator's notes stay in the book's language)
        lang = lang_attrs(m.language) if m.language and m.language != book_lang else ""
        head = [f'<header class="chapter-head"{lang}>']
        if m.author and not editorial:
            head.append(f'<p class="chapter-author">{esc(m.author)}</p>')
        head.append(f'<h1 id="{title_id}" class="chapter-title">{esc(m.title)}</h1>')
        if m.subtitle:
            head.append(f'<p class="chapter-subtitle">{esc(m.subtitle)}</p>')
        if m.date and not editorial:
            head.append(f'<p class="chapter-date">{esc(m.date)}</p>')
        if m.translator and not editorial:  # in the book's language, like the rest of the opener's credits
            head.append(f'<p class="chapter-translator"{lang_attrs(book_lang) if lang else ""}>'
                        f'{esc(term(self.book, "translated-by", translator=m.translator))}</p>')
        head.append("</header>")
        parts = [f'<section id="{ch.anchor}" class="{classes}" epub:type="{etype}" role="{role}" '
                 f'aria-labelledby="{title_id}" data-running="{esc(running)}">',
                 "\n".join(head)]
        headnote = ch.meta.headnote
        if headnote:
            parts.append(f'<div class="headnote" role="note" aria-label="{esc(term(self.book, "headnote"))}">'
                         + render_tokens(headnote.tokens, self.env()) + "</div>")
        parts.append(f'<div class="chapter-body"{lang}>')
        parts.append(render_tokens(ch.tokens, self.env(chapter=ch, pid=[ch.anchor, 0],
                                                       note_lang=book_lang if lang else None)))
        parts.append("</div>")
        questions = ch.meta.questions
        if questions:
            qid = f"{ch.anchor}-questions"
            items = "".join(f"<li>{strip_p(render_tokens(q.tokens, self.env()))}</li>" for q in questions)
            parts.append(f'<section class="questions" id="{qid}" aria-labelledby="{qid}-h">'
                         f'<h2 id="{qid}-h">{esc(term(self.book, "questions"))}</h2><ol>{items}</ol></section>')
        if self.notes == "end":
            parts.append(self.notes_section(ch))
        parts.append("</section>")
        return Doc(id=ch.anchor, filename=f"{ch.slug}.xhtml", title=m.title, body="\n".join(parts),
                   role=m.role, landmark="bodymatter" if ch is self.first_body() else None,
                   epub_type=etype)

    def first_body(self) -> Chapter | None:
        for ch in self.book.chapters:
            if ch.meta.role == "body":
                return ch
        return None

    # -- front matter -------------------------------------------------------
    def half_title(self) -> Doc:
        b = self.book.meta
        body = (f'<section id="halftitle" class="halftitle" epub:type="halftitlepage" '
                f'aria-label="{esc(term(self.book, "half-title"))}"><p class="halftitle-title">{esc(b.title)}</p></section>')
        return Doc("halftitle", "halftitle.xhtml", b.title, body, role="front", in_toc=False)

    def title_page(self) -> Doc:
        b = self.book.meta
        lines = ['<section id="titlepage" class="titlepage" epub:type="titlepage" '
                 'aria-labelledby="titlepage-title">',
                 f'<h1 id="titlepage-title" class="book-title">{title_lines(b.title)}</h1>']
        if b.subtitle:
            lines.append(f'<p class="book-subtitle">{title_lines(b.subtitle)}</p>')
        names = self.names  # the credits: authors, editor, translators, publisher (issue #29)
        if authors := names("aut"):
            lines.insert(1, f'<p class="book-authors">{esc(authors)}</p>')
        if b.editor:
            lines.append(f'<p class="book-editor">{esc(term(self.book, "edited-by", editor=b.editor))}</p>')
        if translators := names("trl"):
            lines.append(f'<p class="book-translators">'
                         f'{esc(term(self.book, "translated-by", translator=translators))}</p>')
        if b.publisher:
            lines.append(f'<p class="book-publisher">{esc(b.publisher)}</p>')
        lines.append("</section>")
        return Doc("titlepage", "titlepage.xhtml", term(self.book, "title-page"), "\n".join(lines), role="front",
                   landmark="titlepage", in_toc=False)

    def names(self, role: str) -> str:
        """The book's creators of a MARC role, joined as the language joins names."""
        found = [c.name for c in self.book.meta.creators if c.role == role]
        if len(found) < 2:
            return "".join(found)
        return ", ".join(found[:-1]) + term(self.book, "and") + found[-1]

    def colophon(self) -> Doc:
        b = self.book
        year = datetime.datetime.fromtimestamp(b.source_date_epoch, datetime.UTC).year
        rows = []
        for ch in b.chapters:
            if ch.meta.kind != "document":
                continue
            bits = [f"<em>{esc(ch.meta.title)}</em>"]
            if ch.meta.author:
                bits.insert(0, esc(ch.meta.author))
            if ch.meta.original_publication:
                bits.append(esc(ch.meta.original_publication))
            rights = ch.meta.rights or term(b, "rights-not-stated")
            bits.append(esc(term(b, "rights", rights=rights)))
            rows.append(f"<li>{'. '.join(bits).rstrip('.')}.</li>")
        body = ['<section id="colophon" class="colophon" epub:type="colophon" role="doc-colophon" '
                f'aria-label="{esc(term(b, "copyright"))}">',
                f"<p>{esc(b.meta.title)}" + (f": {esc(b.meta.subtitle)}" if b.meta.subtitle else "") + "</p>"]
        if b.meta.editor:
            body.append(f"<p>{esc(term(b, 'colophon-edited-by', editor=b.meta.editor, year=year))}</p>")
        if b.meta.rights:
            body.append(f"<p>{esc(b.meta.rights)}</p>")
        body.append(f"<p>{esc(term(b, 'colophon-documents'))}</p>")
        body.append('<ul class="colophon-sources">' + "".join(rows) + "</ul>")
        if b.meta.edition:  # the editor's edition statement
            body.append(f'<p class="colophon-edition">{esc(b.meta.edition)}</p>')
        if b.meta.series:
            s = b.meta.series
            text = (term(b, "series-number", series=s["title"], number=s["number"])
                    if s.get("number") is not None else s["title"])
            body.append(f'<p class="colophon-series">{esc(text)}</p>')
        if b.meta.isbn:
            body.append(f'<p class="colophon-isbn">{esc(term(b, "isbn", isbn=b.meta.isbn))}</p>')
        if b.version != "unversioned":  # the build's revision: a small line, no edition statement
            body.append(f'<p class="colophon-version">{esc(term(b, "colophon-version", version=b.version))}</p>')
        if self.print and b.font_credit:  # the EPUB embeds no fonts
            body.append(f"<p>{esc(b.font_credit)}</p>")
        body.append("</section>")
        return Doc("colophon", "colophon.xhtml", term(b, "copyright"), "\n".join(body), role="front",
                   landmark="copyright-page", in_toc=False)

    def contents(self, docs: list[Doc]) -> Doc:
        authors = {ch.anchor: ch.meta.author for ch in self.book.chapters  # each document's author
                   if ch.meta.kind == "document" and ch.meta.author}
        items = []
        for d in docs:
            if not d.in_toc or d.id == "contents":
                continue
            page = f'<span class="toc-page">{esc(self.page(d.id))}</span>' if self.print else ""
            author = (f'<span class="toc-author">{esc(authors[d.id])}</span> '
                      if authors.get(d.id) else "")
            items.append(f'<li class="toc-{d.role}"><a href="{esc(self.href(d.id))}">{author}'
                         f'<span class="toc-title">{esc(d.title)}</span>{page}</a></li>')
        body = ('<nav id="contents" class="contents" epub:type="toc" role="doc-toc" '
                f'aria-labelledby="contents-title" data-running="{esc(term(self.book, "contents"))}">'
                f'<h1 id="contents-title">{esc(term(self.book, "contents"))}</h1><ol class="toc">'
                + "\n".join(items) + "</ol></nav>")
        return Doc("contents", "contents.xhtml", term(self.book, "contents"), body, role="front", landmark="toc",
                   in_toc=False)

    # -- the whole edition --------------------------------------------------------
    def documents(self) -> list[Doc]:
        """The edition's documents in reading order: the front matter, the chapters (front,
        then body), the back matter as ``BACK_MATTER`` lists it; the PDF's contents page
        after the front matter."""
        front = [self.half_title(), self.title_page(), self.colophon()]
        ordered = front + [self.chapter(ch) for role in ("front", "body")
                           for ch in self.book.chapters if ch.meta.role == role]
        chosen = self.book.meta.back_matter  # book.yaml `back_matter:`: which, in order
        for name in chosen if chosen is not None else BACK_MATTER:
            made = BACK_MATTER[name](self)
            ordered += made if isinstance(made, list) else [made] if made is not None else []
        if self.print:
            ordered.insert(len(front), self.contents(ordered))
        return ordered


def back_chapters(w: Writer) -> list[Doc]:
    """The book's own chapters placed in the back matter (``role: back``: a chronology)."""
    return [w.chapter(ch) for ch in w.book.chapters if ch.meta.role == "back"]


# The back matter, in the order a reader expects it, the index last (as in every book); a
# book chooses which and in what order with book.yaml `back_matter:` (these names).  Each
# entry makes its document(s), or None when the book has nothing for it.
BACK_MATTER: dict[str, Callable[[Writer], Doc | list[Doc] | None]] = {
    "abbreviations": abbreviations_doc,  # render/abbreviations.py: opens the back matter
    "glossary": glossary_doc,  # render/glossary.py
    "family": family_doc,  # render/family.py: the family tree, before the register it draws on
    "register": register_doc,  # render/persons.py: the register of persons
    "chronology": back_chapters,  # the book's own chapters with `role: back`
    "textual-notes": textual_notes_doc,  # render/backmatter.py: what the edition changed
    "sources": sources_doc,  # render/backmatter.py
    "index": index_doc,  # render/index.py: the index of names
}
