"""Curling straight quotes: ``"`` and ``'`` -> “ ” ‘ ’.

A pure function of one paragraph (``curl(text) -> (text, doubts)``), reusable by
every importer.  Each straight quote is decided from its neighbours:

Double quote ``"``
  * opening (“) after the start of the paragraph, a space, an opening bracket, a dash
    or an opening single quote, when a word, digit or opening single quote follows;
  * closing (”) after a letter, digit or punctuation, when a space, the end, or
    punctuation follows;
  * otherwise the open/closed state of the paragraph decides (a “ still open closes,
    else one opens) and the quote is reported as doubtful.

Single quote ``'``
  * between two letters or digits it is an apostrophe (’): Darwin's, wouldn't,
    R.'s after a period followed by a letter (S.R.'s);
  * after a letter or closing punctuation, followed by a space, the end or
    punctuation, it is a closing quote or a plural possessive (workers'): both ’;
  * at the start of a word it is an elision (’) when the word is a known elided
    form ('tis, 'twas, 'em, '17 — two digits) and otherwise an opening quote (‘),
    provided a closing ’ follows later in the paragraph; with no closing quote in
    sight the case is reported as doubtful and an opening quote is set.

The glyph for apostrophe, closing single quote and elision is the same (’), so the
only real doubt for single quotes is opening ‘ versus elision ’.  Nothing here
guesses silently: every undecidable quote is returned with its offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LDQ, RDQ, LSQ, RSQ = "\u201c", "\u201d", "\u2018", "\u2019"

#: words that begin with an elided letter (printed with a leading apostrophe)
ELISIONS = frozenset({"tis", "twas", "twere", "twill", "em", "til", "cause", "neath", "bout"})

_OPEN_BEFORE = set(" \t\n([{\u2014\u2013-" + LSQ + LDQ + "\u00a0\u202f")
_PUNCT_AFTER = set(".,;:!?)]}\u2014\u2013-\u2026" + RSQ + RDQ)


@dataclass(frozen=True)
class Doubt:
    offset: int  # index in the paragraph
    token: str  # the word around the quote
    why: str


def _word_at(text: str, i: int) -> str:
    start = i
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = i + 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end]


_QUOTE = re.compile("[\"']")


def _double(text: str, i: int, out: list[str], state: dict[str, int]) -> tuple[str, str | None]:
    before = out[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    opens = before in _OPEN_BEFORE
    if after == "'":  # nested: "'public ...' or ...'"
        nxt = text[i + 2] if i + 2 < len(text) else " "
        closes = not nxt.isalnum()
    else:
        closes = after.isspace() or after in _PUNCT_AFTER or after == '"'
    if opens and not closes:
        state["d"] += 1
        return LDQ, None
    if closes and not opens:
        state["d"] = max(0, state["d"] - 1)
        return RDQ, None
    # both sides or neither: let the paragraph's open quotes decide, and say so
    if state["d"] > 0:
        state["d"] -= 1
        return RDQ, "double quote with the same kind of character on both sides: closed an open quote"
    state["d"] += 1
    return LDQ, "double quote with the same kind of character on both sides: opened a quote"


def _single(text: str, i: int, out: list[str], state: dict[str, int]) -> tuple[str, str | None]:
    before = out[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isalnum() and after.isalnum():
        return RSQ, None  # Darwin's, wouldn't
    if before == "." and after.isalpha() and i >= 2 and text[i - 2].isupper():
        return RSQ, None  # S.R.'s, K.D.'s
    if before.isalnum() or before in ".,;:!?)" + RDQ:
        if state["s"] > 0:
            state["s"] -= 1
        return RSQ, None  # closing quote or plural possessive (workers')
    if before in _OPEN_BEFORE and (after.isalnum() or after in LDQ + '"'):
        m = re.match(r"[A-Za-z]+|\d+", text[i + 1 :])
        word = m.group(0) if m else ""
        if word.lower() in ELISIONS or (word.isdigit() and len(word) == 2):
            return RSQ, None  # 'tis, '17
        rest = text[i + 1 :]
        if re.search(r"[\w.,;:!?]'(?!\w)", rest):
            state["s"] += 1
            return LSQ, None
        state["s"] += 1
        return LSQ, "single quote at a word start with no closing quote in the paragraph"
    return RSQ, "single quote between non-letters"


def curl(text: str) -> tuple[str, list[Doubt]]:
    """Return ``text`` with straight quotes curled, and the doubtful cases."""
    out = list(text)  # out[i - 1] is the previous character as already curled
    doubts: list[Doubt] = []
    state = {"d": 0, "s": 0}
    for m in _QUOTE.finditer(text):  # only the quotes change
        i = m.start()
        glyph, why = (_double if text[i] == '"' else _single)(text, i, out, state)
        out[i] = glyph
        if why:
            doubts.append(Doubt(i, _word_at(text, i), why))
    result = "".join(out)
    if state["d"] > 0:
        doubts.append(Doubt(len(text) - 1, _word_at(text, max(0, result.rfind(LDQ))),
                            "a double quote is opened and never closed in the paragraph"))
    return result, doubts
