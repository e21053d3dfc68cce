"""Typography and OCR rules over plain paragraph text (see ``paragraphs.py``).

Each rule is a function ``(paragraphs) -> findings``; a finding is
``(para, position, message, code)``.  The OCR rules (letter-spacing, figures in words, hyphenation) read only the
words of the documents (``source_text``), not the editor's own text, which may
quote such misreadings; anywhere, ``[RE1SS]{.sic}`` exempts a quoted form.
Rules are conservative: the real texts
contain "Darwin's", "’17", "S.R.’s", "1905–1906", Roman numerals and spaced
ellipses, and none of these may be reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .paragraphs import Para

Finding = tuple[Para, int, str, str]

LDQ, RDQ, LSQ, RSQ = "\u201c", "\u201d", "\u2018", "\u2019"
LETTER = r"[^\W\d_]"
# words that legitimately begin with an apostrophe (elision), not an opening quote
ELISIONS = {"tis", "twas", "twere", "twill", "em", "cause", "til", "till", "n", "neath", "bout",
            "gainst", "round", "ere", "twixt", "ave", "nuff", "prentice", "possum", "ow"}
# doubled words that are good English
DOUBLES_OK = {"that", "had", "is", "bye", "ha", "no", "so", "very", "far", "long", "oh", "well",
              "tut", "knock", "hear", "now", "there", "yes", "do"}
# a single letter that is a word by itself (so "a", "I", "O" alone are not letter-spacing)
SINGLE_WORDS = {"a", "A", "I", "O"}


def quotes(paras: list[Para]) -> Iterator[Finding]:
    """lint.quote-unmatched, lint.quote-wrong, lint.quote-straight."""
    for i, p in enumerate(paras):
        s = p.text
        for m in re.finditer(r"[\"']", s):
            kind = "double" if m.group() == '"' else "single"
            yield p, m.start(), f"straight {kind} quote {m.group()} left in the text", "lint.quote-straight"
        for m in re.finditer(rf"(?:^|(?<=[\s{LDQ}(\[—–-]))\u2019({LETTER}+)", s):
            if m.group(1) == "s":
                yield p, m.start(), "space before the apostrophe of “’s”", "lint.space-before-punct"
            elif m.group(1).lower() not in ELISIONS:
                yield (p, m.start(), f"’ opens “{m.group(1)}”: an opening single quote is ‘",
                       "lint.quote-wrong")
        for m in re.finditer(rf"\u2018(?=\d)|(?<={LETTER})\u2018(?={LETTER})", s):
            yield (p, m.start(), "‘ inside a word or before a figure: an apostrophe is ’",
                   "lint.quote-wrong")
        for m in re.finditer(r"(?:^|(?<=\s))\u201d(?=[^\W_])", s):
            yield p, m.start(), "” opens a quotation: an opening double quote is “", "lint.quote-wrong"
        for m in re.finditer(r"(?:(?<=[^\W_])|(?<=[^\W_][.,;:!?]))\u201c(?=\s|$|[.,;:!?])", s):
            yield p, m.start(), "“ closes a quotation: a closing double quote is ”", "lint.quote-wrong"
        yield from _balance_double(p, paras[i + 1] if i + 1 < len(paras) else None)
        yield from _balance_single(p)


def _balance_double(p: Para, nxt: Para | None) -> Iterator[Finding]:
    open_at: list[int] = []
    for m in re.finditer(f"[{LDQ}{RDQ}]", p.text):
        if m.group() == LDQ:
            open_at.append(m.start())
        elif open_at:
            open_at.pop()
        else:
            yield p, m.start(), "closing quote ” without an opening “", "lint.quote-unmatched"
    if open_at:
        # a quotation running on into the next paragraph reopens it with “ (the convention)
        # (an aside in parentheses may stand between two paragraphs of the quotation)
        if nxt is not None and nxt.file == p.file and nxt.text.lstrip()[:1] in (LDQ, "(") \
                and p.kind == nxt.kind:
            return
        yield p, open_at[-1], "opening quote “ is never closed by ”", "lint.quote-unmatched"


def _balance_single(p: Para) -> Iterator[Finding]:
    # ’ is also the apostrophe, so only an opening ‘ with no ’ after it can be told
    for m in re.finditer(LSQ, p.text):
        if RSQ not in p.text[m.end():]:
            yield p, m.start(), "opening quote ‘ is never closed by ’", "lint.quote-unmatched"


_SPACED_ELLIPSIS = re.compile(r"\.(?:[ \u00a0]\.){2,}")
_SPACE_PUNCT = re.compile(r"(?<=\S)[ \t\n\u00a0]+([,;:!?]|\.(?![\d.]))")


def space_before_punctuation(paras: list[Para]) -> Iterator[Finding]:
    """lint.space-before-punct: "obliterated ," / "him ;"."""
    for p in paras:
        s = _SPACED_ELLIPSIS.sub(lambda m: "\u2026" * len(m.group()), p.text)
        for m in _SPACE_PUNCT.finditer(s):
            yield p, m.start(), f"space before “{m.group(1)}”", "lint.space-before-punct"


_DOUBLED = re.compile(rf"(?<![\w’'-])({LETTER}{{2,}})[ \t\n\u00a0]+(\1)(?![\w’'-])", re.I)


def doubled_words(paras: list[Para]) -> Iterator[Finding]:
    """lint.doubled-word: "the the"."""
    for p in paras:
        for m in _DOUBLED.finditer(p.text):
            if m.group(1).lower() not in DOUBLES_OK:
                yield p, m.start(), f"doubled word “{m.group(1)} {m.group(2)}”", "lint.doubled-word"


_SPACED = re.compile(rf"(?<![\w.’'&-]){LETTER}(?:[ \u00a0]{{1,3}}{LETTER}(?![\w.’'&-]))+")


def letter_spacing(paras: list[Para]) -> Iterator[Finding]:
    """lint.letter-spaced: "t h i s", "a t" (OCR of letter-spaced type)."""
    for p in paras:
        if not p.source_text:
            continue
        for m in _SPACED.finditer(p.text):
            letters = m.group().split()
            if all(x in SINGLE_WORDS for x in letters):
                continue
            yield (p, m.start(), f"letter-spaced word “{m.group()}” (“{''.join(letters)}”?)",
                   "lint.letter-spaced")


_WORD = re.compile(r"(?<![\w.])[^\W_]+(?:\.[^\W_]+)*")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th|d|s)$")
_ACRONYM = re.compile(r"^[A-Z]{1,3}[2-9]\d*$")  # "MI6", "A5"; a 0 or 1 there is usually O, I or l


def digits_in_words(paras: list[Para]) -> Iterator[Finding]:
    """lint.digit-in-word: "RE1SS", "l.905", "wh0"."""
    for p in paras:
        if not p.source_text:
            continue
        for m in _WORD.finditer(p.text):
            w = m.group()
            has_digit = any(c.isdigit() for c in w)
            has_letter = any(c.isalpha() for c in w)
            if not (has_digit and has_letter) or _ORDINAL.match(w) or _ACRONYM.match(w):
                continue
            if "." in w and not re.match(r"^[lIO]\.\d", w) and not re.search(r"[^\W\d_]\d|\d[^\W\d_]", w):
                continue  # "p.5", "No.3": an abbreviation and a number, not a misread
            yield p, m.start(), f"figure inside a word: “{w}” (OCR misreading?)", "lint.digit-in-word"


_HYPHEN = re.compile(rf"({LETTER}+)-[ \t\n\u00a0]+([a-z]{LETTER}*)")
_SUSPENDED = {"and", "or", "nor", "to", "und", "as", "not", "but"}


def hyphenation(paras: list[Para]) -> Iterator[Finding]:
    """lint.hyphenation: "revolu- tion", "de- voted" (line-end hyphens left in)."""
    for p in paras:
        if not p.source_text:
            continue
        for m in _HYPHEN.finditer(p.text):
            if m.group(2) in _SUSPENDED:
                continue  # "pre- and post-war": a suspended hyphen
            yield (p, m.start(), f"hyphenation left in “{m.group(1)}- {m.group(2)}” "
                   f"(“{m.group(1)}{m.group(2)}”?)", "lint.hyphenation")


_PAIRS = {")": "(", "]": "["}
_ENUMERATOR = re.compile(r"(?:^|(?<=\s))[a-zA-Z0-9]{1,4}\)")


def brackets(paras: list[Para]) -> Iterator[Finding]:
    """lint.bracket-unbalanced: ( without ), ] without [ ... within a paragraph."""
    for p in paras:
        enumerators = {m.end() - 1 for m in _ENUMERATOR.finditer(p.text)}
        stack: list[tuple[str, int]] = []
        for m in re.finditer(r"[()\[\]]", p.text):
            c = m.group()
            if c in "([":
                stack.append((c, m.start()))
            elif stack and stack[-1][0] == _PAIRS[c]:
                stack.pop()
            elif m.start() in enumerators:
                continue  # "a) ...", "2) ...": an enumerator, not a bracket
            else:
                yield p, m.start(), f"“{c}” without an opening “{_PAIRS[c]}”", "lint.bracket-unbalanced"
        for c, pos in stack:
            closer = ")" if c == "(" else "]"
            yield p, pos, f"“{c}” is never closed by “{closer}”", "lint.bracket-unbalanced"


RULES = [quotes, space_before_punctuation, doubled_words, letter_spacing, digits_in_words,
         hyphenation, brackets]
