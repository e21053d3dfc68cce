"""The generic importer for a text a user brings: plain text (``.txt``) or Markdown (``.md``).

Nothing in it knows a particular document: what is boilerplate in *this* source is said in
data, by the ``strip:`` patterns of its entry in ``sources/sources.yaml``.  The chain:

``apply_corrections``  the recorded emendations, at their source line (sources.py)
``strip_patterns``     every line matching one of the source's ``strip:`` patterns is removed,
                       recorded as a Removal with the pattern that took it; a line matching
                       a ``breaks:`` pattern (a separator such as a fortune file's ``%``)
                       becomes a paragraph break, recorded likewise
``escape_markdown``    (plain text only) characters Markdown would read as markup are escaped
``join_hyphens``       a word broken by a hyphen at a line end is joined ("exam-" + "ple")
``notes_to_footnotes`` ``[N]`` calls (also right after a full stop) and the list after a
                       "Notes" line -> ``[^N]`` footnotes (web.py's step)
``curl_quotes``        straight quotes -> typographic (``quotes.curl``), doubts reported
``subheadings``        a bare title-case line standing alone -> ``## heading`` (plain text)
``spaced_initialisms`` "L. D." -> "L.\u202fD."
``find_suspicious``    tokens that look wrong are reported, never guessed at

The lines of a paragraph stay lines of one paragraph (Markdown joins them): a plain text
wrapped at 72 columns reads as the prose it is.
"""

from __future__ import annotations

import re

from .base import (
    Correction,
    Draft,
    ImportResult,
    Line,
    Removal,
    SourceEntry,
    Suspicious,
    blocks,
    run_steps,
)
from .quotes import curl
from .run import front_matter_for
from .sources import apply_corrections
from .suspicious import find_suspicious
from .web import (
    body_of,
    draft_from_text,
    escape_list_starts,
    escape_markdown,
    notes_to_footnotes,
    spaced_initialisms,
    subheadings,
)


def strip_patterns(draft: Draft) -> Draft:
    """Lines matching a ``strip:`` pattern of the source (a Python regular expression,
    searched in the line with its spaces normalised) leave the text, each recorded."""
    pats = [(re.compile(p), p) for p in draft.record.strip]
    breaks = [(re.compile(p), p) for p in draft.record.breaks]
    if not pats and not breaks:
        return draft
    keep: list[Line] = []
    for ln in draft.lines:
        t = " ".join(ln.text.replace("\u00a0", " ").split())
        hit = next((src for pat, src in pats if t and pat.search(t)), None)
        sep = next((src for pat, src in breaks if t and pat.search(t)), None)
        if sep is not None:  # a separator (a fortune file's "%"): a paragraph break in its place
            keep.append(Line("", ln.src))
            draft.removed.append(Removal(ln.src, ln.src, ln.text.strip(),
                                         f"separator: matches the break pattern {sep!r}"))
        elif hit is None:
            keep.append(ln)
        else:
            draft.removed.append(Removal(ln.src, ln.src, ln.text.strip(),
                                         f"boilerplate: matches the strip pattern {hit!r}"))
    draft.lines = keep
    return draft


_HYPHEN_END = re.compile(r"(\w+)-$")
_NEXT_WORD = re.compile(r"^(\s*)([a-z]\w*)([^\s]*)\s*")


def join_hyphens(draft: Draft) -> Draft:
    """``exam-`` at a line end + ``ple …`` on the next line of the same paragraph ->
    ``example`` on the first line (a hyphen before a capital or a digit is kept)."""
    lines = draft.lines
    emptied: set[int] = set()
    for i in range(len(lines) - 1):
        a, b = lines[i], lines[i + 1]
        m = _HYPHEN_END.search(a.text.rstrip())
        if not m or not b.text.strip():
            continue
        n = _NEXT_WORD.match(b.text)
        if not n:
            continue
        a.text = a.text.rstrip()[:-1] + n.group(2) + n.group(3)
        b.text = b.text[n.end():]
        if not b.text.strip():
            emptied.add(i + 1)  # the whole line was the word's end: not a paragraph break
    draft.lines = [ln for i, ln in enumerate(lines) if i not in emptied]
    return draft


def curl_quotes(draft: Draft) -> Draft:
    """Straight quotes curled paragraph by paragraph; every doubtful case is reported."""
    for para in blocks(draft.lines):
        group = [draft.lines[i] for i in para]
        joined = "\n".join(ln.text for ln in group)
        if '"' not in joined and "'" not in joined:
            continue
        curled, doubts = curl(joined)
        for ln, part in zip(group, curled.split("\n"), strict=True):
            ln.text = part
        starts = []
        pos = 0
        for ln in group:
            starts.append(pos)
            pos += len(ln.text) + 1
        for d in doubts:
            k = max(j for j, s in enumerate(starts) if s <= d.offset)
            draft.suspicious.append(Suspicious(group[k].src, d.token, d.why))
    return draft


def _is_markdown(record: SourceEntry) -> bool:
    return record.file.lower().endswith((".md", ".markdown"))


def source_view(text: str, record: SourceEntry) -> list[Line]:
    """The source's words as lines: a Markdown source without its markup (a ``##``, an
    emphasis mark, an escape are not words), plain text as it is."""
    lines = [Line(t, i + 1) for i, t in enumerate(text.split("\n"))]
    if _is_markdown(record):
        from .fidelity import markdown_words

        for ln in lines:
            ln.text = " ".join(w for w, _ in markdown_words(ln.text))
    return lines


def steps_for(record: SourceEntry) -> list:
    if _is_markdown(record):
        return [apply_corrections, strip_patterns, join_hyphens, notes_to_footnotes, curl_quotes,
                spaced_initialisms, find_suspicious]
    return [apply_corrections, strip_patterns, escape_markdown, join_hyphens, notes_to_footnotes,
            curl_quotes, subheadings, escape_list_starts, spaced_initialisms, find_suspicious]


def import_source(text: str, record: SourceEntry, corrections: list[Correction]) -> ImportResult:
    draft = run_steps(draft_from_text(text, record, corrections), steps_for(record))
    return ImportResult(front_matter=front_matter_for(record), body=body_of(draft),
                        applied=draft.applied, removed=draft.removed,
                        suspicious=draft.suspicious, unused=draft.meta.get("unused", []))
