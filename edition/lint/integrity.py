"""Book-wide integrity checks that stop a build as well as a check.

Run as the first transform of the pipeline (``pipeline.TRANSFORMS``):

* ``book.chapter-slug`` — two chapter files that would become the same EPUB
  document (``01-one.md`` and ``03-one.md`` both give ``one.xhtml``): the EPUB
  would hold two files of one name and the print edition two anchors of one id.
* ``glossary.see-cycle`` — see-also references that lead back to where they
  started (a → b → a): the reader is sent round in a circle.
"""

from __future__ import annotations

from ..diagnostics import Reporter
from ..model import Book, GlossaryEntry


def check_integrity(book: Book, reporter: Reporter) -> Book:
    duplicate_slugs(book, reporter)
    see_cycle_errors(book, reporter)
    return book


def duplicate_slugs(book: Book, reporter: Reporter) -> None:
    lines: dict[int, int] = getattr(book.meta, "_chapter_lines", {}) or {}
    listed = {f"chapters/{rel}": lines.get(i) for i, rel in enumerate(book.meta.chapters)}
    first: dict[str, str] = {}
    for ch in book.chapters:
        other = first.setdefault(ch.slug, ch.location.file)
        if other != ch.location.file:
            reporter.error(book.meta.location.file, listed.get(ch.location.file),
                           f"{ch.location.file} and {other} would both be {ch.slug}.xhtml: "
                           "rename one of them", "book.chapter-slug")


def see_cycles(entries: list[GlossaryEntry]) -> list[list[str]]:
    """Every cycle of see-references, each once, starting at its smallest id."""
    graph = {e.id: list(e.see) for e in entries}
    cycles: set[tuple[str, ...]] = set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in graph.get(node, []):
            if nxt not in graph:
                continue
            if nxt in path:
                cyc = path[path.index(nxt):]
                k = cyc.index(min(cyc))
                cycles.add(tuple(cyc[k:] + cyc[:k]))
            elif len(path) < 64:
                visit(nxt, path + [nxt])

    for start in sorted(graph):
        visit(start, [start])
    return [list(c) for c in sorted(cycles)]


def see_cycle_errors(book: Book, reporter: Reporter) -> None:
    by_id = {e.id: e for e in book.glossary}
    for cycle in see_cycles(book.glossary):
        loc = by_id[cycle[0]].location
        reporter.error(loc.file, loc.line, "circular see-also references: "
                       + " → ".join(cycle + [cycle[0]]), "glossary.see-cycle")
