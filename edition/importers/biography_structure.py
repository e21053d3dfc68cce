"""Structure steps of the biography importer: page title, headings, captions, primary sources.

The source is the text of a web page: every paragraph is one line, paragraphs are
separated by blank lines, and what was layout on the page (the page title, section
headings, the captions of images that are no longer there) survives as short bare
lines.  These steps decide what each short line was and record the decision.

**The rule for headings and captions** (narrative part, before "Primary Sources").
A *block* is a run of non-blank lines with blank lines around it; a block is *bare*
when all its lines are short (at most ``SHORT`` characters) and none begins with a
quotation mark or a parenthesis (those are text).

* Leading pairs of identical lines (compared with runs of spaces collapsed) in a bare
  block are a caption printed twice (image title and caption text): removed.
* What is left, when it is exactly one line, is a **section heading** if it begins
  with a capital letter and ends without punctuation (``.,;:!?`` or a quotation
  mark), and otherwise a short paragraph of text.
* Two or more different short lines left in one block are caption debris (an image
  title over its caption, or a caption broken over lines): removed, one record per
  caption, where a line whose successor begins with a small letter runs on into it
  (a caption broken over two lines).

So a heading is a line standing alone (or right under a caption printed twice); a
caption never stands alone: it is printed twice or sits in a run of short lines.

**Primary sources.**  After the "Primary Sources" heading, a line ``(N) …`` standing
alone is the heading of extract *N*; the lines up to the next such heading are the
extract's text.  The numbers must run 1, 2, 3, … without a gap.
"""

from __future__ import annotations

import re

from .base import Draft, Line, Removal, Suspicious
from .base import blocks as base_blocks

SHORT = 80
CAPTION = "orphaned image caption"
PRIMARY = "Primary Sources"  # the default; a source's data may name its own (extracts_heading)
EXTRACT_HEAD = re.compile(r"^\((\d+)\)\s+\S")
_PUNCT_END = tuple('.,;:!?"”’\'')


def _norm(text: str) -> str:
    return " ".join(text.split())


blocks = base_blocks  # runs of non-blank lines (importers/base.py)


def is_bare(texts: list[str]) -> bool:
    return all(len(t) <= SHORT and not t.lstrip().startswith(('"', "“", "(", "'", "‘"))
               for t in texts)


def is_heading(text: str) -> bool:
    t = text.strip()
    return bool(t) and len(t) <= 60 and t[0].isupper() and not t.endswith(_PUNCT_END)


def _kinds(draft: Draft) -> dict[int, str]:
    kinds: dict[int, str] = draft.meta.setdefault("kinds", {})
    return kinds


def drop_title(draft: Draft) -> Draft:
    """The page title at the top (printed twice) becomes the front-matter title."""
    title = _norm(draft.record.title)
    drop: set[int] = set()
    for b in blocks(draft.lines):
        if not all(_norm(draft.lines[i].text) == title for i in b):
            break
        for i in b:
            ln = draft.lines[i]
            draft.removed.append(Removal(ln.src, ln.src, ln.text,
                                         "page title (the chapter title, in front matter)"))
            drop.add(i)
    if drop:
        draft.meta["title"] = draft.record.title
    draft.lines = [ln for i, ln in enumerate(draft.lines) if i not in drop]
    return draft


def _primary_index(lines: list[Line], heading: str = PRIMARY) -> int | None:
    for i, ln in enumerate(lines):
        if _norm(ln.text) == heading:
            before = i == 0 or not lines[i - 1].text.strip()
            after = i + 1 == len(lines) or not lines[i + 1].text.strip()
            if before and after:
                return i
    return None


def _remove_captions(draft: Draft, idx: list[int], drop: set[int]) -> None:
    """Record the lines ``idx`` as captions, a line running on into a lower-case successor."""
    group: list[int] = []
    for n, i in enumerate(idx):
        group.append(i)
        nxt = idx[n + 1] if n + 1 < len(idx) else None
        if nxt is not None and draft.lines[nxt].text.lstrip()[:1].islower():
            continue
        first, last = draft.lines[group[0]], draft.lines[group[-1]]
        text = "\n".join(draft.lines[g].text for g in group)
        draft.removed.append(Removal(first.src, last.src, text, CAPTION))
        drop.update(group)
        group = []


def headings_and_captions(draft: Draft) -> Draft:
    """Bare lines of the narrative: section headings (``##``) or orphaned captions (removed)."""
    kinds = _kinds(draft)
    end = _primary_index(draft.lines, draft.record.options.get("extracts_heading", PRIMARY))
    narrative = draft.lines if end is None else draft.lines[: end + 1]
    drop: set[int] = set()
    for b in blocks(narrative):
        texts = [draft.lines[i].text for i in b]
        if not is_bare(texts):
            continue
        rest = list(b)
        while len(rest) >= 2 and _norm(draft.lines[rest[0]].text) == _norm(draft.lines[rest[1]].text):
            a, c = draft.lines[rest[0]], draft.lines[rest[1]]
            draft.removed.append(Removal(a.src, c.src, f"{a.text}\n{c.text}", CAPTION))
            drop.update(rest[:2])
            rest = rest[2:]
        if len(rest) == 1:
            if is_heading(draft.lines[rest[0]].text):
                kinds[draft.lines[rest[0]].src] = "h2"
        elif rest:
            _remove_captions(draft, rest, drop)
    draft.lines = [ln for i, ln in enumerate(draft.lines) if i not in drop]
    draft.removed.sort(key=lambda r: r.line)
    return draft


def primary_sources(draft: Draft) -> Draft:
    """Numbered extracts after "Primary Sources": ``###`` headings, text set as extracts."""
    kinds = _kinds(draft)
    start = _primary_index(draft.lines, draft.record.options.get("extracts_heading", PRIMARY))
    if start is None:
        return draft
    kinds[draft.lines[start].src] = "h2"
    extracts: list[tuple[int, int]] = []  # (number, source line of the heading)
    for b in blocks(draft.lines[start + 1 :]):
        i = b[0] + start + 1
        ln = draft.lines[i]
        m = EXTRACT_HEAD.match(ln.text)
        if m and len(b) == 1:
            n = int(m.group(1))
            expected = extracts[-1][0] + 1 if extracts else 1
            if n != expected:
                draft.suspicious.append(Suspicious(ln.src, f"({n})",
                                                   f"extract number out of sequence (expected ({expected}))"))
            kinds[ln.src] = "h3"
            extracts.append((n, ln.src))
        elif not extracts:
            draft.suspicious.append(Suspicious(ln.src, ln.text[:40], "text before the first numbered extract"))
    draft.meta["extracts"] = extracts
    return draft
