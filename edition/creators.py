"""The names on the book: who wrote it, who translated it, who edited it.

Computed once, when the book is read (``pipeline.load_book``), into
``BookMeta.creators``: every renderer (the EPUB's ``dc:creator``, the PDF's
Author field) uses the same list.

* Authors (MARC role ``aut``): ``book.yaml``'s ``authors:`` if given, else the
  ``author:`` of the document chapters (``kind: document``) in reading order,
  each once; an author the document does not name ("Anonymous …",
  "unknown", "not stated") is no author of the book.
* Translators (``trl``): the chapters' ``translator:``, each once.
* The editor (``edt``): ``book.yaml``'s ``editor:``.

``file_as`` (how a library sorts the name): as given in ``book.yaml``, else the
``sort_name`` of the person in ``persons.yaml`` whose name (or one of whose
forms) it is, else the last word first ("Eliot, George").  The editor keeps
its name as written (it may be a body, "the edition project").
"""

from __future__ import annotations

import re

from .model import Book, Creator, Person

UNNAMED = re.compile(r"^\s*(anonymous|unknown|not stated|not named|n/a|none)\b", re.I)


def inverted(name: str) -> str:
    """'George Eliot' -> 'Eliot, George'; a single word stays as it is."""
    words = name.split()
    if len(words) < 2:
        return name
    return f"{words[-1]}, {' '.join(words[:-1])}"


def _sort_names(persons: list[Person]) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in persons:
        for n in (p.name, *p.forms):
            out.setdefault(n, p.sort_name)
    return out


def compute_creators(book: Book) -> list[Creator]:
    sort = _sort_names(book.persons)

    def file_as(name: str, given: str = "") -> str:
        return given or sort.get(name) or inverted(name)

    out: list[Creator] = []
    seen: set[tuple[str, str]] = set()

    def add(name: str, role: str, given: str = "", personal: bool = True) -> None:
        name = name.strip()
        if not name or UNNAMED.match(name) or (name, role) in seen:
            return
        seen.add((name, role))
        out.append(Creator(name, file_as(name, given) if personal else (given or name), role))

    if book.meta.authors:
        for a in book.meta.authors:
            add(a.name, "aut", a.file_as)
    else:
        for ch in book.chapters:
            if ch.meta.kind == "document" and ch.meta.author:
                add(ch.meta.author, "aut")
    for ch in book.chapters:
        if ch.meta.translator:
            add(ch.meta.translator, "trl")
    if book.meta.editor:
        add(book.meta.editor, "edt", personal=False)
    return out
