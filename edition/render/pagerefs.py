"""Page references for the print edition: folios -> ordered runs, "12–14, 17".

The glossary and the index print the pages on which their terms occur.  The writer
knows the page of every anchor after the first layout pass (``Writer.page``: roman in
the front matter, arabic from 1 in the body); ``merge_pages`` is the one place that
merges those folios into runs (``glossary.page_ranges`` and ``index`` use it).
"""

from __future__ import annotations

from collections.abc import Iterable

EN_DASH = "\u2013"
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def roman_value(text: str) -> int | None:
    """The value of a lower-case roman numeral, or None if it is not one."""
    if not text or any(c not in _ROMAN for c in text):
        return None
    total = 0
    for i, c in enumerate(text):
        v = _ROMAN[c]
        total += -v if i + 1 < len(text) and _ROMAN[text[i + 1]] > v else v
    return total


def _key(folio: str) -> tuple[int, int] | None:
    """Sort key: front-matter (roman) pages before body (arabic) pages."""
    if folio.isdigit():
        return (1, int(folio))
    r = roman_value(folio)
    return (0, r) if r is not None else None


def merge_pages(folios: Iterable[str]) -> list[tuple[str, str]]:
    """Merge folios into ordered runs of consecutive pages: [(first, last), ...].

    Roman and arabic folios never join one run; duplicates collapse; folios that
    are neither (a "?" for a lost anchor) are dropped.
    """
    keyed = sorted({k: f for f in folios if (k := _key(f)) is not None}.items())
    runs: list[tuple[str, str]] = []
    prev: tuple[int, int] | None = None
    for key, folio in keyed:
        if runs and prev is not None and key[0] == prev[0] and key[1] == prev[1] + 1:
            runs[-1] = (runs[-1][0], folio)
        else:
            runs.append((folio, folio))
        prev = key
    return runs
