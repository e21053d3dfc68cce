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
    assert [o.name for o in outputs.consumers(outputs.by_name()["pdf"])] == [
        "epub", "booklet", "cover", "web", "kepub"]
    assert outputs.all_targets() == ["epub", "pdf"]
    # the booklet and the cover are made from the PDF's bytes, the web edition after its page map
    assert names(["booklet"]) == ["pdf", "booklet"]
    assert names(["cover", "web"]) == ["pdf", "cover", "web"]
    assert names(["web"]) == ["web"]  # the page map: from the PDF if it is built, else the kept one


def test_the_registry_lists_the_web_edition_booklet_and_cover():
    known = outputs.by_name()
    assert {"web", "booklet", "cover"} <= set(outputs.names())
    # what the PDF they need is made with (the same build writes it: writes_needs)
    assert outputs.with_needs(["booklet"]) == ["pdf", "booklet"]
    assert outputs.with_needs(["web"]) == ["pdf", "web"]
    assert outputs.with_needs(["kepub"]) == ["kepub"]  # made from the EPUB in memory only
    assert known["web"].folder and not known["booklet"].folder
    assert known["booklet"].file("s", True, "large-print") == "s-large-print-booklet.pdf"
    assert known["pdf"].file("s", True, "large-print") == "s-large-print-print-shop.pdf"
    assert known["epub"].file("s", True, "large-print") == "s.epub"  # not a print layout
    from edition.build_manifest import variant

    assert variant("booklet", None, False, None, {"signature": 5, "creep": 0.2}) == \
        "booklet:-:signature=5:creep=0.2"  # another signature is another output
    assert variant("pdf", "A4", False, "large-print") == "pdf:A4:large-print"


def test_make_has_a_target_for_each_output():
    for name in ("booklet", "cover", "web"):
        proc = subprocess.run(["make", "-n", name], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert f"build {name}" in proc.stdout, proc.stdout


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
