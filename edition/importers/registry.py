"""Which importers there are: the built-in ones and those other packages install.

An importer is a module (or any object) with
``import_source(text, record, corrections) -> ImportResult`` and, optionally,
``source_view(text, record) -> list[Line]`` (the source's words as lines with their source line,
when the source is not plain text — an HTML page — so the fidelity check can account for
every word).  The built-in importers live in this package; another package adds one,
without editing anything here, by declaring an entry point in the group
``edition.importers``::

    [project.entry-points."edition.importers"]
    tei = "my_package.tei_importer"

and a source then names it (``importer: tei`` in ``sources/sources.yaml``).
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

BUILTIN = {
    "text": "edition.importers.text",  # plain text or Markdown a user brings
    "html": "edition.importers.html",  # a web page saved from a browser
    "web": "edition.importers.web",  # web transcriptions in the Marxists Internet Archive style
    "ocr": "edition.importers.ocr",  # an OCR'd scan of a printed text
    "biography": "edition.importers.biography",  # a biography web page with captions and sidebars
}
GROUP = "edition.importers"


@lru_cache(maxsize=1)
def _entry_points() -> dict[str, Any]:
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=GROUP)}


def names() -> list[str]:
    """Every importer a source may name, built-in first."""
    return list(BUILTIN) + sorted(n for n in _entry_points() if n not in BUILTIN)


def load(name: str) -> Any | None:
    """The importer called ``name`` (a module or object with ``import_source``), or None."""
    if name in BUILTIN:
        return importlib.import_module(BUILTIN[name])
    ep = _entry_points().get(name)
    return ep.load() if ep is not None else None
