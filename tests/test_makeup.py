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


HOUSE_TEXT = ("In 1924-5 he wrote - and L.D. knew it -- to G. P. U. men... of the U.S.S.R.\n"
              "He left his wife[^1]. Then [^2], nothing.\n\n"
              "[^1]: A note of 1930-31 . . . over\n    two lines.\n\n[^2]: Another.\n")


def _house_book(small_book, dash: str | None):
    from edition.diagnostics import Reporter
    from edition.pipeline import load_book
    from edition.render.html import Writer

    small_book.book(["01-one.md"], extra=f"house_style:\n  dash: {dash}\n" if dash else "")
    small_book.chapter("01-one.md", "One", HOUSE_TEXT, author="A. Author")
    book = load_book(small_book.root, Reporter())
    docs = Writer(book, notes="inline", href=lambda a: f"#{a}", print_edition=True).documents()
    return book, {d.id.removeprefix("ch-"): d.body for d in docs}


def test_house_style_is_applied_and_every_change_is_on_record(small_book):
    book, docs = _house_book(small_book, "en")
    body = docs["one"]
    assert "1924–5 he wrote\u00a0– and L.\u202fD. knew it\u00a0– to" in body
    assert "G.\u202fP.\u202fU." in body.replace('<abbr class="sc">', "").replace("</abbr>", "")
    assert "U.S.S.R." in body.replace('<abbr class="sc">', "").replace("</abbr>", "")
    assert "men…" in body and "1930–31 … over two lines." in body
    # the calls after the punctuation: "wife.¹", and ", " after the second
    assert re.search(r'wife\.<span class="footnote', body)
    assert re.search(r'Then ,?<span class="footnote[^>]*data-n="2"', body) or "Then ,<span" in body
    changes = book.house_style_changes["ch-one"]
    assert {r: len(c) for r, c in changes.items()} == {"dash": 2, "range": 2, "ellipsis": 2,
                                                        "initials": 2, "note-call": 2}
    notes = docs["textual-notes"]
    assert "a dash between words set as a spaced en dash: 2" in notes
    assert "a range of numbers joined by an en dash: 2" in notes
    assert "In 1924–5 he</span>\u2009] <span class=\"tn-source\">In 1924-5 he" in notes


def test_house_style_em_dash_and_none(small_book):
    _, docs = _house_book(small_book, "em")
    assert "he wrote—and L.\u202fD. knew it—to" in docs["one"]
    _, docs = _house_book(small_book, None)  # no house_style: the text as written
    assert "In 1924-5 he wrote - and L.D. knew it -- to" in docs["one"]
    assert "textual-notes" not in docs


@pytest.mark.parametrize("size", ["A5", "Letter"])
def test_the_family_trees_type_is_at_least_7_pt_on_the_page(size):
    """The reader's tree, laid out alone with the print style sheet: every glyph on its
    page (names, dates, caption; turned ones measured across) is 7 pt or more."""
    pdfplumber = pytest.importorskip("pdfplumber")
    from weasyprint import CSS, HTML

    from edition.diagnostics import Reporter
    from edition.pipeline import load_book, read_style
    from edition.render.fonts import font_config
    from edition.render.html import Writer
    from edition.render.pdf import geometry_css, html_document

    book = load_book(ROOT, Reporter())
    book.meta.page_size = size
    docs = [d for d in Writer(book, notes="inline", href=lambda a: f"#{a}", print_edition=True).documents()
            if d.id == "family"]
    assert docs
    css, base = read_style(ROOT, "print.css", geometry_css(size))
    fonts = font_config()
    pdf = HTML(string=html_document(book, docs), base_url=base.as_uri() + "/").write_pdf(
        stylesheets=[CSS(string=css, base_url=base.as_uri() + "/", font_config=fonts)], font_config=fonts)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        sizes = [c["size"] if c["upright"] else c["x1"] - c["x0"] for c in page.chars]
        names = [p.name for p in book.persons if p.id in book.family["root"]]
        text = "".join(c["text"] for c in page.chars)
    assert len(sizes) > 100 and any(n.split()[-1] in text for n in names if n)
    assert min(sizes) >= 7.0, sorted(sizes)[:5]


PARA = ("The things they bought for us in Samara were given special names, and the progress of "
        "the train was considerably delayed by snowdrifts; but every day we went deeper into "
        "Asia, and the escort became more considerate, the farther we left Moscow behind us. "
        "Our meals and the escort’s came from the station-restaurants, and everything that was "
        "served was eaten with astonishment and apprehension by the travellers in the carriage.")


def test_total_fit_breaks_only_where_it_chose_and_weasyprint_sets_those_lines():
    """The paragraph's spaces but the chosen ones become no-break spaces, its chosen
    hyphenation points soft hyphens; WeasyPrint then sets exactly the chosen lines, none
    wider than the measure, and no space over 0.40 em."""
    pdfplumber = pytest.importorskip("pdfplumber")
    from weasyprint import CSS, HTML

    from bench.lines import attach_superscripts, page_lines
    from edition.render.fonts import font_config
    from edition.render.totalfit import GEOMETRY, fit_paragraph

    measure, size = GEOMETRY["A5"]
    fitted = fit_paragraph(PARA, size, measure, indent=True, lang="en")
    assert fitted is not None
    chosen = fitted.count(" ") + fitted.count("\u00ad")
    assert 3 <= chosen <= 8 and "\u00a0" in fitted
    assert fitted.replace("\u00a0", " ").replace("\u00ad", "") == PARA
    fonts = font_config()
    fonts_dir = (ROOT / "edition" / "data" / "styles").as_uri() + "/"
    css = CSS(string=PRINT_CSS[:PRINT_CSS.index("/* ---- pages")] +
              f"@page {{ size: {measure}pt 400pt; margin: 0 }} html {{ font: {size}pt/1.32 'EB Garamond' }}"
              " p { margin: 0; text-indent: 1.1em; text-align: justify; hyphens: manual; "
              "word-spacing: -0.05em; hyphenate-character: '-' }",
              base_url=fonts_dir, font_config=fonts)
    pdf = HTML(string=f'<html lang="en"><p>{fitted}</p></html>').write_pdf(stylesheets=[css], font_config=fonts)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        lines = attach_superscripts(page_lines(doc.pages[0], 1))
    assert len(lines) == chosen + 1
    for ln in lines:
        assert ln.x1 <= measure + 0.5
    from bench.colour import _word_space
    assert all(_word_space(ln) <= 0.40 for ln in lines[:-1]), [(_word_space(ln), ln.text) for ln in lines]


def test_the_index_is_last_and_one_flow_with_its_letters_inside():
    from edition.diagnostics import Reporter
    from edition.pipeline import load_book
    from edition.render.html import Writer

    book = load_book(ROOT, Reporter())
    docs = Writer(book, notes="inline", href=lambda a: f"#{a}", print_edition=True).documents()
    assert docs[-1].id == "index"
    body = docs[-1].body
    flow = body[body.index('<div class="ix-groups">'):]
    assert body.count('<div class="ix-groups">') == 1
    assert flow.count('<section class="ix-group"') == body.count('<section class="ix-group"') > 10
    css = PRINT_CSS
    assert re.search(r"\.ix-groups \{ columns: 2;", css) and not re.search(r"\.ix-group \{ columns", css)
