"""``edition new DIR``: a small working book to start from.

The template is package data (``edition/data/new/``): ``book.yaml``, two short chapters
(the editor's introduction with an editor's note; a document with an author's and an
editor's note and a headnote), a glossary entry and a register entry.  It builds at once,
with the package's default styles and fonts (a book's own ``styles/print.css`` or
``epub.css`` is layered after them: ``edition/stylesheets.py``).  Only a new or empty folder is written to.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from pathlib import Path

from .diagnostics import BookError, Diagnostic, Severity

TEMPLATE = Path(__file__).resolve().parent / "data" / "new"
GITIGNORE = "build/\n.cache/\n"


def slug_for(folder: Path) -> str:
    """The book's slug from its folder's name: lower case, digits and hyphens."""
    name = unicodedata.normalize("NFKD", folder.resolve().name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug if slug[:1].isalnum() else "my-book"


def new_book(target: Path) -> list[Path]:
    """Write the template into ``target`` (created if need be); the files written."""
    shown = str(target)
    if target.exists() and not target.is_dir():
        raise BookError(Diagnostic(shown, None, Severity.ERROR, "exists and is not a folder",
                                   "new.not-a-folder"))
    if target.is_dir() and any(target.iterdir()):
        raise BookError(Diagnostic(shown, None, Severity.ERROR,
                                   "folder is not empty: `edition new` writes a book only into a new "
                                   "or empty folder, so that nothing of yours is overwritten",
                                   "new.not-empty"))
    try:
        target.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        for src in sorted(TEMPLATE.rglob("*")):
            if not src.is_file():
                continue
            dst = target / src.relative_to(TEMPLATE)
            dst.parent.mkdir(parents=True, exist_ok=True)
            text = src.read_text(encoding="utf-8")
            if src.name == "book.yaml":
                text = text.replace("{slug}", slug_for(target))
                # the editions' date, so that a fresh book is dated without git or
                # SOURCE_DATE_EPOCH (the editor changes it for each new edition)
                text = text.replace("{date}", datetime.date.today().isoformat())
            dst.write_text(text, encoding="utf-8")
            written.append(dst)
        (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
        written.append(target / ".gitignore")
    except OSError as exc:
        raise BookError(Diagnostic(shown, None, Severity.ERROR, f"cannot write: {exc.strerror}",
                                   "new.write")) from None
    return written
