"""The list of abbreviations (back matter, both editions), from ``abbreviations.yaml``.

Each entry: the abbreviation, the other ways the documents write it, what it stands
for, and a reference to the glossary entry about it (a link in the e-book; in print
the page of the entry).  Sorted by the abbreviation, letters only, case folded.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Book
from ..terms import paragraphs, term
from ..transforms.glossary import entry_anchor
from .xhtml import Doc, esc

if TYPE_CHECKING:
    from .html import Writer

ABBREVIATIONS_FILE = "abbreviations.xhtml"


def sort_key(abbreviation: str) -> tuple[str, str]:
    return (re.sub(r"[^0-9a-z]", "", abbreviation.casefold()), abbreviation)


def _entry(w: Writer, a: dict, glossary: dict[str, str]) -> str:
    head = f'<dt class="ab-term"><abbr>{esc(a["abbreviation"])}</abbr>'
    if a["spellings"]:
        head += (f' <span class="ab-spellings">({esc(term(w.book, "also"))} '
                 + ", ".join(esc(s) for s in a["spellings"]) + ")</span>")
    body = esc(a["meaning"]) + ("" if a["meaning"].rstrip().endswith((".", "!", "?")) else ".")
    gid = a.get("glossary")
    if gid and gid in glossary:
        anchor = entry_anchor(gid)
        if w.print:
            # the page number is print's own (the EPUB links): a .pageref, left out of the
            # shared text the page map counts, or the EPUB's page markers drift after it
            full = term(w.book, "in-the-glossary-page", page=w.page(anchor))
            shared = term(w.book, "in-the-glossary")
            if full.startswith(shared):
                where = (esc(shared) + '<span class="pageref">'
                         + esc(full[len(shared):]).replace("\u00a0", "&#160;") + "</span>")
            else:
                where = esc(full).replace("\u00a0", "&#160;")
            body += (f' <span class="ab-see"><i>{esc(term(w.book, "see"))}</i> {esc(glossary[gid])} '
                     f'{where}.</span>')
        else:
            body += (f' <span class="ab-see"><i>{esc(term(w.book, "see"))}</i> <a href="{esc(w.href(anchor))}">'
                     f'{esc(glossary[gid])}</a> {esc(term(w.book, "in-the-glossary"))}.</span>')
    return f"{head}</dt>\n<dd class=\"ab-meaning\">{body}</dd>"


def abbreviations_doc(w: Writer) -> Doc | None:
    book: Book = w.book
    if not book.abbreviations:
        return None
    glossary = {e.id: e.headword for e in book.glossary}
    intro = paragraphs(term(book, "abbreviations-intro"))
    if book.abbreviations_intro:
        intro = "".join(f"<p>{esc(' '.join(p.split()))}</p>"
                        for p in book.abbreviations_intro.split("\n\n") if p.strip())
    items = sorted(book.abbreviations, key=lambda a: sort_key(a["abbreviation"]))
    body = ['<section id="abbreviations" class="abbreviations" epub:type="appendix" role="doc-appendix" '
            f'aria-labelledby="abbreviations-title" data-running="{esc(term(book, "abbreviations-title"))}">',
            f'<h1 id="abbreviations-title" class="chapter-title">{esc(term(book, "abbreviations-title"))}</h1>',
            f'<div class="abbreviations-intro">{intro}</div>',
            '<dl class="abbreviations-list">']
    body += [_entry(w, a, glossary) for a in items]
    body += ["</dl>", "</section>"]
    return Doc("abbreviations", ABBREVIATIONS_FILE, term(book, "abbreviations-title"), "\n".join(body), role="back",
               epub_type="appendix")
