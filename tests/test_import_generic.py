"""The generic importers a user brings a text to (issue #18, point 3): plain text and
Markdown (``text``), a web page saved from a browser (``html``).  A fresh import of such a
text passes ``edition check`` with no correction: quotes curled, line-end hyphens joined,
``[N]`` calls (also right after a full stop) and the notes list made footnotes, boilerplate
removed by the source's own ``strip:`` patterns and every removal on record."""

from __future__ import annotations

import hashlib
import json

from conftest import SmallBook

BOOK = """\
title: A Small Book
slug: small-book
language: en
editor: Test Editor
# the reading order
chapters:
  - 01-one.md
"""
ONE = "---\ntitle: One\nkind: editorial\nrole: front\n---\n\nThe editor’s chapter.\n"

PLAIN = """\
A Short Address

It was "the best" of times, the author's "worst" of times.[1] The words
were an exam-
ple of 'quoted' words.[2]

Second Part

More text, ending here.

Notes

1. The first note.

2. The second note.

Top of page | Lincoln Archive
"""

PAGE = """\
<!DOCTYPE html>
<html><head><title>A Short Address</title><script>var x = 1;</script></head>
<body>
<nav><a href="/">Home</a> | <a href="/index">Index</a></nav>
<h1>A Short Address</h1>
<p>It was "the best" of times.<sup>1</sup> The author's words
were <em>exam-
ple</em> words.[2]</p>
<h2>Second Part</h2>
<p>More text here.</p>
<h2>Notes</h2>
<ol><li>The first note.</li><li>The second note.</li></ol>
<footer>Top of page | Lincoln Archive</footer>
</body></html>
"""


def _setup(book: SmallBook, name: str, data: str, importer: str, strip: list[str]) -> None:
    book.write("book.yaml", BOOK)
    book.write("chapters/01-one.md", ONE)
    raw = data.encode("utf-8")
    book.write(f"sources/{name}", raw)
    pats = "".join(f"\n      - {json.dumps(p)}" for p in strip)
    book.write("sources/sources.yaml", f"""\
sources:
  - id: address
    file: {name}
    sha256: {hashlib.sha256(raw).hexdigest()}
    author: A. Author
    title: A Short Address
    date: "1863"
    kind: plain text
    importer: {importer}
    rights: public domain
    chapter: 02-address.md
    strip:{pats or ' []'}
""")


def test_plain_text_import_passes_check_with_no_correction(small_book):
    _setup(small_book, "address.txt", PLAIN, "text", [r"^A Short Address$", r"\| Lincoln Archive$"])
    r = small_book.run("import", "address", "--report")
    assert r.returncode == 0, r.stderr
    assert "address.txt:17: removed (boilerplate: matches the strip pattern '\\\\| Lincoln Archive$')" in r.stdout
    chapter = (small_book.root / "chapters/02-address.md").read_text()
    assert "“the best” of times, the author’s “worst” of times.[^1]" in chapter
    assert "were an example\nof ‘quoted’ words.[^2]" in chapter
    assert "## Second Part" in chapter
    assert "[^2]: The second note." in chapter
    assert "Lincoln Archive" not in chapter
    assert "  - 02-address.md" in (small_book.root / "book.yaml").read_text()
    assert "# the reading order" in (small_book.root / "book.yaml").read_text()
    r = small_book.run("check", "--strict")
    assert r.returncode == 0, r.stderr
    assert "0 error(s), 0 warning(s)" in r.stderr


def test_markdown_source_keeps_its_markup(small_book):
    _setup(small_book, "address.md", "## A Part\n\nIt was *the* \"best\".[1]\n\nNotes\n\n1. A note.\n",
           "text", [])
    assert small_book.run("import", "address").returncode == 0
    chapter = (small_book.root / "chapters/02-address.md").read_text()
    assert "## A Part\n\nIt was *the* “best”.[^1]" in chapter
    r = small_book.run("check", "--strict")
    assert r.returncode == 0, r.stderr


def test_html_page_import_passes_check_with_no_correction(small_book):
    _setup(small_book, "address.html", PAGE, "html", [])
    r = small_book.run("import", "address", "--report")
    assert r.returncode == 0, r.stderr
    assert "address.html:4: removed (boilerplate" in r.stdout
    assert "address.html:13: removed (boilerplate" in r.stdout
    chapter = (small_book.root / "chapters/02-address.md").read_text()
    assert "It was “the best” of times.[^1] The author’s words were *example* words.[^2]" in chapter
    assert "## Second Part" in chapter and "[^1]: The first note." in chapter
    assert "Lincoln" not in chapter and "var x" not in chapter and "Home" not in chapter
    r = small_book.run("check", "--strict")
    assert r.returncode == 0, r.stderr


def test_an_edit_to_an_imported_html_chapter_is_caught(small_book):
    _setup(small_book, "address.html", PAGE, "html", [])
    assert small_book.run("import", "address").returncode == 0
    path = small_book.root / "chapters/02-address.md"
    path.write_text(path.read_text().replace("More text here.", "More words here."))
    r = small_book.run("check")
    assert r.returncode == 1 and "[fidelity.unrecorded]" in r.stderr


def test_unknown_importer_and_bad_pattern_are_located_errors(small_book):
    _setup(small_book, "address.txt", PLAIN, "nosuch", ["(unclosed"])
    r = small_book.run("check")
    assert r.returncode == 1
    assert "sources/sources.yaml:2: error: source 'address': no importer 'nosuch'" in r.stderr
    assert "strip pattern '(unclosed' is not a regular expression" in r.stderr


def test_importers_hold_no_word_of_a_particular_source():
    from conftest import ROOT

    code = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "edition" / "importers").glob("*.py"))
    for word in ("never-to-be-forgotten", "Kazhakstan", "IGNACE REISS", "MI6", "Uritzky",
                 "A modern web biography"):
        assert word not in code, word
