"""OCR word steps: letter-spacing, line-end hyphenation, paragraphs, initialisms.

* ``rejoin_letter_spaced``  a run of two or more single letters separated by single
                            spaces ("i t", "t h i s", "G L O S S A R Y") is one word
                            printed letter-spaced: it is joined when the word is in
                            ``spaced_words`` or is four or more capitals (a spaced
                            heading); any other run is reported as Suspicious.
* ``dehyphenate``           a line ending in letter + hyphen continues on the next line.
                            The rule (``hyphen_kind``): the hyphen is kept when the
                            compound is in ``known_compounds``, when the next part begins
                            with a capital or a digit, or when the hyphenated form occurs
                            inside a line elsewhere in the document; otherwise it is a
                            printer's hyphen and removed.  A removed hyphen whose two
                            halves are both words of the document (and the joined word
                            occurs nowhere else and is not in ``solid_words``) is
                            reported as Suspicious: the compound may be real.
* ``join_paragraphs``       lines become paragraphs (blank line = paragraph break);
                            ``meta['srcmap']`` keeps, for every paragraph, the source line
                            of each character offset.
* ``bind_initialisms``      the one stated rule for spaced initialisms: keep them as
                            printed, but the spaces inside one (G. P. U., U. S. S. R.,
                            S. R.'s, i. e.) become U+202F NARROW NO-BREAK SPACE.
"""

from __future__ import annotations

import re

from .base import Correction, Draft, Line, Suspicious
from .ocr_layout import is_section_break

NNBSP = "\u202f"

# What is particular to one document is its data (sources/importers/<id>.yaml, read into
# ``record.options``): ``spaced_words`` (printed letter-spaced), ``known_compounds`` (a
# line-end hyphen that is real), ``doubtful_compounds`` (printed either way: joined, reported),
# ``solid_words`` (printed solid although both halves are words).


def _option(draft: Draft, key: str) -> frozenset[str]:
    return frozenset(draft.record.options.get(key, ()))


_SPACED = re.compile(r"(?<![\w.'])(?:[A-Za-z] ){1,}[A-Za-z](?![\w.'])")


def rejoin_letter_spaced(draft: Draft) -> Draft:
    spaced_words = _option(draft, "spaced_words")
    for ln in draft.lines:
        def fix(m: re.Match[str], ln: Line = ln) -> str:
            run = m.group(0)
            word = run.replace(" ", "")
            if word.lower() in spaced_words or (len(word) >= 4 and word.isupper()):
                draft.applied.append(Correction(ln.src, run, word, "spacing",
                                                "letter-spaced word rejoined, by rule"))
                return word
            draft.suspicious.append(Suspicious(ln.src, run, "single letters separated by "
                                               "spaces, not a known letter-spaced word"))
            return run
        ln.text = _SPACED.sub(fix, ln.text)
    return draft


_LINE_END_HYPHEN = re.compile(r"(\S*[A-Za-z])-$")
_HEAD = re.compile(r"^([A-Za-z0-9]\S*)(.*)$", re.S)


def _words(lines: list[Line]) -> tuple[set[str], set[str]]:
    """Words and inline hyphenated forms of the document (lower case).  The two halves
    of a line-end hyphenation are not words of their own: the fragment before a
    line-end hyphen and the first token of the line after it are left out."""
    words: set[str] = set()
    compounds: set[str] = set()
    after_hyphen = False
    for ln in lines:
        text = re.sub(r"\S*-$", "", ln.text)
        if after_hyphen:
            text = re.sub(r"^\S*", "", text)
        after_hyphen = bool(_LINE_END_HYPHEN.search(ln.text))
        for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text):
            if "-" in w:
                compounds.add(w.lower())
            words.update(p.lower() for p in w.split("-"))
    return words, compounds


def hyphen_kind(left: str, right: str, words: set[str], compounds: set[str],
                known: frozenset[str] = frozenset(), doubtful: frozenset[str] = frozenset(),
                solid: frozenset[str] = frozenset()) -> str:
    """'keep', 'join' or 'doubt' for the line-end hyphen between ``left`` and ``right``."""
    whole = f"{left}-{right}".lower()
    part = re.compile(rf"(?:^|-){re.escape(whole)}(?:-|$)")
    if any(part.search(c) for c in known):
        return "keep"  # the compound, or a hyphenated part of a longer one
    if right[:1].isupper() or right[:1].isdigit() or left[-1:].isdigit():
        return "keep"
    if whole in compounds:
        return "keep"
    if whole in doubtful:
        return "doubt"
    tail = left.split("-")[-1].lower()
    joined = (tail + right).lower()
    if tail in words and right.lower() in words and joined not in words \
            and joined not in solid and len(tail) > 2 and len(right) > 2:
        return "doubt"
    return "join"


def dehyphenate(draft: Draft) -> Draft:
    words, compounds = _words(draft.lines)
    lines = draft.lines
    consumed: set[int] = set()
    for i, ln in enumerate(lines[:-1]):
        m = _LINE_END_HYPHEN.search(ln.text)
        nxt = lines[i + 1]
        if not m or not nxt.text:
            continue
        head = _HEAD.match(nxt.text)
        if not head:
            continue
        left = m.group(1).split()[-1]
        word = head.group(1)
        right = re.match(r"[A-Za-z0-9]+", word)
        if not right:
            continue
        kind = hyphen_kind(left.strip("\"'("), right.group(0), words, compounds,
                           _option(draft, "known_compounds"), _option(draft, "doubtful_compounds"),
                           _option(draft, "solid_words"))
        if kind == "doubt":
            draft.suspicious.append(Suspicious(ln.src, f"{left}-{right.group(0)}",
                                               "line-end hyphen between two words: "
                                               "removed, but the compound may be real"))
        glue = "-" if kind == "keep" else ""
        ln.text = ln.text[:-1] + glue + word
        nxt.text = head.group(2).lstrip()
        if not nxt.text:
            consumed.add(i + 1)
            draft.meta.setdefault("carried", {})[ln.src] = nxt.src
    # a line whose only word went up to the line before is gone
    draft.lines = [ln for i, ln in enumerate(lines) if i not in consumed]
    return draft


def join_paragraphs(draft: Draft) -> Draft:
    paras: list[Line] = []
    srcmaps: list[list[tuple[int, int]]] = []
    cur: list[Line] = []
    carried: dict[int, int] = draft.meta.get("carried", {})

    def flush() -> None:
        if not cur:
            return
        text, spans = "", []
        for ln in cur:
            if text and not text.endswith("\u2014") and not ln.text.startswith("\u2014"):
                text += " "
            spans.append((len(text), ln.src))
            text += ln.text
            if ln.src in carried:  # the line whose last word this line took up
                spans.append((len(text), carried[ln.src]))
        paras.append(Line(text, cur[0].src))
        srcmaps.append(spans)
        cur.clear()

    for ln in draft.lines:
        if not ln.text:
            flush()
        elif is_section_break(ln.text):
            flush()
            cur.append(Line("* * *", ln.src))
            flush()
        else:
            cur.append(ln)
    flush()
    draft.lines = paras
    draft.meta["srcmap"] = srcmaps
    return draft


def src_at(draft: Draft, para: int, offset: int) -> int:
    """The source line of character ``offset`` in paragraph ``para``."""
    spans = draft.meta["srcmap"][para]
    line = spans[0][1]
    for start, src in spans:
        if start > offset:
            break
        line = src
    return line


_INITIALISM = re.compile(r"(?<![\w.])[A-Za-z]\.(?: [A-Za-z]\.)+")


def bind_initialisms(draft: Draft) -> Draft:
    for ln in draft.lines:
        ln.text = _INITIALISM.sub(lambda m: m.group(0).replace(" ", NNBSP), ln.text)
    return draft
