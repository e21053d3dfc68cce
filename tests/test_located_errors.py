"""Markdown and front-matter mistakes that used to pass in silence are located errors
(issue #18, point 5): a ``source:`` id that sources/sources.yaml does not have, a note
defined twice; and a chapter file that book.yaml does not list is a warning."""

from __future__ import annotations

import hashlib

from conftest import SmallBook

BOOK = """\
title: A Small Book
slug: small-book
language: en
editor: Test Editor
chapters:
{chapters}
"""


def _sources(book: SmallBook, sid: str = "known") -> None:
    data = b"Some text.\n"
    book.write("sources/known.txt", data)
    book.write("sources/sources.yaml", f"""\
sources:
  - id: {sid}
    file: known.txt
    sha256: {hashlib.sha256(data).hexdigest()}
    author: A. Author
    title: Known
    date: "1900"
    kind: plain text
    importer: text
    rights: public domain
""")


def _book(book: SmallBook, chapters: list[str]) -> None:
    book.write("book.yaml", BOOK.format(chapters="\n".join(f"  - {c}" for c in chapters)))


def test_unknown_source_id_is_an_error_at_its_line(small_book):
    _sources(small_book)
    _book(small_book, ["01-one.md"])
    small_book.write("chapters/01-one.md", "---\ntitle: One\nauthor: A. Author\nsource: unknwn\n---\n\nText.\n")
    r = small_book.run("check")
    assert r.returncode == 1, r.stderr
    assert "chapters/01-one.md:4: error: source 'unknwn' is not an id in sources/sources.yaml" in r.stderr
    assert "[chapter.unknown-source]" in r.stderr


def test_known_source_id_passes(small_book):
    _sources(small_book)
    _book(small_book, ["01-one.md"])
    small_book.write("chapters/01-one.md", "---\ntitle: One\nsource: known\n---\n\nText.\n")
    r = small_book.run("build", "epub", "-o", str(small_book.root / "out"))
    assert "unknown-source" not in r.stderr


def test_note_defined_twice_is_an_error_at_the_second_definition(small_book):
    _book(small_book, ["01-one.md"])
    small_book.write("chapters/01-one.md", "---\ntitle: One\n---\n\nText.[^1]\n\n[^1]: First.\n\n"
                     "[^1]: Second.\n")
    r = small_book.run("check")
    assert r.returncode == 1
    assert ("chapters/01-one.md:9: error: note [^1] is defined twice (first on line 7)"
            in r.stderr), r.stderr
    assert "[notes.duplicate]" in r.stderr


def test_chapter_file_not_in_book_yaml_is_a_warning(small_book):
    _book(small_book, ["01-one.md"])
    small_book.write("chapters/01-one.md", "---\ntitle: One\n---\n\nText.\n")
    small_book.write("chapters/02-forgotten.md", "---\ntitle: Two\n---\n\nText.\n")
    r = small_book.run("check")
    assert r.returncode == 0, r.stderr
    assert "chapters/02-forgotten.md: warning:" in r.stderr
    assert "[book.chapter-unlisted]" in r.stderr
    assert small_book.run("check", "--strict").returncode == 1
