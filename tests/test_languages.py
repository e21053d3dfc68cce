"""Languages (issue #29 point 1): a chapter's `language:` and a passage's {lang=xx} set lang
and xml:lang in the EPUB; print hyphenates a German passage by German patterns (read back
with pdftotext); `edition check` refuses a malformed or unknown tag at its line and warns
of a language print cannot hyphenate."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, epubcheck_messages, run_epubcheck

from edition.languages import hyphenation_dictionary, tag_problem

WORDS = ("Donaudampfschifffahrtsgesellschaftskapitän Rechtsschutzversicherungsgesellschaften "
         "Grundstücksverkehrsgenehmigungen Kraftfahrzeughaftpflichtversicherung "
         "Arbeiterunfallversicherungsgesetz Haftpflichtversicherungsbedingungen "
         "Verhandlungsniederschriften Lebensmittelüberwachungsbehörde").split()
# long compounds in changing order, so that lines end in the middle of many of them
GERMAN = " ".join(f"{WORDS[(i * 3) % len(WORDS)]} und" for i in range(60)) + "."


def edition(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    return subprocess.run([sys.executable, "-m", "edition.cli", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=600)


def make_book(tmp_path: Path, extra: str = "", front: str = "language: de\n") -> Path:
    book = tmp_path / "lang"
    assert edition("new", str(book)).returncode == 0
    ch = book / "chapters" / "01-letter.md"
    text = ch.read_text().replace("rights: not stated\n", "rights: not stated\n" + front)
    ch.write_text(text + "\n" + extra)
    return book


def test_tags_are_checked_as_bcp47():
    for good in ("de", "de-CH", "de-1901", "sr-Latn-RS", "en-GB-oxendict", "grc", "x-private", "qaa"):
        assert tag_problem(good) is None, good
    for bad in ("german", "de_DE", "d", "de-", "xx-yy-zz", "zz", "12"):
        assert tag_problem(bad), bad
    assert hyphenation_dictionary("de-AT") == "de_AT" and hyphenation_dictionary("la") is None


def test_chapter_and_passage_languages_in_the_epub(tmp_path):
    book = make_book(tmp_path, "{lang=fr}\nUne phrase française.\n\nEin [lateinisches Wort, *verbum*]{lang=la} hier.\n\n"
                     "::: verse {lang=en}\nAn English line\n:::\n")
    r = edition("-C", str(book), "build", "epub", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert "chapters/01-letter.md:" in r.stderr and "[lang.no-hyphenation]" in r.stderr  # la
    epub = tmp_path / "out" / "lang.epub"
    assert epubcheck_messages(run_epubcheck(epub)) == []
    with zipfile.ZipFile(epub) as z:
        x = z.read("EPUB/letter.xhtml").decode()
    assert '<div class="chapter-body" lang="de" xml:lang="de">' in x
    assert '<header class="chapter-head" lang="de" xml:lang="de">' in x
    assert '<p data-pid="ch-letter-5" lang="fr" xml:lang="fr">Une phrase française.</p>' in x
    assert '<span lang="la" xml:lang="la">lateinisches Wort, <em>verbum</em></span>' in x
    assert '<div class="verse" lang="en" xml:lang="en">' in x
    # the editor's headnote and note stay in the book's language (no lang of their own)
    assert re.search(r'<div class="headnote"[^>]*>', x) and "lang" not in re.search(r'<div class="headnote"[^>]*>', x).group(0)
    assert re.search(r'<aside class="note editor"[^>]*>', x).group(0).count("lang") == 0


@pytest.mark.parametrize("tag,line_of", [("xx-yy-zz", "{lang=xx"), ("zz", "{lang=zz")])
def test_invalid_passage_tag_is_an_error_at_its_line(tmp_path, tag, line_of):
    book = make_book(tmp_path, f"Ein [Wort]{{lang={tag}}} hier.\n")
    lines = (book / "chapters" / "01-letter.md").read_text().splitlines()
    line = next(i for i, ln in enumerate(lines, 1) if line_of in ln)
    r = edition("-C", str(book), "check")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"chapters/01-letter.md:{line}: error: '{tag}'" in r.stderr and "[lang.invalid]" in r.stderr, r.stderr


def test_invalid_chapter_and_book_tags_are_errors_at_their_lines(tmp_path):
    book = make_book(tmp_path, front="language: Deutsch\n")
    text = (book / "book.yaml").read_text().replace("language: en", "language: en_GB")
    (book / "book.yaml").write_text(text)
    book_line = text.splitlines().index("language: en_GB") + 1
    ch_line = (book / "chapters" / "01-letter.md").read_text().splitlines().index("language: Deutsch") + 1
    r = edition("-C", str(book), "check")
    assert r.returncode == 1, r.stderr
    assert f"book.yaml:{book_line}: error: 'en_GB'" in r.stderr, r.stderr
    assert f"chapters/01-letter.md:{ch_line}: error: 'Deutsch'" in r.stderr, r.stderr


def _hyphenated_words(pdf: Path) -> list[tuple[str, str]]:
    """(first part, the rest) of every word pdftotext shows broken at a line end."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    out = []
    for a, b in zip(lines, lines[1:], strict=False):
        m = re.search(r"([A-Za-zÄÖÜäöüß]+)[-\u2010\u00ad]$", a)  # WeasyPrint sets U+2010
        n = re.match(r"([a-zäöüß]+)", b)
        if m and n:
            out.append((m.group(1), n.group(1)))
    return out


@pytest.mark.skipif(shutil.which("pdftotext") is None and os.environ.get("CI") != "true",
                    reason="poppler-utils (pdftotext) not installed")
def test_print_hyphenates_german_by_german_patterns(tmp_path):
    import pyphen

    book = make_book(tmp_path, GERMAN + "\n")
    r = edition("-C", str(book), "build", "pdf", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    words = {w.lower() for w in WORDS}
    breaks = [b for b in _hyphenated_words(tmp_path / "out" / "lang.pdf")
              if any(w.startswith((b[0] + b[1]).lower()) for w in words)]
    assert len(breaks) >= 5, breaks
    de, en = pyphen.Pyphen(lang="de"), pyphen.Pyphen(lang="en")
    full = {w.lower(): w for w in WORDS}

    def word_of(first: str, rest: str) -> str:
        return next(w for k, w in full.items() if k.startswith((first + rest).lower()))

    for first, rest in breaks:
        assert len(first) in de.positions(word_of(first, rest)), (first, rest)  # a German break point
    # and not English ones: some of those breaks the English patterns would not allow
    assert any(len(first) not in en.positions(word_of(first, rest)) for first, rest in breaks), breaks
