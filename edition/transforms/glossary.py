"""Glossary linking: find every entry's forms in the chapters' token streams.

Runs after ``number_notes`` (so footnote bodies are already out of the
chapter stream; the glossary does not link inside notes).  For each chapter:

* every occurrence of an entry — an automatic match of one of its ``forms``
  (see ``matching.py``: case-sensitive, whole word, longest first) or an
  explicit ``[phrase]{gl=id}`` — is wrapped in a span with an id anchor
  ``<chapter>-gl-<id>-<n>`` and recorded in ``GlossaryEntry.occurrences``
  as ``(chapter slug, anchor)``, so the glossary can link back to it and the
  print edition can give its page;
* the first automatic occurrence of an entry in a chapter, and every
  explicit one, becomes a link to the entry (``gl-<id>``; class ``gl``);
  later automatic ones are anchors only (class ``gl-occ``);
* ``[phrase]{.nogl}`` stops any match inside the phrase.

Forms listed under ``explicit_only`` are ambiguous in these texts (e.g.
"Soviet", "October"); they are never matched automatically, only through
explicit markup.

Diagnostics: ``glossary.unknown`` (explicit link to no entry, chapter
file:line), ``glossary.form-conflict`` (one form claimed by two entries),
``glossary.duplicate`` (an id twice), ``glossary.see-unknown`` (a ``see`` id
or a ``{gl=id}`` in a definition naming no entry), ``glossary.unused``
(warning: an entry never found in the text).
"""

from __future__ import annotations

import re

from ..diagnostics import Reporter
from ..model import Book, GlossaryEntry
from .matching import Matcher, normalize, scan, unique_ids

ENTRY_ANCHOR = "gl-{id}"
_DEF_LINK = re.compile(r"\{[^}]*\bgl=([^\s}]+)[^}]*\}")


def entry_anchor(entry_id: str) -> str:
    return ENTRY_ANCHOR.format(id=entry_id)


def glossary_matcher(entries: list[GlossaryEntry]) -> Matcher:
    return Matcher((e.id, f) for e in entries for f in e.forms)


def validate_entries(entries: list[GlossaryEntry], reporter: Reporter) -> list[GlossaryEntry]:
    """Report duplicate ids, form conflicts and unknown references; return the usable entries."""
    usable = unique_ids(entries, reporter, "glossary", "glossary.duplicate")
    seen = {e.id: e for e in usable}
    owner: dict[str, GlossaryEntry] = {}
    for e in usable:
        for form in e.forms:
            key = normalize(form.strip())
            first = owner.setdefault(key, e)
            if first is not e:
                reporter.error(e.location.file, e.location.line,
                               f"form “{form}” of “{e.id}” is already a form of “{first.id}” "
                               f"(line {first.location.line})", "glossary.form-conflict")
        for form in e.explicit_only:
            if normalize(form.strip()) in {normalize(f.strip()) for f in e.forms}:
                reporter.error(e.location.file, e.location.line,
                               f"“{form}” is listed both as a form and as explicit-only in “{e.id}”",
                               "glossary.form-conflict")
        for target in list(e.see) + _DEF_LINK.findall(e.definition + "\n" + (e.note or "")):
            if target not in seen and target not in {x.id for x in entries}:
                reporter.error(e.location.file, e.location.line,
                               f"“{e.id}” refers to unknown glossary entry “{target}”",
                               "glossary.see-unknown")
    return usable


def link_glossary(book: Book, reporter: Reporter) -> Book:
    if not book.glossary and not any(True for _ in _explicit_refs(book)):
        return book
    entries = validate_entries(book.glossary, reporter)
    by_id = {e.id: e for e in entries}
    matcher = glossary_matcher(entries)
    for e in entries:
        e.occurrences = []
    for ch in book.chapters:
        counts: dict[str, int] = {}
        linked: set[str] = set()
        for occ in scan(ch.tokens, matcher, attr="gl", stop_class="nogl", kind="glossary"):
            entry = by_id.get(occ.key)
            line = ch.line_of(ch.tokens[occ.block_index].map)
            if entry is None:
                reporter.error(ch.location.file, None if line is None else line + occ.line_offset,
                               f"unknown glossary entry “{occ.key}” (not in glossary.yaml)",
                               "glossary.unknown")
                occ.token.meta.pop("link_kind", None)
                continue
            n = counts[occ.key] = counts.get(occ.key, 0) + 1
            anchor = f"{ch.slug}-gl-{occ.key}-{n}"
            occ.token.meta["id"] = anchor
            explicit = bool(occ.token.meta.get("explicit"))
            if explicit or occ.key not in linked:
                linked.add(occ.key)
                occ.token.meta["href"] = entry_anchor(occ.key)
                occ.token.meta["class"] = "gl"
                occ.token.meta["extra_attrs"] = ' role="doc-glossref"'
            else:
                occ.token.meta["class"] = "gl-occ"
            entry.occurrences.append((ch.slug, anchor))
    for e in entries:
        if not e.occurrences:
            reporter.warning(e.location.file, e.location.line,
                             f"glossary entry “{e.id}” is never used in the text", "glossary.unused")
    for e in book.glossary:  # {gl=id} in a definition or note links to that entry
        for fragment in (e.definition_text, e.note_text):
            for t in fragment.tokens if fragment else []:
                for c in t.children or []:
                    if c.type == "span_open" and c.attrs.get("gl"):
                        c.meta["href"] = entry_anchor(str(c.attrs["gl"]))
                        c.meta["class"] = "gl-xref"
    return book


def _explicit_refs(book: Book):
    for ch in book.chapters:
        for t in ch.tokens:
            for c in t.children or []:
                if c.type == "span_open" and c.attrs.get("gl"):
                    yield c
