"""The page map: where each printed page of the PDF begins in the text.

After the last layout pass, WeasyPrint's layout tree of every page
(``weasy.page_box(page)``) is walked.  Its first child is the main flow (the root
box); the footnote area and the margin boxes (running heads, folios) are its
other children and are never read.  In the main flow we take the text boxes in
order, leaving out

* generated content (``::before``, ``::after``, ``::marker``, the
  ``::footnote-call`` number, dot leaders): its ``element_tag`` has ``::``;
* text that exists only in the print edition: the notes printed at the foot of
  the page (``.footnote``, with their call sites), "(p. 42)" page references
  (``.pageref``), a second call of a note (``.noteref``), the print contents
  (``.contents``; the EPUB has its own navigation document), the page numbers of the
  glossary and the index (and, in the EPUB, the links back to the text that replace
  them).

What is left is the *shared text*: the same characters, in the same order, in
both editions.  A position in it is addressed as a *key* and an *offset*: the
key is the ``data-pid`` (every paragraph, heading and list item of a chapter's
text, ``render/html.py``) or ``id`` of the last block-level element that began
before it, in document order; the offset counts the letters and digits
(``str.isalnum``) of shared text from that element's start.  Counting only
letters and digits makes the offset immune to what layout does to the text:
collapsed white space, the hyphen added at a line break, small caps.

The map is a list with one entry per page, in page order::

    {"page": 12, "label": "4", "key": "ch-exile-31", "offset": 212,
     "words": "the first words of the page"}

``key`` is ``None`` for a page without shared text (a blank verso, a contents
page): ``epub_pages.py`` puts its marker with the next page's.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .weasy import page_box

FORMAT = 1
FILENAME = ".pagemap.json"
# block-level elements whose id (or data-pid) starts a key; inline ids (glossary
# and person anchors, note calls) do not
BLOCK_TAGS = frozenset("""p h1 h2 h3 h4 h5 h6 li dt dd div section header footer nav aside
    blockquote ol ul dl table thead tbody tr td th figure figcaption article main body""".split())
# content of one edition only: left out of the shared text (the EPUB's notes are an
# <aside> in a <section class="notes">; the PDF's are a .footnote span at the call).
# The back matter prints page numbers where the EPUB links back to the text: the
# glossary's .gl-pages / .gl-where (render/glossary.py), the register's .pn-where
# (render/persons.py), the index's .ix-pages / .ix-locators (render/index.py).
EXCLUDED_CLASSES = frozenset({"footnote", "call-site", "pageref", "noteref", "notes", "contents",
                              "gl-pages", "gl-where", "pn-where", "ix-pages", "ix-locators"})
EXCLUDED_TAGS = frozenset({"aside"})
PDF_ONLY_ID = re.compile(r"^pp-\d+$|-call$")  # ids pdf.py adds after the writer (mark_calls)
WORDS = 12  # words of each page kept in the map (for people and tests)


def local(tag: object) -> str:
    """``{http://www.w3.org/1999/xhtml}p`` -> ``p``; comments and the like -> ''."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def excluded(tag: str, classes: str) -> bool:
    return tag in EXCLUDED_TAGS or bool(EXCLUDED_CLASSES & set(classes.split()))


def key_of(tag: str, pid: str | None, ident: str | None) -> str | None:
    """The key an element starts, if it is a block with a stable id."""
    if tag not in BLOCK_TAGS:
        return None
    if pid:
        return pid
    if ident and not PDF_ONLY_ID.search(ident):
        return ident
    return None


def alnum(text: str) -> int:
    return sum(1 for c in text if c.isalnum())


def _elements(root: Any) -> tuple[dict[int, str | None], set[int]]:
    """For every element (by ``id()``): the key governing its text, and whether it is
    left out of the shared text."""
    govern: dict[int, str | None] = {}
    out: set[int] = set()
    current: str | None = None

    def walk(el: Any, parent_out: bool) -> None:
        nonlocal current
        tag = local(el.tag)
        is_out = parent_out or excluded(tag, el.get("class") or "")
        if is_out:
            out.add(id(el))
        else:
            k = key_of(tag, el.get("data-pid"), el.get("id"))
            if k:
                current = k
        govern[id(el)] = current
        for child in el:
            walk(child, is_out)

    walk(root, False)
    return govern, out


def _text_boxes(box: Any) -> Iterable[Any]:
    from weasyprint.formatting_structure import boxes

    for b in box.descendants():
        if isinstance(b, boxes.TextBox):
            yield b


class PageMap:
    """The page map's entries, one page after the other (``add``), as the PDF writer
    paints them: a page's layout tree goes once it is written (render/weasy.py)."""

    def __init__(self, labels: list[str]) -> None:
        self.labels = labels
        self.entries: list[dict] = []
        self.counts: dict[str, int] = {}
        # The pages may come from several layouts (render/units.py lays the book out unit
        # by unit and joins the pages), each with its own element tree, and a unit's pages
        # follow each other: the tree of the last root read is kept (and so is the root:
        # its id() is not given to another).
        self.root: Any = None
        self.tree: tuple[dict[int, str | None], set[int]] = ({}, set())

    def add(self, i: int, page: Any) -> None:
        flow = page_box(page).children[0]  # the main flow; footnotes and margins follow
        root = flow.element
        if root is not self.root:
            self.root = root
            self.tree = _elements(root) if root is not None else ({}, set())
        govern, out = self.tree
        counts = self.counts
        start: tuple[str, int] | None = None
        words: list[str] = []
        for tb in _text_boxes(flow):
            if "::" in (tb.element_tag or "") or tb.element is None:
                continue  # generated content: footnote calls, markers, leaders, ornaments
            el = id(tb.element)
            if el in out or el not in govern:
                continue
            key = govern[el]
            n = alnum(tb.text)
            if key is None or n == 0:
                if start is not None and len(words) < WORDS:
                    words += tb.text.split()
                continue
            if start is None:
                start = (key, counts.get(key, 0))
            if len(words) < WORDS:
                words += tb.text.split()
            counts[key] = counts.get(key, 0) + n
        self.entries.append({"page": i + 1, "label": self.labels[i], "key": start[0] if start else None,
                             "offset": start[1] if start else 0, "words": " ".join(words[:WORDS])})


def digest(entries: list[dict]) -> str:
    return hashlib.sha256(json.dumps(entries, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def inputs_key(root: Path) -> str:
    """What the page map depends on: every input of the build (``edition/build_manifest.py``)."""
    from ..build_manifest import inputs_digest

    return inputs_digest(root)


def make(book: Any, pdf_name: str, pdf: bytes, entries: list[dict], key: str,
         print_shop: bool) -> dict:
    """The page-map file of a PDF just laid out (``entries``: ``PdfResult.page_map``)."""
    source = {"file": pdf_name, "title": book.meta.title, "page_size": book.meta.page_size,
              "print_shop": print_shop, "pages": len(entries), "version": book.version,
              "sha256": hashlib.sha256(pdf).hexdigest(), "key": key}
    d = digest(entries)
    from ..trust import mac  # the page map in build/ may come with the book: marked as ours

    return {"format": FORMAT, "source": source, "pages": entries, "digest": d,
            "seal": mac(_sealed(source, d))}


def _sealed(source: object, d: str) -> bytes:
    return json.dumps([source, d], sort_keys=True, ensure_ascii=False).encode("utf-8")


def to_bytes(data: dict) -> bytes:
    return (json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def cached(out_dir: Path, key: str) -> dict | None:
    """The page map in ``out_dir`` if it was made from the current inputs, else None."""
    data = read(out_dir / FILENAME)
    if data is None or not isinstance(data.get("source"), dict) or data["source"].get("key") != key:
        return None
    return data


def read(path: Path) -> dict | None:
    """A page-map file, or None if missing, damaged or of another format."""
    from ..trust import read_state

    raw = read_state(path)
    try:
        data = json.loads(raw) if raw is not None else None
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("pages"), list):
        return None
    if data.get("digest") != digest(data["pages"]):
        return None
    from ..trust import mac_ok

    if not mac_ok(_sealed(data.get("source"), data["digest"]), data.get("seal")):
        return None  # not written by this machine's builds (shipped with the book, forged)
    return data
