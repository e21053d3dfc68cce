"""The EPUB's member names are unique as a reading system sees them (#27).

Zip names are compared byte for byte, but a reading system on a case-insensitive file
system, or one that normalises paths, sees ``Ch.xhtml`` and ``ch.xhtml``, or ``a/../b.png``
and ``b.png``, or a composed and a decomposed ``é``, as one file: one of them is lost.
A chapter whose file would be named like one of the tool's own files (``nav.xhtml``,
``contents.xhtml``, ``content.opf`` …) would replace it.  Every member name is folded
(NFC, case, path normalised) and a clash is an error at the user's file that caused it.
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Iterable

from ..diagnostics import BookError, Diagnostic, Severity

RESERVED = ("mimetype", "META-INF/container.xml", "EPUB/content.opf", "EPUB/toc.ncx",
            "EPUB/nav.xhtml", "EPUB/css/epub.css", "EPUB/images/cover.png")


def fold(name: str) -> str:
    return unicodedata.normalize("NFC", posixpath.normpath(name)).casefold()


def check_member_names(members: Iterable[tuple[str, str | None]]) -> None:
    """``members``: (zip name, the user's file it comes from, or None for the tool's own).
    A BookError at the user's file if two names fold to one."""
    seen: dict[str, tuple[str, str | None]] = {fold(n): (n, None) for n in RESERVED}
    errors = []
    for name, origin in members:
        key = fold(name)
        if key in seen:
            other, other_origin = seen[key]
            at = origin or other_origin or "book.yaml"
            errors.append(Diagnostic(at, None, Severity.ERROR,
                                     f"would be the e-book's file {name}, which is already "
                                     f"{other}{f' (from {other_origin})' if other_origin else ' (the tool’s own)'}: "
                                     "rename it (names must differ in more than case or form)",
                                     "epub.name-clash"))
            continue
        seen[key] = (name, origin)
    if errors:
        raise BookError(errors)
