"""House style, applied by the tool and put on record (book.yaml ``house_style:``).

A book that asks for it (``house_style: {dash: en}`` or ``{dash: em}``) has the text of
its chapters and notes set to one style by mechanical rules:

``dash``
    a dash between words (a spaced hyphen, a double hyphen, a spaced or closed em or en
    dash) becomes the book's one dash: a spaced en dash (a no-break space before it, so
    that it never starts a line) or a closed em dash;
``range``
    a range of numbers with a hyphen (1924-5, 12-30) takes an en dash;
``ellipsis``
    three full stops, spaced or not, become the one ellipsis character;
``initials``
    initials that follow one another (L. D., L.D., G. P. U.) are joined by a thin no-break
    space (U+202F), so that no line ends between them (a run of three or more capitals
    with no space, an acronym such as U.S.S.R., is left as written);
``note-call``
    a note's call stands after the punctuation that follows it ("wife³." becomes "wife.³").

These are changes to the author's words, so each is counted and recorded
(``book.house_style_changes``: chapter anchor -> rule -> [(line, before, after)]); the
Textual Notes print every rule's count and first instances (render/backmatter.py).  A
book without ``house_style`` is left as written.  The rules run over text tokens only
(never code, never attributes), after the glossary and the register have marked their
terms and names.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it.token import Token

from ..diagnostics import Reporter
from ..model import Book, Chapter

RULES = ("dash", "range", "ellipsis", "initials", "note-call")

_DASH_SPACED = re.compile(r"(?<=\S)[ \u00a0]+(?:--?|—|–)[ \u00a0]+(?=\S)")
_DASH_CLOSED = re.compile(r"(?<=[^\W\d])(?:--|—)(?=[^\W\d])")
_RANGE = re.compile(r"(?<![\w\-–./])(\d{1,4})-(\d{1,4})(?![\w\-–]|[./]\d)")
_ELLIPSIS = re.compile(r"\.[ \u00a0]?\.[ \u00a0]?\.(?!\.)")
_INITIALS = re.compile(r"(?<![\w.])([A-Z]\.(?:[ \u00a0\u202f]?[A-Z]\.)+)")
_PUNCT_AFTER_CALL = re.compile(r"\A[.,;:]+")

Record = dict[str, list[tuple[int | None, str, str]]]


Rule = tuple[str, list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]]


def _initials(m: re.Match[str]) -> str:
    run = m.group(1)
    letters = re.findall(r"[A-Z]\.", run)
    if len(letters) >= 3 and not re.search(r"[ \u00a0\u202f]", run):
        return run  # an acronym written closed: U.S.S.R.
    return "\u202f".join(letters)


def text_rules(style: dict) -> list[Rule]:
    mark = "\u00a0– " if style.get("dash", "en") == "en" else "—"
    return [("dash", [(_DASH_SPACED, lambda m: mark), (_DASH_CLOSED, lambda m: mark)]),
            ("range", [(_RANGE, lambda m: f"{m.group(1)}–{m.group(2)}")]),
            ("ellipsis", [(_ELLIPSIS, lambda m: "…")]),
            ("initials", [(_INITIALS, _initials)])]


def _context(text: str, start: int, end: int, new: str) -> tuple[str, str]:
    """The changed stretch with the word either side, before and after, for the record."""
    left = text.rfind(" ", 0, max(0, start - 1)) + 1
    right = text.find(" ", end + 1)
    right = len(text) if right < 0 else right
    return text[left:right].strip(), (text[left:start] + new + text[end:right]).strip()


def _apply_text(tokens: list[Token], line: int | None, rules: list[Rule], record: Record) -> None:
    for t in tokens:
        if t.type != "text" or not t.content:
            continue
        for name, subs in rules:
            for pattern, repl in subs:
                text = t.content

                def one(m: re.Match[str], text: str = text, repl=repl, name: str = name) -> str:
                    new = repl(m)
                    if new != m.group(0):
                        record.setdefault(name, []).append((line, *_context(text, m.start(), m.end(), new)))
                    return new

                t.content = pattern.sub(one, text)


def _move_calls(children: list[Token], line: int | None, record: Record) -> list[Token]:
    """[..., footnote_ref, text ". Next"] -> [..., text ".", footnote_ref, text " Next"]."""
    out: list[Token] = []
    for i, t in enumerate(children):
        out.append(t)
        if t.type not in ("footnote_ref", "noteref"):
            continue
        nxt = children[i + 1] if i + 1 < len(children) else None
        if nxt is None or nxt.type != "text":
            continue
        m = _PUNCT_AFTER_CALL.match(nxt.content)
        if not m:
            continue
        punct = m.group(0)
        prev = out[-2] if len(out) >= 2 else None
        if prev is not None and prev.type == "text":
            before = prev.content.rsplit(" ", 1)[-1]
            prev.content += punct
        else:
            before = ""
            moved = Token("text", "", 0)
            moved.content = punct
            out.insert(len(out) - 1, moved)
        nxt.content = nxt.content[len(punct):]
        record.setdefault("note-call", []).append((line, f"{before}ⁿ{punct}", f"{before}{punct}ⁿ"))
    return out


def _apply(tokens: list[Token], line_of: Callable[[list[int] | None], int | None],
           rules: list[Rule], record: Record) -> None:
    for t in tokens:
        if t.type != "inline" or not t.children:
            continue
        line = line_of(t.map)
        _apply_text(t.children, line, rules, record)
        t.children = _move_calls(t.children, line, record)


def _chapter(ch: Chapter, rules: list[Rule]) -> Record:
    record: Record = {}
    _apply(ch.tokens, ch.line_of, rules, record)
    for note in ch.notes:
        line = note.location.line

        def note_line(m: list[int] | None, line: int | None = line) -> int | None:
            return line

        _apply(note.tokens, note_line, rules, record)
    return record


def apply_house_style(book: Book, reporter: Reporter) -> Book:
    style = book.meta.house_style
    if not style:
        return book
    rules = text_rules(style)
    for ch in book.chapters:
        record = _chapter(ch, rules)
        if record:
            book.house_style_changes[ch.anchor] = {r: record[r] for r in RULES if r in record}
    return book
