"""The second book in the repository (examples/small-reader, issue #18 point 7) is built and
checked as the reader is: `edition check --strict`, both editions, EPUBCheck, the PDF read
back, DAISY Ace and the reading system (those two skip locally without their tools, as for
the reader).  Its chapters 01 and 02 are imports (a plain text, a saved web page): a fresh
import must give them again, with only the editor's additions on top."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, epubcheck_messages, run_epubcheck

EXAMPLE = ROOT / "examples" / "small-reader"


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    return subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=900, cwd=ROOT)


def copy_example(dest: Path) -> Path:
    root = dest / "small-reader"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("build", ".cache"))
    if not (ROOT / "edition" / "data" / "styles").is_dir() and not (root / "styles").exists():
        shutil.copytree(ROOT / "styles", root / "styles")  # until the package ships its styles
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    root = copy_example(tmp_path_factory.mktemp("example"))
    out = root.parent / "out"
    r = run(root, "build", "all", "-o", str(out))
    assert r.returncode == 0, r.stderr
    return {"root": root, "epub": out / "three-short-texts.epub", "pdf": out / "three-short-texts.pdf"}


def test_example_checks_clean(tmp_path):
    root = copy_example(tmp_path)
    r = run(root, "check", "--strict")
    assert r.returncode == 0, r.stderr
    assert "0 error(s), 0 warning(s)" in r.stderr


def test_example_epub_passes_epubcheck_with_its_figure(built):
    msgs = [m for m in epubcheck_messages(run_epubcheck(built["epub"])) if not m.startswith("INFO")]
    assert msgs == [], "\n".join(msgs)
    with zipfile.ZipFile(built["epub"]) as z:
        assert "EPUB/figures/three-parts.svg" in z.namelist()
        intro = z.read("EPUB/introduction.xhtml").decode()
        gaul = z.read("EPUB/gaul.xhtml").decode()
    assert '<figure class="figure"' in intro and 'class="credit">Drawing by the editor' in intro
    for kind in ("translator", "editor"):
        assert f'class="noteref {kind}"' in gaul


def test_example_pdf_reads_back(built):
    text = subprocess.run(["pdftotext", str(built["pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.split())
    assert "Four score and seven years ago our fathers brought forth on this continent" in flat
    assert "certain unalienable Rights" in flat and "Gaul as a whole is divided into three parts" in flat
    assert "The three parts of Gaul, as Caesar describes them. Drawing by the editor" in flat
    assert "Belgae" in flat and "Glossary" in flat
    # the Textual Notes list what the imports removed
    assert "Top of page | Speeches Archive" in flat or "Speeches Archive" in flat
    assert "Home" not in flat.split("Textual Notes")[0]


def test_example_imports_are_reproduced(tmp_path):
    root = copy_example(tmp_path)
    before = {p.name: p.read_text(encoding="utf-8") for p in (root / "chapters").glob("0[12]-*.md")}
    r = run(root, "import", "declaration", "gettysburg", "--force")
    assert r.returncode == 0, r.stderr
    for name, text in before.items():
        fresh = (root / "chapters" / name).read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[1]
        # the editor's note call and note are the only difference
        stripped = "\n".join(ln for ln in body.split("\n") if not ln.startswith("[^ed-"))
        stripped = stripped.replace("[^ed-1]", "").rstrip("\n")
        assert fresh.split("\n---\n", 1)[1].rstrip("\n") == stripped, name


def test_example_in_ace_and_a_reading_system(built, tmp_path):
    from test_epub_readers import read_in_epubjs, run_ace, violations

    proc, report = run_ace(built["epub"], "example")
    assert violations(report) == [], "\n".join(violations(report))
    steps = read_in_epubjs(built["epub"], "example", tmp_path)
    assert steps["cover"]["where"]["href"] == "cover.xhtml"
    assert len(steps["turns"]["hrefs"]) >= 3
