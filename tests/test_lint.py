"""`edition check`: each lint rule on a small positive and a negative example,
file:line locations, silencing by code and by family, --strict, and the CLI."""

from __future__ import annotations

import pytest

from edition.check import check
from edition.diagnostics import Reporter

META = {"author": "A. Author", "date": "1938", "source": "test"}


def lint_book(small_book, body: str, glossary: str | None = None, extra: str = "",
              **meta: str) -> Reporter:
    small_book.book(["01-one.md"], extra=extra)
    small_book.chapter("01-one.md", "One", body, **(meta or META))
    if glossary is not None:
        small_book.write("glossary.yaml", glossary)
    reporter = Reporter()
    check(small_book.root, reporter)
    return reporter


def found(reporter: Reporter, code: str) -> list[tuple[str, int | None, str]]:
    return [(d.file, d.line, d.message) for d in reporter.items if d.code == code]


# (code, text that must be reported, text that must not be)
CASES = [
    ("lint.quote-unmatched", "He said, “come here.\n", "He said, “come here.”\n"),
    ("lint.quote-unmatched", "Then he left.” And so on.\n", "“Then,” he left. “And so on.”\n"),
    ("lint.quote-unmatched", "The ‘new policy was announced.\n", "The ‘new policy’ was announced.\n"),
    ("lint.quote-wrong", "the ’secretariat’ of L. D.\n", "the ‘secretariat’ of L. D.\n"),
    ("lint.quote-wrong", "in ‘17 and in Sedoff‘s time\n", "in ’17 and in Sedoff’s time\n"),
    ("lint.quote-wrong", "He said ”yes” to it.\n", "He said “yes” to it.\n"),
    ("lint.quote-straight", 'He said "no" to it.\n', "He said “no” to it.\n"),
    ("lint.quote-straight", "Sedoff's life\n", "Sedoff’s life, ’tis true, S.R.’s, ’17\n"),
    ("lint.space-before-punct", "completely obliterated , was the best\n",
     "completely obliterated, was the best . . . and then ... no one came\n"),
    ("lint.space-before-punct", "could not have helped him ; for he\n", "a .45 calibre; for he\n"),
    ("lint.doubled-word", "He went to the the station.\n",
     "He said that that was all; Ninochka and Ninushka.\n"),
    ("lint.letter-spaced", "we did not resist t h i s move\n", "Plan A and I went; (a) one, (b) two\n"),
    ("lint.letter-spaced", "seething a t  that time\n", "a man; the U. S. S. R. and G. P. U.\n"),
    ("lint.digit-in-word", "the RE1SS case\n", "the 1920s, the 2nd and 21st, 1905–1906, MI6\n"),
    ("lint.digit-in-word", "in l.905 the\n", "in 1905 the, chapter XLIII, p. 5\n"),
    ("lint.hyphenation", "on the road to revolu- tion all\n", "pre- and post-war, a well-known man\n"),
    ("lint.hyphenation", "were de-\nvoted to it\n", "were devoted - to it\n"),
    ("lint.bracket-unbalanced", "(Lyova was listening; he guessed.\n",
     "(Lyova was listening [sic].) a) one b) two\n"),
    ("lint.bracket-unbalanced", "he guessed] what\n", "he guessed (what) was [sic]\n"),
]


@pytest.mark.parametrize("code,bad,good", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_rule_positive_and_negative(small_book, code, bad, good):
    r = lint_book(small_book, "First line.\n\n" + bad)
    hits = found(r, code)
    assert hits, [d.format() for d in r.items]
    # located: the chapter file and the line of the bad text (front matter: lines 1-6)
    assert hits[0][0] == "chapters/01-one.md"
    assert hits[0][1] == 9, hits
    r2 = lint_book(small_book, "First line.\n\n" + good)
    assert found(r2, code) == [], [d.format() for d in r2.items]


def test_line_inside_a_multiline_paragraph(small_book):
    r = lint_book(small_book, "One line\nanother line\nand the the third.\n")
    assert found(r, "lint.doubled-word")[0][1] == 9


def test_quote_running_on_into_next_paragraph_is_not_unmatched(small_book):
    r = lint_book(small_book, "“First paragraph of a long quotation.\n\n“Second, and the end.”\n")
    assert found(r, "lint.quote-unmatched") == []


def test_note_text_is_linted_with_its_line(small_book):
    r = lint_book(small_book, "Text.[^1]\n\n[^1]: The the note.\n")
    assert found(r, "lint.doubled-word")[0][:2] == ("chapters/01-one.md", 9)


def test_headnote_is_linted(small_book):
    r = lint_book(small_book, "Text.\n", headnote="The the headnote.", **META)
    hits = found(r, "lint.doubled-word")
    assert hits and "headnote" in hits[0][2]


def test_code_and_note_calls_are_not_text(small_book):
    r = lint_book(small_book, 'Use `"x"` here.[^a] Then.\n\n[^a]: Note.\n')
    assert found(r, "lint.quote-straight") == []
    assert found(r, "lint.space-before-punct") == []


def test_note_call_without_note_and_note_never_called(small_book):
    small_book.book(["01-one.md"])
    small_book.chapter("01-one.md", "One", "Text.[^x] More.[^y]\n\n[^y]: Fine.\n\n[^z]: Never called.\n",
                       **META)
    proc = small_book.run("check")
    assert proc.returncode == 1
    assert "chapters/01-one.md:7: error: note call [^x] has no note [notes.undefined]" in proc.stderr
    assert "chapters/01-one.md:11: error: note [^z] is never called [notes.uncalled]" in proc.stderr


def test_duplicate_ids(small_book):
    r = lint_book(small_book, "A [first]{#here} and [second]{#here}; [third]{#ch-one}.\n")
    msgs = found(r, "lint.duplicate-id")
    assert len(msgs) == 2 and "here" in msgs[0][2] and "ch-one" in msgs[1][2]
    r2 = lint_book(small_book, "A [first]{#here} and [second]{#there}.\n")
    assert found(r2, "lint.duplicate-id") == []


GLOSSARY = """\
entries:
  - id: thermidor
    headword: Thermidor
    category: event
    forms: [Thermidor]
    definition: The fall of Robespierre.
  - id: kadets
    headword: Kadets
    category: organisation
    forms: [Kadet]
    definition: Constitutional Democrats.
"""


def test_unknown_glossary_reference(small_book):
    r = lint_book(small_book, "The [Kadets]{gl=kadets} and [Cadets]{gl=cadets}.\n", GLOSSARY)
    msgs = found(r, "glossary.unknown")
    assert len(msgs) == 1 and "cadets" in msgs[0][2] and msgs[0][1] == 7
    assert all(d.code != "glossary.unknown" or "kadets" not in d.message for d in r.items)


def test_glossary_form_inside_other_words_and_unused_entries(small_book):
    gl = GLOSSARY.replace("forms: [Kadet]", "forms: [Kadet, -Kadet]")
    r = lint_book(small_book, "The Thermidorian reaction; the anti-Kadet and one Kadet.\n", gl)
    inside = found(r, "glossary.form-inside-word")
    assert len(inside) == 1 and inside[0][:2] == ("glossary.yaml", 7)
    assert "“-Kadet” inside “anti-Kadet”" in inside[0][2] and "chapters/01-one.md:7" in inside[0][2]
    unused = found(r, "glossary.unused")
    assert [u[1] for u in unused] == [2]  # thermidor is never used as a word; Kadet is
    r2 = lint_book(small_book, "Thermidor came; a Kadet.\n", GLOSSARY)
    assert found(r2, "glossary.form-inside-word") == [] and found(r2, "glossary.unused") == []


def test_circular_and_unknown_see_references(small_book):
    gl = GLOSSARY.replace("definition: The fall of Robespierre.",
                          "definition: The fall of Robespierre.\n    see: [kadets, nowhere]")
    gl = gl.replace("definition: Constitutional Democrats.",
                    "definition: Constitutional Democrats.\n    see: [thermidor]")
    r = lint_book(small_book, "Thermidor and Kadets.\n", gl)
    assert [m[2] for m in found(r, "glossary.see-cycle")] == [
        "circular see-also references: kadets → thermidor → kadets"]
    assert found(r, "glossary.see-unknown")[0][:2] == ("glossary.yaml", 2)
    assert r.failed()


def test_missing_metadata(small_book):
    r = lint_book(small_book, "Text.\n", author="Someone")
    assert sorted(m[2] for m in found(r, "meta.missing")) == [
        "chapter has no 'date' in its front matter", "chapter has no 'source' in its front matter"]
    r2 = lint_book(small_book, "Text.\n", kind="editorial")
    assert found(r2, "meta.missing") == []


def test_silence_by_code_and_by_family(small_book):
    body = 'He said "no" to the the man.\n'
    r = lint_book(small_book, body, extra="silence: [lint.quote-straight]\n")
    assert found(r, "lint.quote-straight") == [] and found(r, "lint.doubled-word")
    r = lint_book(small_book, body, extra="silence: [lint]\n")
    assert [d for d in r.items if d.code.startswith("lint.")] == []


def test_cli_check_strict_exit_status_and_format(small_book):
    small_book.book(["01-one.md"])
    small_book.chapter("01-one.md", "One", "To the the station.\n", **META)
    proc = small_book.run("check")
    assert proc.returncode == 0, proc.stderr
    assert "chapters/01-one.md:7: warning: doubled word “the the” [lint.doubled-word]" in proc.stderr
    strict = small_book.run("check", "--strict")
    assert strict.returncode == 1 and "Traceback" not in strict.stderr
    assert not (small_book.root / "build").exists()


def test_check_reports_book_errors_without_traceback(small_book):
    small_book.book(["01-one.md"])
    small_book.chapter("01-one.md", "One", "Text <iframe src=x></iframe> here.\n", **META)
    r = lint_book(small_book, "Text <iframe src=x></iframe> here.\n")
    assert r.failed() and found(r, "html.unsafe")
    proc = small_book.run("check")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "chapters/01-one.md:7: error: <iframe> is not allowed in the editor's or author's text [html.unsafe]" in proc.stderr


def test_sic_span_exempts_a_quoted_misreading(small_book):
    r = lint_book(small_book, "The OCR read [RE1SS]{.sic} and [“t h i s]{.nolint}; then RE1SS again.\n")
    hits = found(r, "lint.digit-in-word")
    assert len(hits) == 1 and "RE1SS" in hits[0][2]
    assert found(r, "lint.letter-spaced") == [] and found(r, "lint.quote-unmatched") == []


def test_ocr_rules_read_the_documents_not_the_editors_text(small_book):
    body = "Misreadings such as “RE1SS”, “l.905”, “i t” and “revolu- tion” were corrected.\n"
    r = lint_book(small_book, body, kind="editorial")
    for code in ("lint.digit-in-word", "lint.letter-spaced", "lint.hyphenation"):
        assert found(r, code) == [], code
    r = lint_book(small_book, "Text.[^ed-a][^1]\n\n[^ed-a]: The pamphlet prints “RE1SS”.\n\n"
                  "[^1]: The author’s RE1SS.\n")
    assert [h[1] for h in found(r, "lint.digit-in-word")] == [11]  # the author's note only
    r = lint_book(small_book, body)  # the same words in a document are reported
    assert found(r, "lint.digit-in-word") and found(r, "lint.letter-spaced") and found(r, "lint.hyphenation")
    r = lint_book(small_book, "Text.\n", headnote="The pamphlet prints “RE1SS”.", **META)
    assert found(r, "lint.digit-in-word") == []


def test_an_aside_in_parentheses_may_interrupt_a_quotation(small_book):
    body = "“The diary goes on.\n\n(An aside, “Hurry up!” and then:)\n\n“The diary ends.”\n"
    assert found(lint_book(small_book, body), "lint.quote-unmatched") == []
    body = "“The diary goes on.\n\nA new paragraph, no quotation.\n"
    assert found(lint_book(small_book, body), "lint.quote-unmatched")


def test_real_edition_passes_check_strict():
    """The Done-when of issue 9: the real edition has no lint warning and no error."""
    import subprocess
    import sys

    from conftest import ROOT

    proc = subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(ROOT), "check", "--strict"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().endswith("0 error(s), 0 warning(s)"), proc.stderr
