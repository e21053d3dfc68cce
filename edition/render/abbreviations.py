"""The list of abbreviations (back matter, both editions), from ``abbreviations.yaml``.

Each entry: the abbreviation, the other ways the documents write it, what it stands
for, and a reference to the glossary entry about it (a link in the e-book; in print
the page of the entry).  Sorted by the abbreviation, letters only, case folded.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..model import Book
from ..transforms.glossary import entry_anchor
from .xhtml import Doc, esc

if TYPE_CHECKING:
    from .html import Writer

ABBREVIATIONS_FILE = "abbreviations.xhtml"
INTRO = "<p>The abbreviations the documents use, and what they stand for.</p>"


def sort_key(abbreviation: str) -> tuple[str, str]:
    return (re.sub(r"[^0-9a-z]", "", abbreviation.casefold()), abbreviation)


def _entry(w: Writer, a: dict, glossary: dict[str, str]) -> str:
    head = f'<dt class="ab-term"><abbr>{esc(a["abbreviation"])}</abbr>'
    if a["spellings"]:
        head += ' <span class="ab-spellings">(also ' + ", ".join(esc(s) for s in a["spellings"]) + ")</span>"
    body = esc(a["meaning"]) + ("" if a["meaning"].rstrip().endswith((".", "!", "?")) else ".")
    gid = a.get("glossary")
    if gid and gid in glossary:
        anchor = entry_anchor(gid)
        if w.print:
            body += f' <span class="ab-see"><i>See</i> {esc(glossary[gid])} in the Glossary, p.&#160;{esc(w.page(anchor))}.</span>'
        else:
            body += (f' <span class="ab-see"><i>See</i> <a href="{esc(w.href(anchor))}">'
                     f'{esc(glossary[gid])}</a> in the Glossary.</span>')
    return f"{head}</dt>\n<dd class=\"ab-meaning\">{body}</dd>"


def abbreviations_doc(w: Writer) -> Doc | None:
    book: Book = w.book
    if not book.abbreviations:
        return None
    glossary = {e.id: e.headword for e in book.glossary}
    intro = INTRO
    if book.abbreviations_intro:
        intro = "".join(f"<p>{esc(' '.join(p.split()))}</p>"
                        for p in book.abbreviations_intro.split("\n\n") if p.strip())
    items = sorted(book.abbreviations, key=lambda a: sort_key(a["abbreviation"]))
    body = ['<section id="abbreviations" class="abbreviations" epub:type="appendix" role="doc-appendix" '
            'aria-labelledby="abbreviations-title" data-running="Abbreviations">',
            '<h1 id="abbreviations-title" class="chapter-title">Abbreviations</h1>',
            f'<div class="abbreviations-intro">{intro}</div>',
            '<dl class="abbreviations-list">']
    body += [_entry(w, a, glossary) for a in items]
    body += ["</dl>", "</section>"]
    return Doc("abbreviations", ABBREVIATIONS_FILE, "Abbreviations", "\n".join(body), role="back",
               epub_type="appendix")
