"""The package metadata of the EPUB (content.opf ``<metadata>``).

Dublin Core (title and subtitle refined by ``title-type``, the documents'
authors as creators, the translators and the editor as contributors, each with
its MARC relator role and ``file-as`` (``BookMeta.creators``), one ``dc:source`` per document) and the EPUB Accessibility 1.1
discovery metadata (schema.org ``access*`` properties, hazards, a summary and
the ``dcterms:conformsTo`` the markup is written to; no certification, which only
someone who ran the checkers could give).  Everything comes from ``book.yaml`` and the
chapters' front matter; nothing is random or dated "now".
"""

from __future__ import annotations

import datetime
import uuid

from ebooklib import epub

from ..model import Book
from ..terms import term

ROLE_IDS = {"aut": "author", "trl": "translator", "edt": "editor", "pbl": "publisher"}
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


def book_identifier(book: Book) -> str:
    """The ISBN (``urn:isbn:``), the configured identifier, or a UUID derived from slug and
    title (stable)."""
    if book.meta.isbn:
        return "urn:isbn:" + book.meta.isbn.replace("-", "").replace(" ", "")
    if book.meta.identifier:
        return book.meta.identifier
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"edition:{book.meta.slug}:{book.meta.title}"))


def _refine(eb: epub.EpubBook, ref: str, prop: str, value: str, scheme: str | None = None) -> None:
    attrs = {"refines": f"#{ref}", "property": prop}
    if scheme:
        attrs["scheme"] = scheme
    eb.add_metadata(None, "meta", value, attrs)


def _meta(eb: epub.EpubBook, prop: str, value: str) -> None:
    eb.add_metadata(None, "meta", value, {"property": prop})


def source_line(book: Book, ch_index: int) -> str:
    m = book.chapters[ch_index].meta
    bits = [f"“{m.title}”"]
    if m.author:
        bits.insert(0, m.author)
    if m.original_publication:
        bits.append(m.original_publication)
    elif m.date:
        bits.append(m.date)
    return ", ".join(bits)


def accessibility_summary(book: Book, has_cover: bool) -> str:
    parts = [term(book, "a11y-conformance"), term(book, "a11y-navigation")]
    kinds = {n.kind for ch in book.chapters for n in ch.notes}
    if kinds:
        owners = [term(book, f"a11y-notes-{k}") for k in ("editor", "translator") if k in kinds]
        parts.append(term(book, "a11y-notes-labelled", owners=term(book, "a11y-and").join(owners))
                     if owners else term(book, "a11y-notes"))
    if book.images:  # figures (transforms/figures.py): each has alt text, or the build fails
        parts.append(term(book, "a11y-figures"))
    elif has_cover:
        parts.append(term(book, "a11y-cover"))
    parts.append(term(book, "a11y-hazards"))
    return " ".join(parts)


def set_metadata(eb: epub.EpubBook, book: Book, cover_id: str | None) -> None:
    """Fill ``eb`` with the book's Dublin Core and accessibility metadata."""
    b = book.meta
    # ebooklib adds a <meta name="generator"> naming its version: drop it, the
    # package should not change when ebooklib is upgraded
    eb.metadata.get(epub.NAMESPACES["OPF"], {}).pop("generator", None)
    eb.set_identifier(book_identifier(book))
    if b.isbn and b.identifier:  # the editor's own identifier too
        eb.add_metadata("DC", "identifier", b.identifier, {"id": "identifier2"})
    # add_metadata rather than set_title: the main title needs an id to refine
    eb.title = b.title
    eb.add_metadata("DC", "title", b.title, {"id": "title"})
    _refine(eb, "title", "title-type", "main")
    if b.subtitle:
        eb.add_metadata("DC", "title", b.subtitle, {"id": "subtitle"})
        _refine(eb, "subtitle", "title-type", "subtitle")
    eb.set_language(b.language)
    # the documents' authors are the book's creators, the editor and translators
    # contributors (BookMeta.creators, edition/creators.py): Calibre, Apple Books and
    # the epub2 parser show the first dc:creator as the book's author and sort by its
    # file-as
    counts: dict[str, int] = {}
    authorless = not any(c.role == "aut" for c in b.creators)  # then the editor is the creator
    for c in b.creators:
        counts[c.role] = counts.get(c.role, 0) + 1
        ref = f"{ROLE_IDS.get(c.role, c.role)}{counts[c.role]}"
        eb.add_metadata("DC", "creator" if c.role == "aut" or (authorless and c.role == "edt") else "contributor", c.name, {"id": ref})
        _refine(eb, ref, "role", c.role, "marc:relators")
        _refine(eb, ref, "file-as", c.file_as)
    if b.publisher:
        eb.add_metadata("DC", "publisher", b.publisher)
        # and a contributor in the role of publisher (MARC "pbl"), as the readers
        # and ONIX-minded catalogues look for it
        eb.add_metadata("DC", "contributor", b.publisher, {"id": "publisher1"})
        _refine(eb, "publisher1", "role", "pbl", "marc:relators")
    if b.series:  # EPUB 3 collections: the series and the book's place in it
        eb.add_metadata(None, "meta", b.series["title"], {"property": "belongs-to-collection", "id": "series"})
        _refine(eb, "series", "collection-type", "series")
        if b.series.get("number") is not None:
            _refine(eb, "series", "group-position", str(b.series["number"]))
    if b.description:
        eb.add_metadata("DC", "description", b.description)
    for s in b.subjects:
        # Calibre splits a dc:subject at commas into tags and drops a repeated one
        # ("Curie, Pierre, 1859-1906" after "Curie, Marie, …" became "Pierre",
        # "1906-1938"); a subject with a comma is a lint warning (lint.subject-comma)
        eb.add_metadata("DC", "subject", s)
    if b.rights:
        eb.add_metadata("DC", "rights", b.rights)
    for i, ch in enumerate(book.chapters):
        if ch.meta.kind == "document":
            eb.add_metadata("DC", "source", source_line(book, i))
    eb.add_metadata("DC", "date", datetime.datetime.fromtimestamp(
        book.source_date_epoch, datetime.UTC).strftime("%Y-%m-%d"))
    if cover_id:
        # EPUB 2 readers (and Kindle's converter) find the cover through this
        eb.add_metadata(None, "meta", "", {"name": "cover", "content": cover_id})

    # EPUB Accessibility 1.1 discovery metadata
    _meta(eb, "schema:accessMode", "textual")
    if cover_id:
        _meta(eb, "schema:accessMode", "visual")
    _meta(eb, "schema:accessModeSufficient", "textual")
    features = ["structuralNavigation", "tableOfContents", "readingOrder",
                "displayTransformability"]
    if cover_id:
        features.append("alternativeText")
    for f in features:
        _meta(eb, "schema:accessibilityFeature", f)
    _meta(eb, "schema:accessibilityHazard", "none")
    _meta(eb, "schema:accessibilitySummary", accessibility_summary(book, bool(cover_id)))
    _meta(eb, "dcterms:conformsTo", CONFORMS_TO)
    # No a11y:certifiedBy (nor a credential or report): a build runs neither EPUBCheck nor
    # DAISY Ace, so it names no one as having evaluated it (README, "Accessibility").
