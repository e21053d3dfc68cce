"""Tokens that look like transcription errors: reported, never guessed at.

``find_suspicious`` is an importer step (``Draft -> Draft``): whatever the recorded
corrections did not fix and still looks wrong is added to ``draft.suspicious``.
"""

from __future__ import annotations

import re

from .base import Draft, Suspicious

_SUSPECTS = [
    (re.compile(r"\b\w+\.\s(?=[a-z])"), "period before a lower-case word"),
    (re.compile(r"\s[,.;:](?=\s|$)"), "space before punctuation"),
    (re.compile(r"(?:^|\s)’(?=\w)"), "closing quote used as an opening quote"),
    (re.compile(r"[\u2017]"), "U+2017 (double low line) in the text"),
    (re.compile(r"\b(?=\w*\d)(?=\w*[A-Za-z])\w+\b"), "letters and digits mixed"),
    (re.compile(r"\b(\w+) \1\b", re.I), "word doubled"),
    (re.compile(r"(?<![\w.’'‘])[b-hj-z](?=\s|$)"), "a lone letter"),
]
# abbreviations a lower-case word may follow
_ABBREV = re.compile(r"\b(etc|viz|i\.e|e\.g|cf|vs|p|pp|vol|no)\.\s$", re.I)
_DOUBLES_OK = {"had had", "that that"}
_ORDINAL = re.compile(r"^\d+(st|nd|rd|th|s)$")


def find_suspicious(draft: Draft) -> Draft:
    """Tokens that look like errors and were not corrected are reported, not guessed at."""
    for ln in draft.lines:
        text = ln.text
        if text.startswith("[^") or text.startswith(":::"):
            text = text.split("]:", 1)[-1] if text.startswith("[^") else ""
        for pat, why in _SUSPECTS:
            for m in pat.finditer(text):
                tok = m.group(0).strip()
                if why.startswith("period") and _ABBREV.search(text[: m.end()]):
                    continue
                if why.startswith("period") and re.search(r"\b[A-Z]\.\s$", text[: m.end()]):
                    continue  # an initial: "L. D."
                if why.startswith("letters") and _ORDINAL.match(tok):
                    continue
                if why.startswith("word doubled") and tok.lower() in _DOUBLES_OK:
                    continue
                draft.suspicious.append(Suspicious(ln.src, tok, why))
    return draft


