"""A correction to the PDF writer's cost (pydyf 0.10–0.13, used by WeasyPrint 66–70),
applied by the PDF renderer.

``pydyf.PDF.page_references`` is a property that builds, at every access, the tuple of
references to *all* the pages of the document.  WeasyPrint reads it once for every
tagged element and every bookmark it writes (``weasyprint/pdf/tags.py``, ``anchors.py``)
to take one item from it: writing a book of P pages costs P × (elements), which grows
with the square of the book (a book ten times the reader spent minutes there).

``install()`` replaces the property with one that returns the same tuple, built again
only when a page has been added since (pages are only ever appended to ``Kids``).
The bytes written do not change.
"""

from __future__ import annotations

_INSTALLED = False


def page_references(pdf) -> tuple[bytes, ...]:
    """What ``pydyf.PDF.page_references`` returns, cached while the page list is unchanged."""
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_edition_page_references")
    if cached is None or cached[0] != len(kids):
        refs = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        cached = pdf.__dict__["_edition_page_references"] = (len(kids), refs)
    return cached[1]


def install() -> None:
    """Patch ``pydyf.PDF.page_references`` (once)."""
    global _INSTALLED
    if _INSTALLED:
        return
    import pydyf

    if isinstance(getattr(pydyf.PDF, "page_references", None), property):
        pydyf.PDF.page_references = property(page_references)  # type: ignore[method-assign,assignment]
    _INSTALLED = True
