"""quote.not-found (edition/lint/quotations.py): words the editor puts in quotation marks are
found in the documents, word for word and in order; a reordered or paraphrased quotation is an
error at its file and line.  lint.editor-voice (edition/lint/voice.py): no talk of links,
programs, checksums or counts of corrections in the editor's text.  Small books in tmp_path."""

from __future__ import annotations

from pathlib import Path

from edition.check import check
from edition.diagnostics import Reporter
from edition.lint import voice
from edition.lint.quotations import found_in, norm

DOC = """\
Almost exactly four years after the death of Zinaida, early in 1937, Sergei was
arrested on the charge of plotting the mass poisoning of workers.

He wrote “the ‘Troika’ launched a campaign” in a letter, and it was wfit-
ten in haste.
"""


def _book(small_book, note: str, *, headnote: str | None = None, glossary: str | None = None):
    small_book.book(["00-intro.md", "01-doc.md"])
    small_book.chapter("00-intro.md", "Introduction", note, kind="editorial", role="front")
    small_book.chapter("01-doc.md", "A Speech", DOC + "\nThe end.[^ed-a]\n\n[^ed-a]: An editor's note.\n",
                       author="A. Author", date="1941")
    if headnote is not None:
        small_book.write("apparatus.yaml", "chapters:\n  doc:\n    headnote: |\n"
                         + "".join(f"      {ln}\n" for ln in headnote.splitlines()))
    if glossary is not None:
        small_book.write("glossary.yaml", glossary)


def _diags(small_book, code: str = "quote.not-found") -> list[tuple[str, int | None, str]]:
    reporter = Reporter()
    check(small_book.root, reporter)
    return [(d.file, d.line, d.message) for d in reporter.items if d.code == code]


def test_an_exact_quotation_passes(small_book):
    _book(small_book, "Shachtman dates it “almost exactly four years after the death of\n"
                      "Zinaida, early in 1937”, and the charge was “the mass poisoning of workers.”\n"
                      "A nested quotation: “the ‘Troika’ launched a campaign”; a cut: “Almost exactly"
                      " … early in 1937”.\n")
    assert _diags(small_book) == []


def test_a_reordered_quotation_fails_at_its_file_and_line(small_book):
    _book(small_book, "A first paragraph.\n\nShachtman puts it\n"
                      "“early in 1937, almost exactly four years after the death of Zinaida”.\n")
    found = _diags(small_book)
    # the body starts on line 6 of the file (five lines of front matter); the quote is on its 4th
    assert [(f, ln) for f, ln, _ in found] == [("chapters/00-intro.md", 9)], found
    assert "early in 1937, almost exactly" in found[0][2]


def test_a_paraphrase_fails(small_book):
    _book(small_book, "Hansen’s charge was “a plot to poison the workers”.\n")
    found = _diags(small_book)
    assert len(found) == 1 and found[0][0] == "chapters/00-intro.md", found


def test_quotations_in_a_headnote_and_a_glossary_definition_are_checked(small_book):
    glossary = ("entries:\n  - id: troika\n    headword: Troika\n    category: term\n"
                "    source: editor\n    forms: [Troika]\n    definition: >-\n"
                "      The three: “the Troika launched a tremendous campaign”.\n")
    _book(small_book, "Nothing quoted here.\n", headnote="A speech of 1938.\n\nHe said “the mass\n"
          "poisoning of the workers”.", glossary=glossary)
    found = sorted((f, ln) for f, ln, _ in _diags(small_book))
    assert found == [("apparatus.yaml", 6), ("glossary.yaml", 8)], found


def test_one_word_quotations_and_marked_ones_are_not_checked(small_book):
    _book(small_book, "The “Spark”, ([“The Spark”]{.not-quoted}); the sense requires\n"
                      "[“not less uncompromising”]{.not-quoted}.\n")
    assert _diags(small_book) == []


def test_an_editors_note_in_a_document_is_checked_but_not_the_authors_words(small_book):
    _book(small_book, "Nothing quoted.\n")
    text = (small_book.root / "chapters/01-doc.md").read_text(encoding="utf-8")
    text = text.replace("[^ed-a]: An editor's note.", "[^ed-a]: He wrote “the Troika began it all”.")
    text = text.replace("The end.", "The author may quote “anything at all that he likes”. The end.")
    (small_book.root / "chapters/01-doc.md").write_text(text, encoding="utf-8")
    found = _diags(small_book)
    assert [(f, m.split("“")[1].split("”")[0]) for f, _, m in found] == [
        ("chapters/01-doc.md", "the Troika began it all")], found


def test_matching_forgives_spacing_marks_hyphenation_and_first_letter_only():
    docs = {"d": norm(DOC), "d (joined)": norm(DOC.replace("wfit-\nten", "wfitten"))}
    assert found_in("Early in 1937, Sergei was arrested", docs)  # the first letter's case
    assert found_in("it was wfitten in haste", docs)  # a line-end hyphen in the source
    assert found_in("the \"Troika\" launched a campaign", docs)  # any kind of quotation mark
    assert found_in("the mass poisoning of workers.", docs)  # closing punctuation
    dashed = {"d": norm("Leon Sedoff: Son \u2014 Friend \u2014 Fighter")}
    assert found_in("Leon Sedoff: Son \u2013 Friend \u2013 Fighter", dashed)  # the house style's dash
    assert not found_in("Leon Sedoff: Son, Friend, Fighter", dashed)  # other punctuation: no
    assert not found_in("early in 1937, Sergei Was arrested", docs)  # case inside: no
    assert not found_in("the mass poisoning of the workers", docs)  # a word added
    assert not found_in("early in 1937 … Almost exactly", docs)  # parts out of order


def test_the_editor_does_not_talk_about_the_machinery(small_book):
    _book(small_book, "All of these names are linked to this entry.\n\n"
                      "A program keeps the edition honest; each file has its SHA-256\nchecksum, and "
                      "27 statements were corrected.\n\nThe documents call him “linked to this entry”"
                      " never.\n")
    found = _diags(small_book, voice.CODE)
    words = [m.split("“")[1].split("”")[0] for _, _, m in found]
    assert words == ["are linked", "A program keeps", "SHA-256", "checksum",
                     "27 statements were corrected"], found
    assert [ln for _, ln, _ in found] == [6, 8, 8, 9, 9]


def test_the_reader_passes_both_rules():
    """The first book: every quotation of the editor's found, no talk of the machinery."""
    reporter = Reporter()
    check(Path(__file__).resolve().parent.parent, reporter)
    bad = [d.format() for d in reporter.items if d.code in ("quote.not-found", voice.CODE)]
    assert bad == []
