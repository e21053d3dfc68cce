"""Notes: footnote tokens become numbered Note objects with an owner.

Notes are numbered per chapter in the order of their first call.  The label
decides whose note it is: ``ed-…`` editor, ``tr-…`` translator, otherwise the
author.  The footnote block markdown-it appends is taken out of the token
stream; each call becomes a ``noteref`` token the writer renders (a popup
footnote in the EPUB, a foot-of-page note in print).
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from ..diagnostics import Reporter
from ..model import Book, Chapter, Note, NoteKind

_UNDEFINED_CALL = re.compile(r"\[\^([^\]\s]+)\]")


def note_kind(label: str) -> NoteKind:
    if label.startswith("ed-"):
        return "editor"
    if label.startswith("tr-"):
        return "translator"
    return "author"


def _extract(ch: Chapter, reporter: Reporter) -> None:
    body_tokens: list[Token] = []
    definitions: dict[int, list[Token]] = {}
    labels: dict[int, str] = {}
    i = 0
    toks = ch.tokens
    while i < len(toks):
        t = toks[i]
        if t.type == "footnote_block_open":
            i += 1
            current: int | None = None
            while i < len(toks) and toks[i].type != "footnote_block_close":
                ft = toks[i]
                if ft.type == "footnote_open":
                    current = ft.meta["id"]
                    labels[current] = ft.meta.get("label") or str(current)
                    definitions[current] = []
                elif ft.type == "footnote_close":
                    current = None
                elif ft.type == "footnote_anchor":
                    pass
                elif current is not None:
                    definitions[current].append(ft)
                i += 1
            i += 1
            continue
        body_tokens.append(t)
        i += 1
    ch.tokens = body_tokens

    defs_lines: dict[str, int] = ch.footnote_defs
    _duplicate_definitions(ch, reporter)
    by_id: dict[int, Note] = {}
    called: set[str] = set()
    for t in ch.tokens:
        if t.type != "inline" or not t.children:
            continue
        line = ch.line_of(t.map)
        for c in t.children:
            if c.type == "footnote_ref":
                fid = c.meta["id"]
                label = labels.get(fid, c.meta.get("label") or str(fid))
                called.add(label)
                note = by_id.get(fid)
                if note is None:
                    number = len(by_id) + 1
                    dline = defs_lines.get(label)
                    note = Note(
                        label=label,
                        number=number,
                        kind=note_kind(label),
                        tokens=definitions.get(fid, []),
                        location=type(ch.location)(ch.location.file,
                                                   None if dline is None else ch.body_line + dline),
                        anchor=f"{ch.slug}-n{number}",
                        call_anchor=f"{ch.slug}-r{number}",
                    )
                    by_id[fid] = note
                    ch.notes.append(note)
                c.type = "noteref"
                sub = c.meta.get("subId", 0)
                c.meta = {"note": note, "call_id": note.call_anchor + (f"-{sub}" if sub else "")}
            elif c.type == "text":
                for m in _UNDEFINED_CALL.finditer(c.content):
                    reporter.error(ch.location.file, line,
                                   f"note call [^{m.group(1)}] has no note", "notes.undefined")
    for fid, toks_of in definitions.items():  # #27: a note that calls a note broke the XHTML
        for t in toks_of:
            for c in t.children or []:
                if c.type == "footnote_ref":
                    dline = defs_lines.get(labels.get(fid, ""))
                    reporter.error(ch.location.file, None if dline is None else ch.body_line + dline,
                                   f"note [^{labels.get(fid)}] calls the note [^{c.meta.get('label')}]: "
                                   "a note cannot call another note", "notes.nested")
    for label, dline in sorted(defs_lines.items(), key=lambda kv: kv[1]):
        if label not in called:
            reporter.error(ch.location.file, ch.body_line + dline,
                           f"note [^{label}] is never called", "notes.uncalled")


_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.M)


def _duplicate_definitions(ch: Chapter, reporter: Reporter) -> None:
    """A note defined twice: markdown-it keeps the first and drops the second in silence."""
    first: dict[str, int] = {}
    for m in _DEF.finditer(ch.body):
        line = ch.body.count("\n", 0, m.start())
        label = m.group(1)
        if label in first:
            reporter.error(ch.location.file, ch.body_line + line,
                           f"note [^{label}] is defined twice (first on line "
                           f"{ch.body_line + first[label]}); the second definition would be lost",
                           "notes.duplicate")
        else:
            first[label] = line


def number_notes(book: Book, reporter: Reporter) -> Book:
    for ch in book.chapters:
        _extract(ch, reporter)
    return book
