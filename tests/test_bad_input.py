"""Bad input: every mistake an editor can make in book.yaml, glossary.yaml or a
chapter gets a clear `path:line: error: message [code]`, exit status 1 (2 for a
usage error), never a traceback — and the previous edition in build/ is untouched
(same bytes, same modification time)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SmallBook

GOOD_BOOK = """\
title: A Small Book
slug: small-book
language: en
editor: Test Editor
chapters:
  - 01-one.md
  - 02-two.md
"""
ONE = """\
---
title: One
author: A. Author
date: "1938"
source: test
---
The first chapter, with a Kadet in it.[^1]

[^1]: A note.
"""
TWO = """\
---
title: Two
author: B. Author
date: "1941"
source: test
---
The second chapter.
"""
GLOSSARY = """\
entries:
  - id: kadets
    headword: Kadets
    category: organisation
    forms: [Kadet]
    definition: Constitutional Democrats.
"""


@pytest.fixture(scope="module")
def built_book(tmp_path_factory) -> Path:
    """A good book, built once (EPUB and PDF); each test works on a copy."""
    root = tmp_path_factory.mktemp("good") / "book"
    book = SmallBook(root)
    book.write("book.yaml", GOOD_BOOK)
    book.write("chapters/01-one.md", ONE)
    book.write("chapters/02-two.md", TWO)
    book.write("glossary.yaml", GLOSSARY)
    proc = book.run("build", "all")
    assert proc.returncode == 0, proc.stderr
    return root


@pytest.fixture
def book(built_book, tmp_path) -> SmallBook:
    root = tmp_path / "book"
    shutil.copytree(built_book, root)  # copy2: bytes and modification times kept
    return SmallBook(root)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    out = {}
    for p in sorted((root / "build").rglob("*")):
        if p.is_file():
            out[str(p.relative_to(root / "build"))] = (p.read_bytes(), p.stat().st_mtime_ns)
    return out


def assert_fails_cleanly(book: SmallBook, *patterns: str, args: tuple[str, ...] = ("build", "all"),
                         status: int = 1) -> subprocess.CompletedProcess:
    before = snapshot(book.root)
    assert {"small-book.epub", "small-book.pdf"} <= set(before)  # + the page map, the build cache
    proc = book.run(*args)
    assert proc.returncode == status, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    for pat in patterns:
        assert re.search(pat, proc.stderr, re.M), f"{pat!r} not in:\n{proc.stderr}"
    assert snapshot(book.root) == before, "build/ was touched by a failed build"
    assert not [p for p in (book.root / "build").rglob("*") if p.name.endswith(".tmp")], "temp file left"
    return proc


# -- malformed YAML -------------------------------------------------------------

def test_malformed_yaml_in_glossary(book):
    book.write("glossary.yaml", GLOSSARY.replace("forms: [Kadet]", "forms: [Kadet\n    bad: x"))
    assert_fails_cleanly(book, r"^glossary\.yaml:[67]: error: malformed YAML: .* \[yaml\.syntax\]$")


def test_malformed_yaml_in_book_yaml(book):
    book.write("book.yaml", GOOD_BOOK.replace("language: en", 'language: "en'))
    assert_fails_cleanly(book, r"^book\.yaml:\d+: error: malformed YAML: .*\[yaml\.syntax\]$")


def test_malformed_yaml_in_book_yaml_line(book):
    book.write("book.yaml", GOOD_BOOK.replace("editor: Test Editor", "editor: Test: Editor"))
    assert_fails_cleanly(book, r"^book\.yaml:4: error: malformed YAML: mapping values are not allowed")


def test_duplicate_key_is_an_error_not_an_overwrite(book):
    book.write("book.yaml", GOOD_BOOK.replace("editor: Test Editor", "editor: Test Editor\neditor: Other"))
    assert_fails_cleanly(book, r"^book\.yaml:5: error: malformed YAML: key 'editor' is given twice "
                               r"\(first on line 4\) \[yaml\.syntax\]$")


def test_malformed_front_matter(book):
    book.write("chapters/02-two.md", TWO.replace('date: "1941"', "date: [1941"))
    assert_fails_cleanly(book, r"^chapters/02-two\.md:[45]: error: malformed YAML: .*\[yaml\.syntax\]$")


def test_front_matter_not_closed(book):
    book.write("chapters/02-two.md", TWO.replace("source: test\n---\n", "source: test\n"))
    assert_fails_cleanly(book, r"^chapters/02-two\.md:1: error: a chapter must begin with YAML front "
                               r"matter .*\[chapter\.front-matter\]$")


def test_front_matter_that_is_not_a_mapping(book):
    book.write("chapters/02-two.md", "---\n- just\n- a list\n---\nText.\n")
    assert_fails_cleanly(book, r"^chapters/02-two\.md:2: error: front matter must be a mapping .*\[yaml\.type\]$")


# -- unknown keys and wrong types -----------------------------------------------

def test_unknown_key_in_book_yaml(book):
    book.write("book.yaml", GOOD_BOOK.replace("language: en", "language: en\ncolour: red"))
    assert_fails_cleanly(book, r"^book\.yaml:4: error: unknown key 'colour' in book\.yaml \[yaml\.unknown-key\]$")


def test_wrong_type_in_book_yaml(book):
    book.write("book.yaml", GOOD_BOOK.replace("language: en", "language: en\npage_size: 5"))
    assert_fails_cleanly(book, r"^book\.yaml:4: error: 'page_size': .*\[yaml\.type\]$")


def test_chapters_not_a_list(book):
    book.write("book.yaml", GOOD_BOOK.split("chapters:")[0] + "chapters: 01-one.md\n")
    assert_fails_cleanly(book, r"^book\.yaml:5: error: 'chapters': .*\[yaml\.type\]$")


def test_missing_title(book):
    book.write("book.yaml", GOOD_BOOK.replace("title: A Small Book\n", ""))
    assert_fails_cleanly(book, r"^book\.yaml(:1)?: error: missing required key 'title' .*\[yaml\.missing-key\]$")


def test_unknown_key_and_wrong_type_in_front_matter(book):
    book.write("chapters/01-one.md", ONE.replace("author: A. Author", "autor: A. Author")
               .replace('date: "1938"', "date: 1938"))
    assert_fails_cleanly(book,
                         r"^chapters/01-one\.md:3: error: unknown key 'autor' in front matter "
                         r"\(did you mean 'author'\?\) \[yaml\.unknown-key\]$",
                         r"^chapters/01-one\.md:4: error: 'date': .*\[yaml\.type\]$")


def test_unknown_key_and_wrong_type_in_glossary(book):
    book.write("glossary.yaml", GLOSSARY.replace("category: organisation", "category: party\n    colour: red"))
    assert_fails_cleanly(book, r"^glossary\.yaml:4: error: 'entries\.0\.category': .*\[yaml\.type\]$",
                         r"^glossary\.yaml:5: error: unknown key 'entries\.0\.colour' .*\[yaml\.unknown-key\]$")


# -- chapters -------------------------------------------------------------------

def test_chapter_listed_but_missing(book):
    book.write("book.yaml", GOOD_BOOK + "  - 03-three.md\n")
    assert_fails_cleanly(book, r"^book\.yaml:8: error: chapter '03-three\.md' is listed but "
                               r"chapters/03-three\.md does not exist \[book\.chapter-missing\]$")


def test_chapter_listed_twice(book):
    book.write("book.yaml", GOOD_BOOK + "  - 01-one.md\n")
    assert_fails_cleanly(book, r"^book\.yaml:8: error: chapter '01-one\.md' is listed twice "
                               r"\(first on line 6\) \[book\.chapter-duplicate\]$")


def test_two_chapters_with_the_same_slug(book):
    book.write("chapters/03-one.md", TWO)
    book.write("book.yaml", GOOD_BOOK + "  - 03-one.md\n")
    assert_fails_cleanly(book, r"^book\.yaml:8: error: chapters/03-one\.md and chapters/01-one\.md would "
                               r"both be .*one\.xhtml.*\[book\.chapter-slug\]$")


def test_chapter_not_utf8(book):
    book.write("chapters/02-two.md", TWO.encode() + b"\nCaf\xe9 au lait.\n")
    assert_fails_cleanly(book, r"^chapters/02-two\.md:9: error: not valid UTF-8 \(byte 0xe9 .*\[file\.encoding\]$")


def test_book_yaml_not_utf8(book):
    book.write("book.yaml", GOOD_BOOK.encode().replace(b"Test Editor", b"Test \xff Editor"))
    assert_fails_cleanly(book, r"^book\.yaml:4: error: not valid UTF-8 .*\[file\.encoding\]$")


def test_empty_chapter(book):
    book.write("chapters/02-two.md", TWO.split("The second")[0] + "\n   \n")
    assert_fails_cleanly(book, r"^chapters/02-two\.md:7: error: chapter has no text after its front matter "
                               r"\[chapter\.empty\]$")


def test_empty_file(book):
    book.write("chapters/02-two.md", "")
    assert_fails_cleanly(book, r"^chapters/02-two\.md:1: error: .*\[chapter\.front-matter\]$")


def test_chapter_path_escaping_the_folder(book):
    book.write("book.yaml", GOOD_BOOK + "  - ../../../../etc/passwd\n")
    assert_fails_cleanly(book, r"^book\.yaml:8: error: chapter '\.\./\.\./\.\./\.\./etc/passwd' must be a file "
                               r"name inside chapters/ \[book\.chapter-path\]$")


def test_absolute_chapter_path(book):
    book.write("book.yaml", GOOD_BOOK + "  - /etc/passwd\n")
    assert_fails_cleanly(book, r"^book\.yaml:8: error: .*must be a file name inside chapters/ \[book\.chapter-path\]$")


def test_chapter_symlink_pointing_outside_the_project(book):
    os.symlink("/etc/passwd", book.root / "chapters" / "03-evil.md")
    book.write("book.yaml", GOOD_BOOK + "  - 03-evil.md\n")
    proc = assert_fails_cleanly(book, r"^chapters/03-evil\.md: error: .*outside the project .*\[file\.outside\]$")
    assert "root:" not in proc.stderr


def test_missing_book_yaml(book):
    (book.root / "book.yaml").unlink()
    assert_fails_cleanly(book, r"^book\.yaml: error: no book\.yaml in .*: not a book project \[book\.missing\]$")


def test_project_folder_that_does_not_exist(tmp_path):
    proc = SmallBook(tmp_path / "b").run("-C", str(tmp_path / "nowhere"), "build")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "book.yaml: error: no book.yaml in" in proc.stderr


@pytest.mark.parametrize("args", [("build", "nonsense"), ("build", "--page-size", "B7"), ("frobnicate",),
                                  ("check", "--no-such-flag"), ()])
def test_usage_errors_exit_2(book, args):
    proc = assert_fails_cleanly(book, r"usage: edition", args=args, status=2)
    assert "error:" in proc.stderr


# -- sizes ----------------------------------------------------------------------

# The build's peak resident memory: VmHWM, the high-water mark of this process's own memory.
# Not getrusage's ru_maxrss: Linux carries the forking process's high-water mark over exec, so
# it measured the pytest worker too (237 MB once a worker had read the real edition's PDF).
RSS_WRAPPER = """\
import re, resource, sys
from edition.cli import main
code = main(sys.argv[1:])
try:
    with open("/proc/self/status", encoding="ascii") as f:
        peak = int(re.search(r"^VmHWM:\\s+(\\d+) kB", f.read(), re.M).group(1))
except OSError:  # no /proc: the whole high-water mark
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.stderr.write(f"\\nmaxrss_kb={peak}\\n")
sys.exit(code)
"""


def run_measured(book: SmallBook, *args: str) -> tuple[subprocess.CompletedProcess, int]:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", RSS_WRAPPER, "-C", str(book.root), *args],
                          capture_output=True, text=True, env=env, timeout=600)
    m = re.search(r"maxrss_kb=(\d+)", proc.stderr)
    assert m, proc.stderr
    return proc, int(m.group(1))


def big_body(size: int) -> str:
    para = ("The exile went on; Leon wrote to his father from Paris, and the letters were read by "
            "the police before they were sent. ") * 8
    out, n = [], 0
    while n < size:
        if len(out) % 40 == 0:
            out.append(f"## Part {len(out)}\n\nA call.[^n{len(out)}]\n\n[^n{len(out)}]: A note.")
        out.append(para)
        n += len(para) + 2
    return "\n\n".join(out) + "\n"


def test_very_large_chapter_is_refused_clearly_without_reading_it(book):
    from edition.project import MAX_CHAPTER_BYTES

    book.write("chapters/02-two.md", TWO + big_body(MAX_CHAPTER_BYTES + 1024))
    before = snapshot(book.root)
    proc, rss_kb = run_measured(book, "build", "all")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert re.search(r"^chapters/02-two\.md: error: chapter is larger than 8 MiB; split it into several "
                     r"chapters \[chapter\.too-large\]$", proc.stderr, re.M), proc.stderr
    assert snapshot(book.root) == before
    assert rss_kb < 150_000, rss_kb  # the file was never read into memory


def test_large_chapter_under_the_limit_builds_in_bounded_memory(book):
    from edition.project import MAX_CHAPTER_BYTES

    size = MAX_CHAPTER_BYTES - 256 * 1024
    book.write("chapters/02-two.md", TWO + big_body(size))
    proc, rss_kb = run_measured(book, "build", "epub")
    assert proc.returncode == 0, proc.stderr[-2000:]
    epub = book.root / "build" / "small-book.epub"
    import zipfile

    with zipfile.ZipFile(epub) as z:
        two = z.read("EPUB/two.xhtml").decode()
    assert two.count("the letters were read by the police") > 1000
    # about 8 MB of text: the whole build stays within a few dozen times that
    assert rss_kb < 600_000, rss_kb
    proc, rss_kb = run_measured(book, "check")
    assert proc.returncode == 0 and rss_kb < 600_000, (proc.stderr[-2000:], rss_kb)


# -- glossary -------------------------------------------------------------------

def test_glossary_form_matching_inside_other_words(book):
    book.write("glossary.yaml", GLOSSARY.replace("forms: [Kadet]", "forms: [Kadet, -Kadet]"))
    book.write("chapters/02-two.md", TWO.replace("The second chapter.", "An anti-Kadet paper."))
    assert_fails_cleanly(book, r"^glossary\.yaml:2: warning: a form of “kadets” begins or ends with a character "
                               r"that is not a letter, so it matches inside other words: “-Kadet” inside "
                               r"“anti-Kadet” \(chapters/02-two\.md:7\) \[glossary\.form-inside-word\]$",
                         args=("check", "--strict"))


def test_circular_see_also_references(book):
    book.write("glossary.yaml", GLOSSARY.replace("definition: Constitutional Democrats.",
                                                 "definition: Constitutional Democrats.\n    see: [srs]")
               + """\
  - id: srs
    headword: S.R.’s
    category: organisation
    forms: [S.R.’s]
    definition: Social Revolutionaries.
    see: [kadets]
""")
    for args in (("check",), ("build", "all")):
        assert_fails_cleanly(book, r"^glossary\.yaml:2: error: circular see-also references: "
                                   r"kadets → srs → kadets \[glossary\.see-cycle\]$", args=args)


def test_see_also_to_unknown_entry(book):
    book.write("glossary.yaml", GLOSSARY + "    see: [nowhere]\n")
    assert_fails_cleanly(book, r"^glossary\.yaml:2: error: .*unknown glossary entry “nowhere” "
                               r"\[glossary\.see-unknown\]$")


# -- failed and interrupted builds: the previous edition stays intact ---------------

def test_failed_pdf_stage_does_not_replace_the_epub(book):
    """The EPUB stage succeeds, the PDF stage fails: nothing is written (all or nothing)."""
    book.write("chapters/02-two.md", TWO.replace("The second chapter.", "A changed second chapter."))
    # (a missing styles/print.css is no failure: the package's default serves)
    book.write("styles/print.css", "@import url(http://example.org/x.css);\n")
    assert_fails_cleanly(book, r"^styles/print\.css:1: error: 'http://example\.org/x\.css' is outside "
                               r"the project: the editions load nothing from elsewhere \[css\.reference\]$",
                         r"build failed: nothing was written")


KILL_WRAPPER = """\
import signal
import sys
from pathlib import Path
# Ctrl-C at a terminal: a shell starts background jobs with SIGINT ignored, and Python keeps
# that; the test must not depend on how the test run itself was started
signal.signal(signal.SIGINT, signal.default_int_handler)
import edition.render.pdf as pdf
real = pdf.render_pdf
def render_pdf(*a, **k):
    Path(sys.argv[1]).write_text("pdf stage")  # the EPUB is rendered by now
    return real(*a, **k)
pdf.render_pdf = render_pdf
from edition.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("sig", ["SIGKILL", "SIGTERM", "SIGINT"])
def test_build_killed_during_pdf_layout_leaves_previous_files(book, tmp_path, sig):
    import signal
    import time

    long_text = "\n\n".join(f"Paragraph {i} of a long chapter, laid out page after page, with a "
                            f"note.[^n{i}]\n\n[^n{i}]: Note {i}." for i in range(1500))
    book.write("chapters/02-two.md", TWO + "\n" + long_text + "\n")
    before = snapshot(book.root)
    marker = tmp_path / "marker"
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", KILL_WRAPPER, str(marker), "-C", str(book.root),
                             "build", "all"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), proc.communicate()
    time.sleep(1.0)  # well inside the layout of ~150 pages
    proc.send_signal(getattr(signal, sig))
    out, err = proc.communicate(timeout=60)
    if sig == "SIGINT":
        assert proc.returncode == 130 and "Traceback" not in err, err
        assert "interrupted: previous outputs are untouched" in err
    else:
        assert proc.returncode == -getattr(signal, sig), (proc.returncode, err)
    assert snapshot(book.root) == before
    left = sorted(p.name for p in (book.root / "build").iterdir() if not p.name.startswith("."))
    assert left == ["small-book.epub", "small-book.pdf"]  # (hidden: the page map, the build cache)
    assert not [p for p in (book.root / "build").rglob("*") if p.name.endswith(".tmp")]


def test_write_that_fails_midway_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    from edition.render.epub import write_atomic

    target = tmp_path / "build" / "book.epub"
    write_atomic(target, b"old edition")
    assert target.read_bytes() == b"old edition" and oct(target.stat().st_mode & 0o777) != "0o600"

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        write_atomic(target, b"new edition, half written")
    assert target.read_bytes() == b"old edition"
    assert [p.name for p in target.parent.iterdir()] == ["book.epub"]


def test_unwritable_output_folder_is_a_diagnostic(book):
    out = book.root / "not-a-folder"
    out.write_text("a file where the output folder should be")
    before = snapshot(book.root)
    proc = book.run("build", "epub", "-o", str(out))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert re.search(r"not-a-folder.*error: cannot write", proc.stderr), proc.stderr
    assert snapshot(book.root) == before
