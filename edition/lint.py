"""Lint rules over the parsed book (codes are stable; silence them in book.yaml)."""

from __future__ import annotations

from .diagnostics import Reporter
from .model import Book


def lint(book: Book, reporter: Reporter) -> None:
    for ch in book.chapters:
        if ch.meta.kind == "document":
            for key in ("author", "date", "source"):
                if not getattr(ch.meta, key):
                    reporter.warning(ch.location.file, 1, f"chapter has no '{key}' in its front matter",
                                     "meta.missing")
