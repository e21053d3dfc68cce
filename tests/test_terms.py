"""Labels come from a terms file per language (edition/data/terms/), and a book's terms.yaml."""

from __future__ import annotations

import zipfile

import pytest

from edition.diagnostics import BookError, Reporter
from edition.terms import TERMS_DIR, language_terms, load_terms


def small(small_book, language: str = "en") -> None:
    small_book.book(["01-one.md"])
    text = small_book.root.joinpath("book.yaml").read_text().replace("language: en", f"language: {language}")
    small_book.write("book.yaml", text)
    small_book.chapter("01-one.md", "One", "A text.[^ed-1]\n\n[^ed-1]: The editor’s words.\n",
                       author="A", date="1900", source="s")


def test_english_is_complete_and_the_fallback_of_every_language():
    terms, found = language_terms("en-GB")  # no en-gb.yaml: the primary subtag
    assert found and terms["contents"] == "Contents"
    terms, found = language_terms("xx")
    assert not found and terms["glossary-title"] == "Glossary"  # English under all
    for f in TERMS_DIR.glob("*.yaml"):  # every shipped language gives only known terms
        import yaml

        assert set(yaml.safe_load(f.read_text(encoding="utf-8"))) <= set(language_terms("en")[0]), f


def test_a_language_without_terms_is_warned(small_book):
    small(small_book, "xx")
    reporter = Reporter()
    load_terms(small_book.root, "xx", reporter)
    [d] = reporter.warnings
    assert d.code == "terms.language" and "'xx'" in d.message and d.file == "book.yaml"


def test_a_book_overrides_terms_in_its_terms_yaml(small_book):
    small(small_book)
    small_book.write("terms.yaml", "contents: Inhalt\nnote-label-editor: Anmerkung des Herausgebers\n"
                                   "edited-by: Herausgegeben von {editor}\n")
    proc = small_book.run("build", "epub")
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(small_book.root / "build" / "small-book.epub") as z:
        nav = z.read("EPUB/nav.xhtml").decode()
        one = z.read("EPUB/one.xhtml").decode()
        title = z.read("EPUB/titlepage.xhtml").decode()
    assert '<h1 id="toc-title">Inhalt</h1>' in nav
    assert "Anmerkung des Herausgebers." in one and "Editor’s note" not in one
    assert "Herausgegeben von Test Editor" in title


def test_an_unknown_term_is_an_error_at_its_line(small_book):
    small(small_book)
    small_book.write("terms.yaml", "contents: Inhalt\ncontnets: Inhalt\n")
    with pytest.raises(BookError) as exc:
        load_terms(small_book.root, "en", Reporter())
    [d] = exc.value.diagnostics
    assert (d.file, d.line, d.code) == ("terms.yaml", 2, "terms.unknown")
