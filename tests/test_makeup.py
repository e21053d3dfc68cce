"""Page make-up (issue #32): notes, glossary marks, house style, measure."""

from __future__ import annotations

import io
import re

import pytest
from conftest import ROOT

from edition.render.ties import tie_glossary_marks

PRINT_CSS = (ROOT / "edition" / "data" / "styles" / "print.css").read_text()


def test_a_glossary_mark_is_tied_to_the_terms_last_word_and_its_punctuation():
    html = '<p>the <a id="x" class="gl" href="#g">Analytical\nEngine</a>, which</p>'
    assert tie_glossary_marks(html) == (
        '<p>the <a id="x" class="gl" href="#g">Analytical\n<span class="gl-tie">Engine'
        '<span class="gl-mark"></span>,</span></a> which</p>')
    # markup at the end of the term: the mark only, no tie across the tag
    assert tie_glossary_marks('<a class="gl" href="#g"><i>Pravda</i></a>.') == \
        '<a class="gl" href="#g"><i>Pravda</i><span class="gl-mark"></span></a>.'


def test_no_line_of_print_starts_with_the_stop_after_a_glossary_mark():
    """Set at 80 widths, the stop after a marked term never starts a line (it did before
    the tie: WeasyPrint breaks after an inline-block)."""
    pdfplumber = pytest.importorskip("pdfplumber")
    from weasyprint import CSS, HTML

    css = ("@page { size: 200mm 600mm; margin: 5mm } p { font: 12pt serif; text-align: justify; "
           "margin: 0 0 6pt } " + PRINT_CSS[PRINT_CSS.index(".gl-tie"):PRINT_CSS.index(".glossary-intro")])
    paras = "".join(f'<p style="width:{w}mm">Some words of text before the <a class="gl" href="#x">'
                    f"Analytical Engine</a>. And more words after the term follow here.</p>"
                    for w in range(60, 140))
    pdf = HTML(string=tie_glossary_marks(paras)).write_pdf(stylesheets=[CSS(string=css)])
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        lines = [ln["text"] for page in doc.pages for ln in page.extract_text_lines()]
    assert len(lines) > 160
    assert not [t for t in lines if t.startswith(".")]
    assert sum("Engine" in t for t in lines) == 80


def test_a_notes_source_line_breaks_are_spaces(small_book):
    from edition.diagnostics import Reporter
    from edition.pipeline import load_book
    from edition.render.html import Writer

    small_book.book(["01-one.md"])
    small_book.chapter("01-one.md", "One", "Text.[^1]\n\n[^1]: A note written\n    over two lines.\n",
                       author="A. Author")
    book = load_book(small_book.root, Reporter())
    for print_edition, notes in ((True, "inline"), (False, "end")):
        writer = Writer(book, notes=notes, href=lambda a: f"#{a}", print_edition=print_edition)
        body = "".join(d.body for d in writer.documents())
        assert "A note written over two lines." in body
        assert not re.search(r"written\s*\n", body)
