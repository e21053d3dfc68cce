"""Find the surface forms of entries (glossary terms, persons) in a chapter's tokens.

Shared by the glossary linker (``transforms/glossary.py``) and the register of
persons / index of names.  It works on markdown-it's parsed token stream, never
on rendered HTML, and it changes the stream only by wrapping each match in a
``span_open`` / ``span_close`` pair the caller then decorates (``meta["id"]``,
``meta["href"]``) for the shared XHTML writer.

API
===

``normalize(text) -> str``
    Length-preserving fold used on both forms and text: curly apostrophes
    (U+2019, U+2018, U+02BC) become ``'``; no-break spaces (U+00A0, U+202F,
    U+2007, U+2009) become a plain space.  Offsets in the folded text are
    offsets in the original.

``Matcher(pairs)``
    ``pairs`` is an iterable of ``(key, form)``: ``key`` names the entry
    (glossary id, person id), ``form`` a surface form to find.  Matching is
    case-sensitive, whole-word (a form that begins/ends with a letter or digit
    must not touch another letter or digit on that side, nor a hyphen joining
    it to another word: no "Jacobin" in "Jacobin-baiting"; a form that ends in
    "." or "'s" needs no boundary there), longest form first at any position,
    insensitive to curly/straight apostrophes and to the kind of space.  Two rules
    keep a form out of a longer name (``_initials`` and ``proper_compound``):
    a form that begins with an initial ("S. R.'s") is not matched right after
    another initial, nor one that ends with an initial ("S. R.") right before
    another — no "S. R." in "U. S. S. R."; and a form that begins with a
    lower-case letter ("civil war") is not matched right after a capitalised word
    that is not the first of a sentence nor a possessive — the two make a
    different name ("the Spanish civil war").
    ``matcher.conflicts`` lists ``(form, [key, key, ...])`` for a form (after
    folding) claimed by more than one key; the matcher keeps the first key.
    ``matcher.find(text) -> list[Hit]`` (``Hit(start, end, key, form)``,
    non-overlapping, left to right).

``scan(tokens, matcher, attr="gl", stop_class="nogl", kind="glossary",
       skip_containers=(), skip_headings=True) -> list[Occurrence]``
    Walks a *block-level* token list (``Chapter.tokens`` or a note's tokens)
    and, in the inline children of every paragraph, list item, table cell,
    blockquote, …:

    * wraps every automatic match in a new ``span_open``/``text``/``span_close``
      (a match may span a soft line break) whose ``span_open.meta`` holds
      ``{"link_kind": kind, "key": key}``;
    * records an explicit ``[phrase]{<attr>=key}`` span as an occurrence
      (``explicit=True``; the key is *not* checked: the caller reports unknown
      keys) and tags it with the same meta;
    * never looks inside: headings (``heading_open`` … ``heading_close``),
      links (``link_open`` … ``link_close``), a ``[phrase]{.<stop_class>}``
      span, any span already carrying an ``attr`` or a ``link_kind`` (so the
      glossary and the register never nest their spans), images, code, raw
      HTML, note calls, a footnote block still in the stream
      (``footnote_block_open`` … ``close``), and containers named in
      ``skip_containers`` (``::: name``), and a span carrying any attribute named in
    ``stop_attrs`` (the register passes ``gl``: a glossary term marked up by hand).

    ``Occurrence(key, text, explicit, token, block_index, line_offset)``:
    ``token`` is the ``span_open`` (set ``meta["id"]`` for an anchor and
    ``meta["href"]`` for a link); ``block_index`` the index of the inline
    token in ``tokens`` (its ``.map`` gives the source line); ``line_offset``
    the number of line breaks inside the paragraph before the occurrence
    (source line = first line of the block + line_offset).

Footnote bodies are not in ``Chapter.tokens`` after ``number_notes``; a
caller that wants them passes ``note.tokens`` to ``scan`` itself.  The
glossary linker does not (see docs/glossary.md).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from markdown_it.token import Token

from ..diagnostics import Reporter
from ..model import Location

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'",
                       "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " "})


def normalize(text: str) -> str:
    """Fold apostrophes and spaces; the result has the same length as the input."""
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    key: str
    form: str


_SPACES = re.compile(" +")

# An initial is a letter standing alone and a full stop ("S." in "S. R."; not the "y." that
# ends "good-by.").  A form that begins (ends) with one may not follow (precede) another
# initial, with or without a space between.
_INITIAL_START = re.compile(r"[^\W\d_]\.")
_INITIAL_END = re.compile(r"(?<![^\W_])[^\W\d_]\.$")
_AFTER_INITIAL = r"(?<!(?<![^\W_])[^\W\d_]\.)(?<!(?<![^\W_])[^\W\d_]\. )"
_BEFORE_INITIAL = r"(?! ?[^\W\d_]\.)"


def _initials(form: str, body: str) -> str:
    """A form's pattern body with the initials rule around it (see the module docstring)."""
    pre = _AFTER_INITIAL if _INITIAL_START.match(form) else ""
    post = _BEFORE_INITIAL if _INITIAL_END.search(form) else ""
    return pre + body + post


# a capitalised word (not a possessive) and the spaces before a match, and what precedes it
_CAPITALISED_BEFORE = re.compile(r"(?:^|(.)\s*?)(?<![\w'-])([A-Z][\w-]*)( +)$", re.S)


def proper_compound(folded: str, p: int) -> bool:
    """Does the match at ``p`` (of a form that begins with a lower-case letter) follow a
    capitalised word that makes the two a different name ("Spanish civil war")?  Not when
    that word begins a sentence (after ``.``, ``!``, ``?``, an opening quotation mark or
    bracket, or at the start of the text) or is a possessive ("Darwin's")."""
    if not folded[p:p + 1].islower():
        return False
    m = _CAPITALISED_BEFORE.search(folded, max(0, p - 80), p)
    if m is None:
        return False
    word, before = m.group(2), m.group(1)
    if word.endswith("'s") or before is None or before in ".!?\"\u201c(['\u2018":
        return False
    return True


@functools.lru_cache(maxsize=4096)
def _alternation(forms: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled alternation of forms that share their first character, longest first.

    Each form is matched literally, its runs of spaces as `` +``; a form that begins (ends)
    with a word character may not touch another one on that side, nor a hyphen joining it to
    one ("Jacobin" is not matched in "Jacobin-baiting" or "anti-Jacobin").  The same
    matches as ``|``-joining one such pattern per form (``tests/test_matching.py`` holds that
    definition and compares the two), written smaller
    (the shared lookbehinds once, the lookaheads once per run of forms that need them)
    and without a group per form: a match's text names its form (``Matcher._canon``).
    Cached by the forms themselves: the matchers of different chapters (whose ambiguous
    forms differ) share the patterns of every first character they agree on, and a
    matcher built only for its ``conflicts`` compiles nothing."""
    pre = r"(?<!\w)(?<!\w-)" if re.match(r"\w", forms[0]) else ""
    runs: list[tuple[bool, list[str]]] = []  # (needs the end boundary, bodies), in order
    for f in forms:
        body = _initials(f, _SPACES.sub(" +", re.escape(f).replace(r"\ ", " ")))
        bounded = bool(re.search(r"\w$", f))
        if runs and runs[-1][0] == bounded:
            runs[-1][1].append(body)
        else:
            runs.append((bounded, [body]))
    alts = ["(?:" + "|".join(bodies) + ")" + (r"(?!\w)(?!-\w)" if bounded else "")
            for bounded, bodies in runs]
    return re.compile(pre + "(?:" + "|".join(alts) + ")")


class Matcher:
    """Case-sensitive, whole-word, longest-first matcher of many forms."""

    def __init__(self, pairs: Iterable[tuple[str, str]]):
        self.key_of: dict[str, str] = {}
        claimed: dict[str, list[str]] = {}
        for key, form in pairs:
            f = normalize(form.strip())
            if not f:
                continue
            keys = claimed.setdefault(f, [])
            if key not in keys:
                keys.append(key)
            self.key_of.setdefault(f, key)
        self.conflicts: list[tuple[str, list[str]]] = [(f, ks) for f, ks in claimed.items() if len(ks) > 1]
        # One alternation per first character (forms keep their longest-first order), and
        # a character class to jump to the next place where any form could begin: the
        # same matches as one big alternation tried at every position, ~50x faster.
        # Each alternation is compiled on first use.
        by_first: dict[str, list[str]] = {}
        for f in sorted(self.key_of, key=lambda f: (-len(f), f)):
            by_first.setdefault(f[0], []).append(f)
        self._by_first: dict[str, tuple[str, ...]] = {c: tuple(fs) for c, fs in by_first.items()}
        # the text of a match, its runs of spaces as one, names the first form it could be
        self._canon: dict[str, str] = {}
        for fs in by_first.values():
            for f in fs:
                self._canon.setdefault(_SPACES.sub(" ", f), f)
        self._compiled: dict[str, re.Pattern[str]] = {}
        # where a form may begin: its first two characters, the first a word character not
        # inside a word (nor after "word-"), the same condition as _alternation's, or any other
        # first character anywhere
        word: list[str] = []
        other: list[str] = []
        for c in sorted(by_first):
            fs = by_first[c]
            seconds = "" if any(len(f) == 1 for f in fs) else "".join(sorted({f[1] for f in fs}))
            alt = re.escape(c) + ("[" + "".join(re.escape(x) for x in seconds) + "]" if seconds else "")
            (word if re.match(r"\w", c) else other).append(alt)
        starts = ([r"(?<!\w)(?<!\w-)(?:" + "|".join(word) + ")"] if word else []) + other
        self._start = "|".join(starts) or None
        self._re: re.Pattern[str] | None = None

    def find(self, text: str) -> list[Hit]:
        if self._start is None:
            return []
        if self._re is None:
            self._re = re.compile(self._start)
        folded = normalize(text)
        hits, pos = [], 0
        compiled = self._compiled
        while (start := self._re.search(folded, pos)) is not None:
            p = start.start()
            c = folded[p]
            pattern = compiled.get(c)
            if pattern is None:
                pattern = compiled[c] = _alternation(self._by_first[c])
            m = pattern.match(folded, p)  # lookbehinds still see before p
            if m is None or proper_compound(folded, p):
                pos = p + 1
                continue
            form = self._canon[_SPACES.sub(" ", m.group())]
            hits.append(Hit(m.start(), m.end(), self.key_of[form], form))
            pos = m.end()
        return hits


@dataclass
class Occurrence:
    key: str
    text: str
    explicit: bool
    token: Token  # the span_open
    block_index: int
    line_offset: int = 0
    meta: dict = field(default_factory=dict)


def _span_open(kind: str, key: str) -> Token:
    t = Token("span_open", "span", 1)
    t.meta = {"link_kind": kind, "key": key}
    return t


def _span_close() -> Token:
    return Token("span_close", "span", -1)


def _text(content: str) -> Token:
    t = Token("text", "", 0)
    t.content = content
    return t


def _wrap_run(run: list[Token], matcher: Matcher, kind: str, block: int, line0: int,
              out: list[Token], found: list[Occurrence]) -> None:
    """Append the run (text and softbreak tokens) to ``out`` with matches wrapped."""
    pieces = [t.content if t.type == "text" else " " for t in run]
    joined = "".join(pieces)
    hits = matcher.find(joined)
    if not hits:
        out.extend(run)
        return
    starts = {h.start: h for h in hits}
    ends = {h.end for h in hits}
    pos = 0
    line = line0
    for t, piece in zip(run, pieces, strict=True):
        a, b = pos, pos + len(piece)
        pos = b
        if t.type != "text":
            if a in starts:  # cannot happen (forms never begin with a space), kept for safety
                pass
            out.append(t)
            line += 1
            continue
        cuts = sorted({a, b} | {x for x in starts if a < x < b} | {x for x in ends if a < x < b})
        for x, y in zip(cuts, cuts[1:], strict=False):
            if x in starts:
                h = starts[x]
                open_tok = _span_open(kind, h.key)
                out.append(open_tok)
                found.append(Occurrence(h.key, joined[h.start:h.end], False, open_tok, block, line))
            out.append(_text(t.content[x - a:y - a]))
            if y in ends:
                out.append(_span_close())
        if a == b and a in ends:  # empty text token at the end of a match
            out.append(_span_close())


def _inner_text(children: list[Token], i: int) -> str:
    depth, parts = 0, []
    for c in children[i + 1:]:
        if c.type == "span_open":
            depth += 1
        elif c.type == "span_close":
            if depth == 0:
                break
            depth -= 1
        elif c.type == "text":
            parts.append(c.content)
        elif c.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts)


def _scan_inline(inline: Token, matcher: Matcher, attr: str, stop_class: str, kind: str,
                 block: int, stop_attrs: tuple[str, ...] = ()) -> list[Occurrence]:
    found: list[Occurrence] = []
    children = inline.children or []
    out: list[Token] = []
    run: list[Token] = []
    skip = 0  # depth of contexts we do not look into
    span_stack: list[bool] = []  # for each open span: does it stop matching?
    line = 0
    run_line = 0

    def flush() -> None:
        nonlocal run
        if run:
            _wrap_run(run, matcher, kind, block, run_line, out, found)
            run = []

    for i, c in enumerate(children):
        if skip == 0 and c.type in ("text", "softbreak"):
            if not run:
                run_line = line
            run.append(c)
            if c.type == "softbreak":
                line += 1
            continue
        flush()
        if c.type in ("softbreak", "hardbreak"):
            line += 1
        if c.type == "link_open":
            skip += 1
        elif c.type == "link_close":
            skip = max(0, skip - 1)
        elif c.type == "span_open":
            classes = str(c.attrs.get("class", "")).split()
            key = c.attrs.get(attr)
            stops = (bool(key) or stop_class in classes or "link_kind" in c.meta
                     or any(c.attrs.get(a) for a in stop_attrs))
            if key and skip == 0 and "link_kind" not in c.meta:
                c.meta.update({"link_kind": kind, "key": str(key), "explicit": True})
                found.append(Occurrence(str(key), _inner_text(children, i), True, c, block, line))
            span_stack.append(stops)
            if stops:
                skip += 1
        elif c.type == "span_close":
            if span_stack and span_stack.pop():
                skip = max(0, skip - 1)
        out.append(c)
    flush()
    inline.children = out
    return found


_HEADING_LIKE = ("heading_open",)


def scan(tokens: list[Token], matcher: Matcher, attr: str = "gl", stop_class: str = "nogl",
         kind: str = "glossary", skip_containers: Iterable[str] = (),
         skip_headings: bool = True, stop_attrs: tuple[str, ...] = ()) -> list[Occurrence]:
    """Find and wrap occurrences in a block-level token list (see the module docstring).
    ``skip_headings=False`` looks inside headings too (the index of names does)."""
    heading_open = _HEADING_LIKE if skip_headings else ()
    heading_close = ("heading_close",) if skip_headings else ()
    skip_open = {f"container_{n}_open" for n in skip_containers}
    skip_close = {f"container_{n}_close" for n in skip_containers}
    found: list[Occurrence] = []
    skip = 0
    for bi, t in enumerate(tokens):
        if t.type in heading_open or t.type == "footnote_block_open" or t.type in skip_open:
            skip += 1
        elif t.type in heading_close or t.type == "footnote_block_close" or t.type in skip_close:
            skip = max(0, skip - 1)
        elif t.type == "inline" and skip == 0 and t.children:
            found.extend(_scan_inline(t, matcher, attr, stop_class, kind, bi, stop_attrs))
    return found


class _Identified(Protocol):
    id: str
    location: Location


T = TypeVar("T", bound=_Identified)


def unique_ids(items: list[T], reporter: Reporter, what: str, code: str) -> list[T]:
    """The items (glossary entries, persons) whose id was not seen before; a repeated id is
    an error at its line."""
    seen: dict[str, T] = {}
    for item in items:
        first = seen.get(item.id)
        if first is not None:
            reporter.error(item.location.file, item.location.line, f"{what} id “{item.id}” is used "
                           f"twice (first at line {first.location.line})", code)
            continue
        seen[item.id] = item
    return list(seen.values())
