"""The register of persons: matching, per-chapter disambiguation, markup, diagnostics.

Small books built in a temporary folder; the transform is run through the real
pipeline (``load_book``) and the command line (``edition check``)."""

from __future__ import annotations

import re
from pathlib import Path

from edition.diagnostics import Reporter
from edition.pipeline import load_book

PERSONS = """\
persons:
  - id: sedov-leon
    sort_name: Sedov, Leon
    name: Leon Sedov
    dates: 1906–1938
    identification: Trotsky's elder son.
    forms: [Leon Sedov, Lyova, L. D. S.]
    ambiguous:
      Sedoff: [one]
      Leon: [one]
    sources: [doc-one]
  - id: sedov-sergei
    sort_name: Sedov, Sergei
    name: Sergei Sedov
    identification: Trotsky's younger son.
    forms: [Sergei Sedov]
    ambiguous:
      Sedoff: [two]
  - id: trotsky-leon
    sort_name: Trotsky, Leon
    name: Leon Trotsky
    identification: The revolutionary.
    forms: [Leon Trotsky, Trotsky, the Old Man]
"""

ONE = """\
Leon Sedov wrote to Trotsky. Sedoff’s letters were long; Leon signed them.

Leon Trotsky answered, and [Sedoff]{person=sedov-sergei} was silent.
[Leon]{.noperson} is not indexed here, nor is [Trotsky](#ch-two).

## Lyova in a heading

The Old Man knew the Old Man’s son.[^1]

[^1]: A note naming Sergei Sedov.
"""

TWO = """\
In this chapter Sedoff means Sergei. Leon is not indexed; L.\u202fD.\u202fS. is.
"""


def make(small_book, persons: str = PERSONS, one: str = ONE, two: str = TWO) -> None:
    small_book.book(["01-one.md", "02-two.md"], extra="silence: [meta, lint]\n")
    small_book.chapter("01-one.md", "One", one, source="doc-one")
    small_book.chapter("02-two.md", "Two", two)
    small_book.write("persons.yaml", persons)


def occurrences(small_book) -> tuple[dict[str, list[tuple[str, str]]], Reporter]:
    reporter = Reporter()
    book = load_book(small_book.root, reporter)
    return {p.id: [(c, t) for c, _, t in p.occurrences] for p in book.persons}, reporter


def test_forms_and_ambiguous_forms_per_chapter(small_book):
    make(small_book)
    occ, reporter = occurrences(small_book)
    assert not reporter.errors, [d.format() for d in reporter.errors]
    leon = occ["sedov-leon"]
    # chapter one: the full name, "Sedoff's" (possessive), the bare "Leon", "Lyova" in the heading
    assert ("one", "Leon Sedov") in leon
    assert ("one", "Sedoff") in leon
    assert ("one", "Leon") in leon
    assert ("one", "Lyova") in leon
    # chapter two: "Sedoff" means Sergei there, and a bare "Leon" is not indexed at all
    assert ("two", "Leon") not in leon
    assert ("two", "Sedoff") not in leon
    assert ("two", "Sedoff") in occ["sedov-sergei"]
    # an initialism with narrow no-break spaces matches the form written with spaces
    assert ("two", "L. D. S.") in leon


def test_longest_form_wins_and_markup_overrides(small_book):
    make(small_book)
    occ, _ = occurrences(small_book)
    # "Leon Trotsky" is Trotsky's, not Leon Sedov's "Leon" + Trotsky's "Trotsky"
    assert ("one", "Leon Trotsky") in occ["trotsky-leon"]
    assert [t for c, t in occ["sedov-leon"] if c == "one"].count("Leon") == 1
    # explicit markup puts "Sedoff" under Sergei in a chapter where it would mean Leon
    assert ("one", "Sedoff") in occ["sedov-sergei"]
    # .noperson stops the match; a link is never looked into; matching is case-sensitive
    # ("The Old Man" at the start of a sentence is not the form "the Old Man")
    assert [t for c, t in occ["trotsky-leon"] if c == "one"] == ["Trotsky", "Leon Trotsky", "the Old Man"]


def test_notes_are_indexed_with_anchors(small_book):
    make(small_book)
    reporter = Reporter()
    book = load_book(small_book.root, reporter)
    sergei = next(p for p in book.persons if p.id == "sedov-sergei")
    texts = [t for _, _, t in sergei.occurrences]
    assert "Sergei Sedov" in texts  # the footnote
    anchors = [a for p in book.persons for _, a, _ in p.occurrences]
    assert len(anchors) == len(set(anchors))
    assert all(re.fullmatch(r"(one|two)-pn-\d+", a) for a in anchors)


def test_epub_spans_carry_the_anchors(small_book):
    make(small_book)
    proc = small_book.run("build", "epub")
    assert proc.returncode == 0, proc.stderr
    import zipfile

    z = zipfile.ZipFile(small_book.root / "build" / "small-book.epub")
    one = z.read("EPUB/one.xhtml").decode()
    assert re.search(r'<span id="one-pn-\d+" class="pn">Leon Sedov</span>', one)
    assert "<h2" in one and re.search(r'<h2[^>]*>.*<span id="one-pn-\d+" class="pn">Lyova</span>', one)
    assert '<a href="two.xhtml#ch-two">Trotsky</a>' in one  # not looked into
    index = z.read("EPUB/index.xhtml").decode()
    assert 'epub:type="index"' in index
    assert "Lyova" in index and "#ix-sedov-leon" in index


def check(small_book, *args: str):
    proc = small_book.run("check", *args)
    return proc.returncode, proc.stdout + proc.stderr


def test_unknown_person_is_an_error_with_the_chapter_line(small_book):
    make(small_book, one="Intro.\n\nThen [Sedoff]{person=nobody} spoke.\n")
    code, out = check(small_book)
    assert code == 1
    assert re.search(r"chapters/01-one\.md:\d+: error: unknown person “nobody” .*\[persons\.unknown\]", out)
    line = int(re.search(r"chapters/01-one\.md:(\d+): error: unknown person", out).group(1))
    text = (small_book.root / "chapters/01-one.md").read_text().splitlines()
    assert "person=nobody" in text[line - 1]
    assert "Traceback" not in out


def test_form_claimed_twice_is_an_error(small_book):
    clash = PERSONS.replace("forms: [Sergei Sedov]", "forms: [Sergei Sedov, Lyova]")
    make(small_book, persons=clash)
    code, out = check(small_book)
    assert code == 1
    assert re.search(r"persons\.yaml:\d+: error: form “Lyova” is claimed by “sedov-leon” and "
                     r"“sedov-sergei” in every chapter.*\[persons\.form-conflict\]", out)


def test_ambiguous_form_in_the_same_chapter_twice_is_an_error(small_book):
    clash = PERSONS.replace("      Sedoff: [two]", "      Sedoff: [one, two]")
    make(small_book, persons=clash)
    code, out = check(small_book)
    assert code == 1
    assert "“Sedoff” is claimed by “sedov-leon” and “sedov-sergei” in chapter “one”" in out
    assert "in chapter “two”" not in out  # there only Sergei claims it


def test_ambiguous_form_for_an_unknown_chapter_is_a_warning(small_book):
    make(small_book, persons=PERSONS.replace("Leon: [one]", "Leon: [one, three]"))
    code, out = check(small_book)
    assert code == 0 and check(small_book, "--strict")[0] == 1
    m = re.search(r"persons\.yaml:(\d+): warning: “Leon” of “sedov-leon” is listed for chapter “three”", out)
    assert m, out
    assert "Leon: [one, three]" in (small_book.root / "persons.yaml").read_text().splitlines()[int(m.group(1)) - 1]


def test_person_never_found_is_a_warning(small_book):
    extra = PERSONS + """  - id: nobody
    sort_name: Nobody, Anna
    name: Anna Nobody
    identification: Never named.
    forms: [Anna Nobody]
"""
    make(small_book, persons=extra)
    code, out = check(small_book)
    assert code == 0 and check(small_book, "--strict")[0] == 1
    make(small_book)
    assert check(small_book, "--strict")[0] == 0  # the same book without the unused person
    make(small_book, persons=extra)
    code, out = check(small_book)
    assert re.search(r"persons\.yaml:24: warning: person “nobody” is never named in the text "
                     r"\[persons\.unused\]", out), out


def test_schema_errors_point_at_the_line(small_book):
    bad = PERSONS.replace("    dates: 1906–1938\n", "    dates: 1906–1938\n    born: 1906\n")
    make(small_book, persons=bad)
    code, out = check(small_book)
    assert code == 1
    assert re.search(r"persons\.yaml:6: error: unknown key 'persons\.0\.born'", out), out
    make(small_book, persons=PERSONS.replace("id: trotsky-leon", "id: Trotsky Leon"))
    code, out = check(small_book)
    assert code == 1 and re.search(r"persons\.yaml:19: error: 'persons\.2\.id'", out), out
    assert "Traceback" not in out


def test_real_register_loads_without_problems():
    root = Path(__file__).resolve().parent.parent
    reporter = Reporter()
    book = load_book(root, reporter)
    problems = [d.format() for d in reporter.items if d.code.startswith("persons.")]
    assert problems == []
    assert len(book.persons) >= 80
    assert all(p.occurrences for p in book.persons)
