"""lint.shop-talk (edition/lint/shoptalk.py): file names, folders, configuration talk and
placeholders in what a reader sees are reported at their file and line; the documents'
own words, and a book that says things as a book would, are not."""

from __future__ import annotations

from edition.check import check
from edition.diagnostics import Reporter
from edition.lint.shoptalk import find

CODE = "lint.shop-talk"


def hits(small_book) -> list[tuple[str, int | None, str]]:
    reporter = Reporter()
    check(small_book.root, reporter)
    return sorted((d.file, d.line, d.message.split("“")[1].split("”")[0])
                  for d in reporter.items if d.code == CODE)


def test_find_flags_paths_config_and_placeholders_only():
    bad = ("exported to sources/pamphlet-glossary.yaml; (styles/fonts/OFL.txt); set in the book’s "
           "configuration file; Edited by the edition project; TODO")
    assert [w for _, w in find(bad)] == ["sources/pamphlet-glossary.yaml", "styles/fonts/OFL.txt",
                                         "configuration file", "the edition project", "TODO"]
    good = ("The G. P. U. and the U. S. S. R.; St. Petersburg in 1905; Vol. V No. 33, p. 5; "
            "the sources of the edition; a todo list; 1905/06; Trotsky’s style")
    assert list(find(good)) == []


def test_editor_text_is_reported_at_its_line(small_book):
    small_book.book(["00-note.md", "01-doc.md"], extra="rights: Printed for the edition project.\n")
    small_book.chapter("00-note.md", "A Note", "The order of the chapters is fine.\n\n"
                       "It is set in the book’s\nconfiguration file.\n",
                       kind="editorial", role="front")
    small_book.chapter("01-doc.md", "A Document",
                       "The author may write of a configuration file in sources/x.yaml.[^ed-a]\n\n"
                       "[^ed-a]: See `notes.md` for more.\n",
                       author="A. Author", date="1938", source="test",
                       rights="stated on the copyright page, see styles/rights.txt")
    small_book.write("apparatus.yaml", "chapters:\n  doc:\n    headnote: |\n      A headnote.\n"
                     "    questions:\n      - Is this in book.yaml?\n")
    found = hits(small_book)
    assert ("book.yaml", 8, "the edition project") in found, found
    assert ("chapters/00-note.md", 9, "configuration file") in found, found
    assert any(f == "chapters/01-doc.md" and w == "notes.md" for f, _, w in found), found
    assert any(f == "chapters/01-doc.md" and w == "styles/rights.txt" for f, _, w in found), found
    assert any(f == "apparatus.yaml" and w == "book.yaml" for f, _, w in found), found
    # the author's own words are not the editor's shop talk
    assert not any(w in ("configuration file", "sources/x.yaml") and f == "chapters/01-doc.md"
                   for f, _, w in found), found


def test_a_book_that_says_things_as_a_book_would_has_none(small_book):
    small_book.book(["00-note.md"])
    small_book.chapter("00-note.md", "A Note", "The documents are printed in the order of events; "
                       "the biography is anonymous and undated (after 2013).\n",
                       kind="editorial", role="front")
    assert hits(small_book) == []
