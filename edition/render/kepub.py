"""The Kobo edition: ``<slug>.kepub.epub``, the EPUB transformed as kepubify does.

Kobo devices give pop-up notes, reading statistics, highlights and their better
renderer only to a *kepub*.  kepubify (github.com/pgaskin/kepubify, ``kepub/
transform.go``) is a Go program we cannot install here; this module does what its
mandatory transforms do, with lxml, on the EPUB we have just built:

* every content document (every XHTML item of the manifest, the navigation document
  included):

  - a ``<style type="text/css" class="kobostylehacks">div#book-inner { margin-top: 0;
    margin-bottom: 0;}</style>`` at the end of ``<head>``;
  - the body's content wrapped in ``<div id="book-columns"><div id="book-inner">``;
  - every sentence of text in a ``<span class="koboSpan" id="kobo.P.S">``: P counts
    the paragraphs (it goes up at the first text after a ``p``, ``ol``, ``ul``,
    ``table`` or ``h1``–``h6`` begins, and at every image), S the sentences in it.
    A sentence ends after ``.``, ``!`` or ``?``, one optional closing quote or ellipsis
    and ASCII white space (kepubify's ``splitSentences``).  White space is wrapped only
    directly inside a ``p``; an image gets a span of its own; nothing inside
    ``script``, ``style``, ``pre``, ``audio``, ``video``, ``svg`` or ``math`` is touched.

  Empty elements are written ``<p></p>`` (never ``<p/>``), as kepubify's polyglot
  renderer does.

* the package document: the cover image keeps its ``cover-image`` property (kepubify
  adds it when missing; ours has it).

Notes need nothing more: Kobo pops up an ``<aside epub:type="footnote">`` reached by
an ``epub:type="noteref"`` link, which is how the EPUB marks them.  Everything else is
unchanged, and the archive is re-packed like the EPUB (fixed order and dates).
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from .epub import OPF_PATH, normalize_zip

XHTML = "http://www.w3.org/1999/xhtml"
H = f"{{{XHTML}}}"
STYLE = "div#book-inner { margin-top: 0; margin-bottom: 0;}"
PARAGRAPHS = frozenset("p ol ul table h1 h2 h3 h4 h5 h6".split())
VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())
UNTOUCHED = frozenset("script style pre audio video svg math".split())
# kepubify's sentence: the shortest run ending in . ! or ?, one optional closing
# mark, and ASCII white space (Go's \s)
_SENTENCE = re.compile(r".*?[.!?]['\"”’“…]?[\t\n\f\r ]+", re.S)


def split_sentences(text: str) -> list[str]:
    out: list[str] = []
    pos = 0
    for m in _SENTENCE.finditer(text):
        out.append(m.group(0))
        pos = m.end()
    if pos < len(text) or not out:
        out.append(text[pos:])
    return out


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


class _Spans:
    def __init__(self) -> None:
        self.para = 0
        self.seg = 0
        self.inc_next = False

    def span(self) -> etree._Element:
        if self.inc_next:
            self.para += 1
            self.seg = 0
            self.inc_next = False
        self.seg += 1
        return etree.Element(f"{H}span", {"class": "koboSpan", "id": f"kobo.{self.para}.{self.seg}"})

    def pieces(self, text: str, parent: etree._Element) -> list[str | etree._Element]:
        out: list[str | etree._Element] = []
        for s in split_sentences(text):
            if s.isspace() and _local(parent) != "p":
                out.append(s)
            else:
                sp = self.span()
                sp.text = s
                out.append(sp)
        return out

    def walk(self, el: etree._Element) -> None:
        name = _local(el)
        if name in UNTOUCHED:
            return
        if name in PARAGRAPHS:
            self.inc_next = True
        children = list(el)
        if el.text:
            items = self.pieces(el.text, el)
            el.text = None
            _place(el, None, items)
        for child in children:
            if not isinstance(child.tag, str):  # a comment or processing instruction
                anchor = child
            elif _local(child) == "img":
                self.para += 1
                self.seg = 0
                self.inc_next = False
                self.seg += 1
                sp = etree.Element(f"{H}span", {"class": "koboSpan", "id": f"kobo.{self.para}.{self.seg}"})
                child.addprevious(sp)
                sp.append(child)  # moves the image (its tail stays with it: take it back)
                sp.tail, child.tail = child.tail, None
                anchor = sp
            else:
                self.walk(child)
                anchor = child
            if anchor.tail:
                items = self.pieces(anchor.tail, el)
                anchor.tail = None
                _place(el, anchor, items)


def _place(parent: etree._Element, after: etree._Element | None, items: list[str | etree._Element]) -> None:
    """Put text and spans into ``parent``: at the start (``after`` None) or after ``after``."""
    prev = after
    for it in items:
        if isinstance(it, str):
            if prev is None:
                parent.text = (parent.text or "") + it
            else:
                prev.tail = (prev.tail or "") + it
        else:
            if prev is None:
                parent.insert(0, it)
            else:
                prev.addnext(it)
            prev = it


def transform_content(data: bytes) -> bytes:
    parser = etree.XMLParser(resolve_entities=False)
    root = etree.fromstring(data, parser)
    head, body = root.find(f"{H}head"), root.find(f"{H}body")
    if body is None or head is None:
        return data
    if body.find(f".//{H}span[@class='koboSpan']") is None:  # not already a kepub
        _Spans().walk(body)
    inner = body.find(f"{H}div[@id='book-columns']/{H}div[@id='book-inner']")
    if inner is None:
        columns = etree.Element(f"{H}div", {"id": "book-columns"})
        inner = etree.SubElement(columns, f"{H}div", {"id": "book-inner"})
        inner.text, body.text = body.text, None
        for child in list(body):
            inner.append(child)
        body.append(columns)
    style = etree.SubElement(head, f"{H}style", {"type": "text/css", "class": "kobostylehacks"})
    style.text = STYLE
    for el in root.iter():  # like kepubify's polyglot output: <p></p>, never <p/>
        if isinstance(el.tag, str) and el.text is None and len(el) == 0 and _local(el) not in VOID:
            el.text = ""
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


def content_documents(opf: bytes, opf_path: str) -> list[str]:
    root = etree.fromstring(opf)
    base = opf_path.rsplit("/", 1)[0] + "/" if "/" in opf_path else ""
    out = []
    for item in root.iter("{http://www.idpf.org/2007/opf}item"):
        if item.get("media-type") in ("application/xhtml+xml", "text/html"):
            out.append(base + item.get("href", ""))
    return out


def build_kepub(epub: bytes, lang: str | None = None) -> bytes:
    """The kepub of an EPUB built by ``build_epub`` (bytes in, bytes out)."""
    src = zipfile.ZipFile(io.BytesIO(epub))
    replace = {name: transform_content(src.read(name))
               for name in content_documents(src.read(OPF_PATH), OPF_PATH)}
    return normalize_zip(epub, lang, replace)
