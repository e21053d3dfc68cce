"""Back matter built from the import records of the sources: Textual Notes and Sources.

* **Textual Notes** list, document by document, every correction the import
  applied (the page of this edition, or a link in the e-book; the edition's reading ]
  the source's reading, the kind of error) and the passages of the source left out
  (boilerplate, captions, page marginalia), so that a reader can check each change.
* **Sources and Acknowledgements** give the provenance and rights of each document,
  and credit the transcribers.
* File names, source lines, strip patterns and checksums are for machines:
  ``machine_record`` writes them to ``build/<slug>.record.json`` beside the editions.

The data comes from ``book.import_records``: the files ``edition import`` wrote
(``sources/records/<id>.json``, ``edition/import_record.py``), which ``edition check``
compares with a fresh import.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING

from ..model import Book
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


def correction_anchor(source_id: str, n: int) -> str:
    return f"tn-{source_id}-c{n}"


def mark_corrections(book: Book) -> None:
    """An empty anchor in the text before each correction's reading (``tn-<id>-c<n>``), found
    in order in the document's text, so that the Textual Notes give the reader's page ("p.
    12") in print and a link in the e-book.  A reading is looked for within one paragraph,
    its spaces matching line breaks; one not found (it spans markup, or was edited since)
    has no anchor of its own: its note gives the document's first page."""
    import re

    from markdown_it.token import Token

    for rec in book.import_records:
        rec.anchors = {}
        ch = next((c for c in book.chapters if c.anchor == rec.chapter_anchor), None)
        if not rec.applied or ch is None:
            continue
        blocks = [t for t in ch.tokens if t.type == "inline" and t.children]
        at = 0  # the corrections are in the source's order: search on from the last one found
        for n, c in enumerate(rec.applied, 1):
            words = c.edition.split()
            if not words:
                continue
            pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
            for k in range(at, len(blocks)):
                children = blocks[k].children or []
                joined, starts = "", []  # the paragraph's text; (offset, child) of each text
                for i, child in enumerate(children):
                    if child.type == "text":
                        starts.append((len(joined), i))
                        joined += child.content
                    elif child.type == "softbreak":  # a line break is a space
                        joined += " "
                    elif child.type not in ("span_open", "span_close", "link_open", "link_close",
                                            "em_open", "em_close"):
                        joined += "\x00"  # a note's call, code: a reading does not cross them
                    # (a glossary link or a register name inside a reading is no wall)
                m = pattern.search(joined)
                if not m:
                    continue
                off, i = next((o, i) for o, i in reversed(starts) if o <= m.start())
                child = children[i]
                cut = m.start() - off
                anchor = correction_anchor(rec.source.id, n)
                mark = Token("html_inline", "", 0, content=f'<span class="tn-mark" id="{anchor}"></span>')
                before = Token("text", "", 0, content=child.content[:cut])
                child.content = child.content[cut:]
                children[i:i] = [before, mark]
                rec.anchors[n] = anchor
                at = k
                break


LEFT_OUT_KINDS = {"boilerplate": "tn-left-boilerplate", "header": "tn-left-header",
                  "separator": "tn-left-separator", "page break": "tn-left-page-break",
                  "page marginalia": "tn-left-marginalia"}
COUNTED = {"separator", "page break"}  # left out only counted: their text tells a reader nothing


def left_out_kind(book: object, kind: str) -> str:
    """The kind of a passage left out, in the book's language (an unknown kind as it is)."""
    return term(book, LEFT_OUT_KINDS[kind]) if kind in LEFT_OUT_KINDS else kind


def _category(reason_: str) -> str:
    """A removal's reason as a reader reads it: its kind, without the pattern or the details
    the machine-readable record keeps ("boilerplate: matches the strip pattern '…'" ->
    "boilerplate")."""
    return reason_.split(":", 1)[0].split("(", 1)[0].strip()


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
        parts.append(f'<p class="tn-file">{esc(counts)}</p>')
        anchors = rec.anchors
        if rec.applied:
            parts.append(f'<h3>{esc(term(book, "tn-corrections-heading"))}</h3><ul class="tn-list">')
            for n, c in enumerate(rec.applied, 1):
                note = f' <span class="tn-note">({esc(c.note)})</span>' if c.note else ""
                where = anchors.get(n) or rec.chapter_anchor
                if where and w.print:  # the reader's page
                    loc = f'<span class="tn-line">{esc(term(book, "page-ref", page=w.page(where)))}</span> '
                elif where:  # the e-book: a link to the place
                    loc = (f'<a class="tn-line" href="{esc(w.href(where))}">'
                           f'{esc(term(book, "tn-in-the-text"))}</a> ')
                else:
                    loc = ""
                parts.append(
                    f'<li>{loc}'
                    f'<span class="tn-edition">{_show(c.edition)}</span>\u2009] '
                    f'<span class="tn-source">{_show(c.read)}</span> '
                    f'<span class="tn-reason">{esc(reason(book, c.reason))}</span>{note}</li>')
            parts.append("</ul>")
        if rec.removed:
            parts.append(f'<h3>{esc(term(book, "tn-left-out-heading"))}</h3><ul class="tn-list tn-removed">')
            # each kind of passage once, with how often it was left out; a separator or an
            # empty line (a page break) only counted
            seen: dict[tuple[str, str], int] = {}
            for r in rec.removed:
                kind = _category(r.reason)
                text = "" if kind in COUNTED else r.text.strip().replace("\n", " | ")
                seen[(kind, text)] = seen.get((kind, text), 0) + 1
            for (kind, text), count in seen.items():
                if len(text) > 160:
                    text = text[:157] + "…"
                times = f" ({count}\u00d7)" if count > 1 else ""
                shown = f': <span class="tn-source">{esc(text)}</span>' if text else ""
                parts.append(f'<li><span class="tn-reason">{esc(left_out_kind(book, kind))}</span>'
                             f'{shown}{times}</li>')
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
        # the file's name and checksum are in the machine-readable record (machine_record)
        parts.append(f'<section class="src-document" id="src-{sid}" aria-labelledby="src-{sid}-h">')
        parts.append(f'<h2 id="src-{sid}-h">{esc(title)}</h2><dl class="src-fields">')
        for k, v in rows:
            parts.append(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>")
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


RECORD_SUFFIX = ".record.json"


def machine_record(book: Book) -> bytes | None:
    """The edition's machine-readable record of its sources (``build/<slug>.record.json``,
    written with the editions): each source file's name, SHA-256, kind and importer's
    record, every correction with its source line and every passage left out with its lines
    and full reason (the strip pattern that matched).  The printed Sources and Textual
    Notes speak to readers and leave these out.  None when the book has no import records."""
    if not book.import_records:
        return None
    out = {"format": 1, "book": book.meta.slug, "sources": [
        {"source": dataclasses.asdict(rec.source), "chapter": rec.chapter_anchor,
         "applied": [dataclasses.asdict(c) | {"anchor": rec.anchors.get(n)}
                     for n, c in enumerate(rec.applied, 1)],
         "removed": [dataclasses.asdict(r) for r in rec.removed]}
        for rec in book.import_records]}
    return (json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")
