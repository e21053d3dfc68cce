"""Cross-references to a passage of a chapter, by quoting it.

An editorial text (a note, the chronology, the reading plan) can point at a
passage of any chapter by naming the chapter and a short phrase from it::

    The letter gives 72 days ([the letter](<#letter:72 days>){.pageref}).

The transform finds the first occurrence of the phrase in that chapter's text
(ignoring the kind of apostrophe and of space), puts an anchor just before it,
and points the link there: the EPUB link lands on the passage, and in print
``{.pageref}`` adds the page of the passage ("the letter (p. 42)").  A second
phrase after ``|`` narrows the search to text after the first one::

    [the diary](<#diary:Pierre|1906>){.pageref}

A phrase that is not found is an error with the file and line of the link, so a
re-import that changes a chapter cannot silently break a reference.  A plain
``#slug`` or ``#ch-slug`` link points at the chapter's opening.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from markdown_it.token import Token

from ..diagnostics import Reporter
from ..model import Book, Chapter, Fragment

_APOS = str.maketrans({"’": "'", "‘": "'", "\u202f": " ", "\u00a0": " ", "“": '"', "”": '"'})


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).translate(_APOS))


_SPACE = re.compile(r"\s")


def _one_to_one(text: str) -> str:
    """Normalise apostrophes, quotes and spaces character for character (same length)."""
    return _SPACE.sub(" ", text.translate(_APOS))


def _phrase_regex(phrase: str) -> re.Pattern[str]:
    words = _norm(phrase).strip().split(" ")
    return re.compile(r"\s+".join(re.escape(w) for w in words))


Run = tuple[Token, str, list[tuple[int, int]]]


def _run(t: Token) -> Run:
    """An inline token's text (text children and soft breaks joined), and for each text
    child (child index, offset of the child in that text)."""
    parts: list[str] = []
    length = 0
    spans: list[tuple[int, int]] = []
    for j, c in enumerate(t.children or []):
        if c.type == "text":
            spans.append((j, length))
            parts.append(c.content)
            length += len(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            parts.append(" ")
            length += 1
    return (t, _one_to_one("".join(parts)), spans)


_RUNS: dict[int, list[Run]] = {}  # per chapter, for one resolve_xrefs call


def _runs(ch: Chapter) -> list[Run]:
    """The runs of every inline token of the chapter body (cached while resolving)."""
    key = id(ch)
    if key not in _RUNS:
        _RUNS[key] = [_run(t) for t in ch.tokens if t.type == "inline" and t.children]
    return _RUNS[key]


def _place_anchor(ch: Chapter, phrases: list[str], anchor: str) -> bool:
    runs = _runs(ch)
    start_run, start_pos = 0, 0
    for k, phrase in enumerate(phrases):
        rx = _phrase_regex(phrase)
        for r in range(start_run, len(runs)):
            parent, text, spans = runs[r]
            m = rx.search(text, start_pos if r == start_run else 0)
            if not m:
                continue
            if k < len(phrases) - 1:  # narrowing phrase: continue after it
                start_run, start_pos = r, m.end()
                break
            # the text child holding the match start, and the offset inside it
            pos = m.start()
            owner = None
            for j, off in spans:
                child = (parent.children or [])[j]
                if off <= pos < off + len(child.content):
                    owner = (j, pos - off)
            if owner is None:
                continue
            j, cut = owner
            kids = parent.children or []
            child = kids[j]
            before, after = child.content[:cut], child.content[cut:]
            new: list[Token] = []
            if before:
                new.append(Token("text", "", 0, content=before))
            opener = Token("span_open", "span", 1)
            opener.meta = {"id": anchor, "class": "xref-target"}
            new.append(opener)
            new.append(Token("span_close", "span", -1))
            new.append(Token("text", "", 0, content=after))
            parent.children = kids[:j] + new + kids[j + 1:]
            runs[r] = _run(parent)  # offsets inside this token changed
            return True
        else:
            return False
    return False


_TARGET = re.compile(r"^#?([a-z0-9][a-z0-9-]*):(.+)$", re.S)


def resolve_one(target: str, ch: Chapter | Fragment, t: Token, by_slug: dict[str, Chapter],
                made: dict[tuple[str, str], str], reporter: Reporter) -> str:
    """An anchor id for ``slug``, ``ch-slug`` or ``slug:phrase`` (placing the anchor)."""
    target = target.lstrip("#")
    if target in by_slug:
        return f"ch-{target}"
    m = _TARGET.match(target)
    if not m or m.group(1) not in by_slug:
        if not target.startswith("ch-"):
            reporter.error(ch.location.file, ch.line_of(t.map),
                           f"cross-reference to unknown place '{target}'", "xref.unknown-chapter")
        return target
    slug, query = m.group(1), m.group(2)
    key = (slug, query)
    if key not in made:
        anchor = f"x-{slug}-{len(made) + 1}"
        phrases = [p for p in query.split("|") if p.strip()]
        if not _place_anchor(by_slug[slug], phrases, anchor):
            reporter.error(ch.location.file, ch.line_of(t.map),
                           f"cross-reference: “{query}” not found in {by_slug[slug].location.file}",
                           "xref.not-found")
            return f"ch-{slug}"
        made[key] = anchor
    return made[key]


def _sources(book: Book) -> list[tuple[Chapter | Fragment, list[Token]]]:
    """Every text a link can be in, with the file its lines are counted in: the chapters
    with their notes, and the editor's texts outside the chapters (headnotes, questions,
    glossary definitions, register identifications)."""
    sources: list[tuple[Chapter | Fragment, list[Token]]] = []
    for ch in book.chapters:
        tokens = list(ch.tokens)
        for note in ch.notes:
            tokens.extend(note.tokens)
        sources.append((ch, tokens))
    sources += [(f, f.tokens) for f in book.fragments()]
    return sources


def link_sites(book: Book) -> dict[str, list[tuple[str, int | None]]]:
    """anchor -> (file, line) of every ``#anchor`` link in the book's texts (and of the
    ``until``/``through`` end of a page range), after the cross-references are resolved:
    where to report a link to an anchor nothing defines."""
    sites: dict[str, list[tuple[str, int | None]]] = {}
    for src, t, c in _links(book):
        ends = [str(c.attrGet(a) or "") for a in ("until", "through")]
        for target in [unquote(str(c.attrGet("href") or "")), *ends]:
            if target.startswith("#") or (target and target in ends):
                site = (src.location.file, src.line_of(t.map))
                if site not in sites.setdefault(target.lstrip("#"), []):
                    sites[target.lstrip("#")].append(site)
    return sites


def _links(book: Book) -> Iterator[tuple[Any, Token, Token]]:
    """(the text it is in, its inline token, the link_open token) of every link in the
    book's texts: what link_sites reads and _resolve rewrites."""
    for src, tokens in _sources(book):
        for t in tokens:
            if t.type == "inline" and t.children:
                for c in t.children:
                    if c.type == "link_open":
                        yield src, t, c


def resolve_xrefs(book: Book, reporter: Reporter) -> Book:
    _RUNS.clear()
    try:
        return _resolve(book, reporter)
    finally:
        _RUNS.clear()


def _resolve(book: Book, reporter: Reporter) -> Book:
    by_slug = {ch.slug: ch for ch in book.chapters}
    made: dict[tuple[str, str], str] = {}
    for src, t, c in _links(book):
        for attr in ("until", "through"):  # the end of a {.pagerange}
            end = c.attrGet(attr)
            if end:
                c.attrSet(attr, resolve_one(unquote(str(end)), src, t, by_slug, made, reporter))
        href = unquote(str(c.attrGet("href") or ""))
        if href.startswith("#") and (href[1:] in by_slug or _TARGET.match(href)):
            c.attrSet("href", "#" + resolve_one(href, src, t, by_slug, made, reporter))
    return book
