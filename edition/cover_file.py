"""The editor's own cover file (book.yaml ``cover:``), read and checked: read by the
transforms (``transforms/credits.py``, so that ``edition check`` reports it) and by the
renderers (``render/cover.py``: the EPUB's cover, the print cover's front)."""

from __future__ import annotations

from pathlib import Path

from .diagnostics import BookError, Diagnostic, Severity
from .gate import read_input
from .model import Book

COVER_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}


def editor_cover(book: Book) -> tuple[str, bytes] | None:
    """The editor's own cover (book.yaml ``cover:``, a PNG, JPEG or SVG in the project) as
    (media type, bytes), read through the gate and checked to be what its name says; None
    when the book has none.  A missing, unreadable or mistyped file is an error at the line
    of ``cover:``.  The print cover (``edition build cover``) takes its front from here."""
    rel = book.meta.cover
    if not rel:
        return None
    line = book.meta.key_lines.get("cover")

    def fail(msg: str, code: str) -> BookError:
        return BookError(Diagnostic("book.yaml", line, Severity.ERROR, f"cover: {msg}", code))

    suffix = Path(rel).suffix.lower()
    media = COVER_TYPES.get(suffix)
    if media is None:
        raise fail(f"'{rel}' must be a PNG, JPEG or SVG image (.png, .jpg, .jpeg, .svg)", "cover.type")
    path = book.root / rel
    if rel.startswith("/") or ".." in Path(rel).parts or not (path.exists() or path.is_symlink()):
        raise fail(f"'{rel}' is not a file in the project", "cover.missing")
    try:
        data = read_input(path, rel, book.root)
    except BookError as exc:
        raise fail(f"'{rel}': {exc.diagnostics[0].message}", "cover.unreadable") from None
    looks = {"image/png": data.startswith(b"\x89PNG\r\n\x1a\n"),
             "image/jpeg": data.startswith(b"\xff\xd8\xff"),
             "image/svg+xml": b"<svg" in data[:4096] and b"<script" not in data.lower()}[media]
    if not looks:
        raise fail(f"'{rel}' is not a {media.split('/')[1].upper().split('+')[0]} image "
                   "(or, for SVG, holds a script)", "cover.type")
    return media, data
