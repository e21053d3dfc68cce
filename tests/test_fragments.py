"""The editor's texts outside the chapters (headnotes, questions, glossary definitions and
notes, register identifications) are parsed once into the model, with their file and line,
and the transforms run over them: quoted cross-references resolve inside them, and the
sanitizer sees them."""

from __future__ import annotations

import re
import zipfile

from conftest import epubcheck_messages, run_epubcheck

from edition.diagnostics import Reporter
from edition.pipeline import load_book

ONE = """\
In Coyoacán the Old Man wrote to his son in Paris.

Later the Old Man wrote again.
"""

GLOSSARY = """\
entries:
  - id: coyoacan
    headword: Coyoacán
    category: place
    forms: [Coyoacán]
    definition: >
      A suburb of Mexico City ([Letter](<#one:the Old Man|wrote again>){.at-page}).
"""

PERSONS = """\
persons:
  - id: trotsky
    sort_name: Trotsky, Leon
    name: Leon Trotsky
    identification: The revolutionary, called [the Old Man](<#one:the Old Man>){.at-page}.
    forms: [the Old Man]
"""

APPARATUS = """\
chapters:
  one:
    headnote: |
      A letter; see [its close](<#one:wrote again>).
    questions:
      - Who is [the Old Man](<#one:the Old Man>)?
"""


def make(small_book, glossary: str = GLOSSARY, persons: str = PERSONS, apparatus: str = APPARATUS):
    small_book.book(["01-one.md"], extra="silence: [meta, lint]\n")
    small_book.chapter("01-one.md", "One", ONE)
    small_book.write("glossary.yaml", glossary)
    small_book.write("persons.yaml", persons)
    small_book.write("apparatus.yaml", apparatus)


def test_fragments_are_in_the_model_with_their_lines(small_book):
    make(small_book)
    book = load_book(small_book.root, Reporter())
    ch = book.chapters[0]
    assert ch.meta.headnote is not None and ch.meta.headnote.location.file == "apparatus.yaml"
    assert ch.meta.headnote.location.line == 4  # the line after "headnote: |"
    assert [str(q.location) for q in ch.meta.questions] == ["apparatus.yaml:6"]
    entry = book.glossary[0]
    assert entry.definition_text is not None and str(entry.definition_text.location) == "glossary.yaml:7"
    person = book.persons[0]
    assert person.identification_text is not None
    assert str(person.identification_text.location) == "persons.yaml:5"


def test_xrefs_resolve_in_glossary_register_and_apparatus(small_book):
    make(small_book)
    r = small_book.run("build", "epub", "-o", str(small_book.root / "out"))
    assert r.returncode == 0, r.stderr
    assert "error" not in r.stderr, r.stderr
    epub = next((small_book.root / "out").glob("*.epub"))
    with zipfile.ZipFile(epub) as z:
        one = z.read("EPUB/one.xhtml").decode()
        glossary = z.read("EPUB/glossary.xhtml").decode()
        persons = z.read("EPUB/persons.xhtml").decode()
    anchors = set(re.findall(r'id="(x-one-\d+)"', one))
    # "wrote again", "the Old Man" (the first), "the Old Man|wrote again" (the second)
    assert len(anchors) == 3, one
    gl = re.findall(r'href="one\.xhtml#(x-one-\d+)"', glossary)
    pn = re.findall(r'href="one\.xhtml#(x-one-\d+)"', persons)
    head = re.findall(r'href="#(x-one-\d+)"', one.split('class="chapter-body"')[0])
    assert gl and pn and head, (glossary, persons)
    assert set(gl) | set(pn) | set(head) <= anchors
    assert gl[0] != pn[0]  # the narrowed phrase lands on the second "the Old Man"
    report = run_epubcheck(epub)
    assert [m for m in epubcheck_messages(report) if not m.startswith("INFO")] == []


def test_a_wrong_phrase_is_an_error_at_the_yaml_line(small_book):
    make(small_book, glossary=GLOSSARY.replace("wrote again", "wrote thrice"),
         persons=PERSONS.replace("<#one:the Old Man>", "<#one:the Young Man>"))
    out = small_book.root / "out"
    r = small_book.run("build", "epub", "-o", str(out))
    assert r.returncode == 1
    assert "glossary.yaml:7: error: cross-reference: “the Old Man|wrote thrice” not found" in r.stderr, r.stderr
    assert "persons.yaml:5: error: cross-reference: “the Young Man” not found" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()


def test_unsafe_html_in_every_fragment_is_refused_where_it_was_written(small_book):
    bad = '<script>alert(1)</script><img src=x onerror=alert(1)>'
    make(small_book,
         glossary=GLOSSARY.replace("A suburb", f"{bad} A suburb"),
         persons=PERSONS.replace("The revolutionary", f"{bad} The revolutionary"),
         apparatus=APPARATUS.replace("A letter", f"{bad} A letter").replace("Who is", f"{bad} Who is"))
    r = small_book.run("check", "--strict")
    assert r.returncode == 1
    for where in ("glossary.yaml:7", "persons.yaml:5", "apparatus.yaml:4", "apparatus.yaml:6"):
        assert re.search(rf"^{re.escape(where)}: error: .*script", r.stderr, re.M), (where, r.stderr)
    assert "Traceback" not in r.stderr


def test_front_matter_headnote_is_located_in_the_chapter(small_book):
    small_book.book(["01-one.md"], extra="silence: [meta, lint]\n")
    small_book.write("chapters/01-one.md", "---\ntitle: One\nheadnote: |\n  Safe.\n\n  <iframe src=x></iframe>\n---\n"
                     + ONE)
    r = small_book.run("check", "--strict")
    assert r.returncode == 1
    assert re.search(r"^chapters/01-one\.md:6: error: .*iframe", r.stderr, re.M), r.stderr
