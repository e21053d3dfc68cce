"""The print edition read back from the PDF (pdfplumber glyph geometry, pypdf structure).

Two books are checked the same way: the real edition (whatever its chapters say
today) and a generated book with front matter, back matter, many notes (the
author's and the editor's), letters, section breaks and sections.  The
checks never look at our HTML: titles, notes and numbers come from the model
(``edition.pipeline.load_book``), everything else from the PDF.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from conftest import ROOT, SmallBook
from test_pdf_read import (
    MM,
    Page,
    contents_entries,
    folio,
    named_dest_pages,
    norm,
    read_pages,
    roman,
    running_head,
)

from edition.diagnostics import Reporter
from edition.pipeline import load_book
from edition.render.xhtml import NOTE_MARK
from edition.terms import term

pytestmark = pytest.mark.layout  # every test reads a laid-out PDF (tests/conftest.py, TIERS)

A5 = (419.53, 595.28)
HEAD_BAND = 13  # mm below the trim edge: the running head and folio sit above this (A5)
# print.css, A5: top, outer, bottom, inner margins in mm
A5_MARGINS = {"top": 15, "outer": 28, "bottom": 18, "inner": 20}


# -- the generated book ----------------------------------------------------------------
WORDS = ("the GPU and the NKVD sent agents to Paris in 1936 while Leon Sedov worked on "
         "the Bulletin of the Opposition without rest or money but with courage and "
         "patience through the long winter of exile").split()


def _para(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _chapter(rng: random.Random, title: str, paras: int, notes: int, role: str = "body",
             kind: str = "document", prefix: str = "") -> str:
    body, defs, k = [], [], 0
    for i in range(paras):
        p = _para(rng, rng.randint(40, 120))
        if i % 2 == 0 and k < notes:
            k += 1
            label = f"ed-{prefix}{k}" if k % 3 == 0 else f"{prefix}{k}"
            p = p[:-1] + f"[^{label}]."
            defs.append(f"[^{label}]: {title} note {k} says: " + _para(rng, rng.randint(8, 60)))
        body.append(p)
        if i == 3:
            body.append("* * *")
        if i == 5:
            body.append("::: letter\nDear friend, " + _para(rng, 40) + "\n\nYours, L. T.\n:::")
        if i == paras // 2 + 1:
            body.append(f"## Section of {title}")
    head = f'---\ntitle: "{title}"\nrole: {role}\nkind: {kind}\n'
    if kind == "document":
        head += 'author: "A. Author"\nrights: "not stated"\n'
    return head + "---\n\n" + "\n\n".join(body + defs) + "\n"


def make_notes_book(root: Path) -> SmallBook:
    rng = random.Random(7)
    book = SmallBook(root)
    names = ["00-preface.md", "01-one.md", "02-two.md", "03-three.md", "04-after.md"]
    book.book(names)
    book.write("chapters/00-preface.md", _chapter(rng, "Preface", 8, 3, role="front", kind="editorial"))
    book.write("chapters/01-one.md", _chapter(rng, "One", 34, 17))
    book.write("chapters/02-two.md", _chapter(rng, "Two: A Much Longer Title for the Second Document "
                                               "That Needs a Short Title", 25, 12).replace(
        "role: body", "role: body\nshort_title: Two"))
    book.write("chapters/03-three.md", _chapter(rng, "Three", 9, 5))
    book.write("chapters/04-after.md", _chapter(rng, "Afterword", 6, 2, role="back", kind="editorial"))
    return book


@pytest.fixture(scope="session")
def notes_book(tmp_path_factory):
    """The generated book, laid out in-process so the computed folios are known too."""
    from edition.pipeline import read_style, styles_dir
    from edition.render.pdf import geometry_css, render_pdf

    book_dir = make_notes_book(tmp_path_factory.mktemp("notes") / "book")
    book = load_book(book_dir.root, Reporter())
    warnings: list[str] = []
    css = read_style(book.root, "print.css")[0] + geometry_css("A5")
    laid = render_pdf(book, styles_dir(book.root), css, warn=lambda m, where, code: warnings.append(m))
    path = book_dir.root / "notes-book.pdf"
    path.write_bytes(laid.data)
    return {"path": path, "book": book, "pages": read_pages(path), "warnings": warnings,
            "page_of": laid.pages.of, "page_order": laid.pages.order, "dests": named_dest_pages(path)}


@pytest.fixture(scope="session")
def real(edition_build, edition_pdf_pages):
    path = edition_build["pdf"]
    return {"path": path, "book": load_book(ROOT, Reporter()), "pages": edition_pdf_pages,
            "dests": named_dest_pages(path), "stderr": str(edition_build["stderr"])}


BOOKS = ["real", "notes_book"]


@pytest.fixture(params=BOOKS)
def edition_pdf(request):
    return request.getfixturevalue(request.param)


# -- what the model says the PDF must show ---------------------------------------------------
FURNITURE = ("halftitle", "titlepage", "colophon", "contents")


def print_docs(ed) -> list:
    """The documents after the contents, in print order, as the shared writer makes them
    (chapters and the generated back matter: glossary, register, index ...)."""
    if "docs" not in ed:
        from edition.render.html import Writer

        w = Writer(ed["book"], notes="inline", href=lambda a: "#" + a, print_edition=True)
        ed["docs"] = [d for d in w.documents() if d.id not in FURNITURE]
    return ed["docs"]


def running_title(ed, doc) -> str:
    for ch in ed["book"].chapters:
        if ch.anchor == doc.id:
            return ch.meta.short_title or ch.meta.title
    return doc.title


def opener_pages(ed) -> dict[int, object]:
    """0-based page of every document's opener, from the PDF's named destinations."""
    return {ed["dests"][d.id]: d for d in print_docs(ed)}


def body_start(ed) -> int:
    first = next(c for c in ed["book"].chapters if c.meta.role == "body")
    return ed["dests"][first.anchor]


def expected_folio(ed, i: int) -> str:
    start = body_start(ed)
    return roman(i + 1) if i < start else str(i - start + 1)


def doc_of_page(ed, i: int):
    best = None
    for p, d in sorted(opener_pages(ed).items()):
        if p <= i:
            best = d
    return best


class _AnyPage(dict):
    """page_of for the model's text: every page reference reads PAGEREF."""

    def get(self, key, default=None):
        return "PAGEREF"


def note_pattern(book, note) -> re.Pattern[str]:
    """The note's text as the model has it (normalised), page references left open."""
    from edition.render.html import Writer

    w = Writer(book, notes="end", href=lambda a: "#" + a, page_of=_AnyPage(), print_edition=True)
    text = norm(re.sub(r"<[^>]+>", "", w.note_body(note)))
    return re.compile("[0-9ivxlcdm]*".join(re.escape(part) for part in text.split("pageref")))


# -- the checks ---------------------------------------------------------------------------
def test_page_size_is_a5_throughout(edition_pdf):
    for p in edition_pdf["pages"]:
        assert abs(p.width - A5[0]) < 0.5 and abs(p.height - A5[1]) < 0.5, p.number


def test_contents_numbers_land_on_the_chapter_titles(edition_pdf):
    pages = edition_pdf["pages"]
    entries = contents_entries(pages, HEAD_BAND)
    docs = [d for d in print_docs(edition_pdf) if d.in_toc]
    # an entry is the document's title, after its authors where it has them (#29)
    assert len(entries) == len(docs), entries
    for (text, _), d in zip(entries, docs, strict=True):
        assert norm(text).endswith(norm(d.title)), (text, d.title)
    labels = [expected_folio(edition_pdf, i) for i in range(len(pages))]
    for (text, number), d in zip(entries, docs, strict=True):
        assert number in labels, (text, number)
        page = pages[labels.index(number)]
        top = norm(" ".join(page.lines(page.body_chars(HEAD_BAND))[:6]))
        assert norm(d.title) in top, f"contents says {d.title!r} is on {number}; page {page.number} is {top[:80]}"


def test_every_printed_folio_is_the_computed_label(edition_pdf):
    pages = edition_pdf["pages"]
    openers = opener_pages(edition_pdf)
    start = body_start(edition_pdf)
    assert pages[start].recto
    printed = 0
    for p in pages:
        f = folio(p, HEAD_BAND)
        if f is None:
            # only bare front pages (before the contents), blank pages and openers lack a folio
            contents = edition_pdf["dests"]["contents"]
            assert p.index <= contents or p.index in openers or not p.chars, p.number
            continue
        printed += 1
        assert f == expected_folio(edition_pdf, p.index), (p.number, f)
    assert printed > len(pages) // 2
    if "page_of" in edition_pdf:  # the labels pdf.py computed for its page references
        order = edition_pdf["page_order"]
        for p in pages:
            f = folio(p, HEAD_BAND)
            if f is not None:
                assert f == order[p.index], p.number
        for d in print_docs(edition_pdf):
            assert edition_pdf["page_of"][d.id] == order[edition_pdf["dests"][d.id]]


def test_every_opener_is_a_recto_without_head_or_folio(edition_pdf):
    pages = edition_pdf["pages"]
    for i, d in opener_pages(edition_pdf).items():
        assert pages[i].recto, (d.title, pages[i].number)
        assert not pages[i].head_chars(HEAD_BAND), (d.title, pages[i].text()[:60])
        assert norm(d.title)[:40] in norm(pages[i].text()), d.title


def test_running_heads_book_title_verso_chapter_title_recto(edition_pdf):
    book = edition_pdf["book"]
    verso = norm(book.meta.short_title or book.meta.title)
    seen = 0
    for p in edition_pdf["pages"][body_start(edition_pdf):]:
        if folio(p, HEAD_BAND) is None:
            continue
        head = norm(running_head(p, HEAD_BAND))
        d = doc_of_page(edition_pdf, p.index)
        want = verso if not p.recto else norm(running_title(edition_pdf, d))
        assert head == want, (p.number, head, want)
        seen += 1
    assert seen > 5


def test_no_glyph_outside_the_text_block(edition_pdf):
    check_text_block(edition_pdf["pages"], A5_MARGINS)


def check_text_block(pages: list[Page], m: dict[str, float], tol: float = 0.6) -> None:
    bad = []
    for p in pages:
        x0, top, x1, bottom = p.trim
        left = (m["inner"] if p.recto else m["outer"]) * MM
        right = (m["outer"] if p.recto else m["inner"]) * MM
        for c in p.chars:
            if not c.get("upright", True):  # a figure's turned text (the family tree turned a
                if not (x0 <= c["x0"] and c["x1"] <= x1 and top <= c["top"] and c["bottom"] <= bottom):
                    bad.append((p.number, c["text"], round(c["x0"] - x0), round(c["x1"] - x0)))
                continue  # quarter, #32) stays on the trimmed page
            if (c["x0"] < x0 + left - tol or c["x1"] > x1 - right + tol
                    or c["bottom"] > bottom - m["bottom"] * MM + tol or c["top"] < top):
                bad.append((p.number, c["text"], round(c["x0"] - x0), round(c["x1"] - x0)))
    assert not bad, bad[:20]


def test_no_blank_page_except_the_verso_before_an_opener(edition_pdf):
    pages = edition_pdf["pages"]
    for p in pages:
        if p.chars:
            continue
        assert not p.recto, f"blank recto {p.number}"
        nxt = pages[p.index + 1]
        assert nxt.chars and not nxt.head_chars(HEAD_BAND), f"blank {p.number} not before an opener"


def test_every_note_is_on_the_page_of_its_call(edition_pdf):
    """Every note of the model is in the PDF, complete in its text, starting on the page
    where it is called, and the call printed there carries the note's chapter number."""
    book, pages, dests = edition_pdf["book"], edition_pdf["pages"], edition_pdf["dests"]
    all_text = norm("".join(p.text() for p in pages))
    body_size = 10.5
    for ch in book.chapters:
        for note in ch.notes:
            where = dests[note.anchor]
            assert dests[f"{note.anchor}-call"] == where, (ch.slug, note.number)
            pattern = note_pattern(book, note)
            found = pattern.search(all_text)
            assert found, (ch.slug, note.number)  # the whole note, nothing lost at a page break
            start = found.group(0)[:50]
            page_text = norm(pages[where].text())
            assert start in page_text, (ch.slug, note.number, pages[where].number)
            calls = "".join(c["text"] for c in pages[where].chars if c["size"] < 0.75 * body_size
                            and c["text"].isdigit())
            assert str(note.number) in calls, (ch.slug, note.number, calls)
            # the printed mark of an editor's or translator's note ("Ed.", "Trans.") is a term
            mark = norm(term(book, NOTE_MARK[note.kind])) if note.kind in NOTE_MARK else ""
            marker = f"{note.number}{mark}" + start[:20]
            assert marker in page_text, (ch.slug, note.number)


def test_notes_book_has_many_notes_numbered_per_chapter(notes_book):
    counts = [len(ch.notes) for ch in notes_book["book"].chapters]
    assert sum(counts) >= 35 and counts[1] == 17
    assert any(n.kind == "editor" for ch in notes_book["book"].chapters for n in ch.notes)
    # chapter two's first note: its call reads 1 again
    two = notes_book["book"].chapters[2]
    page = notes_book["pages"][notes_book["dests"][two.notes[0].anchor]]
    small = [c["text"] for c in page.chars if c["size"] < 8 and c["text"].isdigit()]
    assert "1" in small


def test_pdf_structure_metadata_outline_tags_fonts(edition_pdf):
    from pypdf import PdfReader

    reader = PdfReader(str(edition_pdf["path"]))
    book = edition_pdf["book"]
    info = reader.metadata
    assert info.title == book.meta.title
    # the Author field names the documents' authors (edition/creators.py), not the editor
    assert info.author == ", ".join(c.name for c in book.meta.creators if c.role == "aut")
    if book.meta.editor:
        assert book.meta.editor not in (info.author or "")
    if book.meta.description or book.meta.subtitle:
        assert info.subject
    root = reader.trailer["/Root"]
    assert root["/Lang"] == book.meta.language
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    # the outline: the contents, then every chapter in reading order; sections nested below
    top = [o for o in reader.outline if not isinstance(o, list)]
    titles = [norm(o.title) for o in top]
    docs = [d for d in print_docs(edition_pdf) if d.in_toc]
    assert titles == ["contents"] + [norm(d.title) for d in docs], titles
    for o, d in zip(top[1:], docs, strict=False):
        assert reader.get_destination_page_number(o) == edition_pdf["dests"][d.id], d.title
    # every font embedded
    for page in reader.pages:
        for f in ((page.get("/Resources") or {}).get("/Font") or {}).values():
            fd = f.get_object()
            desc = fd.get("/FontDescriptor") or fd["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(k in desc.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3")), fd


def test_contents_links_go_to_the_openers(edition_pdf):
    from pypdf import PdfReader

    reader = PdfReader(str(edition_pdf["path"]))
    i = edition_pdf["dests"]["contents"]
    targets = set()
    for a in reader.pages[i].get("/Annots") or []:
        a = a.get_object()
        if a.get("/Subtype") == "/Link" and a.get("/Dest"):
            targets.add(str(a["/Dest"]))
    want = {d.id for d in print_docs(edition_pdf) if d.in_toc}
    assert want == targets, want ^ targets


# The order a reader expects: glossary, register, chronology, textual notes, sources, and the
# index last "as in every book" (issue #29, which moved the index from before the chronology).
BACK_ORDER = ["glossary", "register", "chronology", "textual notes", "sources", "index"]


def test_back_matter_in_the_order_a_reader_expects(edition_pdf):
    ranks = []
    for d in print_docs(edition_pdf):
        if d.role != "back":
            continue
        rank = next((i for i, k in enumerate(BACK_ORDER) if k in d.title.lower()), None)
        if rank is not None:
            ranks.append((edition_pdf["dests"][d.id], rank, d.title))
    assert ranks == sorted(ranks), ranks
    assert [r for _, r, _ in ranks] == sorted(r for _, r, _ in ranks), ranks


def test_layout_logged_no_warnings(notes_book, real):
    assert notes_book["warnings"] == []
    assert "[pdf.layout]" not in real["stderr"]


def test_editor_notes_carry_the_ed_label(notes_book):
    pages = notes_book["pages"]
    for ch in notes_book["book"].chapters:
        for note in ch.notes:
            text = norm(pages[notes_book["dests"][note.anchor]].text())
            start = note_pattern(notes_book["book"], note).pattern[:25].replace("\\", "")
            has_label = f"{note.number}ed{start}" in text
            assert has_label == (note.kind == "editor"), (ch.slug, note.number)
