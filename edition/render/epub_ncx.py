"""The NCX (``toc.ncx``): EPUB 2 navigation, for the reading systems that use it.

EPUB 3 allows an NCX beside the navigation document "for EPUB 2 reading systems";
Adobe's engine (older Kobo firmware, many Android apps) and Calibre's converters
read it.  ebooklib's NCX has a flat navMap and ``dtb:totalPageCount 0`` with no
page list; we write our own (``epub.py`` puts it in place of ebooklib's):

* ``navMap``: the same tree as the navigation document's contents
  (``epub_nav.toc_tree``), ``dtb:depth`` its depth;
* ``pageList``: a ``pageTarget`` for every printed page of the print edition
  (``epub_pages.insert_pagebreaks``), ``type="front"`` for the roman folios of the
  front matter, ``"normal"`` with its ``value`` for the arabic ones;
  ``dtb:totalPageCount`` the number of pages, ``dtb:maxPageNumber`` the highest
  arabic folio (both ``0`` when the EPUB has no page list, as the spec says);
* ``playOrder`` follows the reading order of the targets across navMap and
  pageList, the same number for the same place.
"""

from __future__ import annotations

import re

from ..model import Book
from .epub_nav import Entry, depth, toc_tree
from .html import Doc, esc

DOCTYPE = '<!DOCTYPE ncx PUBLIC "-//NISO//DTD ncx 2005-1//EN" "http://www.daisy.org/z3986/2005/ncx-2005-1.dtd">'


def _position(docs: list[Doc], href: str) -> tuple[int, int]:
    file, _, frag = href.partition("#")
    for i, d in enumerate(docs):
        if d.filename == file:
            return (i, d.body.find(f'id="{frag}"') if frag else -1)
    return (len(docs), 0)


def build_ncx(book: Book, docs: list[Doc], pages: list[tuple[str, str]], uid: str) -> bytes:
    tree = toc_tree(docs)
    hrefs: list[str] = []

    def walk(entries: list[Entry]) -> None:
        for e in entries:
            hrefs.append(e.href)
            walk(e.children)

    walk(tree)
    hrefs += [h for _, h in pages]
    order = {pos: n for n, pos in enumerate(sorted({_position(docs, h) for h in hrefs}), 1)}

    def play(href: str) -> int:
        return order[_position(docs, href)]

    counter = [0]

    def points(entries: list[Entry], indent: str) -> list[str]:
        out = []
        for e in entries:
            counter[0] += 1
            out.append(f'{indent}<navPoint id="nav-{counter[0]}" playOrder="{play(e.href)}">'
                       f"<navLabel><text>{esc(e.label)}</text></navLabel>"
                       f'<content src="{esc(e.href)}"/>')
            out += points(e.children, indent + "  ")
            out.append(f"{indent}</navPoint>")
        return out

    arabic = [int(label) for label, _ in pages if label.isdigit()]
    lines = ['<?xml version="1.0" encoding="utf-8"?>', DOCTYPE,
             f'<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" '
             f'xml:lang="{esc(book.meta.language)}">',
             "<head>",
             f'  <meta name="dtb:uid" content="{esc(uid)}"/>',
             f'  <meta name="dtb:depth" content="{max(1, depth(tree))}"/>',
             f'  <meta name="dtb:totalPageCount" content="{len(pages)}"/>',
             f'  <meta name="dtb:maxPageNumber" content="{max(arabic, default=0)}"/>',
             "</head>",
             f"<docTitle><text>{esc(book.meta.title)}</text></docTitle>"]
    lines += [f"<docAuthor><text>{esc(a)}</text></docAuthor>" for a in book.meta.author_names]
    lines.append("<navMap>")
    lines += points(tree, "  ")
    lines.append("</navMap>")
    if pages:
        lines.append('<pageList><navLabel><text>Pages of the print edition</text></navLabel>')
        for label, href in pages:
            kind = f'type="normal" value="{label}"' if label.isdigit() else 'type="front"'
            lines.append(f'  <pageTarget id="pt-{esc(re.sub(r"[^A-Za-z0-9]", "-", label))}" {kind} '
                         f'playOrder="{play(href)}"><navLabel><text>{esc(label)}</text></navLabel>'
                         f'<content src="{esc(href)}"/></pageTarget>')
        lines.append("</pageList>")
    lines.append("</ncx>")
    return ("\n".join(lines) + "\n").encode("utf-8")
