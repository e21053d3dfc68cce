"""Quoted cross-references (#slug:phrase), {.pageref}/{.at-page}/{.pagerange}, and the
editor's apparatus (apparatus.yaml): on small books, read back from the EPUB and the PDF."""

from __future__ import annotations

import re
import zipfile

from conftest import epubcheck_messages, run_epubcheck

ONE = """
First paragraph about the exile.

Second paragraph: the letter took seventy-three days to arrive.

A third paragraph, again about seventy-three days, later on.
"""

TWO = """
Shachtman gives another figure ([One](<#one:seventy-three days>){.pageref}); the later
mention is elsewhere ([One](<#one:third paragraph|seventy-three days>){.at-page}).[^ed-a]

[^ed-a]: Compare ([One](<#one:letter took>){.at-page}) and [the start](#one){.pagerange until=ch-two}.
"""


def _book(small_book, two: str = TWO):
    small_book.book(["01-one.md", "02-two.md"])
    small_book.chapter("01-one.md", "One", ONE, author="A", date="1928", source="s")
    small_book.chapter("02-two.md", "Two", two, author="B", date="1941", source="s")
    small_book.write("apparatus.yaml", "chapters:\n  one:\n    short_title: Uno\n"
                     "    headnote: The editor's *headnote*.\n"
                     "    questions:\n      - Why seventy-three?\n      - Who wrote it?\n")


def _xhtml(epub, name):
    with zipfile.ZipFile(epub) as z:
        return z.read(f"EPUB/{name}").decode()


def test_epub_links_land_just_before_the_quoted_phrase(small_book):
    _book(small_book)
    proc = small_book.run("build", "epub")
    assert proc.returncode == 0, proc.stderr
    epub = small_book.root / "build" / "small-book.epub"
    one, two = _xhtml(epub, "one.xhtml"), _xhtml(epub, "two.xhtml")
    targets = re.findall(r'href="one\.xhtml#(x-one-\d+)"', two)
    assert len(targets) == 3, two
    for anchor in targets:
        m = re.search(rf'<span id="{anchor}" class="xref-target"></span>([^<]*)', one)
        assert m, anchor
    # the narrowed reference lands on the *second* "seventy-three days"
    first, later = (re.search(rf'id="{a}"', one).start() for a in targets[:2])
    assert later > one.index("third paragraph") > first
    assert 'href="one.xhtml#ch-one"' in two  # a bare #slug points at the chapter
    # the apparatus: headnote before the text, questions after it
    assert re.search(r'class="headnote".*The editor(&#x27;|’|\')s <em>headnote</em>', one)
    assert re.search(r'<section class="questions".*For discussion.*Why seventy-three\?', one, re.S)
    assert epubcheck_messages(run_epubcheck(epub)) == []


def test_pdf_gives_the_pages(small_book):
    from pypdf import PdfReader

    _book(small_book)
    proc = small_book.run("build", "pdf")
    assert proc.returncode == 0, proc.stderr
    text = "\n".join(p.extract_text() for p in PdfReader(
        str(small_book.root / "build" / "small-book.pdf")).pages)
    flat = re.sub(r"\s+", " ", text)
    assert re.search(r"One \(p\. ?1\)", flat), flat[-800:]
    assert re.search(r"One, p\. ?1\b", flat)
    assert re.search(r"the start \(p\. ?1\)|the start \(pp\. ?1–\d+\)", flat)


def test_phrase_not_found_is_an_error_with_file_and_line(small_book):
    _book(small_book, two="\nSee [One](<#one:ninety days>){.pageref}.\n")
    proc = small_book.run("check")
    assert proc.returncode == 1
    assert re.search(r"^chapters/02-two\.md:\d+: error: cross-reference: “ninety days” not found "
                     r"in chapters/01-one\.md \[xref\.not-found\]$", proc.stderr, re.M), proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_chapter_and_apparatus_slug_are_errors(small_book):
    _book(small_book, two="\nSee [it](<#nowhere:x>).\n")
    proc = small_book.run("check")
    assert "[xref.unknown-chapter]" in proc.stderr and proc.returncode == 1
    _book(small_book)
    small_book.write("apparatus.yaml", "chapters:\n  three:\n    headnote: x\n")
    proc = small_book.run("check")
    assert re.search(r"^apparatus\.yaml:2: error: no chapter with slug 'three'", proc.stderr, re.M), \
        proc.stderr


DANGLING = """
A paragraph.

A link to [nothing](#nowhere) here.[^n]

[^n]: And from a note, [elsewhere](#nowhere-else).
"""


def test_a_link_to_an_anchor_nothing_defines_is_an_error_at_its_line(small_book):
    """`check` and `build` alike: the chapter's file and line, not book.yaml; nothing written."""
    _book(small_book, DANGLING)
    lines = (small_book.root / "chapters" / "02-two.md").read_text(encoding="utf-8").splitlines()
    at = next(i for i, s in enumerate(lines, 1) if "#nowhere" in s)
    note = next(i for i, s in enumerate(lines, 1) if "nowhere-else" in s)
    for args in (["check"], ["build", "epub", "-o", str(small_book.root / "out")]):
        proc = small_book.run(*args)
        assert proc.returncode == 1, proc.stderr
        assert f"chapters/02-two.md:{at}: error: link to '#nowhere'" in proc.stderr, proc.stderr
        assert f"chapters/02-two.md:{note}: error: link to '#nowhere-else'" in proc.stderr, proc.stderr
        assert "[link.unknown-anchor]" in proc.stderr and "book.yaml: error" not in proc.stderr
        assert "Traceback" not in proc.stderr
    assert not (small_book.root / "out").exists() or not list((small_book.root / "out").glob("*.epub"))


def test_links_to_defined_anchors_pass(small_book):
    """An {#id} of the editor's and a chapter: defined, so no error."""
    _book(small_book, "Text [there](#ch-one), [here](#mine).\n\nA [place]{#mine} named.\n")
    proc = small_book.run("check")
    assert "link.unknown-anchor" not in proc.stderr, proc.stderr
