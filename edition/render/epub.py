"""EPUB 3 renderer: the shared XHTML writer, packaged with ebooklib.

ebooklib's traps, and what we do about them (checked against ebooklib 0.20):

* ``EpubHtml.get_content()`` re-parses the document through ``lxml.html``
  and rebuilds ``<head>``, dropping attributes such as ``epub:type`` on
  ``<body>`` and any ``<style>``.  We hand it complete, well-formed XHTML as
  plain ``EpubItem`` objects, which it writes verbatim.
* ``EpubNav`` builds a bogus page-list from any element having both
  ``epub:type`` and ``id``.  We write our own navigation document (an
  ``EpubItem`` with the ``nav`` property).
* The spine always names an NCX (``toc="ncx"``): we include ebooklib's NCX,
  which older reading systems use anyway.
* ``dcterms:modified`` defaults to now: we pass ``mtime`` from
  ``SOURCE_DATE_EPOCH`` / the last commit.  Zip entries are dated now: we
  re-pack the archive with fixed dates and a fixed order (``normalize_zip``).
* ``write_epub`` returns False on a write error unless ``raise_exceptions``
  is set: we set it, and write to memory, then atomically to disk.
"""

from __future__ import annotations

import datetime
import io
import re
import uuid
import zipfile
from pathlib import Path

from ebooklib import epub

from ..model import Book
from .html import Doc, Writer, esc

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
_SENTINEL = re.compile(r"\x00([^\x00]*)\x00")
FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class LinkError(Exception):
    pass


def book_identifier(book: Book) -> str:
    if book.meta.identifier:
        return book.meta.identifier
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"edition:{book.meta.slug}:{book.meta.title}"))


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
        for m in re.finditer(r'\bid="([^"]+)"', d.body):
            where.setdefault(m.group(1), d.filename)
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


def nav_document(book: Book, docs: list[Doc], where: dict[str, str]) -> str:
    lang = book.meta.language
    toc = []
    for d in docs:
        if d.in_toc:
            toc.append(f'<li><a href="{d.filename}">{esc(d.title)}</a></li>')
    marks = []
    labels = {"cover": "Cover", "titlepage": "Title page", "toc": "Contents",
              "bodymatter": "Start of the text", "copyright-page": "Copyright",
              "glossary": "Glossary", "index": "Index"}
    marks.append('<li><a epub:type="toc" href="nav.xhtml#toc">Contents</a></li>')
    for d in docs:
        if d.landmark and d.landmark != "toc":
            marks.append(f'<li><a epub:type="{d.landmark}" href="{d.filename}">'
                         f'{labels.get(d.landmark, d.title)}</a></li>')
    body = (
        '<nav epub:type="toc" id="toc" role="doc-toc" aria-labelledby="toc-title">'
        '<h1 id="toc-title">Contents</h1>\n<ol>\n' + "\n".join(toc) + "\n</ol>\n</nav>\n"
        '<nav epub:type="landmarks" id="landmarks" aria-labelledby="landmarks-title" hidden="hidden">'
        '<h2 id="landmarks-title">Landmarks</h2>\n<ol>\n' + "\n".join(marks) + "\n</ol>\n</nav>"
    )
    return xhtml_document("Contents", body, lang)


def normalize_zip(data: bytes) -> bytes:
    """Re-pack: mimetype first and stored, the rest sorted, every date fixed."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        ordered = ["mimetype"] + sorted(n for n in names if n != "mimetype")
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(name), compresslevel=9 if name != "mimetype" else None)
    return out.getvalue()


def build_epub(book: Book, css: str, page_list: str | None = None) -> bytes:
    writer = Writer(book, notes="end", href=lambda a: f"\x00{a}\x00")
    docs = writer.documents()
    where = resolve_links(docs)
    lang = book.meta.language

    eb = epub.EpubBook()
    # no "generator" meta naming the ebooklib version
    eb.metadata.get(epub.NAMESPACES["OPF"], {}).pop("generator", None)
    eb.set_identifier(book_identifier(book))
    eb.set_title(book.meta.title)
    eb.set_language(lang)
    if book.meta.subtitle:
        eb.add_metadata("DC", "title", book.meta.subtitle, {"id": "subtitle"})
        eb.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    if book.meta.editor:
        eb.add_metadata("DC", "creator", book.meta.editor, {"id": "editor"})
        eb.add_metadata(None, "meta", "edt", {"refines": "#editor", "property": "role",
                                               "scheme": "marc:relators"})
    if book.meta.description:
        eb.add_metadata("DC", "description", book.meta.description)
    for s in book.meta.subjects:
        eb.add_metadata("DC", "subject", s)
    if book.meta.rights:
        eb.add_metadata("DC", "rights", book.meta.rights)
    if book.meta.publisher:
        eb.add_metadata("DC", "publisher", book.meta.publisher)
    authors: list[str] = []
    for ch in book.chapters:
        if ch.meta.author and ch.meta.kind == "document" and ch.meta.author not in authors:
            authors.append(ch.meta.author)
    for i, a in enumerate(authors, 1):
        eb.add_metadata("DC", "contributor", a, {"id": f"author{i}"})
        eb.add_metadata(None, "meta", "aut", {"refines": f"#author{i}", "property": "role",
                                               "scheme": "marc:relators"})
    translators = sorted({ch.meta.translator for ch in book.chapters if ch.meta.translator})
    for i, t in enumerate(translators, 1):
        eb.add_metadata("DC", "contributor", t, {"id": f"translator{i}"})
        eb.add_metadata(None, "meta", "trl", {"refines": f"#translator{i}", "property": "role",
                                               "scheme": "marc:relators"})
    for ch in book.chapters:
        if ch.meta.kind == "document" and ch.meta.original_publication:
            eb.add_metadata("DC", "source", f"{ch.meta.author + ', ' if ch.meta.author else ''}"
                                           f"“{ch.meta.title}”, {ch.meta.original_publication}")
    eb.add_metadata("DC", "date", datetime.datetime.fromtimestamp(
        book.source_date_epoch, datetime.UTC).strftime("%Y-%m-%d"))

    style = epub.EpubItem(uid="css", file_name="css/epub.css", media_type="text/css",
                          content=css.encode("utf-8"))
    eb.add_item(style)
    items = []
    for d in docs:
        body_type = {"front": "frontmatter", "body": "bodymatter", "back": "backmatter"}[d.role]
        item = epub.EpubItem(uid=d.id, file_name=d.filename, media_type="application/xhtml+xml",
                             content=xhtml_document(d.title, d.body, lang, body_type).encode("utf-8"))
        eb.add_item(item)
        items.append(item)
    nav = epub.EpubItem(uid="nav", file_name="nav.xhtml", media_type="application/xhtml+xml",
                        content=nav_document(book, docs, where).encode("utf-8"))
    nav.properties = ["nav"]
    eb.add_item(nav)
    eb.add_item(epub.EpubNcx())
    eb.toc = [epub.Link(d.filename, d.title, d.id) for d in docs if d.in_toc]
    eb.spine = items[:2] + [nav] + items[2:]

    buf = io.BytesIO()
    mtime = datetime.datetime.fromtimestamp(book.source_date_epoch, datetime.UTC).replace(tzinfo=None)
    epub.write_epub(buf, eb, {"mtime": mtime, "raise_exceptions": True, "epub3_pages": False})
    return normalize_zip(buf.getvalue())


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
