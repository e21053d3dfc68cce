"""Attacks and faults (#20): each case asserts the README's promise.

* exit 0: a well-formed EPUB (every XML document parses) that passes EPUBCheck -u and
  ships nothing unsafe;
* exit != 0: a message ``file[:line]: error: ... [code]`` (with a line wherever the cause
  has one), no traceback, and ``build/`` byte for byte as it was.

Each case starts from a clean small book whose EPUB is already in ``build/``.  EPUB-only
builds unless the case is about the PDF.
"""

from __future__ import annotations

import json
import os
import re
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import SmallBook, epubcheck_messages, run_epubcheck
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edition.build_manifest import cache_dir

ONE = """\
In Coyoacán the Old Man wrote to his son in Paris.

Later the Old Man wrote again.[^1]

[^1]: A note.
"""
TWO = "The second chapter names the GPU.\n"
GLOSSARY = """\
entries:
  - id: gpu
    headword: GPU
    category: organisation
    forms: [GPU]
    definition: The secret police.
"""
PERSONS = """\
persons:
  - id: trotsky
    sort_name: Trotsky, Leon
    name: Leon Trotsky
    identification: The revolutionary.
    forms: [the Old Man]
"""
APPARATUS = """\
chapters:
  one:
    headnote: |
      A letter.
    questions:
      - Who wrote it?
"""
UNSAFE = '<script>alert(1)</script><img src=x onerror=alert(1)> '
# what must never be in a shipped e-book (namespace URIs are the only http:// allowed)
# javascript: as a link's or a url()'s value; the words "](javascript:x)" shown as escaped text
# (a fuzzed chapter's stray bracket) are harmless text, not a link
# in markup, not in text: "{style=x}" or "file:" shown as escaped words are harmless
FORBIDDEN = [r"<script", r"<iframe", r"<img(?![^>]*cover)", r"\son[a-z]+\s*=",
             r"(?i)(=\s*[\"']?\s*|url\(\s*[\"']?\s*)javascript:", r"<[^>]*\sstyle\s*=",
             r"evil\.example", r"root:x:0:0", r"(?i)(=\s*[\"']?\s*|url\(\s*[\"']?\s*)file:",
             r"@import"]
LINE_RE = re.compile(r"^(?P<file>[^\s:][^:]*?)(?::(?P<line>\d+))?: error: .+ \[[\w.-]+\]$")


def base_book(root: Path) -> SmallBook:
    b = SmallBook(root)
    b.book(["01-one.md", "02-two.md"], extra="silence: [meta, lint]\n")
    b.chapter("01-one.md", "One", ONE)
    b.chapter("02-two.md", "Two", TWO)
    b.write("glossary.yaml", GLOSSARY)
    b.write("persons.yaml", PERSONS)
    b.write("apparatus.yaml", APPARATUS)
    return b


def snapshot(folder: Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def well_formed(epub: Path) -> str:
    """Every XML document of the EPUB parsed; its text (for the unsafe-content check)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    texts = []
    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            data = z.read(name)
            if name.endswith((".xhtml", ".opf", ".ncx", ".xml")):
                etree.fromstring(data, parser)  # raises if not well-formed
            if name.endswith((".xhtml", ".opf", ".ncx", ".xml", ".css")):
                texts.append(data.decode("utf-8"))
    return "\n".join(texts)


def assert_promise(book: SmallBook, proc, before: dict[str, bytes], *, expect: int | None = None,
                   located: bool = True, epubcheck: bool = True) -> str:
    err = proc.stderr
    assert "Traceback" not in err, err
    if expect is not None:
        assert proc.returncode == expect, err
    if proc.returncode == 0:
        epub = book.root / "build" / "small-book.epub"
        text = well_formed(epub)
        for pat in FORBIDDEN:
            assert not re.search(pat, text), (pat, err)
        if epubcheck:
            report = run_epubcheck(epub)
            msgs = [m for m in epubcheck_messages(report) if not m.startswith(("USAGE", "INFO"))]
            assert msgs == [], msgs
        return err
    errors = [ln for ln in err.splitlines() if ": error: " in ln]
    assert errors, err
    for ln in errors:
        assert LINE_RE.match(ln), ln
    if located:
        assert any(LINE_RE.match(ln).group("line") for ln in errors), err  # type: ignore[union-attr]
    assert snapshot(book.root / "build") == before, "build/ changed"
    return err


@dataclass
class Case:
    name: str
    attack: Callable[[SmallBook], None]
    expect: int  # 0: builds (and must be safe and valid), 1: refused
    message: str = ""  # a regex the stderr must match
    located: bool = True  # an error with a line (False: the file as a whole)


def _rewrite(rel: str, old: str, new: str) -> Callable[[SmallBook], None]:
    def f(b: SmallBook) -> None:
        p = b.root / rel
        text = p.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return f


def _write(rel: str, data: str | bytes) -> Callable[[SmallBook], None]:
    return lambda b: b.write(rel, data)


def _chapter_body(body: str, name: str = "01-one.md") -> Callable[[SmallBook], None]:
    return lambda b: b.chapter(name, "One", body)


def _symlink(rel: str, target: str) -> Callable[[SmallBook], None]:
    def f(b: SmallBook) -> None:
        p = b.root / rel
        if p.exists():
            p.unlink()
        os.symlink(target, p)
    return f


def _odd_name(name: str) -> Callable[[SmallBook], None]:
    def f(b: SmallBook) -> None:
        b.book(["01-one.md", "02-two.md", name], extra="silence: [meta, lint]\n")
        b.chapter(name, "Odd", "An oddly named chapter.\n")
    return f


def _fifo(listed: bool) -> Callable[[SmallBook], None]:
    def f(b: SmallBook) -> None:
        os.mkfifo(b.root / "chapters" / "x.md")
        if listed:
            b.book(["01-one.md", "02-two.md", "x.md"], extra="silence: [meta, lint]\n")
    return f


def _loop(listed: bool) -> Callable[[SmallBook], None]:
    def f(b: SmallBook) -> None:
        os.symlink("loop-b.md", b.root / "chapters" / "loop-a.md")
        os.symlink("loop-a.md", b.root / "chapters" / "loop-b.md")
        if listed:
            b.book(["01-one.md", "02-two.md", "loop-a.md"], extra="silence: [meta, lint]\n")
    return f


BOMB = "lol:\n  a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"  {chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(9))


CASES = [
    # -- unsafe content: every field of user text goes through the one sanitizer
    Case("apparatus_headnote_script", _rewrite("apparatus.yaml", "A letter.", UNSAFE + "A letter."), 1,
         r"apparatus\.yaml:4: error: <script>"),
    Case("apparatus_question_script", _rewrite("apparatus.yaml", "Who wrote", UNSAFE + "Who wrote"), 1,
         r"apparatus\.yaml:6: error: <script>"),
    Case("front_matter_headnote_script",
         lambda b: (_write("chapters/01-one.md", f"---\ntitle: One\nheadnote: '{UNSAFE}A note.'\n---\n{ONE}")(b),
                    (b.root / "apparatus.yaml").unlink()), 1,
         r"chapters/01-one\.md:3: error: <script>"),
    Case("glossary_definition_script", _rewrite("glossary.yaml", "The secret", UNSAFE + "The secret"), 1,
         r"glossary\.yaml:6: error: <script>"),
    Case("glossary_definition_onerror", _rewrite("glossary.yaml", "The secret", "<b onclick=x()>The</b> secret"),
         1, r"glossary\.yaml:6: error: attribute 'onclick'"),
    Case("persons_identification_script", _rewrite("persons.yaml", "The revolutionary", UNSAFE + "The rev"), 1,
         r"persons\.yaml:5: error: <script>"),
    Case("headnote_raw_javascript_link",
         _rewrite("apparatus.yaml", "A letter.", '<a href="javascript:alert(1)">x</a> A letter.'), 1,
         r"apparatus\.yaml:4: error: <a> is not allowed"),
    Case("headnote_http_link", _rewrite("apparatus.yaml", "A letter.", "[x](ftp://evil.example/) A letter."), 1,
         r"apparatus\.yaml:4: error: link to 'ftp://evil\.example/' refused"),
    Case("definition_file_link", _rewrite("glossary.yaml", "The secret", "The [p](file:///etc/passwd) secret"),
         1, r"glossary\.yaml:6: error: link with the forbidden scheme 'file:'"),
    Case("code_span_style_attribute",
         _chapter_body('Code `x`{style="background:url(http://evil.example/t.png)"} here.\n'), 1,
         r"chapters/01-one\.md:4: error: attribute 'style' is not allowed"),
    # the attribute syntax itself keeps no on… key: nothing to refuse, nothing shipped
    Case("link_onclick_attribute", _chapter_body("Some [text](#ch-two){onclick=\"alert(1)\"} here.\n"), 0),
    Case("link_title_javascript", _chapter_body('Some [text](#ch-two){title="javascript:x"} here.\n'), 1,
         r"chapters/01-one\.md:4: error: attribute 'title' is not allowed"),
    Case("emphasis_attribute_is_text", _chapter_body("Some *text*{onclick=alert(1)} here.\n"), 0),
    Case("tab_in_javascript_scheme", _chapter_body("A [link](java&#x09;script:alert(1)) here.\n"), 1,
         r"chapters/01-one\.md:4: error: .*(javascript|refused)"),
    Case("span_block_with_style", _chapter_body('<span style="color:red">x</span>\n\nText.\n'), 1,
         r"chapters/01-one\.md:4: error: attribute 'style' on <span>"),
    # -- files read from outside the project, or not files at all
    Case("epub_css_symlink_outside", _symlink("styles/epub.css", "/etc/passwd"), 1,
         r"styles/epub\.css: error: is a link to a file outside the project", located=False),
    Case("glossary_symlink_outside", _symlink("glossary.yaml", "/etc/passwd"), 1,
         r"glossary\.yaml: error: is a link to a file outside the project", located=False),
    Case("persons_symlink_outside", _symlink("persons.yaml", "/etc/passwd"), 1,
         r"persons\.yaml: error: is a link to a file outside the project", located=False),
    Case("chapter_symlink_outside", lambda b: (_symlink("chapters/02-two.md", "/etc/passwd")(b)), 1,
         r"chapters/02-two\.md: error: is a link to a file outside the project", located=False),
    Case("epub_css_remote_import", _rewrite("styles/epub.css", "", "@import url(http://evil.example/x.css);\n"),
         1, r"styles/epub\.css:1: error: 'http://evil\.example/x\.css' is outside the project"),
    Case("epub_css_remote_url",
         lambda b: b.write("styles/epub.css", (b.root / "styles/epub.css").read_text()
                           + "body { background: url('//evil.example/t.png') }\n"), 1,
         r"styles/epub\.css:\d+: error: '//evil\.example/t\.png' is outside"),
    Case("fifo_listed_as_chapter", _fifo(listed=True), 1, r"chapters/x\.md: error: is a FIFO", located=False),
    Case("fifo_unlisted_in_chapters", _fifo(listed=False), 0),
    Case("symlink_loop_listed", _loop(listed=True), 1, r"chapters/loop-a\.md: error: is a loop", located=False),
    Case("symlink_loop_unlisted", _loop(listed=False), 0),
    # -- what would make an e-book that is not well-formed
    Case("form_feed_in_chapter", _chapter_body("Text\fwith a form feed.\n"), 1,
         r"chapters/01-one\.md:4: error: control character U\+000C"),
    Case("escape_char_in_chapter", _chapter_body("Text with \x1b[31m colour.\n"), 1,
         r"chapters/01-one\.md:4: error: control character U\+001B"),
    Case("form_feed_reference", _chapter_body("Text &#12; with a reference.\n"), 1,
         r"chapters/01-one\.md:4: error: a control character"),
    Case("form_feed_reference_in_html", _chapter_body("<span>Text &#12; in HTML.</span>\n"), 1,
         r"chapters/01-one\.md:4: error: a control character"),
    Case("title_form_feed_escape", _rewrite("book.yaml", "title: A Small Book", 'title: "a\\fb"'), 1,
         r"book\.yaml:1: error: control character U\+000C"),
    Case("doctype_entity_block",
         _chapter_body('<!DOCTYPE x [<!ENTITY a "b">]>\n\nText &a; here.\n'), 1,
         r"chapters/01-one\.md:4: error: a declaration"),
    Case("bare_ampersand_in_span_block", _chapter_body("<span>AT & T</span>\n\nText.\n"), 0),
    Case("unclosed_inline_tag", _chapter_body("Some <i>italic *text.\n\nNext <b>para*graph.\n"), 0),
    Case("odd_chapter_file_name", _odd_name("99-my chapter's text.md"), 0),
    Case("markup_in_chapter_file_name", _odd_name('98-<&">.md'), 0),
    # -- limits instead of silent loss or hangs
    Case("list_nested_1000_deep", _chapter_body("".join("  " * i + "- item\n" for i in range(1000))), 1,
         r"chapters/01-one\.md:\d+: error: blocks .* nested"),
    Case("blockquote_1000_deep", _chapter_body(">" * 1000 + " deep text\n"), 1,
         r"chapters/01-one\.md:4: error: blocks .* nested"),
    Case("yaml_alias_bomb", lambda b: b.write("book.yaml", (b.root / "book.yaml").read_text() + BOMB), 1,
         r"book\.yaml:\d+: error: YAML refused: aliases expand"),
    Case("yaml_recursive_alias", lambda b: b.write("book.yaml", (b.root / "book.yaml").read_text()
                                                   + "x: &a [*a]\n"), 1, r"book\.yaml:\d+: error: "),
    Case("unclosed_container", _chapter_body("::: letter\nDear friend,\n\nThe end.\n"), 1,
         r"chapters/01-one\.md:4: error: '::: letter' is never closed"),
    Case("unknown_container", _chapter_body("::: lettre\nDear friend,\n:::\n"), 1,
         r"chapters/01-one\.md:4: error: unknown container '::: lettre'"),
    Case("stray_container_close", _chapter_body("Text.\n\n:::\n"), 1,
         r"chapters/01-one\.md:6: error: ':::' closes no open container"),
    # -- files as Windows editors save them
    Case("crlf_chapter", lambda b: b.write("chapters/01-one.md", (b.root / "chapters/01-one.md").read_bytes()
                                           .replace(b"\n", b"\r\n")), 0),
    Case("bom_chapter", lambda b: b.write("chapters/01-one.md", b"\xef\xbb\xbf"
                                          + (b.root / "chapters/01-one.md").read_bytes()), 0),
    Case("bom_crlf_yaml", lambda b: b.write("glossary.yaml", b"\xef\xbb\xbf" + GLOSSARY.encode()
                                            .replace(b"\n", b"\r\n")), 0),
    # -- the cases that were already handled
    Case("invalid_utf8_chapter", lambda b: b.write("chapters/02-two.md", b"---\ntitle: Two\n---\n\xff\xfe\n"),
         1, r"chapters/02-two\.md:4: error: not valid UTF-8"),
    Case("duplicate_yaml_key", _rewrite("book.yaml", "slug: small-book", "slug: small-book\nslug: again"), 1,
         r"book\.yaml:3: error: malformed YAML: key 'slug' is given twice"),
    Case("unknown_front_matter_key", _write("chapters/02-two.md", "---\ntitle: Two\nautor: X\n---\nText.\n"),
         1, r"chapters/02-two\.md:3: error: unknown key 'autor'"),
    Case("missing_chapter", lambda b: (b.root / "chapters/02-two.md").unlink(), 1,
         r"book\.yaml:\d+: error: chapter '02-two\.md' is listed but"),
    Case("chapter_without_front_matter", _write("chapters/02-two.md", "Text.\n"), 1,
         r"chapters/02-two\.md:1: error: a chapter must begin with YAML front matter"),
    Case("script_in_chapter", _chapter_body("Text <script>alert(1)</script> here.\n"), 1,
         r"chapters/01-one\.md:4: error: <script>"),
    Case("iframe_block_in_chapter", _chapter_body('<iframe src="http://evil.example/"></iframe>\n'), 1,
         r"chapters/01-one\.md:4: error: <iframe>"),
    Case("image_outside", _chapter_body("![p](../../etc/passwd)\n"), 1, r"chapters/01-one\.md:4: error: image"),
    Case("link_outside_scheme", _chapter_body("[l](ftp://evil.example/)\n"), 1,
         r"chapters/01-one\.md:4: error: link to 'ftp://evil\.example/' refused"),
    Case("xref_phrase_not_found", _rewrite("glossary.yaml", "The secret police.",
                                           "The police ([x](<#one:the Young Man>))."), 1,
         r"glossary\.yaml:6: error: cross-reference: “the Young Man” not found"),
    Case("safe_inline_html", _chapter_body('Some <span class="x" lang="de">Wort</span> and <br> here.\n'), 0),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_attack(case: Case, tmp_path):
    book = base_book(tmp_path / "book")
    first = book.run("build", "epub")
    assert first.returncode == 0, first.stderr
    before = snapshot(book.root / "build")
    case.attack(book)
    start = time.monotonic()
    proc = book.run("build", "epub")
    assert time.monotonic() - start < 60, "too slow: a limit is missing"
    err = assert_promise(book, proc, before, expect=case.expect, located=case.located)
    if case.message:
        assert re.search(case.message, err, re.M), err


def test_yaml_alias_bomb_is_refused_within_a_second():
    from edition.diagnostics import BookError
    from edition.yamlio import load_yaml

    start = time.monotonic()
    with pytest.raises(BookError) as exc:
        load_yaml("title: x\n" + BOMB, "book.yaml")
    assert time.monotonic() - start < 1.0
    assert exc.value.diagnostics[0].line is not None


@pytest.mark.parametrize("content", ["{}", "null", "[1, 2]", "", "not json"])
def test_damaged_memo_entries_are_computed_again(tmp_path, content):
    book = base_book(tmp_path / "book")
    assert book.run("build", "epub").returncode == 0
    epub = (book.root / "build" / "small-book.epub").read_bytes()
    entries = [p for p in (cache_dir(book.root) / "memo").glob("yaml-*")]
    assert entries
    for p in entries:
        p.write_text(content)
    proc = book.run("build", "epub", "--force")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert (book.root / "build" / "small-book.epub").read_bytes() == epub


# -- all or nothing across outputs (in process: the faults are injected) -------------------

def _outputs(book: SmallBook, monkeypatch) -> dict[str, bytes]:
    from edition.diagnostics import Reporter
    from edition.pipeline import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(book.root, ["epub"], Reporter(), force=True)
    return snapshot(book.root / "build")


def _fake_pdf(monkeypatch):
    """A PDF stage that costs nothing: the case is about writing, not layout."""
    import edition.render.pdf as pdf

    monkeypatch.setattr(pdf, "render_pdf", lambda *a, **k: pdf.PdfResult(
        b"%PDF-1.7 fake " + os.urandom(8), pdf.Pages({}, [])))


def test_disk_full_leaves_every_output_as_it_was(tmp_path, monkeypatch):
    import errno

    import edition.atomic as atomic
    from edition.diagnostics import BookError, Reporter
    from edition.pipeline import build

    book = base_book(tmp_path / "book")
    _fake_pdf(monkeypatch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(book.root, ["pdf", "epub"], Reporter(), force=True)
    before = snapshot(book.root / "build")
    assert {"small-book.pdf", "small-book.epub", ".pagemap.json"} <= set(before)
    book.chapter("02-two.md", "Two", TWO + "\nMore text.\n")
    real = atomic._aside
    calls = []

    def full(path, data):
        calls.append(path)
        if len(calls) == 2:  # the PDF fitted, the EPUB does not
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(atomic, "_aside", full)
    with pytest.raises(BookError) as exc:
        build(book.root, ["pdf", "epub"], Reporter(), force=True)
    assert "No space left" in str(exc.value.diagnostics[0].message)
    assert snapshot(book.root / "build") == before  # no new PDF, no temporary file


def test_killed_while_moving_outputs_is_completed_by_the_next_build(tmp_path, monkeypatch):
    import edition.atomic as atomic
    from edition.diagnostics import Reporter
    from edition.pipeline import build

    book = base_book(tmp_path / "book")
    _fake_pdf(monkeypatch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(book.root, ["pdf", "epub"], Reporter(), force=True)
    book.chapter("02-two.md", "Two", TWO + "\nMore text.\n")
    real_replace = os.replace
    moved = []

    def killed(src, dst):
        if str(src).endswith(".tmp") and ".edition-commit" not in str(dst):
            moved.append(dst)
            if len(moved) == 2:
                raise KeyboardInterrupt  # the process dies after the first output moved
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        build(book.root, ["pdf", "epub"], Reporter(), force=True)
    out = book.root / "build"
    assert (out / atomic.JOURNAL).exists()  # the moves are recorded, the new files complete
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    atomic.recover(out)  # what the next build does first
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if n.endswith(".tmp") or n == atomic.JOURNAL], names
    with zipfile.ZipFile(out / "small-book.epub") as z:
        assert "More text" in z.read("EPUB/two.xhtml").decode()  # the new EPUB, with the new PDF


def test_stale_temporary_files_are_removed(tmp_path):
    book = base_book(tmp_path / "book")
    assert book.run("build", "epub").returncode == 0
    stale = book.root / "build" / ".small-book.epub.ab_cd123.tmp"
    stale.write_bytes(b"")
    keep = book.root / "build" / "notes.tmp"
    keep.write_bytes(b"mine")
    proc = book.run("build", "epub")
    assert proc.returncode == 0, proc.stderr
    assert not stale.exists() and keep.exists()


# -- fuzz: chapters and YAML made of risky pieces --------------------------------------------

PIECES = ["Text", " ", "\n", "\n\n", "*", "_", "`", "[", "]", "(", ")", "{", "}", "<", ">", "&", '"', "'",
          "#", "::: letter\n", ":::\n", "> ", "- ", "1. ", "[^n]", "[^n]: note\n", "<span>", "</span>",
          "<b>", "</i>", "<script>", "&#12;", "&amp;", "\f", "\x00", "\u2028", "\ud7ff", "é", "{.nogl}",
          "{gl=gpu}", "{style=x}", "](#one:Old Man)", "](javascript:x)", "<!--", "-->", "<!DOCTYPE x>",
          "\t", "\\", "|", "~~~\n", "    code\n"]
chapter_text = st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join)
yaml_value = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join)


@settings(max_examples=int(os.environ.get("ATTACK_FUZZ_EXAMPLES", "8")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=chapter_text, definition=yaml_value, headnote=yaml_value)
def test_fuzz_never_a_traceback(tmp_path_factory, body, definition, headnote):
    book = base_book(tmp_path_factory.mktemp("fuzz") / "book")
    assert book.run("build", "epub").returncode == 0
    before = snapshot(book.root / "build")
    book.chapter("01-one.md", "One", body + "\n")
    book.write("glossary.yaml", GLOSSARY.replace("The secret police.", json.dumps(definition)))
    book.write("apparatus.yaml", APPARATUS.replace("|\n      A letter.", json.dumps(headnote)))
    proc = book.run("build", "epub")
    assert_promise(book, proc, before, located=False)


def test_pdf_of_unsafe_fragments_rendered_anyway_has_no_outside_links(tmp_path):
    """The PDF case of #20: links written in a headnote, a question, a definition or an
    identification became link annotations.  Rendered despite the errors, the sanitised book's
    PDF links only inside itself."""
    import io

    from pypdf import PdfReader

    from edition.diagnostics import Reporter
    from edition.pipeline import load_book, read_style, styles_dir
    from edition.render.pdf import geometry_css, render_pdf

    links = ('<a href="javascript:alert(1)">js</a> [web](http://evil.example/) '
             '[file](file:///etc/passwd) ')
    book = base_book(tmp_path / "book")
    _rewrite("apparatus.yaml", "A letter.", links + "A letter.")(book)
    _rewrite("apparatus.yaml", "Who wrote", links + "Who wrote")(book)
    _rewrite("glossary.yaml", "The secret", "The " + links + "secret")(book)
    _rewrite("persons.yaml", "The revolutionary", "The " + links + "revolutionary")(book)
    reporter = Reporter()
    loaded = load_book(book.root, reporter)
    files = {d.file for d in reporter.errors}
    assert files == {"apparatus.yaml", "glossary.yaml", "persons.yaml"}, reporter.errors
    css = read_style(book.root, "print.css")[0] + geometry_css(loaded.meta.page_size)
    pdf = PdfReader(io.BytesIO(render_pdf(loaded, styles_dir(book.root), css).data))
    uris = []
    for page in pdf.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            if "/URI" in action:
                uris.append(str(action["/URI"]))
    assert uris == [], uris
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "A letter." in text and "secret" in text
