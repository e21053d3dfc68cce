"""A book's style sheets layered after the shipped ones (edition/stylesheets.py)."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from edition.diagnostics import BookError
from edition.pipeline import layered_style, read_style
from edition.stylesheets import layer

SHIPPED = (ROOT / "edition" / "data" / "styles" / "print.css").read_text()


def test_layer_counts_lines_per_part(tmp_path):
    sheet = layer("a {}\nb {}\n", "shipped.css", "c {}\nd {}", "styles/print.css", tmp_path,
                  after="@page { size: A4 }\n")
    assert sheet.text == "a {}\nb {}\nc {}\nd {}\n@page { size: A4 }\n"
    assert sheet.locate(2) == ("shipped.css", 2)
    assert sheet.locate(4) == ("styles/print.css", 2)
    assert sheet.locate(5) == ("book.yaml", None)
    assert sheet.own_text("styles/print.css") == "c {}\nd {}"


def test_a_book_without_styles_gets_the_shipped_sheet(tmp_path):
    text, base = read_style(tmp_path, "print.css")
    assert text == SHIPPED and base == ROOT / "edition" / "data" / "styles"


def test_a_books_print_css_cascades_after_the_shipped_one(tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "print.css").write_text("p { text-indent: 2em; }\n")
    sheet = layered_style(tmp_path, "print.css", after="@page { size: A4; }\n")
    assert sheet.text.index("@page { size: A4; }") > sheet.text.index("p { text-indent: 2em; }") \
        > sheet.text.index("hyphenate-character")
    assert sheet.base == tmp_path / "styles"  # the book's fonts/images first, then the shipped
    own_line = sheet.text.splitlines().index("p { text-indent: 2em; }") + 1
    assert sheet.locate(own_line) == ("styles/print.css", 1)


def test_replacing_the_shipped_sheet_is_said_on_the_first_line(tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "print.css").write_text("/* edition: replace */\nhtml { font-size: 12pt; }\n")
    text, _ = read_style(tmp_path, "print.css")
    assert "hyphenate-character" not in text and text.startswith("/* edition: replace */")
    # the marker only counts at the top: a later mention is a comment like another
    (tmp_path / "styles" / "print.css").write_text("html { font-size: 12pt; }\n/* edition: replace */\n")
    assert "hyphenate-character" in read_style(tmp_path, "print.css")[0]


def test_a_bad_reference_in_the_books_sheet_is_reported_at_its_own_line(tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "print.css").write_text("p {}\n@import url(http://example.org/x.css);\n")
    with pytest.raises(BookError) as caught:
        read_style(tmp_path, "print.css")
    assert re.search(r"^styles/print\.css:2: error: .*outside the project", str(caught.value), re.M)
