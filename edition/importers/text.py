"""The generic importer for a text a user brings: plain text (``.txt``) or Markdown (``.md``).

Nothing in it knows a particular document: what is boilerplate in *this* source is said in
data, by the ``strip:`` patterns of its entry in ``sources/sources.yaml``.  The chain:

``apply_corrections``  the recorded emendations, at their source line (sources.py)
``strip_patterns``     every line matching one of the source's ``strip:`` patterns is removed,
                       recorded as a Removal with the pattern that took it
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
from collections.abc import Callable

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
from .encoding import decode_text as decode  # noqa: F401  (the hook run.source_text calls)
from .front import front_matter_for
from .quotes import curl
from .sources import apply_corrections
from .suspicious import find_suspicious
from .web import (
    _LINE_START,
    body_of,
    draft_from_text,
    escape_list_starts,
    escape_markdown,
    notes_to_footnotes,
    spaced_initialisms,
    subheadings,
)


def normalised(text: str) -> str:
    """A line as every line pattern (``strip``, ``separator``, ``start_after``,
    ``end_before``) sees it: spaces and tabs at its ends dropped, every run of white space
    (U+00A0 too) one space.  So ``^%$`` matches a line ``  %`` and ``^\\* \\* \\*$`` a line
    ``*   *   *``."""
    return " ".join(text.replace("\u00a0", " ").split())


def line_matcher(draft: Draft, key: str, pattern: str) -> Callable[[Line], bool]:
    """Whether a line's text (as ``normalised`` gives it) matches a line pattern of the source's
    entry (``strip``, ``separator``, ``start_after``, ``end_before``): searched on the
    ``regex`` engine with a time limit, so that a pattern such as ``(a+)+$`` from a book
    folder cannot hang the import (userregex.py); one that takes too long is an error."""
    from ..userregex import TooSlow, compile_user, search

    pat = compile_user(pattern)

    def matches(line: Line) -> bool:
        text = normalised(line.text)
        try:
            return bool(text) and search(pat, text) is not None
        except TooSlow:
            from ..diagnostics import BookError, Diagnostic, Severity

            raise BookError(Diagnostic("sources/sources.yaml", None, Severity.ERROR,
                                       f"source '{draft.record.id}': the {key} pattern {pattern!r} "
                                       f"takes too long on line {line.src} of the source (it backtracks "
                                       "without end: write it without nested repetition)",
                                       "source.strip-slow")) from None
    return matches


def strip_patterns(draft: Draft) -> Draft:
    """Lines matching a ``strip:`` pattern of the source (a Python regular expression,
    searched in the line as ``normalised`` gives it, by ``line_matcher``) leave the text, each
    recorded.  The lines around a removed line are joined as if it had not been there (a
    running head in a paragraph); pieces a line divides are the ``separator``'s business."""
    pats = [(line_matcher(draft, "strip", p), p) for p in draft.record.strip]
    if not pats:
        return draft
    keep: list[Line] = []
    for ln in draft.lines:
        hit = next((src for matches, src in pats if matches(ln)), None)
        if hit is None:
            keep.append(ln)
        else:
            draft.removed.append(Removal(ln.src, ln.src, ln.text.strip(),
                                         f"boilerplate: matches the strip pattern {hit!r}"))
    draft.lines = keep
    return draft


def cut_ends(draft: Draft) -> Draft:
    """``start_after``: the lines up to the first line matching it, that line included,
    leave the text (a Project Gutenberg header); ``end_before``: the first line after the
    start matching it and all that follows (the licence at the end).  Each is one removal
    on record, with its lines.  A pattern that matches no line removes nothing (and
    ``edition import`` warns at its line)."""
    rec = draft.record
    lines = draft.lines
    if rec.start_after:
        matches = line_matcher(draft, "start_after", rec.start_after)
        at = next((i for i, ln in enumerate(lines) if matches(ln)), None)
        if at is not None:
            _cut(draft, 0, at + 1, f"header: up to the line matching start_after {rec.start_after!r}")
    if rec.end_before:
        matches = line_matcher(draft, "end_before", rec.end_before)
        lines = draft.lines
        at = next((i for i, ln in enumerate(lines) if matches(ln)), None)
        if at is not None:
            _cut(draft, at, len(lines), f"footer: from the line matching end_before {rec.end_before!r}")
    return draft


def _cut(draft: Draft, a: int, b: int, reason: str) -> None:
    part = draft.lines[a:b]
    text = "\n".join(ln.text for ln in part).strip("\n")
    if text.strip():
        first = next(ln.src for ln in part if ln.text.strip())
        last = next(ln.src for ln in reversed(part) if ln.text.strip())
        draft.removed.append(Removal(first, last, text, reason))
    del draft.lines[a:b]


def separators(draft: Draft) -> Draft:
    """A line matching the source's ``separator`` (as ``normalised`` gives it) divides two
    pieces: it becomes a paragraph break (``pieces: paragraphs``) or a section break
    ``* * *`` (``pieces: sections``), never a join.  The separator lines are not removals one
    by one: the rule is on record once, in sources.yaml (fidelity.tally knows it)."""
    rec = draft.record
    if not rec.separator:
        return draft
    matches = line_matcher(draft, "separator", rec.separator)
    out: list[Line] = []
    n = 0
    for ln in draft.lines:
        if not matches(ln):
            out.append(ln)
            continue
        n += 1
        brk = Line("", ln.src)
        out.append(brk)
        draft.meta.setdefault("breaks", set()).add(id(brk))
    draft.meta["separators"] = n
    draft.lines = out
    return draft


def section_marks(draft: Draft) -> Draft:
    """``pieces: sections``: the break a separator left becomes ``* * *`` (after the
    escaping of Markdown characters, so that it stays a thematic break), between pieces only."""
    if draft.record.pieces != "sections" or not draft.meta.get("breaks"):
        return draft
    breaks = draft.meta["breaks"]
    out: list[Line] = []
    pending: Line | None = None
    for ln in draft.lines:
        if id(ln) in breaks:
            pending = pending or ln
            continue
        if ln.text.strip() and pending is not None:
            if any(x.text.strip() for x in out):
                out.extend([Line("", pending.src), Line("* * *", pending.src), Line("", pending.src)])
            pending = None
        out.append(ln)
    draft.lines = out
    return draft


def keep_lines(draft: Draft) -> Draft:
    """``lines: keep``: every line of a paragraph but its last ends in a hard break, so a
    verse or an aphorism keeps its lines."""
    if draft.record.lines != "keep":
        return draft
    for para in blocks(draft.lines):
        if draft.lines[para[0]].text.startswith(("## ", "* * *")):
            continue
        for k, i in enumerate(para):
            ln = draft.lines[i]
            if k and (m := _LINE_START.match(ln.text)):  # a kept line may not start a block
                mark = m.group(2)
                esc = mark + "\\" if mark[0].isdigit() else "\\" + mark
                ln.text = ln.text[: m.start(2)] + esc + ln.text[m.end(2):]
            body = ln.text.lstrip(" \t")
            indent = ln.text[: len(ln.text) - len(body)].replace("\t", "    ")
            # Markdown drops a line's leading spaces (or makes four a code block): the
            # indentation of a verse stays as no-break spaces
            ln.text = "\u00a0" * len(indent) + body.rstrip() + ("\\" if k < len(para) - 1 else "")
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


_FRONT = re.compile(r"^---[ \t]*$")


def front_matter_of(lines: list[str]) -> tuple[int, dict[str, str]]:
    """A Markdown file's YAML front matter: (its number of lines, its plain string fields);
    (0, {}) when it has none or it is not a mapping."""
    if not lines or not _FRONT.match(lines[0]):
        return 0, {}
    end = next((i for i in range(1, len(lines)) if _FRONT.match(lines[i]) or lines[i] == "..."), None)
    if end is None:
        return 0, {}
    import yaml

    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError:
        return 0, {}
    if not isinstance(data, dict):
        return 0, {}
    return end + 1, {str(k): str(v) for k, v in data.items() if isinstance(v, str | int | float)}


def markdown_front(draft: Draft) -> Draft:
    """A Markdown source's own front matter leaves the body, recorded: the chapter has the
    record's (``edition import PATH`` takes its title and author from it)."""
    n, _fields = front_matter_of([ln.text for ln in draft.lines])
    if n:
        _cut(draft, 0, n, "header: the file's front matter (the chapter's comes from sources.yaml)")
    return draft


def steps_for(record: SourceEntry) -> list:
    if _is_markdown(record):
        return [apply_corrections, markdown_front, cut_ends, strip_patterns, separators, join_hyphens,
                notes_to_footnotes, curl_quotes, section_marks, spaced_initialisms, find_suspicious]
    join = [] if record.lines == "keep" else [join_hyphens]
    heads = [] if record.lines == "keep" or record.separator else [subheadings]
    return [apply_corrections, cut_ends, strip_patterns, separators, escape_markdown, *join,
            notes_to_footnotes, curl_quotes, *heads, escape_list_starts, keep_lines,
            section_marks, spaced_initialisms, find_suspicious]


def import_source(text: str, record: SourceEntry, corrections: list[Correction]) -> ImportResult:
    draft = run_steps(draft_from_text(text, record, corrections), steps_for(record))
    return ImportResult(front_matter=front_matter_for(record), body=body_of(draft),
                        applied=draft.applied, removed=draft.removed,
                        suspicious=draft.suspicious, unused=draft.meta.get("unused", []),
                        separators=draft.meta.get("separators", 0))
