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

from ..terms import term
from .xhtml import Doc, esc

if TYPE_CHECKING:
    from .html import Writer

REASONS = ("ocr", "typo", "punctuation", "spacing", "quote", "hyphenation")  # terms "reason-<kind>"


def reason(book: object, kind: str) -> str:
    """The kind of a correction as printed ("typing error"); an unknown kind as it is."""
    return term(book, f"reason-{kind}") if kind in REASONS else kind


def _show(text: str) -> str:
    """A reading as printed in the notes: line breaks shown as a vertical bar."""
    return esc(text.replace("\n", " | "))


def textual_notes_doc(w: Writer) -> Doc | None:
    book = w.book
    records = book.import_records
    styled = book.house_style_changes  # transforms/house_style.py: the mechanical rules
    if not records and not styled:
        return None
    title = esc(term(book, "textual-notes-title"))
    parts = ['<section id="textual-notes" class="textual-notes backmatter" epub:type="appendix" '
             'role="doc-appendix" aria-labelledby="textual-notes-title" '
             f'data-running="{title}">',
             f'<h1 id="textual-notes-title">{title}</h1>',
             f'<p class="tn-intro">{esc(term(book, "textual-notes-intro"))}</p>']
    parts += house_style_summary(book)
    recorded = {rec.chapter_anchor for rec in records}
    for rec in records:
        title = rec.chapter_title or rec.source.title
        sid = rec.source.id
        href = w.href(rec.chapter_anchor) if rec.chapter_anchor else None
        head = f'<a href="{esc(href)}">{esc(title)}</a>' if href else esc(title)
        parts.append(f'<section class="tn-document" id="tn-{sid}" aria-labelledby="tn-{sid}-h">')
        parts.append(f'<h2 id="tn-{sid}-h">{head}</h2>')
        counts = term(book, "tn-counts", corrections=term(
            book, "tn-correction" if len(rec.applied) == 1 else "tn-corrections", n=len(rec.applied)),
            passages=term(book, "tn-passage" if len(rec.removed) == 1 else "tn-passages", n=len(rec.removed)))
        filename = f'<span class="tn-filename">{esc(rec.source.file)}</span>'
        parts.append(f'<p class="tn-file">{esc(term(book, "tn-source-file", file=chr(0)))}'.replace(chr(0), filename)
                     + f" {esc(counts)}</p>")
        if rec.applied:
            parts.append(f'<h3>{esc(term(book, "tn-corrections-heading"))}</h3><ul class="tn-list">')
            for c in rec.applied:
                note = f' <span class="tn-note">({esc(c.note)})</span>' if c.note else ""
                parts.append(
                    f'<li><span class="tn-line">{c.line}</span> '
                    f'<span class="tn-edition">{_show(c.edition)}</span>\u2009] '
                    f'<span class="tn-source">{_show(c.read)}</span> '
                    f'<span class="tn-reason">{esc(reason(book, c.reason))}</span>{note}</li>')
            parts.append("</ul>")
        if rec.removed:
            parts.append(f'<h3>{esc(term(book, "tn-left-out-heading"))}</h3><ul class="tn-list tn-removed">')
            for r in rec.removed:
                lines = f"{r.line}" if r.end == r.line else f"{r.line}–{r.end}"
                text = r.text.strip().replace("\n", " | ")
                if len(text) > 160:
                    text = text[:157] + "…"
                parts.append(f'<li><span class="tn-line">{lines}</span> '
                             f'<span class="tn-reason">{esc(r.reason)}</span>: '
                             f'<span class="tn-source">{esc(text)}</span></li>')
            parts.append("</ul>")
        parts += mechanical_rules(book, rec.chapter_anchor)
        parts.append("</section>")
    for ch in book.chapters:  # a document the house style changed that has no import record
        if ch.anchor in styled and ch.anchor not in recorded:
            href = esc(w.href(ch.anchor))
            parts.append(f'<section class="tn-document" id="tn-{ch.slug}" aria-labelledby="tn-{ch.slug}-h">'
                         f'<h2 id="tn-{ch.slug}-h"><a href="{href}">{esc(ch.meta.title)}</a></h2>')
            parts += mechanical_rules(book, ch.anchor)
            parts.append("</section>")
    parts.append("</section>")
    return Doc("textual-notes", "textual-notes.xhtml", term(book, "textual-notes-title"), "\n".join(parts),
               role="back", epub_type="appendix")


def _rule_name(book, rule: str) -> str:
    if rule == "dash":
        return term(book, f"rule-dash-{(book.meta.house_style or {}).get('dash', 'en')}")
    return term(book, f"rule-{rule}")


def house_style_summary(book) -> list[str]:
    """The mechanical rules and how often each was applied in the whole book."""
    styled = book.house_style_changes
    if not styled:
        return []
    totals: dict[str, int] = {}
    for rules in styled.values():
        for rule, changes in rules.items():
            totals[rule] = totals.get(rule, 0) + len(changes)
    items = "".join(f'<li>{esc(term(book, "tn-rule-count", rule=_rule_name(book, r), n=n))}</li>'
                    for r, n in totals.items())
    return [f'<section class="tn-house-style" id="tn-house-style" aria-labelledby="tn-house-style-h">'
            f'<h2 id="tn-house-style-h">{esc(term(book, "tn-house-style-heading"))}</h2>'
            f'<p class="tn-intro">{esc(term(book, "tn-house-style-intro"))}</p>'
            f'<ul class="tn-list tn-rules">{items}</ul></section>']


SHOWN = 3  # instances of each rule shown per document


def mechanical_rules(book, anchor: str | None) -> list[str]:
    """A document's mechanical rules: each one's count and its first instances."""
    rules = book.house_style_changes.get(anchor or "", {})
    if not rules:
        return []
    out = [f'<h3>{esc(term(book, "tn-mechanical-heading"))}</h3><ul class="tn-list tn-rules">']
    for rule, changes in rules.items():
        shown = "; ".join(f'<span class="tn-line">{line}</span> <span class="tn-edition">{esc(after)}</span>'
                          f'\u2009] <span class="tn-source">{esc(before)}</span>'
                          for line, before, after in changes[:SHOWN])
        more = "; …" if len(changes) > SHOWN else ""
        out.append(f'<li><span class="tn-reason">{esc(term(book, "tn-rule-count", rule=_rule_name(book, rule), n=len(changes)))}'
                   f'</span> ({shown}{more})</li>')
    out.append("</ul>")
    return out


def sources_doc(w: Writer) -> Doc | None:
    book = w.book
    records = book.import_records
    if not records:
        return None
    heading = esc(term(book, "sources-title"))
    parts = ['<section id="sources" class="sources backmatter" epub:type="appendix" '
             'role="doc-appendix" aria-labelledby="sources-title" '
             f'data-running="{heading}">',
             f'<h1 id="sources-title">{heading}</h1>',
             f'<p class="src-intro">{esc(term(book, "sources-intro"))}</p>']

    def t(key: str, **fields: object) -> str:
        return term(book, key, **fields)

    for rec in records:
        r = rec.source
        sid = r.id
        title = rec.chapter_title or r.title
        rows = [(t("src-author"), r.author),
                (t("src-title"), r.title + (f": {r.subtitle}" if r.subtitle else "")),
                (t("src-date"), r.date)]
        pub = ", ".join(x for x in [r.periodical, t("src-volume", volume=r.volume) if r.volume else None,
                                    t("src-number", number=r.number) if r.number else None,
                                    t("src-page", page=r.page) if r.page else None] if x)
        if pub:
            rows.append((t("src-first-published"), pub))
        if r.publication:
            rows.append((t("src-publication"), r.publication))
        if r.translator:
            rows.append((t("src-translator"), r.translator))
        rows.append((t("src-transcription"), r.credit or t("not-stated")))
        rows.append((t("src-kind"), r.kind))
        rows.append((t("src-rights"), r.rights))
        rows.append((t("src-file"), r.file))
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
                 f'<h2 id="ack-h">{esc(t("acknowledgements"))}</h2>')
    if credits:
        parts.append(f"<p>{esc(t('acknowledgements-intro'))}</p><ul>"
                     + "".join(f"<li>{esc(c)}</li>" for c in credits) + "</ul>")
    parts.append("</section></section>")
    return Doc("sources", "sources.xhtml", t("sources-title"), "\n".join(parts),
               role="back", epub_type="appendix")
