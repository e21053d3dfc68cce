"""quote.not-found: words the editor puts in quotation marks are the documents' words.

Quotation marks in the editor's text are a promise of the exact words of a document.  The
rule reads everything the editor writes (the editorial chapters, the editor's notes in every
chapter, headnotes, questions, the glossary's own definitions and its notes on a document's
entries, the register's identifications, the list of abbreviations) and looks up each
passage between “ and ” in the documents: the text of every document chapter (its title and
its author's and translator's notes included), the definitions a document's own glossary
gives, and the source files as received (so that a misreading the Textual Notes correct, or a
footer left out, can be quoted too).

Matching forgives only what does not change the words:

* spaces and line breaks (any run of them is one space; a word hyphenated at the end of a
  line in a source file is also tried joined);
* the kind of quotation mark and apostrophe (“ ” ‘ ’ " ' are one mark), and of dash (— and –,
  which the house style exchanges, are one mark);
* the case of the quotation's first letter (a quotation may begin a sentence of the editor);
* punctuation that closes the quotation (“…accord,” quotes "accord" followed by anything);
* an ellipsis (… or ...) or an editor's bracket ([sic], [the]) inside the quotation: the parts
  on either side must each be found, in that order, in the same document.

A reordered or paraphrased quotation is not found, and is an error at the file and line of
the quotation.  A quotation of one word is not checked (a scare-quoted term, a name as a
document spells it).  Words in quotation marks that are deliberately not the documents' (a
translation, “The Daily News”; a reading the editor proposes; an author the edition does not
print) are marked so in the Markdown, ``[“The Daily News”]{.not-quoted}``, and the span renders
as its text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from markdown_it.token import Token

from ..diagnostics import Reporter
from ..model import Book
from .shoptalk import inline_text  # the words of an inline token, soft breaks as "\n" (one reading)

CODE = "quote.not-found"
MIN_WORDS = 2  # a one-word quotation is a term or a name as a document spells it: not checked
EXEMPT_CLASS = "not-quoted"

_MARKS = str.maketrans({"“": "'", "”": "'", "‘": "'", "’": "'", '"': "'", "`": "'",
                        "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",
                        # the house style sets a spaced dash as en or em rule: one mark
                        "\u2014": "\u2013"})
_OPEN, _CLOSE = "“", "”"
_GAP = re.compile(r"\s*(?:…|\.\s?\.\s?\.|\[[^\]]*\])\s*")
_EDGE = ".,;:!?'\u2019 "


def norm(text: str) -> str:
    """The form in which quotation and documents are compared."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).translate(_MARKS)).strip()


@dataclass
class Quotation:
    file: str
    line: int | None
    text: str  # between the marks, as written
    where: str


# -- the documents -------------------------------------------------------------------

def _token_text(tokens: Sequence[Token]) -> str:
    return "\n".join(inline_text(t.children) for t in tokens if t.type == "inline" and t.children)


def documents(book: Book) -> dict[str, str]:
    """name -> normalised text of each document (and of each source file as received)."""
    docs: dict[str, str] = {}
    for ch in book.chapters:
        if ch.meta.kind == "editorial":
            continue
        parts = [ch.meta.title or "", getattr(ch.meta, "subtitle", None) or "", _token_text(ch.tokens)]
        parts += [_token_text(n.tokens) for n in ch.notes if n.kind != "editor"]
        docs[ch.location.file] = norm("\n".join(parts))
    for e in book.glossary:
        if e.source != "editor" and e.definition:
            docs.setdefault(f"glossary of {e.source}", "")
            docs[f"glossary of {e.source}"] += " " + norm(e.definition)
    for path in _source_files(book.root):
        try:
            raw = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        docs[str(path)] = norm(raw)
        docs[f"{path} (joined)"] = norm(re.sub(r"(\w)-[ \t]*\n\s*(\w)", r"\1\2", raw))
    return docs


def _source_files(root: Path) -> list[Path]:
    """The files sources/sources.yaml lists, as received (none if there is no such file)."""
    from ..importers.sources import SOURCES_YAML, load_sources

    if not (root / SOURCES_YAML).is_file():
        return []
    try:
        entries = load_sources(root)
    except Exception:  # a broken sources.yaml is reported by the import check
        return []
    base = (root / SOURCES_YAML).parent
    return [base / rec.file for rec, _ in entries.values() if (base / rec.file).is_file()]


# -- the editor's quotations ---------------------------------------------------------

def _exempt_spans(children: Sequence[Token]) -> list[tuple[int, int]]:
    """Character ranges (in ``_plain``'s text) of spans marked ``.not-quoted``."""
    out: list[tuple[int, int]] = []
    pos, start, depth = 0, None, 0
    for c in children:
        if c.type == "span_open" or (c.type.endswith("_open") and c.attrGet("class")):
            classes = str(c.attrGet("class") or (c.meta or {}).get("class", "")).split()
            if EXEMPT_CLASS in classes and start is None:
                start, depth = pos, 0
            elif start is not None:
                depth += 1
        elif c.type.endswith("_close") and start is not None:
            if depth == 0:
                out.append((start, pos))
                start = None
            else:
                depth -= 1
        if c.type in ("text", "text_special", "code_inline"):
            pos += len(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            pos += 1
        elif c.children:
            pos += len(inline_text(c.children))
    return out


def quotations_in(text: str) -> Iterator[tuple[int, str]]:
    """(offset, words) of each outermost “…” in ``text``; nested marks stay inside."""
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch == _OPEN:
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch == _CLOSE and depth:
            depth -= 1
            if depth == 0:
                yield start - 1, text[start:i]


@dataclass
class EditorialText:
    """One paragraph (inline run) of the editor's text, with where it is."""

    file: str
    line: int | None  # of the text's first line
    text: str  # soft breaks as "\n"
    where: str
    exempt: list[tuple[int, int]]  # ranges marked .not-quoted


def _from_tokens(file: str, tokens: Sequence[Token], line_of, where: str) -> Iterator[EditorialText]:
    for t in tokens:
        if t.type == "inline" and t.children:
            yield EditorialText(file, line_of(t.map), inline_text(t.children), where,
                                _exempt_spans(t.children))


def editorial_texts(book: Book) -> Iterator[EditorialText]:
    """Everything the editor writes that a reader sees, paragraph by paragraph."""
    for ch in book.chapters:
        editorial = ch.meta.kind == "editorial"
        if editorial:
            yield from _from_tokens(ch.location.file, ch.tokens, ch.line_of, "")
        for note in ch.notes:
            if editorial or note.kind == "editor":
                yield from _from_tokens(ch.location.file, note.tokens, ch.line_of, "in a note: ")
        for frag, where in [(ch.meta.headnote, "in the headnote: "),
                            *[(q, "in a question: ") for q in ch.meta.questions]]:
            if frag is not None:
                yield from _from_tokens(frag.location.file, frag.tokens, frag.line_of, where)
    for e in book.glossary:
        frags = [e.note_text] + ([e.definition_text] if e.source == "editor" else [])
        for frag in frags:
            if frag is not None:
                yield from _from_tokens(frag.location.file, frag.tokens, frag.line_of,
                                        f"in the glossary entry “{e.id}”: ")
    for p in book.persons:
        frag = p.identification_text
        if frag is not None:
            yield from _from_tokens(frag.location.file, frag.tokens, frag.line_of,
                                    f"in the register ({p.id}): ")
    for a in book.abbreviations:
        meaning = str(a.get("meaning") or "")
        if meaning:
            yield EditorialText("abbreviations.yaml", a.get("line"), meaning,
                                "in the list of abbreviations: ", [])


def editorial_quotations(book: Book) -> Iterator[Quotation]:
    for et in editorial_texts(book):
        for pos, words in quotations_in(et.text):
            if any(a <= pos < b for a, b in et.exempt):
                continue
            line = None if et.line is None else et.line + et.text.count("\n", 0, pos)
            yield Quotation(et.file, line, words, et.where)


# -- matching --------------------------------------------------------------------------

def _parts(words: str) -> list[str]:
    parts = [norm(p).strip(_EDGE) for p in _GAP.split(words)]
    return [p for p in parts if p]


def _word_count(words: str) -> int:
    return len(re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", words))


def _part_regex(part: str) -> re.Pattern[str]:
    first, rest = part[0], part[1:]
    head = f"[{re.escape(first.lower())}{re.escape(first.upper())}]" if first.isalpha() else re.escape(first)
    return re.compile(head + re.escape(rest))


def found_in(words: str, docs: dict[str, str]) -> bool:
    """Are the quoted words, part by part in their order, in one of the documents?"""
    parts = _parts(words)
    if not parts:
        return True
    regexes = [_part_regex(p) for p in parts]
    for text in docs.values():
        pos = 0
        for rx in regexes:
            m = rx.search(text, pos)
            if not m:
                break
            pos = m.end()
        else:
            return True
    return False


def check_quotations(book: Book, reporter: Reporter) -> None:
    quotations = [q for q in editorial_quotations(book) if _word_count(q.text) >= MIN_WORDS]
    if not quotations:
        return
    docs = documents(book)
    for q in quotations:
        if not found_in(q.text, docs):
            shown = q.text if len(q.text) <= 90 else q.text[:87] + "…"
            reporter.error(q.file, q.line,
                           f"{q.where}the words in quotation marks “{shown}” are not found in the "
                           "documents in this order (a quotation must be exact; mark words that "
                           f"are not the documents' [“…”]{{.{EXEMPT_CLASS}}})", CODE)
