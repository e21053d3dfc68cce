"""Importer for a web biography saved as text, with numbered primary-source extracts.

A web page saved as text: one paragraph per line, the page title printed twice at
the top, section headings as bare lines, the captions of images that are gone, and,
after a heading ("Primary Sources", or the source's ``extracts_heading``), numbered
extracts ``(1)``, ``(2)``…, each headed by author, title and date.  What belongs to one
page (its reviewed doubts, readings kept as printed, front matter) is the source's data,
``sources/importers/<id>.yaml``.  The steps, in order (each ``Draft -> Draft``, tested on fixtures
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
reported with the import (``as_printed`` in the source's data), for the editor's notes.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from .base import Correction, Draft, ImportResult, Line, SourceEntry, Step, Suspicious, run_steps
from .biography_structure import drop_title, headings_and_captions, primary_sources
from .biography_text import (
    assemble,
    curl_quotes,
    escape_markdown,
    flag_suspicious,
    spaced_initialisms,
)
from .front import original_publication
from .sources import apply_corrections

# What is particular to the page is its data (sources/importers/<id>.yaml, read into
# ``record.options``): ``reviewed`` (flagged tokens the editor found right as printed: source
# line and token), ``as_printed`` (readings that seem mistaken, kept, reported for the notes),
# ``front_matter`` (what the chapter's front matter says instead of sources.yaml's record).


def reviewed_of(record: SourceEntry) -> frozenset[tuple[int, str]]:
    return frozenset((r["line"], r["token"]) for r in record.options.get("reviewed", ()))


def as_printed(draft: Draft) -> Draft:
    """Report the readings of ``as_printed``; one no longer found is itself reported."""
    by_src = {ln.src: ln.text for ln in draft.lines}
    for item in draft.record.options.get("as_printed", ()):
        line, token, why = item["line"], item["token"], item["why"]
        if token in by_src.get(line, ""):
            draft.suspicious.append(Suspicious(line, token, f"as printed, for an editor's note: {why}"))
        else:
            draft.suspicious.append(Suspicious(line, token, "listed as printed but not found"))
    return draft


def steps(record: SourceEntry) -> tuple[tuple[str, Step], ...]:
    reviewed = reviewed_of(record)
    return (
        ("corrections", apply_corrections),
        ("drop_title", drop_title),
        ("headings_and_captions", headings_and_captions),
        ("primary_sources", primary_sources),
        ("flag_suspicious", partial(flag_suspicious, reviewed=reviewed)),
        ("as_printed", as_printed),
        ("spaced_initialisms", spaced_initialisms),
        ("curl_quotes", partial(curl_quotes, reviewed=reviewed)),
        ("escape_markdown", escape_markdown),
    )


def draft_of(text: str, record: SourceEntry, corrections: list[Correction]) -> Draft:
    lines = [Line(t, i) for i, t in enumerate(text.split("\n"), start=1)]
    return Draft(record=record, lines=lines, corrections=list(corrections))


def latest_year_cited(text: str) -> int | None:
    """The latest year in a parenthesised date, e.g. ``(2013)`` or ``(11th October, 2009)``."""
    years = [int(y) for y in re.findall(r"\((?:[^()]*\D)?((?:19|20)\d\d)\)", text)]
    return max(years) if years else None


def front_matter(record: SourceEntry, draft: Draft, text: str) -> dict[str, Any]:
    """sources.yaml's record, with what the source's data (``front_matter``) says instead;
    the date, unless given, is "after" the latest year of a work the page cites."""
    year = latest_year_cited(text)
    fm: dict[str, Any] = {
        "title": draft.meta.get("title", record.title),
        "subtitle": record.subtitle,
        "author": record.author,
        "date": f"after {year}" if year else "undated",
        "original_publication": original_publication(record),
        "source": record.id,
        "translator": record.translator,
        "rights": record.rights,
    }
    fm.update({k: v for k, v in record.options.get("front_matter", {}).items() if v is not None})
    return {k: v for k, v in fm.items() if v is not None}


def import_source(text: str, record: SourceEntry, corrections: list[Correction]) -> ImportResult:
    draft = run_steps(draft_of(text, record, corrections), [s for _, s in steps(record)])
    body = assemble(draft)
    return ImportResult(
        front_matter=front_matter(record, draft, text),
        body=body,
        applied=draft.applied,
        removed=draft.removed,
        suspicious=sorted(draft.suspicious, key=lambda s: s.line),
        unused=list(draft.meta.get("unused", [])),
    )
