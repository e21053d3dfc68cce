"""Back matter built from the import records of the sources: Textual Notes and Sources.

* **Textual Notes** list, document by document, every correction the import
  applied (source line, the edition's reading ] the source's reading, the
  kind of error) and every passage of the source left out (boilerplate,
  captions, page marginalia), so that a reader can check each change.
* **Sources and Acknowledgements** give the provenance, rights and SHA-256 of
  each source file, and credit the transcribers.

The data comes from ``book.import_records``: the files ``edition import`` wrote
(``sources/records/<id>.json``, ``edition/import_record.py``), which ``edition check``
compares with a fresh import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .xhtml import Doc, esc

if TYPE_CHECKING:
    from .html import Writer

REASONS = {"ocr": "OCR", "typo": "typing error", "punctuation": "punctuation",
           "spacing": "spacing", "quote": "quotation mark", "hyphenation": "hyphenation"}


def _show(text: str) -> str:
    """A reading as printed in the notes: line breaks shown as a vertical bar."""
    return esc(text.replace("\n", " | "))


def textual_notes_doc(w: Writer) -> Doc | None:
    records = w.book.import_records
    if not records:
        return None
    parts = ['<section id="textual-notes" class="textual-notes backmatter" epub:type="appendix" '
             'role="doc-appendix" aria-labelledby="textual-notes-title" '
             'data-running="Textual Notes">',
             '<h1 id="textual-notes-title">Textual Notes</h1>',
             '<p class="tn-intro">For each document, first the corrections: the line of the source '
             'file, the reading of this edition, a bracket, the reading of the source, and the kind '
             'of error. A vertical bar marks a line break in the source. Then the passages of the '
             'source left out of the text, with their lines and the reason.</p>']
    for rec in records:
        title = rec.chapter_title or rec.source.title
        sid = rec.source.id
        href = w.href(rec.chapter_anchor) if rec.chapter_anchor else None
        head = f'<a href="{esc(href)}">{esc(title)}</a>' if href else esc(title)
        parts.append(f'<section class="tn-document" id="tn-{sid}" aria-labelledby="tn-{sid}-h">')
        parts.append(f'<h2 id="tn-{sid}-h">{head}</h2>')
        parts.append(f'<p class="tn-file">Source file: <span class="tn-filename">{esc(rec.source.file)}</span>. '
                     f"{len(rec.applied)} correction{'s' if len(rec.applied) != 1 else ''}, "
                     f"{len(rec.removed)} passage{'s' if len(rec.removed) != 1 else ''} left out.</p>")
        if rec.applied:
            parts.append('<h3>Corrections</h3><ul class="tn-list">')
            for c in rec.applied:
                note = f' <span class="tn-note">({esc(c.note)})</span>' if c.note else ""
                parts.append(
                    f'<li><span class="tn-line">{c.line}</span> '
                    f'<span class="tn-edition">{_show(c.edition)}</span>\u2009] '
                    f'<span class="tn-source">{_show(c.read)}</span> '
                    f'<span class="tn-reason">{esc(REASONS.get(c.reason, c.reason))}</span>{note}</li>')
            parts.append("</ul>")
        if rec.removed:
            parts.append('<h3>Left out</h3><ul class="tn-list tn-removed">')
            for r in rec.removed:
                lines = f"{r.line}" if r.end == r.line else f"{r.line}–{r.end}"
                text = r.text.strip().replace("\n", " | ")
                if len(text) > 160:
                    text = text[:157] + "…"
                parts.append(f'<li><span class="tn-line">{lines}</span> '
                             f'<span class="tn-reason">{esc(r.reason)}</span>: '
                             f'<span class="tn-source">{esc(text)}</span></li>')
            parts.append("</ul>")
        parts.append("</section>")
    parts.append("</section>")
    return Doc("textual-notes", "textual-notes.xhtml", "Textual Notes", "\n".join(parts),
               role="back", epub_type="appendix")


def sources_doc(w: Writer) -> Doc | None:
    records = w.book.import_records
    if not records:
        return None
    parts = ['<section id="sources" class="sources backmatter" epub:type="appendix" '
             'role="doc-appendix" aria-labelledby="sources-title" '
             'data-running="Sources and Acknowledgements">',
             '<h1 id="sources-title">Sources and Acknowledgements</h1>',
             '<p class="src-intro">The documents of this book, in the order printed, with what '
             'each file says of its origin and its rights. The files themselves are kept with the '
             'edition, byte for byte as received; the SHA-256 checksum identifies each.</p>']
    for rec in records:
        r = rec.source
        sid = r.id
        title = rec.chapter_title or r.title
        rows = [("Author", r.author), ("Title", r.title + (f": {r.subtitle}" if r.subtitle else "")),
                ("Date", r.date)]
        pub = ", ".join(x for x in [r.periodical, f"Vol. {r.volume}" if r.volume else None,
                                    f"No. {r.number}" if r.number else None,
                                    f"p. {r.page}" if r.page else None] if x)
        if pub:
            rows.append(("First published", pub))
        if r.publication:
            rows.append(("Publication", r.publication))
        if r.translator:
            rows.append(("Translator", r.translator))
        rows.append(("Transcription", r.credit or "not stated"))
        rows.append(("Kind of copy", r.kind))
        rows.append(("Rights", r.rights))
        rows.append(("File", r.file))
        rows.append(("SHA-256", r.sha256))
        parts.append(f'<section class="src-document" id="src-{sid}" aria-labelledby="src-{sid}-h">')
        parts.append(f'<h2 id="src-{sid}-h">{esc(title)}</h2><dl class="src-fields">')
        for k, v in rows:
            cls = ' class="src-hash"' if k == "SHA-256" else ""
            parts.append(f"<dt>{esc(k)}</dt><dd{cls}>{esc(v)}</dd>")
        parts.append("</dl></section>")
    credits = sorted({rec.source.credit for rec in records if rec.source.credit
                      and rec.source.credit != "not stated"})
    parts.append('<section class="src-ack" id="acknowledgements" aria-labelledby="ack-h">'
                 '<h2 id="ack-h">Acknowledgements</h2>')
    if credits:
        parts.append("<p>The web texts were transcribed and published by others, whose work this "
                     "edition rests on:</p><ul>" + "".join(f"<li>{esc(c)}</li>" for c in credits)
                     + "</ul>")
    parts.append("</section></section>")
    return Doc("sources", "sources.xhtml", "Sources and Acknowledgements", "\n".join(parts),
               role="back", epub_type="appendix")
