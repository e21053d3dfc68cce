"""Issue #26: an import never loses a word.

Fixture pages (tests/fixtures/import/pages/, how each was made: README.md there) and texts
(tests/fixtures/import/texts/) are imported in process; every word of the source's readable
text must be in the chapter or on record (``fidelity.tally``), and every word pandoc reads in a
page must be one the import keeps or records as removed.  End to end: ``edition import`` says
the count, refuses a chapter with unaccounted words, registers a new file of sources/, warns
at a useless strip pattern; ``edition check`` lets the editor's notes be."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import SmallBook

from edition.diagnostics import Reporter
from edition.importers import html, text
from edition.importers.base import ImportResult, SourceEntry
from edition.importers.fidelity import check_chapter, tally

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "tests" / "fixtures" / "import" / "pages"
TEXTS = ROOT / "tests" / "fixtures" / "import" / "texts"
WORD = re.compile(r"\w+")


def _record(name: str, importer: str, title: str = "-", **kw: object) -> SourceEntry:
    return SourceEntry(id="x", file=name, sha256="0" * 64, author="A", title=title, date="d",
                       kind="k", importer=importer, rights="r", **kw)  # type: ignore[arg-type]


def _import_page(name: str, title: str = "-") -> tuple[str, str, SourceEntry, ImportResult]:
    src, how = html.decode((PAGES / name).read_bytes())
    rec = _record(name, "html", title)
    return src, how, rec, html.import_source(src, rec, [])


# name, title, encoding found, (source, chapter, removed) words, a phrase of the main text
PAGE_CASES = [
    ("diatheke-kjv-ecclesiastes-1.html", "-", "utf-8", (160, 160, 0),
     "Ecclesiastes 1:1: The words of the Preacher"),
    ("sphinx-walking.html", "On Walking", "utf-8", (158, 127, 31),
     "Nobody who has walked the whole of it comes back quite the same."),
    ("browser-saved-lamplighter.html", "The Lamplighter", "utf-8", (159, 118, 41),
     "Every evening at dusk the lamplighter came down our street"),
    ("pandoc-cafe-windows-1252.html", "-", "windows-1252 (declared by the page)", (64, 59, 5),
     "Madame Lefèvre"),
    ("pandoc-cafe-latin1-no-charset.html", "-", "cp1252 (detected by charset-normalizer", (64, 59, 5),
     "naïve"),
    ("pandoc-cafe-utf8-no-charset.html", "-", "utf-8", (64, 59, 5), "“Nothing changes here,”"),
]


@pytest.mark.parametrize(("name", "title", "how", "counts", "phrase"), PAGE_CASES,
                         ids=[c[0] for c in PAGE_CASES])
def test_every_word_of_a_real_page_is_accounted_for(name, title, how, counts, phrase):
    src, found, rec, result = _import_page(name, title)
    assert found.startswith(how)
    assert phrase in result.body
    count = tally(src, rec, result)
    assert count.differences == []
    assert (count.source, count.chapter, count.removed) == counts


def test_the_chrome_of_a_documentation_page_is_removed_on_record():
    _src, _how, _rec, result = _import_page("sphinx-walking.html", "On Walking")
    removed = " ".join(r.text for r in result.removed)
    for chrome in ("Quick search", "Navigation", "Powered by Sphinx", "Next:"):
        assert chrome in removed and chrome not in result.body
    assert "¶" not in result.body  # the headings' permalinks
    assert "## Things seen" in result.body
    assert "Here the path divides:\\\nleft to the ford,\\" in result.body  # <pre> keeps lines


def test_a_browser_saved_page_keeps_text_outside_paragraphs():
    _src, _how, _rec, result = _import_page("browser-saved-lamplighter.html", "The Lamplighter")
    assert "He never looked at the houses, only at the lamps" in result.body  # div + span
    assert "and then he was gone." in result.body  # a div's text after its blocks
    assert "half past six" in result.body and "eleven rungs" in result.body  # td, dd
    removed = [r.text for r in result.removed]
    assert any("cookies" in r for r in removed) and any("Skip to content" in r for r in removed)
    assert "cookies" not in result.body and "Archive" not in result.body


def test_verses_separated_by_br_straight_in_body_are_all_kept():
    _src, _how, _rec, result = _import_page("diatheke-kjv-ecclesiastes-1.html")
    for verse in range(1, 9):
        assert f"Ecclesiastes 1:{verse}: " in result.body
    # each verse its own line; an empty <div/> (a paragraph mark) + <br> a paragraph break
    assert "Jerusalem.\\\nEcclesiastes 1:2:" in result.body
    assert "under the sun?\n\nEcclesiastes 1:4:" in result.body


def test_a_word_the_import_drops_is_unaccounted_at_its_source_line():
    src, _how, rec, result = _import_page("diatheke-kjv-ecclesiastes-1.html")
    lost = ImportResult(result.front_matter, result.body.replace("Ecclesiastes 1:5: ", ""),
                        result.applied, result.removed, result.suspicious)
    count = tally(src, rec, lost)
    assert count.unaccounted == 2
    assert [(d.line, d.kind, d.ours) for d in count.differences] == [(6, "added", "Ecclesiastes 1:5:")]


def test_text_in_any_element_is_read():
    page = """<html><body>straight in body<br>after a break
<div>in a div <span>in a span</span></div>
<table><tr><td>in a cell</td><th>in a header cell</th></tr></table>
<ul><li>in an item</li><li><p>in a paragraph in an item</p></li></ul>
<ol start="3"><li>numbered</li></ol>
<dl><dt>a term</dt><dd>its definition</dd></dl>
<pre>pre one
pre two</pre>
<section>in a section<p>then a paragraph</p>and after it</section>
<font>in a font</font> <center>centred</center>
<p>- not a list<br>&gt; not a quote<br># not a heading<br>1917. not a number</p></body></html>
"""
    rec = _record("p.html", "html")
    result = html.import_source(page, rec, [])
    for phrase in ("straight in body\\\nafter a break", "in a div in a span", "in a cell",
                   "in a header cell", "in an item", "in a paragraph in an item", "3. numbered",
                   "a term", "its definition", "pre one\\\npre two", "in a section",
                   "then a paragraph", "and after it", "in a font", "centred",
                   "\\- not a list\\\n\\> not a quote\\\n\\# not a heading\\\n1917\\. not"):
        assert phrase in result.body, phrase
    assert tally(page, rec, result).differences == []


def test_pandoc_reads_no_word_the_import_neither_keeps_nor_records():
    import pypandoc  # the dev extra installs it (pypandoc-binary): pandoc itself
    for name, title, *_ in PAGE_CASES:
        src, _how, _rec, result = _import_page(name, title)
        out = subprocess.run([pypandoc.get_pandoc_path(), "-f", "html", "-t", "plain",
                              "--wrap=none"], input=src.encode("utf-8"), capture_output=True,
                             check=True).stdout.decode("utf-8")
        theirs = Counter(WORD.findall(out))
        ours = Counter(WORD.findall(result.body)) + Counter(
            w for r in result.removed for w in WORD.findall(r.text))
        assert theirs - ours == Counter(), name


def test_an_encoding_declared_nowhere_is_detected():
    data = "Grüße aus Köln, schöne Straße".encode("latin-1")
    got, how = html.decode(b"<html><body><p>" + data + b"</p></body></html>")
    assert "Grüße aus Köln, schöne Straße" in got and "detected by charset-normalizer" in how
    got, how = text.decode("Gedächtnis".encode())
    assert (got, how) == ("Gedächtnis", "utf-8")
    got, how = text.decode((TEXTS / "aphorismen-latin1.txt").read_bytes())
    assert "Wer früh aufsteht" in got and how.startswith("cp1252 (detected by charset-normalizer")


# ------------------------------------------------------------------ plain text


def _import_text(name: str, **kw: object) -> tuple[SourceEntry, ImportResult, object]:
    src, _how = text.decode((TEXTS / name).read_bytes())
    rec = _record(name, "text", **kw)
    result = text.import_source(src, rec, [])
    return rec, result, tally(src, rec, result)


def test_separators_divide_aphorisms_and_lines_are_kept():
    _rec, result, count = _import_text("aphorisms.txt", separator="^%$", lines="keep")
    assert result.body == (
        "The kettle does not boil the faster for being watched,\\\n"
        "but the watcher is the warmer for waiting.\n\n"
        "A borrowed umbrella is always the one that leaks.\\\n"
        "\u00a0\u00a0\u00a0\u00a0-- “Notes from a wet town”\n\n"
        "Every map is a promise the road does not have to keep.\n")
    assert result.separators == 3 and result.removed == []  # the rule is on record once
    assert (count.source, count.chapter, count.removed, count.unaccounted) == (48, 45, 3, 0)


def test_a_latin1_fortune_file_with_sections():
    _rec, result, count = _import_text("aphorismen-latin1.txt", separator="^%$", lines="keep",
                                       pieces="sections")
    assert "Wer früh aufsteht, hat den Tag für sich;\\\n" in result.body
    assert result.body.count("* * *") == 2 and not result.body.startswith("* * *")
    assert not result.body.rstrip().endswith("* * *")
    assert (count.source, count.chapter, count.removed, count.unaccounted) == (44, 41, 3, 0)


def test_verse_keeps_its_lines_and_indentation():
    _rec, result, count = _import_text("river-verse.txt", lines="keep",
                                       separator=r"^\* \* \*$", pieces="sections")
    assert "The river does not ask the bridge\\\n\u00a0\u00a0\u00a0\u00a0how long" in result.body
    assert "\n\n* * *\n\n" in result.body
    assert count.unaccounted == 0


def test_without_a_separator_pattern_a_strip_pattern_joins_the_pieces():
    """What strip does (documented): the lines around a removed line join."""
    _rec, result, count = _import_text("aphorisms.txt", strip=("^%$",))
    assert "waiting.\nA borrowed umbrella" in result.body
    assert count.unaccounted == 0 and len(result.removed) == 3


def test_strip_patterns_see_the_line_trimmed_and_its_spaces_collapsed():
    rec = _record("t.txt", "text", strip=("^-- aus einem Notizbuch$",))
    result = text.import_source("Satz eins.\n\t\t--  aus einem\u00a0Notizbuch  \n", rec, [])
    assert [r.line for r in result.removed] == [2]


def test_a_gutenberg_header_and_footer_are_removed_on_record():
    _rec, result, count = _import_text(
        "gutenberg-style.txt", start_after=r"^\*\*\* ?START OF (THE|THIS) PROJECT GUTENBERG",
        end_before=r"^\*\*\* ?END OF (THE|THIS) PROJECT GUTENBERG")
    assert [(r.line, r.end) for r in result.removed] == [(1, 12), (22, 25)]
    assert "START OF" not in result.body and "licence" not in result.body
    assert result.body.startswith("## A SHORT WALK\n\nWe left the town")
    assert (count.source, count.chapter, count.removed, count.unaccounted) == (136, 53, 83, 0)


def test_markdown_is_kept_as_markdown():
    _rec, result, count = _import_text("notes.md")
    assert result.body.startswith("# Notes on Bread\n\nBread wants *time*")
    assert "- strong flour for a loaf\n- soft flour" in result.body
    assert "[^1]: A cellar will do." in result.body
    assert "title: Notes on Bread" in result.removed[0].text  # its own front matter
    assert count.unaccounted == 0


# ------------------------------------------------------------------ the editor's additions


def test_the_editors_and_translators_notes_pass_the_fidelity_check(tmp_path):
    rec = _record("t.txt", "text")
    result = text.import_source("Sie wollten Bücher haben. Und mehr.\n", rec, [])
    body = ("Sie wollten Bücher haben.[^tr-books] Und [noch]{.ed} mehr.[^ed-1]\n\n"
            "::: {.editorial}\nA word from the editor.\n:::\n\n"
            "[^tr-books]: Books, that is.\n    A second paragraph of the note.\n\n"
            "[^ed-1]: The editor's note.\n")
    (tmp_path / "c.md").write_text("---\ntitle: T\nsource: x\n---\n\n" + body)
    assert check_chapter(tmp_path, "c.md", rec, result) == []
    (tmp_path / "c.md").write_text("---\ntitle: T\nsource: x\n---\n\n"
                                   + body.replace("Bücher", "Buecher"))
    diags = check_chapter(tmp_path, "c.md", rec, result)
    assert [d.code for d in diags] == ["fidelity.unrecorded"] and diags[0].line == 6


# ------------------------------------------------------------------ end to end

BOOK = """\
title: A Small Book
slug: small-book
language: en
editor: Test Editor
chapters:
  - 01-one.md
"""
ONE = "---\ntitle: One\nkind: editorial\nrole: front\n---\n\nThe editor’s chapter.\n"
SOURCES = """\
# the sources: a comment that must stay
sources:
  # the first source
  - id: aphorisms
    file: aphorisms.txt
    sha256: {sha}
    author: A. Author
    title: Aphorisms
    date: "2000"
    kind: plain text
    importer: text
    rights: public domain
    chapter: 02-aphorisms.md
    separator: "^%$"
    strip:
      - "^never here$"
      - "road|umbrella|kettle"
"""


def _book(book: SmallBook) -> bytes:
    book.write("book.yaml", BOOK)
    book.write("chapters/01-one.md", ONE)
    raw = (TEXTS / "aphorisms.txt").read_bytes()
    book.write("sources/aphorisms.txt", raw)
    book.write("sources/sources.yaml", SOURCES.format(sha=hashlib.sha256(raw).hexdigest()))
    return raw


def test_import_counts_words_warns_at_patterns_and_registers_a_new_file(small_book):
    _book(small_book)
    r = small_book.run("import", "aphorisms")
    assert r.returncode == 0, r.stderr
    assert "aphorisms: 48 word(s) in the source, 14 in the chapter, 34 removed on record, " \
           "0 unaccounted" in r.stdout
    assert "3 separator line(s) matching '^%$' became paragraph breaks" in r.stdout
    assert ("sources/sources.yaml:16: warning: source 'aphorisms': the strip pattern "
            "'^never here$' removes nothing") in r.stderr
    assert ("sources/sources.yaml:17: warning: source 'aphorisms': the strip pattern "
            "'road|umbrella|kettle' removes 31 of the 48 words") in r.stderr

    before = (small_book.root / "sources/sources.yaml").read_text()
    small_book.write("sources/Notes on Bread.md", (TEXTS / "notes.md").read_bytes())
    r = small_book.run("import", "sources/Notes on Bread.md")
    assert r.returncode == 0, r.stderr
    after = (small_book.root / "sources/sources.yaml").read_text()
    assert after.startswith(before)  # comments and layout kept
    sha = hashlib.sha256((TEXTS / "notes.md").read_bytes()).hexdigest()
    assert after[len(before):] == (
        '\n  - id: notes-on-bread\n    file: "Notes on Bread.md"\n'
        f'    sha256: "{sha}"\n    author: "J. Baker"\n    title: "Notes on Bread"\n'
        '    date: "not stated"\n    rights: "not stated"\n    kind: "Markdown text"\n'
        '    importer: "text"\n    chapter: "03-notes-on-bread.md"\n')
    assert "# Notes on Bread" in (small_book.root / "chapters/03-notes-on-bread.md").read_text()
    assert "notes-on-bread: 50 word(s) in the source, 42 in the chapter, 9 removed" in r.stdout

    # a file outside sources/ is refused, nothing written
    small_book.write("elsewhere.txt", "Words.\n")
    r = small_book.run("import", "elsewhere.txt")
    assert r.returncode == 1 and "copy it to sources/elsewhere.txt" in r.stderr
    assert (small_book.root / "sources/sources.yaml").read_text() == after

    # later changes of the file are caught by the checksum, as for any source
    small_book.write("sources/Notes on Bread.md", (TEXTS / "notes.md").read_text() + "More.\n")
    r = small_book.run("check")
    assert r.returncode == 1 and "[source.changed]" in r.stderr


def test_import_writes_no_chapter_when_words_are_unaccounted(small_book, monkeypatch, tmp_path):
    """An importer that loses a word (here: one that forgets a line) gets no chapter written,
    and the word is reported at its source line."""
    from edition.importers import run

    _book(small_book)
    real = text.import_source

    def lossy(src: str, rec: SourceEntry, corrections: list) -> ImportResult:
        res = real(src, rec, corrections)
        res.body = res.body.replace("the warmer for", "")
        return res

    monkeypatch.setattr(text, "import_source", lossy)
    reporter = Reporter()
    said: list[str] = []
    written = run.run_import(small_book.root, ["aphorisms"], False, False, False, reporter, said.append)
    assert written == []
    assert not (small_book.root / "chapters/02-aphorisms.md").exists()
    assert not (small_book.root / "sources/records").exists()
    errors = [d for d in reporter.items if d.code == "import.unaccounted"]
    assert [(d.file, d.line) for d in errors] == [("sources/aphorisms.txt", 2)]
    assert "'the warmer for'" in errors[0].message
    assert any("3 unaccounted" in s for s in said)
    assert any(d.code == "import.not-written" for d in reporter.items)


def test_a_kept_line_never_starts_a_markdown_block():
    rec = _record("t.txt", "text", lines="keep", separator="^%$")
    src = "Er schrieb:\n> Zur Strafe\n- ein Strich\n# keine Zeile\n2. Versuch\n%\n"
    result = text.import_source(src, rec, [])
    assert result.body == ("Er schrieb:\\\n\\> Zur Strafe\\\n\\- ein Strich\\\n"
                           "\\# keine Zeile\\\n2\\. Versuch\n")
    assert tally(src, rec, result).differences == []


def test_a_fortune_file_registers_with_its_separator(tmp_path):
    from edition.importers.register import entry_for

    (tmp_path / "sources").mkdir()
    path = tmp_path / "sources" / "aphorisms.txt"
    path.write_bytes((TEXTS / "aphorisms.txt").read_bytes())
    entry = entry_for(tmp_path, path, [{"id": "aphorisms", "chapter": "07-x.md"}])
    assert entry["id"] == "aphorisms-2" and entry["chapter"] == "08-aphorisms-2.md"
    assert (entry["separator"], entry["lines"], entry["importer"]) == ("^%$", "keep", "text")
    guten = tmp_path / "sources" / "gutenberg-style.txt"
    guten.write_bytes((TEXTS / "gutenberg-style.txt").read_bytes())
    entry = entry_for(tmp_path, guten, [])
    assert (entry["title"], entry["author"]) == ("A Short Walk", "E. Example")
    assert entry["start_after"].startswith("^\\*\\*\\* ?START OF") and "separator" not in entry


# ---------------------------------------------------------------------------- read whole or refused

def _nested(depth: int, inner: str, tag: str = "div") -> str:
    return (f"<html><body><p>Before the nest.</p>\n{f'<{tag}>' * depth}\n{inner}\n"
            f"{f'</{tag}>' * depth}\n<p>After the nest.</p></body></html>\n")


def test_a_page_nested_400_deep_keeps_every_word_in_its_paragraphs():
    """libxml2 stops at depth 256 and drops the whole page's text, silently; the importer
    parses with huge_tree and reads the elements below depth 100 flat."""
    inner = ("alpha<div>beta <b>bold</b></div>gam<span>ma</span> <h2>A heading</h2>"
             "<nav>Next chapter</nav><script>var hidden = 1</script><ol><li>one</li><li>two</li></ol>")
    for tag in ("div", "span", "font", "blockquote"):
        src = _nested(400, inner, tag)
        rec = _record("deep.html", "html")
        result = html.import_source(src, rec, [])
        count = tally(src, rec, result)
        assert count.differences == []
        assert (count.source, count.removed) == (16, 2), tag
        words = result.body.split()
        for w in ("Before", "alpha", "beta", "gamma", "heading", "one", "two", "After"):
            assert w in " ".join(words), (tag, w)
        assert "hidden" not in result.body and "Next chapter" not in result.body
        assert [r.text for r in result.removed] == ["Next chapter"]
    # the blocks stay apart: no word of one block glued to the next
    body = html.import_source(_nested(400, inner), _record("d.html", "html"), []).body
    assert "\n\nalpha\n\nbeta **bold**\n\ngamma\n\nA heading\n\none\n\ntwo\n\n" in body


def test_a_page_nested_beyond_what_libxml2_reads_is_refused_at_its_line():
    from edition.diagnostics import BookError

    src = _nested(3000, "too deep to read")
    with pytest.raises(BookError) as exc:
        html.import_source(src, _record("deep.html", "html"), [])
    [d] = exc.value.diagnostics
    assert (d.file, d.line, d.code) == ("sources/deep.html", 3, "import.unreadable-page")
    assert "from this line ('toodeeptoread" in d.message


def test_text_after_the_end_of_html_is_not_lost_silently():
    from edition.diagnostics import BookError

    src = "<html><body>\n<p>Kept words.</p>\n</body></html>\n\nA postscript after the page.\n"
    with pytest.raises(BookError) as exc:
        html.source_view(src, _record("ps.html", "html"))
    [d] = exc.value.diagnostics
    assert (d.file, d.line, d.code) == ("sources/ps.html", 5, "import.unreadable-page")
    assert "'Apostscriptafterthe" in d.message


def test_the_source_count_does_not_depend_on_the_parser_that_lost_the_words():
    """The page's text as a tokenizer reads it is the measure: a tree that lost a text node
    (whatever the parser's reason) is caught at the line of the first word lost."""
    import lxml.html

    from edition.diagnostics import BookError
    from edition.importers.readable import check_page_whole

    src = "<html><body>\n<p>One two.</p>\n<div>\n<p>Three four.</p></div>\n<p>Five.</p>\n</body></html>"
    doc = lxml.html.document_fromstring(src)
    body = doc.find("body")
    check_page_whole(src, body, frozenset(html.SKIP), "sources/p.html")  # whole: no error
    lost = body.findall("div")[0]
    lost.getparent().remove(lost)  # as libxml2 does past its depth limit
    with pytest.raises(BookError) as exc:
        check_page_whole(src, body, frozenset(html.SKIP), "sources/p.html")
    [d] = exc.value.diagnostics
    assert (d.line, d.code) == (4, "import.unreadable-page")
    assert "keeps 12 of the 22 characters" in d.message


def test_a_binary_file_is_refused_before_registration(small_book):
    _book(small_book)
    before = (small_book.root / "sources/sources.yaml").read_bytes()
    exe = Path(sys.executable).resolve().read_bytes()[:3000]  # an executable, as `head -c 3000 /usr/bin/ls`
    for name in ("bin.html", "bin.txt"):
        small_book.write(f"sources/{name}", exe)
        r = small_book.run("import", f"sources/{name}")
        assert r.returncode == 1
        assert f"sources/{name}: error: sources/{name} is not a text or HTML file: it begins " \
               "like an ELF executable" in r.stderr or "Mach-O" in r.stderr
        assert "[import.not-text]" in r.stderr and "Traceback" not in r.stderr
        assert (small_book.root / "sources/sources.yaml").read_bytes() == before
        assert sorted(p.name for p in (small_book.root / "chapters").iterdir()) == ["01-one.md"]
    # a deep page, by contrast, is read whole and checks clean
    small_book.write("sources/deep.html", "<html><body>" + "<div>" * 400 + "deep words here"
                     + "</div>" * 400 + "</body></html>\n")
    r = small_book.run("import", "sources/deep.html")
    assert r.returncode == 0, r.stderr
    assert "deep: 3 word(s) in the source, 3 in the chapter, 0 removed on record, " \
           "0 unaccounted" in r.stdout
    assert "deep words here" in (small_book.root / "chapters/03-deep.md").read_text()
    r = small_book.run("check")
    assert "chapter.empty" not in r.stderr and "import.unaccounted" not in r.stderr, r.stderr


@pytest.mark.parametrize(("data", "why", "line"), [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "it begins like a PDF document", None),
    (b"PK\x03\x04\x14\x00\x06\x00", "it begins like a ZIP archive", None),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "it begins like a PNG image", None),
    (b"line one\nline two\nthree\x00four\n", "it holds NUL bytes", 3),
    (bytes(range(1, 32)) * 20 + b"some words", "of its 630 characters read as", 1),
], ids=["pdf", "zip", "png", "nul", "controls"])
def test_a_file_that_is_not_text_is_refused(data, why, line):
    from edition.diagnostics import BookError
    from edition.importers.readable import text_of

    for decode in (html.decode, text.decode):
        with pytest.raises(BookError) as exc:
            text_of(data, "sources/f.txt", decode)
        [d] = exc.value.diagnostics
        assert (d.file, d.line, d.code) == ("sources/f.txt", line, "import.not-text")
        assert why in d.message


def test_text_with_a_byte_order_mark_or_a_stray_control_is_still_text():
    from edition.importers.readable import text_of

    utf16 = "\ufeffZw\u00f6lf Wörter.\n".encode("utf-16-le")
    assert text_of(utf16, "sources/u.txt", text.decode)[0].endswith("Zwölf Wörter.\n")
    stray = b"A long line of words. " * 10 + b"\x1a\n"  # a DOS end-of-file mark
    assert text_of(stray, "sources/s.txt", text.decode)[1] == "utf-8"


def test_a_lying_charset_is_said_not_turned_into_mojibake():
    page = ('<html><head><meta charset="utf-8"></head><body>\n<p>Café crème, “quoted” – '
            "für Straße.</p></body></html>").encode("cp1252")
    found, how = html.decode(page)
    assert "Café crème, “quoted” – für Straße." in found and "\ufffd" not in found
    assert how.startswith("cp1252 (detected by charset-normalizer")
    assert how.endswith("the page declares utf-8, but its bytes are not utf-8 (byte 0xE9 on line 2)")
    # the other way round: declared windows-1252, bytes UTF-8
    page = '<meta charset="windows-1252"><p>Café</p>'.encode()
    found, how = html.decode(page)
    assert "Café" in found and how == "utf-8; the page declares windows-1252, but its bytes are UTF-8"


def test_a_utf8_page_with_a_stray_byte_is_read_as_utf8_and_said():
    data = ("<p>Café crème,\nMüller und Söhne, ").encode() + b"na\xefve.</p>"
    for decode in (html.decode, text.decode):
        found, how = decode(data)
        assert "Café crème,\nMüller und Söhne, naïve." in found
        assert how == ("utf-8, but 1 byte(s) are not UTF-8 and were read as windows-1252 "
                       "(the first: byte 0xEF on line 2): check those characters")
