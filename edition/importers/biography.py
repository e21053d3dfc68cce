"""Importer for the modern web biography "Leon Trotsky" (source ``biography-leon-trotsky``).

A web page saved as text: one paragraph per line, the page title printed twice at
the top, section headings as bare lines, the captions of images that are gone, and
"Primary Sources": 44 numbered extracts ``(1)``…``(44)``, each headed by author,
title and date.  The steps, in order (each ``Draft -> Draft``, tested on fixtures
in ``tests/fixtures/import/biography/<step>/``):

1. ``corrections``          the recorded emendations (sources/corrections/<id>.yaml)
2. ``drop_title``           page title -> front matter (recorded as removed)
3. ``headings_and_captions`` bare lines -> ``##`` headings or removed captions
                             (the rule: ``biography_structure``)
4. ``primary_sources``      ``(N) …`` -> ``###`` headings, text set as extracts
5. ``flag_suspicious``      debris-like tokens left, reported, not guessed at
6. ``as_printed``           readings kept although they seem mistaken, reported
7. ``spaced_initialisms``   inner spaces of ``G. P. U.`` -> U+202F
8. ``curl_quotes``          " and ' -> “ ” ‘ ’
9. ``escape_markdown``      the text cannot be misread as Markdown

Readings where the original itself seems mistaken (a name spelled two ways, a date
that disagrees with another in the page, a word missing) are kept as printed and
reported with the import (``AS_PRINTED``), for the editor's notes.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from .base import Correction, Draft, ImportResult, Line, SourceRecord, Step, Suspicious, run_steps
from .biography_structure import drop_title, headings_and_captions, primary_sources
from .biography_text import (
    assemble,
    curl_quotes,
    escape_markdown,
    flag_suspicious,
    spaced_initialisms,
)
from .sources import apply_corrections

# Flagged by a check, read by the editor and found right as printed (source line, token):
# real doubled words, MI6, and quotes the curler doubts but sets correctly (the closing
# quote of 577 follows a double quote; those of 590 are already curly in the source;
# the closing quote of 740 stands after a space).
REVIEWED: frozenset[tuple[int, str]] = frozenset({
    (141, "MI6"),
    (264, "had had"),
    (577, "that that"),
    (670, "No no"),
    (577, "'What"),
    (590, "'most"),
    (590, "'dustbin"),
    (740, '"'),
})

# The original seems mistaken here; kept as printed, for the editor's notes.
AS_PRINTED: tuple[tuple[int, str, str], ...] = (
    (9, "Sokolnikov in 1897 formed", "a word seems missing (“and formed”)"),
    (43, "a yellow fellow", "perhaps “a young fellow”; kept"),
    (53, "ordered that the ringleaders to be shot", "syntax as printed"),
    (88, "I told Lenin that nothing separated me", "this passage is printed twice (lines 88 and 94)"),
    (108, "Without losing a single moment", "lines 100-104 and 108-112 tell the same events twice"),
    (114, "Lev Davydovich", "spelled Lev Davidovich elsewhere"),
    (161, "Uritzky", "spelled Uritsky elsewhere"),
    (264, "Natalya", "spelled Natalia elsewhere in the narrative"),
    (268, "Kazhakstan", "so spelled twice (Kazakhstan)"),
    (276, "Sergy Kirov", "so spelled throughout (Sergei)"),
    (322, "Lev Sedov was warned", "lines 322 and 324 print the same paragraph twice"),
    (336, "The Russian Revolution Betrayed", "the book is known as The Revolution Betrayed"),
    (384, "It is possible", "a question: “Is it possible”?"),
    (460, "Menshinsky", "Menzhinsky on line 27"),
    (492, "In March, 1922", "the narrative (line 208) puts the appointment in April 1922"),
    (492, "Robbins", "Raymond Robins"),
    (510, "imperceptively", "as printed (imperceptibly)"),
    (568, "was-absolute", "a hyphen where a space or dash is expected"),
    (576, "Andrev", "“Andrew” later in the same paragraph"),
    (593, "Bronstein", "Bronshtein on line 5"),
    (625, "(1930)", "History of the Russian Revolution is dated 1932 in extract (32)"),
)


def as_printed(draft: Draft) -> Draft:
    """Report the readings of ``AS_PRINTED``; one no longer found is itself reported."""
    by_src = {ln.src: ln.text for ln in draft.lines}
    for line, token, why in AS_PRINTED:
        if token in by_src.get(line, ""):
            draft.suspicious.append(Suspicious(line, token, f"as printed, for an editor's note: {why}"))
        else:
            draft.suspicious.append(Suspicious(line, token, "listed as printed but not found"))
    return draft


STEPS: tuple[tuple[str, Step], ...] = (
    ("corrections", apply_corrections),
    ("drop_title", drop_title),
    ("headings_and_captions", headings_and_captions),
    ("primary_sources", primary_sources),
    ("flag_suspicious", partial(flag_suspicious, reviewed=REVIEWED)),
    ("as_printed", as_printed),
    ("spaced_initialisms", spaced_initialisms),
    ("curl_quotes", partial(curl_quotes, reviewed=REVIEWED)),
    ("escape_markdown", escape_markdown),
)


def draft_of(text: str, record: SourceRecord, corrections: list[Correction]) -> Draft:
    lines = [Line(t, i) for i, t in enumerate(text.split("\n"), start=1)]
    return Draft(record=record, lines=lines, corrections=list(corrections))


def latest_year_cited(text: str) -> int | None:
    """The latest year in a parenthesised date, e.g. ``(2013)`` or ``(11th October, 2009)``."""
    years = [int(y) for y in re.findall(r"\((?:[^()]*\D)?((?:19|20)\d\d)\)", text)]
    return max(years) if years else None


def front_matter(record: SourceRecord, draft: Draft, text: str) -> dict[str, Any]:
    year = latest_year_cited(text)
    date = f"after {year}" if year else "undated"  # the latest year of a work it cites
    return {
        "title": draft.meta.get("title", record.title),
        "subtitle": "A modern web biography, with primary sources",
        "author": "Anonymous",
        "date": date,
        "original_publication": record.publication or "Web page; publisher not named",
        "source": record.id,
        "rights": "not stated; this edition treats the text as not in the public domain",
    }


def import_source(text: str, record: SourceRecord, corrections: list[Correction]) -> ImportResult:
    draft = run_steps(draft_of(text, record, corrections), [s for _, s in STEPS])
    body = assemble(draft)
    return ImportResult(
        front_matter=front_matter(record, draft, text),
        body=body,
        applied=draft.applied,
        removed=draft.removed,
        suspicious=sorted(draft.suspicious, key=lambda s: s.line),
        unused=list(draft.meta.get("unused", [])),
    )
