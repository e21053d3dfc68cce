"""The front matter every imported chapter carries, from the source's record in
sources.yaml: the importers' one shared piece of ``edition import`` (kept apart from
``run.py``, which runs the importers, so that no importer imports the module that runs it)."""

from __future__ import annotations

from typing import Any

from .base import SourceEntry


def original_publication(record: SourceEntry) -> str | None:
    """The ``original_publication`` line of a chapter, from the record."""
    if record.publication:
        return record.publication
    if record.periodical:
        parts = [record.periodical]
        if record.volume:
            parts.append(f"Vol. {record.volume}" + (f" No. {record.number}" if record.number else ""))
        if record.page:
            parts.append(f"p. {record.page}")
        return ", ".join(parts)
    return None


def front_matter_for(record: SourceEntry) -> dict[str, Any]:
    """The front matter every imported chapter carries (importers may add to it)."""
    fm: dict[str, Any] = {
        "title": record.title,
        "subtitle": record.subtitle,
        "author": record.author,
        "date": record.date,
        "original_publication": original_publication(record),
        "source": record.id,
        "translator": record.translator,
        "rights": record.rights,
    }
    return {k: v for k, v in fm.items() if v is not None}
