"""EPUB 3 renderer: the shared XHTML writer, packaged with ebooklib.

ebooklib's traps, checked against its source (ebooklib 0.20, ``epub.py``),
and what we do about them; each has a test in ``tests/test_epub_traps.py``:

* ``EpubHtml.get_content()`` re-parses the document with ``lxml.html``
  (``utils.parse_html_string``), builds a new ``<head>`` from its own
  template and moves only the *children* of ``<body>``: attributes of
  ``<body>`` (our ``epub:type``) and anything in ``<head>`` such as
  ``<style>`` are dropped, and a parse failure silently yields an empty
  document.  We hand it complete, well-formed XHTML as plain ``EpubItem``
  objects, whose ``get_content()`` returns the bytes verbatim.
* ``EpubNav`` (with the default option ``epub3_pages``) builds a page-list
  from every element having both ``epub:type`` and ``id``
  (``utils.get_pages``): every chapter ``<section>`` would become a "page".
  We write our own navigation document (``epub_nav.py``), an ``EpubItem``
  with the ``nav`` property, and pass ``epub3_pages=False`` besides.
* The spine always names an NCX (``toc="ncx"`` when none was added, a
  dangling reference): we add ebooklib's ``EpubNcx``, which older reading
  systems use anyway.  Its content is flat, with no page list and
  ``dtb:totalPageCount 0``: ``normalize_zip`` puts ours in its place
  (``epub_ncx.py``: the contents' tree and the print edition's pages).
* ``dcterms:modified`` is ``datetime.now()`` unless the option ``mtime`` is
  given: we pass the book's ``SOURCE_DATE_EPOCH`` / last-commit time.  Zip
  entries are dated now (``ZipFile.writestr`` with a name): we re-pack the
  archive with fixed dates and a fixed order (``normalize_zip``).
* ``write_epub`` catches ``OSError`` and returns False unless
  ``raise_exceptions`` is set: we set it, and write to memory, then
  atomically to disk.
* The ``<package>`` element gets no ``xml:lang`` (it has no option for it):
  ``normalize_zip`` adds the book's language to it.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path

from ebooklib import epub

from ..atomic import write_atomic  # re-exported: the writer of every output
from ..model import Book
from ..terms import term
from .cover import cover_doc, cover_image
from .epub_meta import book_identifier, set_metadata
from .epub_nav import nav_body
from .epub_ncx import build_ncx
from .epub_pages import insert_pagebreaks, page_list_nav, page_metadata
from .glossary import add_glossary_items
from .html import Doc, Writer, esc
from .index import label_locators, print_pages
from .wellformed import LinkError, check_well_formed

__all__ = ["book_identifier", "build_epub", "normalize_zip", "write_atomic"]

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
_SENTINEL = re.compile(r"\x00([^\x00]*)\x00")
FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
OPF_PATH = "EPUB/content.opf"
BODY_TYPE = {"front": "frontmatter", "body": "bodymatter", "back": "backmatter"}


def xhtml_document(title: str, body: str, lang: str, body_type: str = "", css: str = "css/epub.css") -> str:
    bt = f' epub:type="{body_type}"' if body_type else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="{XHTML_NS}" xmlns:epub="{EPUB_NS}" lang="{lang}" xml:lang="{lang}">\n'
        f'<head>\n<meta charset="utf-8"/>\n<title>{esc(title)}</title>\n'
        f'<link rel="stylesheet" type="text/css" href="{css}"/>\n</head>\n'
        f"<body{bt}>\n{body}\n</body>\n</html>\n"
    )


def resolve_links(docs: list[Doc]) -> dict[str, str]:
    """Replace href sentinels by ``file#anchor``; returns anchor -> file."""
    where: dict[str, str] = {}
    for d in docs:
        for anchor in sorted(d.ids()):
            where.setdefault(anchor, d.filename)
    missing: list[str] = []
    for d in docs:
        def repl(m: re.Match[str], d: Doc = d) -> str:
            anchor = m.group(1)
            f = where.get(anchor)
            if f is None:
                missing.append(anchor)
                return "#"
            return f"#{anchor}" if f == d.filename else f"{f}#{anchor}"
        d.body = _SENTINEL.sub(repl, d.body)
    if missing:
        raise LinkError(f"link target(s) not found: {', '.join(sorted(set(missing)))}")
    return where


def _package_lang(opf: bytes, lang: str) -> bytes:
    """Add ``xml:lang`` to ``<package>`` (ebooklib has no option for it)."""
    if b"<package " in opf and b"xml:lang=" not in opf.split(b">", 2)[1]:
        opf = opf.replace(b"<package ", f'<package xml:lang="{esc(lang)}" '.encode(), 1)
    return opf


NCX_PATH = "EPUB/toc.ncx"


def normalize_zip(data: bytes, lang: str | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    """Re-pack: mimetype first and stored, the rest sorted, every date fixed; an entry
    named in ``replace`` gets the content given there."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        ordered = ["mimetype"] + sorted(n for n in names if n != "mimetype")
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            content = (replace or {}).get(name) or src.read(name)
            if name == OPF_PATH and lang:
                content = _package_lang(content, lang)
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                dst.writestr(info, content)
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(info, content, compresslevel=6)  # 9: 0.7% smaller, 40% slower
    return out.getvalue()


def spine_order(docs: list[Doc], nav: epub.EpubItem, items: dict[str, epub.EpubItem]) -> list[epub.EpubItem]:
    """Documents in reading order, the contents (nav) right after the title page."""
    spine = [items[d.id] for d in docs]
    at = next((i + 1 for i, d in enumerate(docs) if d.landmark == "titlepage"),
              1 if docs and docs[0].landmark == "cover" else 0)
    return spine[:at] + [nav] + spine[at:]


def build_epub(book: Book, css: str, fonts_dir: Path | None = None, page_map: dict | None = None) -> bytes:
    writer = Writer(book, notes="end", href=lambda a: f"\x00{a}\x00")
    fonts = fonts_dir or book.root / "styles" / "fonts"
    cover_name, cover_media, cover_data = cover_image(book, fonts)  # the editor's, or drawn
    docs = [cover_doc(book, cover_name)] + writer.documents()
    resolve_links(docs)
    # the print edition's page breaks, from the PDF's page map (render/epub_pages.py)
    pages = insert_pagebreaks(docs, page_map["pages"]) if page_map else []
    label_locators(docs, print_pages(docs) if pages else {}, book.terms)  # the index's "p. 42" (render/index.py)
    lang = book.meta.language
    from .epub_names import check_member_names  # no two members one file for a reader (#27)

    origin = {f"{ch.slug}.xhtml": ch.location.file for ch in book.chapters}
    check_member_names([(f"EPUB/{d.filename}", origin.get(d.filename)) for d in docs]
                       + [(f"EPUB/{p}", "images/" + p[len("figures/"):]) for p in sorted(book.images)])

    eb = epub.EpubBook()
    set_metadata(eb, book, cover_id="cover-image")
    if pages and page_map:
        page_metadata(eb, page_map["source"])

    eb.add_item(epub.EpubItem(uid="css", file_name="css/epub.css", media_type="text/css",
                              content=css.encode("utf-8")))
    image = epub.EpubItem(uid="cover-image", file_name=cover_name, media_type=cover_media,
                          content=cover_data)
    image.properties = ["cover-image"]  # plain EpubItem: ebooklib writes item.properties
    eb.add_item(image)
    for n, (path, (media, data)) in enumerate(sorted(book.images.items()), 1):  # figures
        eb.add_item(epub.EpubItem(uid=f"image-{n}", file_name=path, media_type=media, content=data))
    items: dict[str, epub.EpubItem] = {}
    for d in docs:
        body_type = "" if d.landmark == "cover" else BODY_TYPE[d.role]
        item = epub.EpubItem(uid=d.id, file_name=d.filename, media_type="application/xhtml+xml",
                             content=xhtml_document(d.title, d.body, lang, body_type).encode("utf-8"))
        if "<svg" in d.body:  # inline SVG (the family tree): the manifest says so
            item.properties = ["svg"]
        eb.add_item(item)
        items[d.id] = item
    add_glossary_items(eb, book, docs, items)  # glossary property + search key map (render/glossary.py)
    nav = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type="application/xhtml+xml",
                        content=xhtml_document(term(book, "contents"), nav_body(docs, book.terms)
                                               + page_list_nav(pages, book.terms), lang).encode("utf-8"))
    nav.properties = ["nav"]
    eb.add_item(nav)
    eb.add_item(epub.EpubNcx())
    eb.toc = [epub.Link(d.filename, d.title, d.id) for d in docs if d.in_toc]
    eb.spine = spine_order(docs, nav, items)

    buf = io.BytesIO()  # ebooklib's zip is only read back by normalize_zip: not compressed
    mtime = datetime.datetime.fromtimestamp(book.source_date_epoch, datetime.UTC).replace(tzinfo=None)
    epub.write_epub(buf, eb, {"mtime": mtime, "raise_exceptions": True, "epub3_pages": False,
                                  "compresslevel": 0})

    ncx = build_ncx(book, docs, pages, book_identifier(book))
    return check_well_formed(normalize_zip(buf.getvalue(), lang, {NCX_PATH: ncx}))
