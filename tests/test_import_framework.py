"""The import framework: sources.yaml, corrections, `edition import`, the fidelity check.

Small projects are built in a temporary folder and driven through the real command line
(`python -m edition.cli`); the real edition is checked for zero unaccounted differences.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

from edition.importers.base import ImportResult, Removal
from edition.importers.fidelity import account, check_chapter
from edition.importers.run import import_one
from edition.importers.sources import load_sources

ROOT = Path(__file__).resolve().parent.parent
MINE = ["hansen-1941-persecution", "shachtman-1941-sedoff", "trotsky-1930-my-life-exile"]

SOURCE = dedent("""\
    Ann Author

    A Small Article

    (May 1941)

    Source: From The Paper, Vol. 1 No. 2, 3 May 1941, p. 4.
    Transcription/Editing: 2015 by A. Transcriber.

    The first paragraph of the text, with a split word be hind the door.

    A Subheading Here

    The second paragraph, where the agent of the G. P. U. waited.

    Last updated on: 1 June 2016
    """)


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(root), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def make_project(tmp_path: Path, corrections: str | None = None, source: str = SOURCE) -> Path:
    root = tmp_path / "book"
    (root / "sources" / "corrections").mkdir(parents=True)
    (root / "chapters").mkdir()
    (root / "book.yaml").write_text("title: T\nslug: t\nchapters:\n  - 01-small.md\n")
    (root / "sources" / "small.txt").write_text(source, encoding="utf-8")
    digest = hashlib.sha256(source.encode()).hexdigest()
    (root / "sources" / "sources.yaml").write_text(dedent(f"""\
        sources:
          - id: small
            file: small.txt
            sha256: {digest}
            author: Ann Author
            title: A Small Article
            date: May 1941
            periodical: The Paper
            volume: "1"
            number: "2"
            page: "4"
            credit: "Transcription/Editing: 2015 by A. Transcriber."
            rights: not stated
            kind: web transcription
            importer: web
            chapter: 01-small.md
        """))
    if corrections is not None:
        (root / "sources" / "corrections" / "small.yaml").write_text(corrections)
    return root


GOOD = dedent("""\
    corrections:
      - line: 10
        read: "be hind"
        edition: "behind"
        reason: spacing
    """)


def test_import_writes_chapter_with_front_matter_and_record(tmp_path: Path) -> None:
    root = make_project(tmp_path, GOOD)
    proc = run(root, "import", "small", "--report")
    assert proc.returncode == 0, proc.stderr
    assert "1 correction(s) applied" in proc.stdout
    assert "small.txt:10: corrected (spacing): 'be hind' -> 'behind'" in proc.stdout
    assert "removed (boilerplate: footer): 'Last updated on: 1 June 2016'" in proc.stdout
    text = (root / "chapters" / "01-small.md").read_text()
    assert text.startswith('---\ntitle: "A Small Article"\nauthor: "Ann Author"\n')
    assert 'original_publication: "The Paper, Vol. 1 No. 2, p. 4"' in text
    assert 'source: "small"' in text and 'rights: "not stated"' in text
    assert "split word behind the door" in text
    assert "## A Subheading Here" in text
    assert "G.\u202fP.\u202fU." in text
    assert "Last updated" not in text and "Source:" not in text
    # the chapter is a valid chapter: the book checks without fidelity errors
    check = run(root, "check")
    assert "fidelity" not in check.stderr and "import." not in check.stderr, check.stderr


def test_import_refuses_to_overwrite_without_force_and_is_deterministic(tmp_path: Path) -> None:
    root = make_project(tmp_path, GOOD)
    assert run(root, "import", "--all").returncode == 0
    chapter = root / "chapters" / "01-small.md"
    first = chapter.read_bytes()
    chapter.write_text(first.decode() + "\nedited by hand\n")
    proc = run(root, "import", "small")
    assert proc.returncode == 1
    assert "chapters/01-small.md: error: chapter exists" in proc.stderr
    assert "edited by hand" in chapter.read_text()
    assert run(root, "import", "small", "--force").returncode == 0
    assert chapter.read_bytes() == first
    assert not list((root / "chapters").glob(".*.tmp"))


def test_unused_correction_is_an_error_with_its_line(tmp_path: Path) -> None:
    bad = GOOD + ('  - line: 14\n    read: "not in the source"\n    edition: "x"\n'
                  "    reason: typo\n")
    root = make_project(tmp_path, bad)
    proc = run(root, "import", "small")
    assert proc.returncode == 1
    assert ("sources/corrections/small.yaml:6: error: correction never applied: source line 14 "
            "does not read 'not in the source' [import.unused-correction]") in proc.stderr
    assert not (root / "chapters" / "01-small.md").exists()
    assert "Traceback" not in proc.stderr


def test_sources_yaml_errors_carry_file_and_line(tmp_path: Path) -> None:
    root = make_project(tmp_path, GOOD)
    path = root / "sources" / "sources.yaml"
    path.write_text(path.read_text().replace("    rights: not stated\n",
                                             "    rights: not stated\n    colour: blue\n"))
    proc = run(root, "import", "small")
    assert proc.returncode == 1
    assert "sources/sources.yaml:14: error: unknown key 'sources.0.colour'" in proc.stderr
    reason = root / "sources" / "corrections" / "small.yaml"
    path.write_text(path.read_text().replace("    colour: blue\n", ""))
    reason.write_text(GOOD.replace("reason: spacing", "reason: taste"))
    proc = run(root, "import", "small")
    assert proc.returncode == 1 and "sources/corrections/small.yaml:5: error:" in proc.stderr


def test_check_reports_a_changed_source(tmp_path: Path) -> None:
    root = make_project(tmp_path, GOOD)
    assert run(root, "import", "small").returncode == 0
    src = root / "sources" / "small.txt"
    src.write_text(src.read_text().replace("first paragraph", "first  paragraph"))
    proc = run(root, "check")
    assert proc.returncode == 1
    assert "sources/small.txt: error: source file changed" in proc.stderr
    assert "[source.changed]" in proc.stderr


def test_check_reports_unrecorded_words_in_a_chapter_at_their_line(tmp_path: Path) -> None:
    root = make_project(tmp_path, GOOD)
    assert run(root, "import", "small").returncode == 0
    chapter = root / "chapters" / "01-small.md"
    lines = chapter.read_text().split("\n")
    n = next(i for i, ln in enumerate(lines) if "agent of the" in ln)
    lines[n] = lines[n].replace("agent of the", "agent from the")
    chapter.write_text("\n".join(lines))
    proc = run(root, "check")
    assert proc.returncode == 1
    assert (f"chapters/01-small.md:{n + 1}: error: words changed without a record: the chapter "
            "reads 'from', the import of sources/small.txt reads 'of' [fidelity.unrecorded]"
            ) in proc.stderr


def test_editorial_additions_are_not_differences(tmp_path: Path) -> None:
    root = make_project(tmp_path, GOOD)
    assert run(root, "import", "small").returncode == 0
    chapter = root / "chapters" / "01-small.md"
    text = chapter.read_text()
    text = text.replace("---\n\n", 'headnote: "The editor introduces the piece."\n---\n\n', 1)
    text = text.replace("the door.", "the [door]{gl=door}.[^ed-1]")
    text = text.replace("waited.", "waited{.nogl}.")
    text += "\n[^ed-1]: The editor’s note,\n    on two lines.\n"
    chapter.write_text(text)
    proc = run(root, "check")
    assert "fidelity.unrecorded" not in proc.stderr, proc.stderr


def test_account_reports_words_lost_without_a_record() -> None:
    from edition.importers.base import SourceEntry

    rec = SourceEntry(id="x", file="x.txt", sha256="0" * 64, author="A", title="T", date="1",
                       kind="web transcription", importer="web", rights="not stated")
    text = "Header line\n\nOne two three four.\n\nFooter\n"
    result = ImportResult({}, "One two four.\n", [], [Removal(1, 1, "Header line", "header")], [])
    diffs = account(text, rec, result)
    assert [(d.line, d.kind, d.ours, d.theirs) for d in diffs] == [
        (3, "added", "three", ""), (5, "added", "Footer", "")]
    result.removed.append(Removal(5, 5, "Footer", "boilerplate: footer"))
    assert [d.ours for d in account(text, rec, result)] == ["three"]
    # a line-end hyphen and letter-spacing are mechanical joins, quotes fold
    text2 = "re-\nvolution t h i s \"quoted\"\n"
    result2 = ImportResult({}, "revolution this “quoted”\n", [], [], [])
    assert account(text2, rec, result2) == []


@pytest.mark.parametrize("sid", MINE)
def test_real_web_sources_are_fully_accounted_for(sid: str) -> None:
    record, _ = load_sources(ROOT)[sid]
    result, unused = import_one(ROOT, record)
    assert unused == []
    assert result.suspicious == []
    text = (ROOT / "sources" / record.file).read_text(encoding="utf-8")
    assert account(text, record, result) == []
    assert check_chapter(ROOT, f"chapters/{record.chapter}", record, result) == []
