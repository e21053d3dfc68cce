"""Book-wide integrity checks that stop a build as well as a check.

Run as the first transform of the pipeline (``pipeline.TRANSFORMS``):

* ``book.chapter-slug`` — two chapter files that would become the same EPUB
  document (``01-one.md`` and ``03-one.md`` both give ``one.xhtml``): the EPUB
  would hold two files of one name and the print edition two anchors of one id.
* ``glossary.see-cycle`` — see-also references that lead back to where they
  started (a → b → a): the reader is sent round in a circle.
* ``chapter.unknown-source`` — a chapter's ``source:`` names an id that
  ``sources/sources.yaml`` does not have (error, at the front-matter line; a book with no
  sources.yaml keeps ``source:`` as a plain label).
* ``book.chapter-unlisted`` — a Markdown file in ``chapters/`` that ``book.yaml`` does
  not list (warning: it is in no edition; ``edition import`` adds the chapters it writes).
"""

from __future__ import annotations

import re

from ..diagnostics import BookError, Reporter
from ..model import Book, Chapter, GlossaryEntry


def check_integrity(book: Book, reporter: Reporter) -> Book:
    duplicate_slugs(book, reporter)
    see_cycle_errors(book, reporter)
    unknown_sources(book, reporter)
    unlisted_chapters(book, reporter)
    return book


_SOURCE_LINE = re.compile(r"^source:", re.M)


def _front_matter_line(ch: Chapter, key_re: re.Pattern[str]) -> int | None:
    from ..diagnostics import BookError
    from ..gate import read_text

    try:  # through the gate (#27): no link out, no FIFO
        head = read_text(ch.path, ch.location.file).split("\n---", 1)[0]
    except BookError:
        return None
    m = key_re.search(head)
    return head.count("\n", 0, m.start()) + 1 if m else None


def unknown_sources(book: Book, reporter: Reporter) -> None:
    """A chapter's ``source:`` must be an id of sources/sources.yaml."""
    named = [ch for ch in book.chapters if ch.meta.source]
    if not named or not (book.root / "sources" / "sources.yaml").is_file():
        return  # a book without a record of its sources: ``source:`` is only a label
    from ..gate import read_text
    from ..project import checked
    from ..yamlio import load_yaml

    rel = "sources/sources.yaml"

    def ids() -> list[str]:
        data = load_yaml(text, rel)
        return sorted({str(item["id"]) for item in (data or {}).get("sources") or []
                       if isinstance(item, dict) and "id" in item})

    try:  # the ids alone, read as data: a build loads none of the importers; through the
        text = read_text(book.root / rel, rel, book.root)  # memo: a rebuild parses no YAML
        known = set(checked(book.root, rel, text, ids, part="#source-ids"))
    except (BookError, AttributeError, TypeError):
        return  # sources.yaml's own errors are reported by the check of the sources
    for ch in named:
        if ch.meta.source not in known:
            hint = f" (known: {', '.join(sorted(known))})"
            reporter.error(ch.location.file, _front_matter_line(ch, _SOURCE_LINE),
                           f"source '{ch.meta.source}' is not an id in sources/sources.yaml{hint}",
                           "chapter.unknown-source")


def unlisted_chapters(book: Book, reporter: Reporter) -> None:
    """A chapter file no one lists is in no edition: a warning, not silence."""
    folder = book.root / "chapters"
    if not folder.is_dir():
        return
    listed = set(book.meta.chapters)
    for path in sorted(folder.glob("*.md")):
        if path.name not in listed:
            reporter.warning(f"chapters/{path.name}", None,
                             f"chapters/{path.name} is not listed in book.yaml's chapters: it is "
                             f"in no edition (add '  - {path.name}' to book.yaml, or remove it)",
                             "book.chapter-unlisted")


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
