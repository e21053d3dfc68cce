"""The shared vocabulary of the importers.

* ``SourceEntry``   one entry of ``sources/sources.yaml`` (provenance, SHA-256).
* ``Correction``     one recorded emendation (``sources/corrections/<id>.yaml``):
                     where in the source, what it read, what the edition reads, why.
* ``Removal``        something of the source deliberately left out of the text
                     (boilerplate, navigation, orphaned captions, page marginalia),
                     with its source line and the reason: the record that nothing
                     was lost silently.
* ``Suspicious``     a token the importer could not resolve and did not guess at.
* ``Draft``          what flows through the steps: the text with, for every line,
                     the source line it came from.
* ``ImportResult``   what an importer returns: front matter, Markdown body and
                     the record (applied corrections, removals, suspicious tokens).

Every importer module exposes
``import_source(text: str, record: SourceEntry, corrections: list[Correction]) -> ImportResult``.

A step is a plain function ``Draft -> Draft`` with a name; an importer is an
ordered list of steps, applied by ``run_steps``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Reason = Literal["ocr", "typo", "punctuation", "spacing", "quote", "hyphenation"]


@dataclass(frozen=True)
class SourceEntry:
    """A source's entry in ``sources/sources.yaml`` (what it is, where it came from, how it
    is imported).  Not to be confused with the *import record* (``sources/records/<id>.json``,
    ``edition/import_record.py``: what an import did) or the *build manifest*
    (``build_manifest.py``: which outputs are up to date)."""

    id: str
    file: str  # path under sources/
    sha256: str
    author: str
    title: str
    date: str
    kind: str  # "web transcription", "OCR scan", "plain text", "web page"
    importer: str  # a name of importers.registry: "text", "html", "web", "ocr", "biography", …
    rights: str  # as found in the document, or "not stated"
    subtitle: str | None = None
    periodical: str | None = None
    volume: str | None = None
    number: str | None = None
    page: str | None = None
    publication: str | None = None  # free-text original publication when not a periodical
    credit: str | None = None  # transcription / scan credit as found
    translator: str | None = None
    chapter: str | None = None  # chapters/NN-slug.md this source becomes
    short_title: str | None = None  # how the apparatus names the document
    strip: tuple[str, ...] = ()  # regular expressions: boilerplate lines the import removes
    breaks: tuple[str, ...] = ()  # regular expressions: separator lines that end a paragraph ("%")
    options: dict[str, Any] = field(default_factory=dict)  # sources/importers/<id>.yaml


@dataclass(frozen=True)
class Correction:
    line: int  # 1-based line in the source file where the reading starts
    read: str  # what the source reads (exact, may span a line break as "\n")
    edition: str  # what the edition reads
    reason: Reason
    note: str | None = None


@dataclass(frozen=True)
class Removal:
    line: int  # first source line removed
    end: int  # last source line removed (inclusive)
    text: str
    reason: str  # e.g. "boilerplate: footer", "orphaned image caption", "page marginalia"


@dataclass(frozen=True)
class Suspicious:
    line: int
    token: str
    why: str


@dataclass
class Line:
    text: str
    src: int  # 1-based source line this text came from


@dataclass
class Draft:
    record: SourceEntry
    lines: list[Line]
    corrections: list[Correction] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    applied: list[Correction] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    suspicious: list[Suspicious] = field(default_factory=list)


Step = Callable[[Draft], Draft]


def run_steps(draft: Draft, steps: Sequence[Step]) -> Draft:
    for step in steps:
        draft = step(draft)
    return draft


@dataclass
class ImportResult:
    front_matter: dict[str, Any]
    body: str  # Markdown
    applied: list[Correction]
    removed: list[Removal]
    suspicious: list[Suspicious]
    unused: list[Correction] = field(default_factory=list)  # recorded but never matched


def blocks(lines: list[Line]) -> list[list[int]]:
    """Indices of the lines of each block (a run of non-blank lines)."""
    out: list[list[int]] = []
    cur: list[int] = []
    for i, ln in enumerate(lines):
        if ln.text.strip():
            cur.append(i)
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out
