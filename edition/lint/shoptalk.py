"""lint.shop-talk: words meant for the editor, printed for the reader.

A book does not tell its reader where its files are or how it is configured: no file
names of the project (``book.yaml``, ``notes.md``), no project folders (``sources/``,
``styles/``), no "configuration file", no placeholder ("the edition project", "TODO").
The rule reads everything the editor writes that a reader sees: the editor's paragraphs
(editorial chapters, editor's notes, headnotes), the questions, glossary definitions and
notes, register identifications, the book's metadata (``book.yaml``), each chapter's front
matter, each source record (``sources.yaml``) and the reasons the Textual Notes give for
passages left out.  The documents' own words are not read: an author may say anything.
Code spans are read too (a path in backticks is still a path).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from markdown_it.token import Token

from ..diagnostics import Reporter
from ..model import Book, Fragment

CODE = "lint.shop-talk"

# file names of a project and its folders; phrases of a workshop, not of a book
SHOP_TALK = re.compile(
    r"(?<![\w/.-])[\w.-]+\.(?:ya?ml|md|py|toml|json|css|j2)\b"
    r"|(?<![\w/.-])(?:styles|sources|chapters|tools|tests|build|edition|fonts)/[\w./-]*"
    r"|\bconfig(?:uration)? files?\b"
    r"|\bthe edition project\b"
    r"|\b(?:TODO|FIXME|XXX|TBD)\b"
    r"|\bplaceholder\b"
    r"|\blorem ipsum\b",
    re.IGNORECASE,
)
_UPPER_ONLY = {"todo", "fixme", "xxx", "tbd"}  # as markers only in capitals


def find(text: str) -> Iterator[tuple[int, str]]:
    """Each piece of shop talk in ``text``: (position, the words)."""
    for m in SHOP_TALK.finditer(text):
        word = m.group()
        if word.lower() in _UPPER_ONLY and word != word.upper():
            continue
        yield m.start(), word


def inline_text(children: Sequence[Token]) -> str:
    """The words of an inline token, code spans included, soft breaks as ``\\n``."""
    out: list[str] = []
    for c in children:
        if c.type in ("text", "text_special", "code_inline"):
            out.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif c.children:
            out.append(inline_text(c.children))
    return "".join(out)


def _report(reporter: Reporter, file: str, line: int | None, text: str, where: str) -> None:
    for pos, word in find(text):
        at = None if line is None else line + text.count("\n", 0, pos)
        reporter.warning(file, at, f"{where}“{word}” is the editor’s shop talk, not words for a "
                         "reader (a file, a folder, the configuration, a placeholder)", CODE)


def _fragment(reporter: Reporter, frag: Fragment, where: str) -> None:
    for t in frag.tokens:
        if t.type == "inline" and t.children:
            _report(reporter, frag.location.file, frag.line_of(t.map), inline_text(t.children), where)


def _line_of_key(root: Path, rel: str, key: str, after: str | None = None) -> int | None:
    """The line of ``key:`` in a YAML or front-matter file (after the line holding ``after``)."""
    from ..diagnostics import BookError
    from ..gate import read_text

    try:  # through the gate (#27): no link out, no FIFO
        lines = read_text(root / rel, rel, root).split("\n")
    except BookError:
        return None
    start = 0
    if after is not None:
        start = next((i for i, ln in enumerate(lines) if after in ln), 0)
    for i in range(start, len(lines)):
        if re.match(rf"\s*-?\s*{re.escape(key)}:", lines[i]):
            return i + 1
    return None


def _tokens(reporter: Reporter, file: str, tokens: Sequence[Token], line_of, where: str) -> None:
    for t in tokens:
        if t.type == "inline" and t.children:
            _report(reporter, file, line_of(t.map), inline_text(t.children), where)


def shop_talk(book: Book, reporter: Reporter) -> None:
    for ch in book.chapters:
        editorial = ch.meta.kind == "editorial"
        if editorial:  # the editor's own chapters
            _tokens(reporter, ch.location.file, ch.tokens, ch.line_of, "")
        for note in ch.notes:  # the editor's notes (an author's or translator's are theirs)
            if editorial or note.kind == "editor":
                _tokens(reporter, ch.location.file, note.tokens, ch.line_of, "in a note: ")
        if ch.meta.headnote is not None:
            _fragment(reporter, ch.meta.headnote, "in the headnote: ")
        for q in ch.meta.questions:
            _fragment(reporter, q, "in a question: ")
        for key in ("title", "subtitle", "author", "date", "original_publication", "translator",
                    "rights"):
            value = getattr(ch.meta, key, None)
            if isinstance(value, str):
                _report(reporter, ch.location.file, _line_of_key(book.root, ch.location.file, key),
                        value, f"in the front matter ({key}): ")
    for e in book.glossary:
        for frag in (e.definition_text, e.note_text):
            if frag is not None:
                _fragment(reporter, frag, f"in the glossary entry “{e.id}”: ")
    for p in book.persons:
        if p.identification_text is not None:
            _fragment(reporter, p.identification_text, "in the register: ")
    meta = book.meta
    for key in ("title", "subtitle", "short_title", "editor", "publisher", "description", "rights"):
        value = getattr(meta, key, None)
        if isinstance(value, str):
            _report(reporter, meta.location.file, _line_of_key(book.root, meta.location.file, key),
                    value, f"in {key}: ")
    for view in book.import_records:
        rec = view.source
        for key in ("author", "title", "subtitle", "date", "publication", "credit", "rights",
                    "translator"):
            value = getattr(rec, key, None)
            if isinstance(value, str):
                _report(reporter, "sources/sources.yaml",
                        _line_of_key(book.root, "sources/sources.yaml", key, f"id: {rec.id}"),
                        value, f"in the source record “{rec.id}” ({key}): ")
        for reason in sorted({r.reason for r in view.removed}):  # each reason once
            _report(reporter, "sources/sources.yaml",
                    _line_of_key(book.root, "sources/sources.yaml", "id", f"id: {rec.id}"),
                    reason, f"in the Textual Notes of “{rec.id}” (a passage left out): ")
