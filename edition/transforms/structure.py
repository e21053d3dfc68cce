"""What the Markdown parser would lose or run on without a word: errors instead.

* ``:::`` containers: one never closed would run to the end of the chapter (a letter
  swallowing the editor's afterword); ``::: name`` with a name the tool does not know, or a
  ``:::`` that closes nothing, would print as text.
* Nesting: markdown-it keeps ``maxNesting`` levels of blocks (20) and silently drops what is
  deeper (a list nested 1,000 deep kept 9 items; text in deep block quotes vanished).
"""

from __future__ import annotations

import re

from ..diagnostics import Reporter
from ..model import Book, Chapter, Fragment
from ..parse import CONTAINERS, markdown

_MARKER = re.compile(r"^[ \t>]*(:{3,})[ \t]*(.*?)[ \t]*$")


def _containers(src: Chapter | Fragment, text: str, reporter: Reporter) -> None:
    lines = text.split("\n")
    opened: set[int] = set()
    closed: set[int] = set()
    tokens = src.tokens
    for t in tokens:
        if t.type.startswith("container_") and t.type.endswith("_open") and t.map:
            start, end = t.map
            opened.add(start)
            m = _MARKER.match(lines[end]) if end < len(lines) else None
            if m and not m.group(2):
                closed.add(end)
            else:
                kind = t.type[len("container_"):-len("_open")]
                reporter.error(src.location.file, src.line_of(t.map),
                               f"'::: {kind}' is never closed (a line ':::' must end it)",
                               "markdown.container-unclosed")
    fenced = _code_lines(tokens)
    for i, line in enumerate(lines):
        m = _MARKER.match(line)
        if not m or i in opened or i in closed or i in fenced:
            continue
        where = src.line_of([i, i + 1])
        name = m.group(2).split()[0] if m.group(2) else ""
        if name:
            reporter.error(src.location.file, where,
                           f"unknown container '::: {name}' (known: {', '.join(CONTAINERS)})",
                           "markdown.container-unknown")
        else:
            reporter.error(src.location.file, where, "':::' closes no open container",
                           "markdown.container-unknown")


def _code_lines(tokens: list) -> set[int]:
    out: set[int] = set()
    for t in tokens:
        if t.type in ("fence", "code_block", "html_block") and t.map:
            out.update(range(t.map[0], t.map[1]))
    return out


def _nesting(src: Chapter | Fragment, reporter: Reporter) -> None:
    limit = int(markdown().options["maxNesting"]) - 1
    for t in src.tokens:
        if t.level >= limit:
            reporter.error(src.location.file, src.line_of(t.map),
                           f"blocks (lists, block quotes, containers) nested {limit} or more levels "
                           "deep: the parser would drop what is inside", "markdown.too-deep")
            return


def check_structure(book: Book, reporter: Reporter) -> Book:
    for ch in book.chapters:
        _containers(ch, ch.body, reporter)
        _nesting(ch, reporter)
    for fragment in book.fragments():
        _containers(fragment, fragment.text, reporter)
        _nesting(fragment, reporter)
    return book
