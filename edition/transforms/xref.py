"""Cross-references to a passage of a chapter, by quoting it.

An editorial text (a note, the chronology, the reading plan) can point at a
passage of any chapter by naming the chapter and a short phrase from it::

    Shachtman gives 72 days ([Shachtman](<#shachtman:72 days>){.pageref}).

The transform finds the first occurrence of the phrase in that chapter's text
(ignoring the kind of apostrophe and of space), puts an anchor just before it,
and points the link there: the EPUB link lands on the passage, and in print
``{.pageref}`` adds the page of the passage ("Shachtman (p. 42)").  A second
phrase after ``|`` narrows the search to text after the first one::

    [Hansen](<#hansen:Sergei|1934>){.pageref}

A phrase that is not found is an error with the file and line of the link, so a
re-import that changes a chapter cannot silently break a reference.  A plain
``#slug`` or ``#ch-slug`` link points at the chapter's opening.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

from markdown_it.token import Token

from ..diagnostics import Reporter
from ..model import Book, Chapter

_APOS = str.maketrans({"’": "'", "‘": "'", "\u202f": " ", "\u00a0": " ", "“": '"', "”": '"'})


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).translate(_APOS))


def _text_tokens(ch: Chapter) -> list[tuple[Token, Token]]:
    """(inline parent, text child) pairs of the chapter body, in order."""
    out = []
    for t in ch.tokens:
        if t.type == "inline" and t.children:
            for c in t.children:
                if c.type == "text":
                    out.append((t, c))
    return out


def _place_anchor(ch: Chapter, phrases: list[str], anchor: str) -> bool:
    pairs = _text_tokens(ch)
    start = 0
    # narrow: each phrase but the last moves the starting token forward
    for k, phrase in enumerate(phrases):
        wanted = _norm(phrase)
        for i in range(start, len(pairs)):
            parent, child = pairs[i]
            text = _norm(child.content)
            pos = text.find(wanted)
            if pos < 0:
                continue
            if k < len(phrases) - 1:
                start = i
                break
            # split the text token and insert an empty anchor span before the phrase
            raw = child.content
            # map normalised position back: normalisation keeps lengths except runs of spaces
            cut = _raw_index(raw, pos)
            before, after = raw[:cut], raw[cut:]
            kids = parent.children or []
            j = kids.index(child)
            new: list[Token] = []
            if before:
                new.append(Token("text", "", 0, content=before))
            opener = Token("span_open", "span", 1)
            opener.meta = {"id": anchor, "class": "xref-target"}
            new.append(opener)
            new.append(Token("span_close", "span", -1))
            new.append(Token("text", "", 0, content=after))
            parent.children = kids[:j] + new + kids[j + 1:]
            return True
        else:
            return False
    return False


def _raw_index(raw: str, norm_pos: int) -> int:
    """Index in ``raw`` of the character at ``norm_pos`` in ``_norm(raw)``."""
    n = 0
    i = 0
    prev_space = False
    while i < len(raw) and n < norm_pos:
        ch = raw[i].translate(_APOS)
        is_space = ch.isspace()
        if not (is_space and prev_space):
            n += 1
        prev_space = is_space
        i += 1
    return i


_TARGET = re.compile(r"^#?([a-z0-9][a-z0-9-]*):(.+)$", re.S)


def resolve_one(target: str, ch: Chapter, t: Token, by_slug: dict[str, Chapter],
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


def resolve_xrefs(book: Book, reporter: Reporter) -> Book:
    by_slug = {ch.slug: ch for ch in book.chapters}
    made: dict[tuple[str, str], str] = {}
    for ch in book.chapters:
        tokens = list(ch.tokens)
        for note in ch.notes:
            tokens.extend(note.tokens)
        for t in tokens:
            if t.type != "inline" or not t.children:
                continue
            for c in t.children:
                if c.type != "link_open":
                    continue
                for attr in ("until", "through"):  # the end of a {.pagerange}
                    end = c.attrGet(attr)
                    if end:
                        c.attrSet(attr, resolve_one(unquote(str(end)), ch, t, by_slug, made,
                                                    reporter))
                href = unquote(str(c.attrGet("href") or ""))
                if not href.startswith("#"):
                    continue
                if href[1:] in by_slug or _TARGET.match(href):
                    c.attrSet("href", "#" + resolve_one(href, ch, t, by_slug, made, reporter))
    return book
