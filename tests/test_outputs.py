"""The registry of outputs (edition/outputs.py): the order it gives, and that a new output is
one module and one entry, built by the pipeline and the command line without touching them."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

from edition import outputs
from edition.cli import main
from edition.diagnostics import Reporter
from edition.pipeline import build

PLUGIN = '''
from edition.outputs import Job


def build(job: Job) -> bytes:
    """A plain-text list of the chapters' titles, and the EPUB's size (another output's bytes)."""
    titles = "\\n".join(ch.meta.title for ch in job.book.chapters)
    return f"{titles}\\nepub: {len(job.made['epub'])} bytes\\n".encode()
'''


def test_the_order_puts_each_output_after_what_it_needs():
    def names(targets):
        return [o.name for o in outputs.order(targets)]

    assert names(["epub", "pdf"]) == ["pdf", "epub"]  # the PDF provides the EPUB's page map
    assert names(["pdf", "epub"]) == ["pdf", "epub"]
    assert names(["kepub"]) == ["epub", "kepub"]  # the kepub is made from the EPUB's bytes
    assert names(["kepub", "pdf"]) == ["pdf", "epub", "kepub"]
    assert [o.name for o in outputs.consumers(outputs.by_name()["pdf"])] == ["epub", "kepub"]
    assert outputs.all_targets() == ["epub", "pdf"]


def test_the_makefile_reads_the_names_without_the_dependencies():
    proc = subprocess.run([sys.executable, "-S", "-m", "edition.outputs"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)  # -S: no site-packages, as before `make` installs
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == outputs.names()


def test_a_new_output_is_one_module_and_one_entry(tmp_path, monkeypatch, small_book, capsys):
    (tmp_path / "plugin_titles.py").write_text(PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    entry = outputs.Output("titles", "{slug}-titles.txt", "the chapters' titles",
                           "plugin_titles:build", needs=("book", "output:epub"))
    monkeypatch.setattr(outputs, "OUTPUTS", [*outputs.OUTPUTS, entry])
    small_book.book(["01-one.md"])
    small_book.chapter("01-one.md", "The First", "Text.\n", author="A", date="1920", source="s")
    out = tmp_path / "out"
    result = build(small_book.root, ["titles"], Reporter(), out_dir=out)
    assert len(result.outputs) == 1 and result.outputs[0].name.endswith("-titles.txt")
    written = result.outputs[0].read_text(encoding="utf-8")
    assert written.startswith("The First\nepub: ") and not list(out.glob("*.epub"))  # needed, not asked for
    # the command line offers it, and the build manifest knows it: unchanged, not made again
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert main(["-C", str(small_book.root), "build", "titles", "-o", str(out)]) == 0
    assert main(["-C", str(small_book.root), "build", "titles", "-o", str(out)]) == 0
    assert "up to date" in capsys.readouterr().out
