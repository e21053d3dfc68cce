"""The register of persons: find every person's names in the chapters (and their notes).

Runs before the glossary linker, with the same matcher (``matching.py``:
case-sensitive, whole word, longest form first, apostrophe- and space-folding,
never inside links or note calls).  The glossary's forms are in the matcher too,
as *blockers*: where a glossary term is the longest match ("Curie-Sklodowska",
"Darwinism") the name inside it is not indexed and the term is left to the
glossary; where a person's name is the longer match ("Charles Darwin") it is the
person's, and the glossary, which never looks inside a register span, does not link
the place name inside it.  For each chapter the matcher knows

* every person's ``forms`` (names that always mean that person), and
* the ``ambiguous`` forms whose chapter list names this chapter: a bare first
  name, a diminutive, a surname shared in the family ("Curie"), "the Old
  Man".  Outside the listed chapters such a form is not indexed at all — nobody
  is indexed by a bare first name unless the editor has said the chapter makes
  it unambiguous.

Markup overrides the rule for one place: ``[Marie]{person=curie-marie}`` indexes
the phrase under that person, ``[Marie]{.noperson}`` keeps the matcher away.

Every occurrence is wrapped in a span with an id anchor ``<chapter>-pn-<n>``
(class ``pn``) and recorded in ``Person.occurrences`` as (chapter slug,
anchor, text), so the EPUB index can link to it and the print index can give
its page.

Diagnostics: ``persons.unknown`` (markup naming no person: chapter file:line),
``persons.form-conflict`` (a form claimed by two persons in the same chapter
with no rule to tell them apart), ``persons.duplicate`` (an id twice); warnings:
``persons.unknown-chapter`` (an ``ambiguous`` form listed for a chapter the book
does not have) and ``persons.unused`` (a person never found in the text).
"""

from __future__ import annotations

from ..diagnostics import Reporter
from ..model import Book, Chapter, Person
from .matching import Matcher, normalize, scan, unique_ids

ATTR = "person"
STOP_CLASS = "noperson"
KIND = "person"
BLOCK = "\0glossary"  # the key of a glossary form in the register's matcher


def chapter_forms(persons: list[Person], slug: str) -> list[tuple[str, str]]:
    """(person id, form) pairs that count in the chapter with this slug."""
    pairs = [(p.id, f) for p in persons for f in p.forms]
    pairs += [(p.id, f) for p in persons for f, chapters in p.ambiguous.items() if slug in chapters]
    return pairs


def validate_persons(book: Book, reporter: Reporter) -> list[Person]:
    """Report duplicate ids, unknown chapters and form conflicts; return the usable persons."""
    usable = unique_ids(book.persons, reporter, "person", "persons.duplicate")
    seen = {p.id: p for p in usable}
    slugs = {ch.slug for ch in book.chapters}
    for p in usable:
        for form, chapters in p.ambiguous.items():
            for slug in chapters:
                if slug not in slugs:  # a warning: renaming a chapter must not stop the build
                    reporter.warning(p.location.file, p.form_lines.get(form, p.location.line),
                                     f"“{form}” of “{p.id}” is listed for chapter “{slug}”, which the "
                                     f"book does not have (chapters: {', '.join(sorted(slugs))})",
                                     "persons.unknown-chapter")
    # a form claimed twice where both claims count: everywhere (forms) or in one chapter
    reported: set[tuple[str, tuple[str, ...]]] = set()
    contexts: list[str | None] = [None, *sorted(slugs)]
    for ctx in contexts:
        if ctx is None:
            pairs = [(p.id, f) for p in usable for f in p.forms]
        else:
            pairs = chapter_forms(usable, ctx)
        for form, keys in Matcher(pairs).conflicts:
            sig = (form, tuple(sorted(keys)))
            if sig in reported:
                continue
            reported.add(sig)
            owner = seen[keys[1]]
            where = "in every chapter" if ctx is None else f"in chapter “{ctx}”"
            reporter.error(owner.location.file, owner.form_lines.get(form, owner.location.line),
                           f"form “{form}” is claimed by {' and '.join(f'“{k}”' for k in keys)} {where}; "
                           f"list it under `ambiguous` with distinct chapters, or mark each place up "
                           f"with {{{ATTR}=id}}", "persons.form-conflict")
    return usable


def _unwrap_blocks(tokens) -> None:
    """Drop the spans the matcher put around glossary forms (``BLOCK``), keeping their text."""
    for t in tokens:
        if t.type != "inline" or not t.children:
            continue
        out, depth, dropping = [], 0, []  # dropping: depths of open BLOCK spans
        for c in t.children:
            if c.type == "span_open":
                depth += 1
                if c.meta.get("key") == BLOCK and c.meta.get("link_kind") == KIND:
                    dropping.append(depth)
                    continue
            elif c.type == "span_close":
                if dropping and dropping[-1] == depth:
                    dropping.pop()
                    depth -= 1
                    continue
                depth -= 1
            out.append(c)
        t.children = out


def _index_tokens(ch: Chapter, tokens, matcher: Matcher, by_id: dict[str, Person], counter: list[int],
                  reporter: Reporter, note_line: int | None = None) -> None:
    for occ in scan(tokens, matcher, attr=ATTR, stop_class=STOP_CLASS, kind=KIND, skip_headings=False,
                    stop_attrs=("gl",)):
        if occ.key == BLOCK and not occ.explicit:
            continue
        person = by_id.get(occ.key)
        if note_line is not None:
            line: int | None = note_line
        else:
            first = ch.line_of(tokens[occ.block_index].map)
            line = None if first is None else first + occ.line_offset
        if person is None:
            reporter.error(ch.location.file, line,
                           f"unknown person “{occ.key}” (not in persons.yaml)", "persons.unknown")
            occ.token.meta.pop("link_kind", None)
            continue
        counter[0] += 1
        anchor = f"{ch.slug}-pn-{counter[0]}"
        occ.token.meta["id"] = anchor
        occ.token.meta["class"] = "pn"
        person.occurrences.append((ch.slug, anchor, normalize(occ.text)))


def index_persons(book: Book, reporter: Reporter) -> Book:
    if not book.persons:
        return book
    persons = validate_persons(book, reporter)
    by_id = {p.id: p for p in persons}
    for p in persons:
        p.occurrences = []
    cache: dict[frozenset[tuple[str, str]], Matcher] = {}
    blockers = sorted({(BLOCK, f) for e in book.glossary for f in e.forms})
    for ch in book.chapters:
        pairs = chapter_forms(persons, ch.slug)
        key = frozenset(pairs)
        matcher = cache.get(key)
        if matcher is None:  # a glossary form the same as a name stays the glossary's
            matcher = cache[key] = Matcher(blockers + sorted(pairs))
        counter = [0]
        _index_tokens(ch, ch.tokens, matcher, by_id, counter, reporter)
        defs = ch.footnote_defs
        for note in ch.notes:
            first = defs.get(note.label)
            line = None if first is None else ch.body_line + first
            _index_tokens(ch, note.tokens, matcher, by_id, counter, reporter, note_line=line)
            _unwrap_blocks(note.tokens)
        _unwrap_blocks(ch.tokens)
    for p in persons:
        if not p.occurrences:
            reporter.warning(p.location.file, p.location.line,
                             f"person “{p.id}” is never named in the text", "persons.unused")
    return book
