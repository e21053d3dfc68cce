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


def test_every_shipped_language_gives_every_term_with_its_fields():
    """German, French and Spanish ship complete (issue #29): every key of en.yaml, with the
    same {fields}, so that no label of a book in them is printed in English."""
    import string

    import yaml

    en = language_terms("en")[0]
    for lang in ("de", "fr", "es"):
        own = yaml.safe_load((TERMS_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))
        assert set(own) == set(en), (lang, set(en) ^ set(own))
        for key, text in own.items():
            fields = {f[1] for f in string.Formatter().parse(text) if f[1]}
            assert fields == {f[1] for f in string.Formatter().parse(en[key]) if f[1]}, (lang, key)
        same = [k for k in own if own[k] == en[k]]  # "ISBN {isbn}", "Notes" in French …
        assert len(same) < len(en) // 5, (lang, same)  # translated, not copied (French shares many)


def test_a_missing_term_in_the_books_language_is_a_warning_naming_it(small_book, tmp_path, monkeypatch):
    import shutil

    import edition.terms as terms_mod

    partial = tmp_path / "terms"
    partial.mkdir()
    shutil.copy(TERMS_DIR / "en.yaml", partial / "en.yaml")
    de = (TERMS_DIR / "de.yaml").read_text(encoding="utf-8")
    (partial / "de.yaml").write_text("\n".join(ln for ln in de.splitlines()
                                               if not ln.startswith(("contents:", "index-see:"))) + "\n",
                                     encoding="utf-8")
    monkeypatch.setattr(terms_mod, "TERMS_DIR", partial)
    terms_mod._shipped.cache_clear()
    try:
        small(small_book, "de")
        reporter = Reporter()
        terms = load_terms(small_book.root, "de", reporter)
        [d] = reporter.warnings
        assert d.code == "terms.missing" and "contents, index-see" in d.message, d.message
        assert terms["contents"] == "Contents" and terms["notes"] == "Anmerkungen"
        small_book.write("terms.yaml", "contents: Inhalt\nindex-see: siehe\n")  # the book gives them
        reporter = Reporter()
        load_terms(small_book.root, "de", reporter)
        assert reporter.warnings == []
    finally:
        terms_mod._shipped.cache_clear()


def test_running_heads_come_from_the_terms(small_book):
    """print.css sets no running head in words: every section's comes from its data-running
    attribute, which the terms fill (issue #29)."""
    import re

    from edition.pipeline import load_book
    from edition.render.html import Writer

    css = (TERMS_DIR.parent / "styles" / "print.css").read_text(encoding="utf-8")
    assert re.findall(r'string-set:\s*chaptertitle\s+"', css) == []
    small(small_book, "de")
    small_book.write("glossary.yaml", "entries:\n  - id: wort\n    headword: Wort\n    category: term\n"
                                      "    forms: [Text]\n    definition: Ein Wort.\n")
    book = load_book(small_book.root, Reporter())
    docs = {d.id: d.body for d in Writer(book, notes="inline", href=lambda a: "#" + a,
                                         print_edition=True).documents()}
    assert 'data-running="Inhalt"' in docs["contents"]
    assert 'data-running="Glossar"' in docs["glossary"]
