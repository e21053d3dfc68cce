"""render/weasy.py (was pdfwrite.py): pydyf's ``page_references``, cached while no page is added, is the
tuple pydyf builds, and the PDF WeasyPrint writes with it is byte for byte the same."""

from __future__ import annotations

import io

import pydyf

from edition.render import weasy as pdfwrite


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


def _read_back(data: bytes) -> dict:
    """What a reader of the PDF gets, object numbers aside: each page's content, its link
    annotations, the tag tree (with the page of each element), the outline, the fonts."""
    import pypdf

    r = pypdf.PdfReader(io.BytesIO(data))
    page_of = {p.indirect_reference.idnum: i for i, p in enumerate(r.pages)}

    def tag(e, out):
        e = e.get_object()
        if not hasattr(e, "get"):
            out.append(("mcid", int(e)))
            return out
        pg = e.get("/Pg")
        out.append((str(e.get("/S")), page_of.get(pg.idnum) if pg is not None else None))
        kids = e.get("/K")
        for k in (kids if isinstance(kids, list) else [] if kids is None else [kids]):
            tag(k, out)
        return out

    def outline(items, out):
        for item in items:
            if isinstance(item, list):
                outline(item, out)
            else:
                out.append((item.title, r.get_destination_page_number(item)))
        return out

    root = r.trailer["/Root"]
    return {
        "pages": [p.get_contents().get_data() for p in r.pages],
        "links": [[(str(a.get_object().get("/Dest")), [round(float(x), 3) for x in a.get_object()["/Rect"]])
                   for a in (p.get("/Annots") or [])] for p in r.pages],
        "tags": tag(root["/StructTreeRoot"], []),
        "parents": len(root["/StructTreeRoot"]["/ParentTree"].get_object()["/Nums"]),
        "outline": outline(r.outline, []),
        "fonts": sorted(str(f.get_object()["/BaseFont"])[8:]  # the subset prefix aside
                        for p in r.pages for f in p["/Resources"]["/Font"].values()),
        "lang": str(root.get("/Lang")),
    }


def test_writing_page_by_page_gives_what_weasyprint_writes():
    """``write_pdf`` (each page tagged as soon as it is painted, its layout tree then let
    go) writes what WeasyPrint's own ``write_pdf`` does, but for the order of the objects:
    the same page contents, links, tag tree, outline and fonts, and no layout tree left."""
    from weasyprint import HTML

    html = ('<html lang="en"><body>' + "".join(
        f'<h1 id="p{i}">Part {i}</h1><p>Text <em>{i}</em>, see <a href="#p{(i + 1) % 5}">the next</a>'
        f'<span style="float: footnote">A note {i}.</span>.</p>'
        f'<ul><li>one</li><li>two</li></ul><p style="break-after: page">{"Words " * 200}</p>'
        for i in range(5)) + "</body></html>")
    stock = HTML(string=html).render().write_pdf(pdf_tags=True)
    doc = HTML(string=html).render()
    told: list[int] = []

    class Pages:
        def page(self, i):
            return doc.pages[i]

        def written(self, i, page):
            told.append(i)
            page._page_box = None

        def end(self):
            told.append(-1)

    ours = pdfwrite.write_pdf(doc, Pages(), pdf_tags=True)
    assert ours != stock  # (the objects' order)
    a, b = _read_back(stock), _read_back(ours)
    assert len(a["pages"]) >= 5 and len(a["tags"]) > 50 and a["outline"] and any(a["links"])
    assert a == b
    assert told == [*range(len(doc.pages)), -1]
    assert all(p._page_box is None for p in doc.pages)
