"""The print edition's page breaks inside the EPUB: markers, the page-list, metadata.

Input: the page map of the PDF (``render/pagemap.py``: for every printed page, the
key of the block its first shared text belongs to and the offset, in letters and
digits, of that text in the block).  For each page we find the block in the EPUB's
documents (``data-pid`` or ``id``), count the same letters and digits of shared
text (the EPUB's note calls and notes left out, as the PDF's are), and insert

    <span epub:type="pagebreak" role="doc-pagebreak" id="page-N" aria-label="N"/>

where N is the printed folio (roman in the front matter).  The point is moved

* to the nearest word boundary (white space, or after a hyphen or dash): a page that
  begins with the second half of a hyphenated word gets its marker before or after
  that word, whichever is nearer;
* out of a link (a glossary term, a cross-reference, a note call): before it;
* before the start tags that open there (the marker goes before a paragraph or a
  heading rather than inside it), but never out of a list item, a definition
  term or description, or a table cell, where a ``span`` could not stand.

A page without shared text — a blank verso, a page of the print contents — gets its
marker where the next page's goes, just before it (consecutive markers); blank pages
at the very end get theirs after the last page's.  A page that begins inside a note
printed at the foot of the previous page is placed by its first line of main text:
the notes are not where the EPUB has them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .html import Doc, esc
from .pagemap import excluded, key_of

_TOKEN = re.compile(r"<[^>]*>|[^<]+")
_TAG = re.compile(r"</?([A-Za-z][\w:-]*)")
_ATTR = re.compile(r'([\w:-]+)="([^"]*)"')
_ENTITY = re.compile(r"&#?\w+;")
VOID = frozenset("br hr img meta link col wbr input source area base".split())
BREAKS = frozenset("p h1 h2 h3 h4 h5 h6 li dt dd div section header footer nav aside blockquote "
                   "ol ul dl table tr td th figure figcaption br hr".split())
# a marker moved before the start tag of one of these would stand where a span may not
NO_HOIST = frozenset("li dt dd tr td th tbody thead tfoot caption body html".split())
HYPHENS = "-\u2010\u2011\u2013\u2014"


def marker(label: str) -> str:
    lab = esc(label)
    return f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{lab}" aria-label="{lab}"/>'


def _attrs(tag: str) -> dict[str, str]:
    return {k: html.unescape(v) for k, v in _ATTR.findall(tag)}


def _tag_name(tag: str) -> str:
    m = _TAG.match(tag)
    return m.group(1).lower() if m else ""


def _keys(docs: list[Doc]) -> dict[str, tuple[int, int]]:
    """key -> (document index, position of the start tag of the block that starts it)."""
    where: dict[str, tuple[int, int]] = {}
    for i, d in enumerate(docs):
        stack: list[bool] = []  # excluded?
        for m in _TOKEN.finditer(d.body):
            tok = m.group(0)
            if not tok.startswith("<") or tok.startswith(("<!", "<?")):
                continue
            name = _tag_name(tok)
            if tok.startswith("</"):
                if stack:
                    stack.pop()
                continue
            a = _attrs(tok)
            out = (bool(stack) and stack[-1]) or excluded(name, a.get("class", ""))
            if not out:
                k = key_of(name, a.get("data-pid"), a.get("id"))
                if k:
                    where.setdefault(k, (i, m.start()))
            if not tok.endswith("/>") and name not in VOID:
                stack.append(out)
    return where


@dataclass
class _Text:
    chars: list[str]  # the visible text from the block on (block boundaries as spaces)
    raw: list[int]  # where each char is in the document body
    link: list[int | None]  # the start of the link each char is in
    target: int | None  # index in chars of the page's first letter or digit
    stop: int | None  # raw position of the next block with a key, if reached first


def _read(body: str, start: int, offset: int) -> _Text:
    """Walk the text from the block at ``start``: count ``offset`` letters and digits
    of shared text and read on to the end of the word there."""
    chars: list[str] = []
    raw: list[int] = []
    link: list[int | None] = []
    out_depth: list[bool] = []
    links: list[int] = []  # start positions of the open <a> elements
    open_tags: list[str] = []
    seen = 0
    target: int | None = None
    first = True
    for m in _TOKEN.finditer(body, start):
        tok = m.group(0)
        if tok.startswith("<"):
            if tok.startswith(("<!", "<?")):
                continue
            name = _tag_name(tok)
            if name in BREAKS:
                chars.append(" ")
                raw.append(m.start())
                link.append(links[0] if links else None)
            if tok.startswith("</"):
                if open_tags:
                    open_tags.pop()
                    out_depth.pop()
                    if name == "a" and links:
                        links.pop()
                continue
            a = _attrs(tok)
            out = (bool(out_depth) and out_depth[-1]) or excluded(name, a.get("class", ""))
            if not first and not out and key_of(name, a.get("data-pid"), a.get("id")):
                if target is None:
                    return _Text(chars, raw, link, None, m.start())
                break  # the word cannot go on into the next block
            first = False
            if not tok.endswith("/>") and name not in VOID:
                open_tags.append(name)
                out_depth.append(out)
                if name == "a":
                    links.append(m.start())
            continue
        out = bool(out_depth) and out_depth[-1]
        pos = m.start()
        i = 0
        while i < len(tok):
            e = _ENTITY.match(tok, i) if tok[i] == "&" else None
            ch = html.unescape(e.group(0)) if e else tok[i]
            if ch.isalnum() and not out:
                if seen == offset and target is None:
                    target = len(chars)
                seen += 1
            chars.append(ch)
            raw.append(pos + i)
            link.append(links[0] if links else None)
            i = e.end() if e else i + 1
            if target is not None and ch.isspace():
                return _Text(chars, raw, link, target, None)
        if target is not None and len(chars) > target + 400:
            break
    return _Text(chars, raw, link, target, None)


def _boundary(chars: list[str], i: int) -> bool:
    return i == 0 or i >= len(chars) or chars[i - 1].isspace() or chars[i - 1] in HYPHENS


def _place(body: str, start: int, offset: int) -> int:
    """Raw position in ``body`` where the page that begins ``offset`` letters and digits
    into the block at ``start`` gets its marker."""
    t = _read(body, start, offset)
    if t.target is None:
        if t.stop is not None:  # the shared text of the block ended first: the next block
            return _place(body, t.stop, 0)
        return _hoist(body, t.raw[-1] + 1 if t.raw else start)
    v = t.target
    if not _boundary(t.chars, v):
        back = v
        while not _boundary(t.chars, back):
            back -= 1
        fwd = v
        while fwd < len(t.chars) and not t.chars[fwd].isspace() and not _boundary(t.chars, fwd):
            fwd += 1
        v = back if v - back <= fwd - v else fwd
    if v >= len(t.chars):
        pos = t.raw[-1] + 1
        lk = None
    else:
        pos, lk = t.raw[v], t.link[v]
    if lk is not None:
        pos = lk  # never inside a link: before it
    return _hoist(body, pos)


def _hoist(body: str, pos: int) -> int:
    """Move ``pos`` back over white space and the start tags that open just before it."""
    while True:
        before = body[:pos].rstrip()
        if not before.endswith(">") or before.endswith("/>"):
            return pos
        lt = before.rfind("<")
        tag = before[lt:]
        if _tag_name(tag) == "figcaption" and not tag.startswith("</"):
            # a marker may not stand before a figure's caption: before the figure, then
            fig = body[:lt].rstrip()
            if fig.endswith(">") and _tag_name(fig[fig.rfind("<"):]) == "figure":
                pos = fig.rfind("<")
                continue
            return pos
        if tag.startswith(("</", "<!", "<?")) or _tag_name(tag) in NO_HOIST | VOID:
            return pos
        if _tag_name(tag) == "span" and 'role="doc-pagebreak"' in tag:
            return pos
        pos = lt


def insert_pagebreaks(docs: list[Doc], pages: list[dict]) -> list[tuple[str, str]]:
    """Insert a marker for every page into the documents' bodies (in place); return the
    page list: (label, href) in page order."""
    where = _keys(docs)
    placed: list[tuple[int, int] | None] = []  # (doc index, raw position) per page
    for p in pages:
        k = p.get("key")
        if k is None or k not in where:
            placed.append(None)
            continue
        i, start = where[k]
        placed.append((i, _place(docs[i].body, start, int(p.get("offset", 0)))))
    # pages without shared text: with the next placed page (or after the last one)
    nxt: tuple[int, int] | None = None
    for n in range(len(placed) - 1, -1, -1):
        if placed[n] is None:
            placed[n] = nxt
        else:
            nxt = placed[n]
    last = None
    for n in range(len(placed)):
        if placed[n] is None:
            placed[n] = last
        last = placed[n]
    inserts: dict[int, list[tuple[int, int, str]]] = {}
    out: list[tuple[str, str]] = []
    for n, (p, at) in enumerate(zip(pages, placed, strict=True)):
        if at is None:
            continue
        i, pos = at
        inserts.setdefault(i, []).append((pos, n, marker(str(p["label"]))))
        out.append((str(p["label"]), f"{docs[i].filename}#page-{p['label']}"))
    for i, items in inserts.items():
        body = docs[i].body
        pieces, last_pos = [], 0
        for pos, _, m in sorted(items):
            pieces += [body[last_pos:pos], m]
            last_pos = pos
        docs[i].body = "".join(pieces) + body[last_pos:]
    return out


def page_list_nav(pages: list[tuple[str, str]], terms: dict[str, str] | None = None) -> str:
    """The ``page-list`` navigation (hidden: reading systems offer it as "go to page")."""
    from ..terms import term

    if not pages:
        return ""
    items = "\n".join(f'<li><a href="{esc(href)}">{esc(label)}</a></li>' for label, href in pages)
    return ('\n<nav epub:type="page-list" id="page-list" role="doc-pagelist" '
            'aria-labelledby="page-list-title" hidden="hidden">'
            f'<h2 id="page-list-title">{esc(term({"terms": terms}, "page-list"))}</h2>\n<ol>\n' + items
            + "\n</ol>\n</nav>")


def source_label(source: dict) -> str:
    """The print edition the page numbers come from, for ``pageBreakSource``."""
    bits = [f"{source.get('title', '')}, print edition (PDF"]
    if source.get("page_size"):
        bits.append(f", {source['page_size']}")
    if source.get("pages"):
        bits.append(f", {source['pages']} pages")
    bits.append(")")
    if source.get("version"):
        bits.append(f", edition {source['version']}")
    return "".join(bits)


def page_metadata(eb: object, source: dict) -> None:
    """``pageBreakSource`` naming the print edition, and the accessibility features of a
    page list (``printPageNumbers``, and its EPUB Accessibility 1.1 successors)."""
    add = eb.add_metadata  # type: ignore[attr-defined]
    add(None, "meta", source_label(source), {"property": "pageBreakSource"})
    for feature in ("printPageNumbers", "pageBreakMarkers", "pageNavigation"):
        add(None, "meta", feature, {"property": "schema:accessibilityFeature"})
