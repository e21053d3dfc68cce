"""render/pdfwrite.py: pydyf's ``page_references``, cached while no page is added, is the
tuple pydyf builds, and the PDF WeasyPrint writes with it is byte for byte the same."""

from __future__ import annotations

import io

import pydyf

from edition.render import pdfwrite


def test_cached_page_references_are_pydyfs_and_follow_added_pages():
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdfwrite.page_references(pdf)
    plain = tuple(f"{n} 0 R".encode("ascii") for n in pdf.pages["Kids"][::3])  # pydyf 0.13
    assert first == plain
    assert len(first) == 3 and first[0].endswith(b" 0 R")
    assert pdfwrite.page_references(pdf) is first  # not built again
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    again = pdfwrite.page_references(pdf)
    assert len(again) == 4 and again[:3] == first
    assert again[3] == f"{pdf.pages['Kids'][-3]} 0 R".encode("ascii")


def test_a_tagged_pdf_is_written_the_same_with_the_cache(monkeypatch):
    from weasyprint import HTML

    html = "".join(f'<h1>Part {i}</h1><p style="break-after: page">Text {i}.</p>' for i in range(6))
    doc = HTML(string=html).render()

    def write() -> bytes:
        out = io.BytesIO()
        doc.write_pdf(out, pdf_tags=True)
        return out.getvalue()

    monkeypatch.setattr(pydyf.PDF, "page_references", property(
        lambda pdf: tuple(f"{n} 0 R".encode("ascii") for n in pdf.pages["Kids"][::3])))
    plain = write()
    monkeypatch.setattr(pydyf.PDF, "page_references", property(pdfwrite.page_references))
    assert write() == plain
