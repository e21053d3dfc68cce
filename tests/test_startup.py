"""Start-up: ``edition --help`` and ``edition check`` never import WeasyPrint (nor the
renderers that need it).  Measured on the real entry point with ``python -X importtime``,
which lists every module a process imports.  No timing is asserted: the time of
``edition --help`` is reported by ``make bench``."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT, SmallBook

HEAVY = ("weasyprint", "pydyf", "edition.render.pdf")


def imported(*args: str, cwd=ROOT) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run ``python -X importtime -m edition.cli ARGS``; return the process and the
    top-level names of every module it imported."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "edition.cli", *args],
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=600)
    mods = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                mods.add(name)
    return proc, mods


def test_importtime_sees_weasyprint_when_it_is_imported():
    """The probe itself works: a PDF build does import WeasyPrint, and it is listed."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "import weasyprint"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0
    assert any(line.rstrip().endswith("| weasyprint") for line in proc.stderr.splitlines())


@pytest.mark.parametrize("args", [("--help",), ("build", "--help"), ("--version",)])
def test_help_does_not_import_weasyprint(args):
    proc, mods = imported(*args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "usage: edition" in proc.stdout or "edition" in proc.stdout
    assert "edition.cli" in mods or "argparse" in mods  # we did read the import list
    assert not [m for m in HEAVY if m in mods], sorted(m for m in mods if m in HEAVY)


def test_check_does_not_import_weasyprint(tmp_path):
    book = SmallBook(tmp_path / "book")
    book.book(["01-one.md"])
    book.chapter("01-one.md", "One", "A chapter with a note.[^1]\n\n[^1]: The note.\n")
    book.write("glossary.yaml", "entries:\n  - id: kadets\n    headword: Kadets\n"
               "    category: organisation\n    forms: [Kadet]\n    definition: Constitutional Democrats.\n")
    proc, mods = imported("-C", str(book.root), "check")
    assert "error(s)" in proc.stderr, proc.stderr[-2000:]
    assert "edition.pipeline" in mods  # check really loaded and transformed the book
    assert not [m for m in HEAVY if m in mods], sorted(m for m in mods if m in HEAVY)
