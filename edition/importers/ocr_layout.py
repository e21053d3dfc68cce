"""OCR layout steps: the page as scanned -> lines of running text.

Each step is a ``Draft -> Draft`` function working on ``draft.lines`` (one ``Line``
per source line, ``src`` = 1-based source line).  A blank ``Line`` (text ``""``)
stands for a paragraph break once ``mark_paragraphs`` has run.

* ``split_title``        the opening block (up to the first blank line) is the title:
                         removed from the body, recorded, kept in ``meta['title_lines']``.
* ``drop_marginalia``    a line with no run of three letters (``.%in - r : . a . a``,
                         ``..-.``) is page debris, unless it is a section break (``* * *``).
* ``mark_paragraphs``    runs of two or more blank lines are page breaks; every blank
                         run is dropped unless it ends a paragraph (see ``is_paragraph_end``).
* ``normalise_spaces``   runs of spaces become one; lines are stripped.
"""

from __future__ import annotations

import re

from .base import Draft, Line, Removal

SECTION_BREAK = re.compile(r"^\*(?: \*)+$")
_THREE_LETTERS = re.compile(r"[A-Za-z]{3}")
_TERMINAL = re.compile(r"[.!?]['\"\u2019\u201d)]*$")
_STARTS_NEW = re.compile(r"^['\"(\u2018\u201c]*[A-Z0-9]")


def is_section_break(text: str) -> bool:
    return bool(SECTION_BREAK.match(text.strip()))


def split_lines(text: str) -> list[Line]:
    return [Line(t, i) for i, t in enumerate(text.split("\n"), 1)]


def split_title(draft: Draft) -> Draft:
    lines = draft.lines
    i = 0
    while i < len(lines) and not lines[i].text.strip():
        i += 1
    j = i
    while j < len(lines) and lines[j].text.strip():
        j += 1
    if j > i:
        block = lines[i:j]
        draft.meta["title_lines"] = [ln.text.strip() for ln in block]
        draft.removed.append(Removal(block[0].src, block[-1].src,
                                     "\n".join(ln.text.strip() for ln in block),
                                     "title block (becomes the chapter's title)"))
    draft.lines = lines[j:]
    return draft


def drop_marginalia(draft: Draft) -> Draft:
    kept: list[Line] = []
    for ln in draft.lines:
        t = ln.text.strip()
        if t and not is_section_break(t) and not _THREE_LETTERS.search(t):
            draft.removed.append(Removal(ln.src, ln.src, t, "page marginalia (OCR debris)"))
            continue
        kept.append(ln)
    draft.lines = kept
    return draft


def is_heading(text: str) -> bool:
    """A line of capitals only (``GLOSSARY``) is a heading and stands alone."""
    return bool(re.fullmatch(r"[A-Z][A-Z ]{3,}", text.strip()))


def is_paragraph_end(before: str, after: str) -> bool:
    """A blank run between two lines ends a paragraph when the line before closes a
    sentence (. ! ? possibly followed by a closing quote or bracket) and the line after
    opens one (capital or digit, possibly after an opening quote or bracket); a
    section break and a heading always stand alone."""
    b, a = before.strip(), after.strip()
    if is_section_break(b) or is_section_break(a) or is_heading(b):
        return True
    return bool(_TERMINAL.search(b)) and bool(_STARTS_NEW.match(a))


def mark_paragraphs(draft: Draft) -> Draft:
    out: list[Line] = []
    lines = draft.lines
    i = 0
    while i < len(lines):
        if lines[i].text.strip():
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and not lines[j].text.strip():
            j += 1
        run = lines[i:j]
        prev = out[-1].text if out else ""
        nxt = lines[j].text if j < len(lines) else ""
        page_break = len(run) >= 2
        if page_break:
            draft.removed.append(Removal(run[0].src, run[-1].src, "", "page break"))
        if prev and nxt and is_paragraph_end(prev, nxt):
            out.append(Line("", run[0].src))
        elif prev and nxt and not page_break:
            draft.removed.append(Removal(run[0].src, run[-1].src, "",
                                         "blank line inside a paragraph (OCR)"))
        i = j
    draft.lines = out
    return draft


def normalise_spaces(draft: Draft) -> Draft:
    for ln in draft.lines:
        ln.text = re.sub(r" {2,}", " ", ln.text.strip())
    return draft
