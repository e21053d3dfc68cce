"""The text the lint rules read: every paragraph, heading and note of a chapter as
plain text, with the file line of each of its characters.

Inline markup is dropped (emphasis, links, glossary spans); code, note calls and
images become an object-replacement character so that no rule sees their content
and no two words are glued together where a call stood between them.  A soft or
hard line break becomes ``\\n``, so ``line + text.count("\\n", 0, pos)`` is the file
line of the character at ``pos``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from ..model import Book, Chapter

OBJ = "\ufffc"  # stands for a code span, a note call or an image
_TEXT = {"text", "text_special"}
_OBJECTS = {"code_inline", "footnote_ref", "noteref", "image", "math_inline"}
_BREAKS = {"softbreak", "hardbreak"}


@dataclass
class Para:
    file: str
    line: int | None  # file line of the first character
    text: str
    kind: str  # paragraph | heading | note | headnote
    where: str = ""  # "" or a few words placed before the message ("in the headnote: ")
    source_text: bool = False  # an author's words from a source (OCR/transcription rules apply)

    def line_at(self, pos: int) -> int | None:
        if self.line is None:
            return None
        return self.line + self.text.count("\n", 0, pos)


EXEMPT = {"sic", "nolint"}  # [RE1SS]{.sic}: quoted as it stands, not linted


def _exempt(t: Token) -> bool:
    classes = str(t.attrs.get("class", "") if t.attrs else "").split()
    return any(c in EXEMPT for c in classes)


def plain_text(children: Sequence[Token]) -> str:
    out: list[str] = []
    skip = 0
    for c in children:
        if skip:
            if c.type == "span_open":
                skip += 1
            elif c.type == "span_close":
                skip -= 1
                if not skip:
                    out.append(OBJ)
            elif c.type in _BREAKS:
                out.append("\n")
            continue
        if c.type == "span_open" and _exempt(c):
            skip = 1
        elif c.type in _TEXT:
            out.append(c.content)
        elif c.type in _BREAKS:
            out.append("\n")
        elif c.type in _OBJECTS:
            out.append(OBJ)
        elif c.children:
            out.append(plain_text(c.children))
    return "".join(out)


def _from_tokens(ch: Chapter, tokens: Sequence[Token], kind: str, where: str = "",
                 fixed_line: int | None = None, source_text: bool = False,
                 file: str | None = None) -> Iterator[Para]:
    block = kind
    for t in tokens:
        if t.type == "heading_open":
            block = "heading"
        elif t.type == "paragraph_open":
            block = kind
        if t.type != "inline" or not t.children:
            continue
        line = fixed_line if fixed_line is not None else ch.line_of(t.map)
        yield Para(file or ch.location.file, line, plain_text(t.children), block, where, source_text)


def chapter_paragraphs(ch: Chapter) -> Iterator[Para]:
    """The headnote, then the text, then the notes, in reading order."""
    headnote = ch.meta.headnote
    if headnote is not None and headnote.text.strip():
        # the headnote lives in the front matter or apparatus.yaml: point at its first line
        yield from _from_tokens(ch, headnote.tokens, "headnote", "in the headnote: ",
                                fixed_line=headnote.location.line or 1, file=headnote.location.file)
    document = ch.meta.kind == "document"
    yield from _from_tokens(ch, ch.tokens, "paragraph", source_text=document)
    for note in ch.notes:
        yield from _from_tokens(ch, note.tokens, "note", source_text=document and note.kind != "editor")


def book_paragraphs(book: Book) -> Iterator[Para]:
    for ch in book.chapters:
        yield from chapter_paragraphs(ch)
