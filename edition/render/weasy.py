"""WeasyPrint behind one door: every use of a WeasyPrint or pydyf name that is not their
public API is in this module, and only for the versions it knows (``KNOWN``).

What it does with them:

* ``page_references``: a cache for ``pydyf.PDF.page_references`` (below);
* ``write_pdf``: WeasyPrint 70.0's ``generate_pdf`` reordered to write page by page;
* ``fix_line_breaking``: a correction to ``split_first_line`` (WeasyPrint's issue 1614);
* ``page_box`` / ``forget_layout``: a laid-out page's box tree (``Page._page_box``), read
  for the page map and the unit layout, and let go once a page is written.

``usable()`` checks the installed WeasyPrint, pydyf and tinycss2 against ``KNOWN``. On a
version it does not know, nothing is patched, ``write_pdf`` calls WeasyPrint's public
``Document.write_pdf`` (slower for a long book: every page's layout is kept until the end;
the same book), and ``version_warning()`` says so once per build (``render/pdf.py`` reports
it). pyproject.toml pins the three to these versions, so this is for an installation that
does not honour the pins.

The pydyf cache: ``pydyf.PDF.page_references`` is a property that builds, at every access, the tuple of
references to *all* the pages of the document.  WeasyPrint reads it once for every
tagged element and every bookmark it writes (``weasyprint/pdf/tags.py``, ``anchors.py``)
to take one item from it: writing a book of P pages costs P × (elements), which grows
with the square of the book (a book ten times the reader spent minutes there).

``install()`` replaces the property with one that returns the same tuple, built again
only when a page has been added since (pages are only ever appended to ``Kids``).
The bytes written do not change.


The line-break correction:
A correction to WeasyPrint's line breaking (WeasyPrint 66–70), applied by the PDF renderer.

WeasyPrint fits a text box on a line with ``split_first_line``.  When the text of a box
ends with a space and fits the line only without that space (the space would hang past
the margin, which CSS allows), the function sees a line that is too wide, decides that it
"can't be split earlier" and returns *the first word alone*.  In justified text this leaves
one word stranded on a line in mid-paragraph ("… no brains in it.” / After / the
publication …") whenever a text box is followed by an inline element (a name, a glossary
term) that goes to the next line — the family of WeasyPrint's issue #1614.

``install()`` wraps ``split_first_line``: if the answer breaks a text that, without its
trailing spaces, fits the line whole, the text is laid out again without a width limit —
what WeasyPrint does for a text that fits — and the caller, which already lets trailing
spaces hang, places the next element on the next line.  Nothing else changes.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from math import inf
from typing import Any, Protocol
from weakref import WeakKeyDictionary

_INSTALLED = False

# the versions whose private names this module uses, as installed with WeasyPrint 70.0
KNOWN = {"weasyprint": ("70.0",), "pydyf": ("0.13.0",), "tinycss2": ("1.5.1",)}


def installed_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in KNOWN:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def unknown_versions() -> dict[str, str]:
    """The installed packages whose version this module does not know (none: it may patch)."""
    return {k: v for k, v in installed_versions().items() if v not in KNOWN[k]}


def usable() -> bool:
    """May this module use WeasyPrint's and pydyf's private names?"""
    return not unknown_versions()


def version_warning() -> str | None:
    """What a build says when it writes with WeasyPrint's public API only."""
    unknown = unknown_versions()
    if not unknown:
        return None
    have = ", ".join(f"{k} {v}" for k, v in sorted(unknown.items()))
    want = ", ".join(f"{k} {v[0]}" for k, v in sorted(KNOWN.items()))
    return (f"the print edition is written with WeasyPrint's public API only (slower, the same "
            f"book, without the line-break correction): installed {have}, known {want} "
            "(pyproject.toml pins them; pip install -e . restores them)")


def page_box(page: Any) -> Any:
    """A laid-out page's box tree (None once let go)."""
    return page._page_box


def forget_layout(page: Any) -> None:
    """Let a written page's layout tree go (its box tree and its links)."""
    page._page_box = None
    page.links = []


def fix_line_breaking() -> None:
    """Patch WeasyPrint's ``split_first_line`` where the layout code looks it up (once;
    not on a version this module does not know)."""
    global _LINES_FIXED
    if _LINES_FIXED or not usable():
        return
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    original = line_break.split_first_line
    patched = fixed(original)
    line_break.split_first_line = patched
    if getattr(inline, "split_first_line", None) is original:
        inline.split_first_line = patched
    _LINES_FIXED = True


_LINES_FIXED = False


def fixed(original):
    def split_first_line(text, style, context, max_width, justification_spacing,
                         is_line_start=True, minimum=False):
        result = original(text, style, context, max_width, justification_spacing,
                          is_line_start, minimum)
        if (result[2] is None or max_width is None or max_width == inf
                or style["white_space"] not in ("normal", "pre-line") or not text.endswith(" ")):
            return result
        stripped = text.rstrip(" ")
        if not stripped:
            return result
        whole = original(stripped, style, context, max_width, justification_spacing,
                         is_line_start, minimum)
        if whole[2] is not None:  # the words themselves do not fit: a real break
            return result
        return original(text, style, context, inf, justification_spacing, is_line_start, minimum)

    split_first_line.__wrapped__ = original  # type: ignore[attr-defined]
    return split_first_line




_REFERENCES: WeakKeyDictionary[Any, tuple[int, tuple[bytes, ...]]] = WeakKeyDictionary()


def page_references(pdf) -> tuple[bytes, ...]:
    """What ``pydyf.PDF.page_references`` returns, cached while the page list is unchanged
    (kept beside the PDF object, not in it, and gone with it)."""
    kids = pdf.pages["Kids"]
    cached = _REFERENCES.get(pdf)
    if cached is None or cached[0] != len(kids):
        refs = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        cached = _REFERENCES[pdf] = (len(kids), refs)
    return cached[1]


def install() -> None:
    """Patch ``pydyf.PDF.page_references`` (once)."""
    global _INSTALLED
    if _INSTALLED or not usable():
        return
    import pydyf

    if isinstance(getattr(pydyf.PDF, "page_references", None), property):
        pydyf.PDF.page_references = property(page_references)  # type: ignore[method-assign,assignment]
    _INSTALLED = True


# -- Writing a laid-out book page by page ------------------------------------------------
#
# WeasyPrint's ``generate_pdf`` paints every page, then builds the tag tree from every
# page's layout: all the pages' layout trees (about a megabyte a page) live until the
# end, and a book ten times the reader needed 2 GB.  ``write_pdf`` below is the same
# function (WeasyPrint 70.0, ``weasyprint/pdf/__init__.py`` and ``pdf/tags.py``,
# BSD-3-Clause, © Simon Sapin and contributors), reordered so that each page is tagged
# right after it is painted; then its layout tree can go.  The pages come from
# ``pages.page(i)``, which may lay a unit out again (render/units.py keeps the layout of
# only so many pages), and go back through ``pages.written(i, page)``.
# What changes in the file is only the order of its objects (tag elements follow their
# page instead of coming after all pages) and the time a missing anchor is reported.


class PageSource(Protocol):
    def page(self, i: int) -> Any:
        """The i-th page of the document, laid out (its layout tree present)."""

    def written(self, i: int, page: Any) -> None:
        """Page i is in the PDF: its layout tree is not needed any more."""

    def end(self) -> None:
        """Every page is in the PDF."""


def write_pdf(document: Any, pages: PageSource, finisher: Callable | None = None,
              **options: Any) -> bytes:
    """What ``document.write_pdf(None, finisher=finisher, **options)`` returns, with the
    pages' layout trees released as soon as each page is written."""
    from weasyprint import DEFAULT_OPTIONS

    opts = DEFAULT_OPTIONS.copy()
    opts.update(options)
    variant, root = opts.pop("pdf_variant"), opts.pop("project_root", None)
    if variant not in (None, "pdf/x-4"):
        raise ValueError("write_pdf writes no PDF variant but PDF/X-4")
    if not usable():
        return _public_write_pdf(document, pages, finisher, variant, root, **opts)
    if variant:  # WeasyPrint's properties of the variant: PDF 1.6, an identifier
        opts.update(pdf_version="1.6", pdf_identifier=True)
    pdf = _generate_pdf(document, pages, 1, pdf_variant=None, **opts)
    if variant:  # the print-shop interior (render/print_ready.py: the output intent, the checks)
        make_x4(pdf, document, root, not opts["uncompressed_pdf"])
    if finisher:
        finisher(document, pdf)
    out = io.BytesIO()
    pdf.write(out, opts["pdf_version"], opts["pdf_identifier"], not opts["uncompressed_pdf"])
    return out.getvalue()


def _public_write_pdf(document: Any, pages: PageSource, finisher: Callable | None,
                      variant: str | None, root: Any, **options: Any) -> bytes:
    """WeasyPrint's own ``Document.write_pdf``, public API only: every page laid out at
    once (those the unit layout let go are laid out again), written, then told written.
    PDF/X-4 is WeasyPrint's own ``pdf_variant``, with the output intent and the stable
    DocumentID added by a finisher (public: ``finisher`` gets the ``pydyf.PDF``)."""
    laid = [pages.page(i) for i in range(len(document.pages))]
    if variant:
        from .print_ready import output_intent, stable_document_id

        own = finisher

        def finish(doc: Any, pdf: Any) -> None:
            output_intent(pdf, root, not options["uncompressed_pdf"])
            if own:
                own(doc, pdf)
            stable_document_id(pdf, doc)

        finisher = finish
    data = document.copy(laid).write_pdf(None, finisher=finisher, pdf_variant=variant, **options)
    for i, page in enumerate(laid):
        pages.written(i, page)
    pages.end()
    return data


def make_x4(pdf: Any, document: Any, root: Any, compress: bool) -> None:
    """Make the generated ``pydyf.PDF`` a PDF/X-4 file (before it is written), the way
    WeasyPrint's own ``pdf_variant="pdf/x-4"`` does (``weasyprint.pdf.pdfx``: the XMP
    metadata with GTS_PDFXVersion, ``Trapped``), with the output intent and a DocumentID
    derived from the book (``print_ready``)."""
    from weasyprint.pdf.pdfx import VARIANTS

    from .print_ready import output_intent, stable_document_id

    output_intent(pdf, root, compress)
    function, _ = VARIANTS["pdf/x-4"]
    function(pdf, document, None, None, compress)
    stable_document_id(pdf, document)


def _anchor_pages(pages: list) -> tuple[set[str], list[list[tuple[str, float, float]]]]:
    """``resolve_links``'s first half: every anchor name, and each page's first
    occurrences (the anchors are known without the layout trees)."""
    anchors: set[str] = set()
    paged: list[list[tuple[str, float, float]]] = []
    for page in pages:
        paged.append([])
        for name, (x, y, _, _) in page.anchors.items():
            if name not in anchors:
                paged[-1].append((name, x, y))
                anchors.add(name)
    return anchors, paged


def _page_links(page: Any, anchors: set[str]) -> list:
    """``resolve_links``'s second half, for one page."""
    from weasyprint.logger import LOGGER

    links = []
    for link in page.links:
        link_type, anchor_name, _, _ = link
        if link_type == "internal" and anchor_name not in anchors:
            LOGGER.error("No anchor #%s for internal URI reference", anchor_name)
        else:
            links.append(link)
    return links


def _compact(stream: Any) -> None:
    """A painted page's content as one compressed string instead of thousands of small
    ones: the bytes pydyf writes are the same (``pydyf.Stream.data``)."""
    import pydyf

    data = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
    if stream.compress and "Filter" not in stream.extra:
        compressor = zlib.compressobj(level=9)
        data = compressor.compress(data) + compressor.flush()
        stream.extra["Filter"] = "/FlateDecode"
        stream.compress = False
    stream.stream = [data]


class _Written:
    """A PDF object whose bytes are final, as the bytes: what ``pydyf.PDF.write`` reads of
    an object (its number, data, whether it goes in an object stream).  A page's tag
    elements, link annotations and content are tens of thousands of small dictionaries in
    a long book; written, a few bytes each."""

    __slots__ = ("number", "offset", "generation", "free", "data", "compressible")

    def __init__(self, obj: Any) -> None:
        self.number, self.offset, self.generation, self.free = (
            obj.number, obj.offset, obj.generation, obj.free)
        self.data: bytes = obj.data
        self.compressible: bool = obj.compressible

    @property
    def indirect(self) -> bytes:
        return f"{self.number} {self.generation} obj\n".encode() + self.data + b"\nendobj"

    @property
    def reference(self) -> bytes:
        return f"{self.number} {self.generation} R".encode()


def _write_down(pdf: Any, first: int, changing: list) -> None:
    """The objects a page added (from ``first``) are final once it is painted and tagged,
    but for the annotations ``changing`` (``_Tags.end`` numbers them): keep their bytes."""
    keep = {id(a) for _, a in changing}
    objects = pdf.objects
    for n in range(first, len(objects)):
        if id(objects[n]) not in keep:
            objects[n] = _Written(objects[n])


class _Tags:
    """``add_tags`` of WeasyPrint 70.0 in three parts: the root, one page, the end."""

    def __init__(self, pdf: Any, pdf_version: Any) -> None:
        import pydyf

        self.pdf = pdf
        content_mapping = pydyf.Dictionary({})
        pdf.add_object(content_mapping)
        structure_root = pydyf.Dictionary({
            "Type": "/StructTreeRoot",
            "ParentTree": content_mapping.reference,
        })
        pdf.add_object(structure_root)
        structure_document = pydyf.Dictionary({
            "Type": "/StructElem",
            "S": "/Document",
            "K": pydyf.Array(),
            "P": structure_root.reference,
        })
        pdf.add_object(structure_document)
        structure_root["K"] = pydyf.Array([structure_document.reference])
        pdf.catalog["StructTreeRoot"] = structure_root.reference
        if str(pdf_version) >= "2.0":
            namespace = pydyf.Dictionary({
                "Type": "/Namespace",
                "NS": pydyf.String("http://iso.org/pdf2/ssn"),
            })
            pdf.add_object(namespace)
            structure_root["Namespaces"] = pydyf.Array([namespace.reference])
            structure_document["NS"] = namespace.reference
        content_mapping["Nums"] = pydyf.Array()
        self.content_mapping = content_mapping
        self.structure_document = structure_document
        self.annotations: list = []
        self.pages = 0

    def page(self, page_number: int, page: Any, stream: Any) -> None:
        import pydyf
        from weasyprint.pdf.tags import _build_box_tree

        tags = stream._tags
        nums = self.content_mapping["Nums"]
        nums.append(page_number)
        nums.append(pydyf.Array())
        page_nums: dict = {}
        elements = _build_box_tree(page._page_box, self.structure_document, self.pdf,
                                   page_number, page_nums, self.annotations, tags)
        for element in elements:
            self.structure_document["K"].append(element.reference)
        assert not tags
        nums[-1].extend(ref for _, ref in sorted(page_nums.items()))
        self.pages += 1

    def end(self) -> None:
        import pydyf
        from weasyprint.logger import LOGGER

        pdf = self.pdf
        for i, (reference, annotation) in enumerate(self.annotations, start=self.pages):
            self.content_mapping["Nums"].append(i)
            self.content_mapping["Nums"].append(reference)
            annotation["StructParent"] = i
        pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
        pdf.catalog["MarkInfo"] = pydyf.Dictionary({"Marked": "true"})
        if "Lang" not in pdf.catalog:
            LOGGER.error('Missing required "lang" attribute at the root of the document')
            pdf.catalog["Lang"] = pydyf.String()


def _generate_pdf(document: Any, pages: PageSource, zoom: float, **options: Any) -> Any:
    """WeasyPrint 70.0's ``generate_pdf`` for no PDF variant, page by page (see above)."""
    import pydyf
    from tinycss2.color5 import D50, D65
    from weasyprint import VERSION
    from weasyprint.logger import PROGRESS_LOGGER
    from weasyprint.matrix import Matrix
    from weasyprint.pdf import _use_references, _w3c_date_to_pdf
    from weasyprint.pdf.anchors import add_annotations, add_forms, add_links, add_outlines
    from weasyprint.pdf.fonts import build_fonts_dictionary
    from weasyprint.pdf.stream import Stream

    scale = zoom * 0.75
    PROGRESS_LOGGER.info("Step 6 - Creating PDF")
    compress = not options["uncompressed_pdf"]
    pdf_tags = options["pdf_tags"]
    if options["output_intent"] or options["attachments"] or options["xmp_metadata"] \
            or options["custom_metadata"] or document.metadata.attachments or document.color_profiles:
        raise ValueError("write_pdf writes no colour profile, attachment or XMP metadata")

    pdf = pydyf.PDF()
    images: dict = {}
    color_space = pydyf.Dictionary({
        "lab-d50": pydyf.Array(("/Lab", pydyf.Dictionary({
            "WhitePoint": pydyf.Array(D50), "Range": pydyf.Array((-125, 125, -125, 125))}))),
        "lab-d65": pydyf.Array(("/Lab", pydyf.Dictionary({
            "WhitePoint": pydyf.Array(D65), "Range": pydyf.Array((-125, 125, -125, 125))}))),
    })
    pdf.add_object(color_space)
    resources = pydyf.Dictionary({
        "ExtGState": pydyf.Dictionary(), "XObject": pydyf.Dictionary(),
        "Pattern": pydyf.Dictionary(), "Shading": pydyf.Dictionary(),
        "ColorSpace": color_space.reference,
    })
    pdf.add_object(resources)
    pdf_names: list = []
    anchors, paged_anchors = _anchor_pages(document.pages)
    tagging = _Tags(pdf, options["pdf_version"]) if pdf_tags else None

    annot_files: dict = {}
    for page_number in range(len(document.pages)):
        first = len(pdf.objects)
        annotated = len(tagging.annotations) if tagging is not None else 0
        page = pages.page(page_number)
        links_and_anchors = (_page_links(page, anchors), paged_anchors[page_number])
        tags: dict | None = {} if pdf_tags else None
        matrix = Matrix(scale, 0, 0, -scale, 0, page.height * scale)
        page_width = scale * (page.width + page.bleed["left"] + page.bleed["right"])
        page_height = scale * (page.height + page.bleed["top"] + page.bleed["bottom"])
        left = -scale * page.bleed["left"]
        top = -scale * page.bleed["top"]
        right = left + page_width
        bottom = top + page_height
        page_rectangle = (left / scale, top / scale, (right - left) / scale, (bottom - top) / scale)
        stream = Stream(document.fonts, page_rectangle, resources, images, tags,
                        document.color_profiles, document.output_intent, compress=compress)
        stream.transform(d=-1, f=(page.height * scale))
        pdf.add_object(stream)
        pdf_page = pydyf.Dictionary({
            "Type": "/Page",
            "Parent": pdf.pages.reference,
            "MediaBox": pydyf.Array([left, top, right, bottom]),
            "Contents": stream.reference,
            "Resources": resources.reference,
        })
        if pdf_tags:
            pdf_page["Tabs"] = "/S"
            pdf_page["StructParents"] = page_number
        pdf.add_page(pdf_page)
        add_links(links_and_anchors, matrix, pdf, pdf_page, pdf_names, tags)
        add_annotations(links_and_anchors[0], matrix, document, pdf, pdf_page, annot_files, compress)
        add_forms(page.forms, matrix, pdf, pdf_page, resources, stream,
                  document.font_config.font_map)
        page.paint(stream, scale)
        bleed = {key: value * 0.75 for key, value in page.bleed.items()}
        trim_left = left + bleed["left"]
        trim_top = top + bleed["top"]
        trim_right = right - bleed["right"]
        trim_bottom = bottom - bleed["bottom"]
        pdf_page["TrimBox"] = pydyf.Array([trim_left, trim_top, trim_right, trim_bottom])
        pdf_page["BleedBox"] = pydyf.Array([
            trim_left - min(10, bleed["left"]), trim_top - min(10, bleed["top"]),
            trim_right + min(10, bleed["right"]), trim_bottom + min(10, bleed["bottom"])])
        if tagging is not None:
            tagging.page(page_number, page, stream)
        _compact(stream)
        _write_down(pdf, first, tagging.annotations[annotated:] if tagging is not None else [])
        pages.written(page_number, page)
    pages.end()

    add_outlines(pdf, document.make_bookmark_tree(scale, transform_pages=True))
    PROGRESS_LOGGER.info("Step 7 - Adding PDF metadata")
    pdf.info["Producer"] = pydyf.String(f"WeasyPrint {VERSION}")
    metadata = document.metadata
    if metadata.title:
        pdf.info["Title"] = pydyf.String(metadata.title)
    if metadata.authors:
        pdf.info["Author"] = pydyf.String(", ".join(metadata.authors))
    if metadata.description:
        pdf.info["Subject"] = pydyf.String(metadata.description)
    if metadata.keywords:
        pdf.info["Keywords"] = pydyf.String(", ".join(metadata.keywords))
    if metadata.generator:
        pdf.info["Creator"] = pydyf.String(metadata.generator)
    if metadata.created:
        pdf.info["CreationDate"] = pydyf.String(_w3c_date_to_pdf(metadata.created, "created"))
    if metadata.modified:
        pdf.info["ModDate"] = pydyf.String(_w3c_date_to_pdf(metadata.modified, "modified"))
    if metadata.lang:
        pdf.catalog["Lang"] = pydyf.String(metadata.lang)

    pdf_fonts = build_fonts_dictionary(pdf, document.fonts, compress, not options["full_fonts"], options)
    pdf.add_object(pdf_fonts)
    resources["Font"] = pdf_fonts.reference
    _use_references(pdf, resources, images, document.color_profiles)
    if pdf_names:
        name_array = pydyf.Array()
        for anchor in sorted(pdf_names):
            name_array.append(pydyf.String(anchor[0]))
            name_array.append(anchor[1])
        if "Names" not in pdf.catalog:
            pdf.catalog["Names"] = pydyf.Dictionary()
        pdf.catalog["Names"]["Dests"] = pydyf.Dictionary({"Names": name_array})
    if tagging is not None:
        tagging.end()
    return pdf
