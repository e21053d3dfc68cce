"""Whole-book rules: chapter metadata, duplicate ids, glossary references and entries.

The glossary transform (``transforms/glossary.py``) owns ``glossary.unknown`` and
``glossary.unused``; the lint reports them only where the transform has not already
done so at the same place, so the two never duplicate each other.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from markdown_it.token import Token

from ..diagnostics import Diagnostic, Reporter, Severity
from ..model import Book, Chapter
from .paragraphs import Para

META_KEYS = ("author", "date", "source")
_SUFFIXES = {"", "s", "es"}


def report_once(reporter: Reporter, diag: Diagnostic) -> None:
    for d in reporter.items:
        if (d.code, d.file, d.line) == (diag.code, diag.file, diag.line):
            return
    reporter.add(diag)


def missing_metadata(book: Book, reporter: Reporter) -> None:
    """meta.missing: a document chapter must say who wrote it, when, and from which source."""
    for ch in book.chapters:
        if ch.meta.kind == "document":
            for key in META_KEYS:
                if not getattr(ch.meta, key):
                    reporter.warning(ch.location.file, 1, f"chapter has no '{key}' in its front matter",
                                     "meta.missing")


def subject_commas(book: Book, reporter: Reporter) -> None:
    """lint.subject-comma: Calibre (and the libraries built on it) split a subject at its
    commas into separate tags, dropping a repeated one: "Curie, Pierre, 1859-1906" after
    "Curie, Marie, 1867-1934" becomes "Pierre" and "1859-1906"."""
    lines = getattr(book.meta, "_subject_lines", {})
    for i, s in enumerate(book.meta.subjects):
        if "," in s:
            reporter.warning(book.meta.location.file, lines.get(i),
                             f"subject '{s}' has a comma: e-book libraries such as Calibre split it "
                             "into separate tags; write it without commas ('Marie Curie (1867-1934)')",
                             "lint.subject-comma")


def _walk(tokens: Sequence[Token]) -> Iterator[Token]:
    for t in tokens:
        yield t
        if t.children:
            yield from _walk(t.children)


def chapter_tokens(ch: Chapter) -> Iterator[tuple[Token, int | None]]:
    """Every token of the text and of the notes, with the file line of its block."""
    blocks = [ch.tokens] + [n.tokens for n in ch.notes]
    for tokens in blocks:
        for t in tokens:
            line = ch.line_of(t.map)
            yield t, line
            if t.children:
                for c in _walk(t.children):
                    yield c, line


def duplicate_ids(book: Book, reporter: Reporter) -> None:
    """lint.duplicate-id: an id set with {#id} twice, or on a generated anchor."""
    seen: dict[str, str] = {}
    for ch in book.chapters:
        seen.setdefault(ch.anchor, f"chapter {ch.location.file}")
        for note in ch.notes:
            seen.setdefault(note.anchor, f"note [^{note.label}] in {ch.location.file}")
            seen.setdefault(note.call_anchor, f"the call of note [^{note.label}] in {ch.location.file}")
    for ch in book.chapters:
        for t, line in chapter_tokens(ch):
            ident = t.attrs.get("id") if t.attrs else None
            if not ident:
                continue
            ident = str(ident)
            here = f"{ch.location.file}:{line}" if line else ch.location.file
            if ident in seen:
                reporter.error(ch.location.file, line, f"id “{ident}” is already used by {seen[ident]}",
                               "lint.duplicate-id")
            else:
                seen[ident] = here


def glossary_references(book: Book, reporter: Reporter) -> None:
    """glossary.unknown: [phrase]{gl=id} naming no entry of glossary.yaml."""
    ids = {e.id for e in book.glossary}
    for ch in book.chapters:
        for t, line in chapter_tokens(ch):
            target = t.attrs.get("gl") if t.attrs else None
            if target is not None and str(target) not in ids:
                report_once(reporter, Diagnostic(ch.location.file, line, Severity.ERROR,
                                                 f"unknown glossary entry “{target}” (not in glossary.yaml)",
                                                 "glossary.unknown"))


def _referenced_ids(book: Book) -> set[str]:
    out = set()
    for ch in book.chapters:
        for t, _ in chapter_tokens(ch):
            if t.attrs and t.attrs.get("gl") is not None:
                out.add(str(t.attrs["gl"]))
    return out


def _form_pattern(form: str) -> re.Pattern[str]:
    return re.compile(re.escape(form))


def glossary_entries(book: Book, paras: list[Para], reporter: Reporter) -> None:
    """glossary.unused, glossary.form-inside-word, glossary.see-unknown (cycles: integrity.py)."""
    body = [p for p in paras if p.kind != "headnote"]
    referenced = _referenced_ids(book)
    by_id = {e.id: e for e in book.glossary}
    for e in book.glossary:
        used = bool(e.occurrences) or e.id in referenced
        inside: tuple[Para, int, str] | None = None
        for form in e.forms or [e.headword]:
            pat = _form_pattern(form)
            for p in body:
                for m in pat.finditer(p.text):
                    before = p.text[m.start() - 1] if m.start() else " "
                    after = p.text[m.end()] if m.end() < len(p.text) else " "
                    glued_left = before.isalnum() and not form[0].isalnum()
                    glued_right = after.isalnum() and not form[-1].isalnum()
                    if glued_left or glued_right:
                        start = m.start()
                        while start and p.text[start - 1].isalnum():
                            start -= 1
                        word = re.match(r"\S+", p.text[start:])
                        if inside is None and word:
                            inside = (p, start, f"“{form}” inside “{word.group()}”")
                    elif (not before.isalnum() or not form[0].isalnum()) and \
                            (not after.isalnum() or not form[-1].isalnum()):
                        used = True
        loc = e.location
        if inside is not None:
            p, pos, what = inside
            where = f"{p.file}:{p.line_at(pos)}" if p.line else p.file
            reporter.warning(loc.file, loc.line, f"a form of “{e.id}” begins or ends with a character "
                             f"that is not a letter, so it matches inside other words: {what} ({where})",
                             "glossary.form-inside-word")
        if not used:
            report_once(reporter, Diagnostic(loc.file, loc.line, Severity.WARNING,
                                             f"glossary entry “{e.id}” is never used in the text",
                                             "glossary.unused"))
        for target in e.see:
            if target not in by_id:
                report_once(reporter, Diagnostic(loc.file, loc.line, Severity.ERROR,
                                                 f"“{e.id}” refers to unknown glossary entry “{target}”",
                                                 "glossary.see-unknown"))
