"""A language tag is well-formed BCP 47 (RFC 5646) or it is an error: ``book.yaml``
``language``, a chapter's ``language`` and ``{lang=…}`` all go into ``xml:lang``/``lang``
attributes and into the name of a terms file, so an ill-formed one would ship an invalid
EPUB or name a file outside ``edition/data/terms/`` (``../../x``)."""

from __future__ import annotations

import re

_LANGTAG = re.compile(
    r"^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"  # language (extlang)
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"  # variants
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[A-Za-z0-9]{1,8})+)?"  # private use
    r"|x(?:-[A-Za-z0-9]{1,8})+)$")
PATTERN = _LANGTAG.pattern


def well_formed(tag: str) -> bool:
    """True if ``tag`` is a well-formed BCP 47 language tag (at most 64 characters)."""
    return len(tag) <= 64 and bool(_LANGTAG.match(tag))
