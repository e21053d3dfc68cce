"""render/units.py: laying the print edition out unit by unit (and reusing units a pass
did not change) gives the same pages as laying the whole book out at once.  Checked on
the PDF itself: the text of every page read back with poppler's pdftotext."""

from __future__ import annotations

import subprocess

import pytest
from conftest import SmallBook

from edition.render import units as unit_layout
from edition.render.units import Unit, join, split_units

LONG = "\n\n".join(
    f"Paragraph {i} of the chapter, with enough words to fill a few lines of the page "
    f"so that the chapter runs over more than one page in the print edition.[^n{i}]"
    for i in range(1, 14)) + "\n\n" + "\n".join(f"[^n{i}]: Note {i}, on the Kadets." for i in range(1, 14))


@pytest.fixture
def book(tmp_path, monkeypatch) -> SmallBook:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("EDITION_NO_SEED", "1")  # the passes themselves (seeds: test_layout_seed.py)
    b = SmallBook(tmp_path / "book")
    b.book(["01-one.md", "02-two.md", "03-three.md"])
    b.chapter("01-one.md", "One", LONG)
    b.chapter("02-two.md", "Two", "A short chapter of one page: see [One](#one){.pageref}.\n")
    b.chapter("03-three.md", "Three", LONG.replace("Paragraph", "Passage"))
    b.write("glossary.yaml", "entries:\n  - id: kadets\n    headword: Kadets\n"
            "    category: organisation\n    forms: [Kadets]\n    definition: Constitutional Democrats.\n")
    return b


def pages_text(pdf) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")


def test_split_units_front_matter_is_one_unit_then_one_per_document():
    source = ('<html><head></head>\n<body data-booktitle="T">\n'
              '<div class="doc doc-front" data-doc="half">A</div>\n'
              '<div class="doc doc-front" data-doc="toc">B</div>\n'
              '<div class="doc doc-body doc-first-body" data-doc="one">C</div>\n'
              '<div class="doc doc-back" data-doc="gl">D</div>\n</body>\n</html>\n')
    head, units, tail = split_units(source)
    assert head.endswith('<body data-booktitle="T">\n') and tail.startswith("\n</body>")
    assert [(u.doc, u.front) for u in units] == [("half", True), ("one", False), ("gl", False)]
    assert head + "".join(u.html for u in units) + tail == source  # nothing lost or added
    assert [u.doc for u in join(units, {"gl"})] == ["half", "one"]
    assert join(units, {"gl"})[1].html == units[1].html + units[2].html
    assert split_units("<html><body>\nno documents\n</body></html>") is None
    assert join([Unit("x", False, "a")], {"a"})[0].html == "x"


def test_units_give_the_same_pages_as_the_whole_book(book, monkeypatch):
    from edition.diagnostics import Reporter
    from edition.pipeline import build

    out = {}
    stats = {}
    for mode in ("units", "whole"):
        monkeypatch.setattr(unit_layout, "ENABLED", mode == "units")
        result = build(book.root, ["pdf"], Reporter(), out_dir=book.root / mode, force=True)
        out[mode] = result.outputs[0]
        stats[mode] = unit_layout.LAST
    assert stats["units"].laid_out >= 3 and stats["units"].fallbacks == 0, stats["units"].log
    assert stats["whole"].laid_out == 0 and stats["whole"].fallbacks >= 1
    units, whole = pages_text(out["units"]), pages_text(out["whole"])
    assert len(whole) > 6  # several chapters over several pages, with blank versos
    assert units == whole
    assert any("Passage 13" in p for p in units) and any("Kadets" in p for p in units)


def test_unchanged_units_are_reused_across_passes(book):
    """A second layout of the same HTML lays nothing out again."""
    from edition.diagnostics import Reporter
    from edition.pipeline import build

    build(book.root, ["pdf"], Reporter(), out_dir=book.root / "a", force=True)
    st = unit_layout.LAST
    assert st is not None and st.reused >= 1, st.log


def test_two_processes_give_the_bytes_of_one(book, monkeypatch):
    """Pass 1 measured in a second process (the units the page numbers change) gives the
    same PDF, byte for byte, as every unit laid out in this process."""
    from edition.diagnostics import Reporter
    from edition.pipeline import build

    out = {}
    for jobs in (1, 2):
        monkeypatch.setattr(unit_layout, "JOBS", jobs)
        result = build(book.root, ["pdf"], Reporter(), out_dir=book.root / f"j{jobs}", force=True)
        out[jobs] = result.outputs[0].read_bytes()
        if jobs == 2:
            st = unit_layout.LAST
            assert st is not None and st.measured >= 2 and st.fallbacks == 0, st.log
    assert out[1] == out[2]


def test_kept_layouts_lay_out_only_what_an_edit_touched(book, monkeypatch):
    """As under `edition build --watch`: the units laid out by one build are kept for the
    next; after a one-word edit to the last chapter, only that chapter is laid out again,
    and the PDF is byte for byte the one a fresh build makes."""
    from edition.diagnostics import Reporter
    from edition.pipeline import build
    from edition.render import pdf

    monkeypatch.setattr(pdf, "_KEPT", {})  # pdf.keep_layouts(), undone after the test
    build(book.root, ["pdf"], Reporter(), out_dir=book.root / "watch", force=True)
    first = unit_layout.LAST
    assert first is not None and first.laid_out >= 3
    text = (book.root / "chapters" / "03-three.md").read_text(encoding="utf-8")
    (book.root / "chapters" / "03-three.md").write_text(text.replace("Passage 7 ", "Passage seven "),
                                                         encoding="utf-8")
    kept = build(book.root, ["pdf"], Reporter(), out_dir=book.root / "watch").outputs[0].read_bytes()
    again = unit_layout.LAST
    assert again is not first and again.reused >= 3 and again.laid_out <= 2, again.log
    monkeypatch.setattr(pdf, "_KEPT", None)
    fresh = build(book.root, ["pdf"], Reporter(), out_dir=book.root / "fresh", force=True)
    assert fresh.outputs[0].read_bytes() == kept
    assert unit_layout.LAST is not again


def test_assemble_counts_blank_versos_and_finds_every_run_on_document():
    from edition.render.units import UnitRenderer, _RunsOn

    units = [Unit("f", True, "front"), Unit("a", False, "a"), Unit("b", False, "b"),
             Unit("c", False, "c")]
    figures = {0: (3, {"toc": 1}, False), 1: (5, {"a": 0, "x": 4}, True),
               2: (2, {"b": 0}, True), 3: (1, {"c": 0}, True)}
    count, front, where = UnitRenderer._assemble(units, figures, 4)
    # front 3 pages, blank, a on 4-8, blank, b on 10-11, c on 12
    assert (count, front) == (13, 4)
    assert where == {"toc": 1, "a": 4, "x": 8, "b": 10, "c": 12}
    figures[2] = (2, {"b": 0}, False)
    figures[3] = (1, {"c": 0}, False)
    with pytest.raises(_RunsOn) as exc:
        UnitRenderer._assemble(units, figures, 4)
    assert exc.value.docs == {"b", "c"}


def test_edition_build_pdf_watch_keeps_the_layouts(book, monkeypatch):
    import time

    from edition import cli
    from edition.render import pdf

    monkeypatch.setattr(pdf, "_KEPT", None)

    import sys

    wait = time.sleep

    def stop(seconds):
        if sys._getframe(1).f_code.co_name == "_watch":
            raise KeyboardInterrupt  # Ctrl-C while watching, after the first build
        wait(seconds)  # anyone else's pause (a library's) is left alone

    monkeypatch.setattr(time, "sleep", stop)
    assert cli.main(["-C", str(book.root), "build", "pdf", "--watch", "-o", str(book.root / "w")]) == 0
    assert pdf._KEPT is not None and len(pdf._KEPT) == 1  # the first build's units, kept
    assert (book.root / "w" / "small-book.pdf").is_file()


def test_a_pass_keeps_only_the_pages_of_the_units_it_joined(tmp_path):
    """The pages of an earlier pass that the last one did not use are let go: kept, they
    doubled the memory of a build (a unit's pages hold its whole layout tree)."""
    from weasyprint import CSS

    from edition.render.fetch import ProjectFetcher
    from edition.render.fonts import font_config
    from edition.render.units import UnitRenderer

    fonts = font_config()
    css = CSS(string="@page { size: A6 } .doc, .chapter { break-before: right }", font_config=fonts)
    renderer = UnitRenderer(tmp_path.as_uri() + "/", ProjectFetcher(tmp_path), [css], fonts)

    def source(second: str) -> str:
        return ('<html><head></head>\n<body>\n<div class="doc doc-body" data-doc="a"><p>A</p></div>\n'
                f'<div class="doc doc-body" data-doc="b"><p>{second}</p></div>\n</body>\n</html>\n')

    first = renderer.render(source("first pass"))
    again = renderer.render(source("second pass"))
    assert len(first.pages) == len(again.pages) == 3  # a, the blank verso, b
    assert renderer.stats.reused == 1 and renderer.stats.fallbacks == 0, renderer.stats.log
    kept = sorted(html for html, _ in renderer.done)
    assert len(kept) == 2 and "second pass" in kept[1] and not any("first pass" in h for h in kept)


def test_layout_trees_let_go_are_laid_out_again_to_the_same_pdf(book, monkeypatch):
    """A build keeps the layout trees of KEEP_PAGES pages; the units laid out past that
    keep only their anchors and outline (``Shell``) and are laid out again, one at a
    time, when the PDF is written.  None kept, some kept or all kept: the same bytes and
    the same page map; and so under the watch, whose kept units may be shells."""
    from edition.diagnostics import Reporter
    from edition.pipeline import build
    from edition.render import pdf

    got: dict[int, tuple[bytes, bytes]] = {}
    for keep in (10_000, 0, 4):
        monkeypatch.setattr(unit_layout, "KEEP_PAGES", keep)
        out = book.root / f"k{keep}"
        result = build(book.root, ["pdf"], Reporter(), out_dir=out, force=True)
        got[keep] = (result.outputs[0].read_bytes(), (out / ".pagemap.json").read_bytes())
        st = unit_layout.LAST
        assert st is not None and st.fallbacks == 0, st.log
        if keep == 10_000:
            assert st.shelved == st.relaid == 0
        else:
            assert st.shelved >= 1 and st.relaid >= 1, st
        if keep == 0:
            assert st.shelved == st.laid_out  # every unit laid out was let go
    assert got[0] == got[10_000] and got[4] == got[10_000]

    monkeypatch.setattr(unit_layout, "KEEP_PAGES", 0)
    monkeypatch.setattr(pdf, "_KEPT", {})  # the watch: units (here all shells) kept between builds
    build(book.root, ["pdf"], Reporter(), out_dir=book.root / "w", force=True)
    text = (book.root / "chapters" / "03-three.md").read_text(encoding="utf-8")
    (book.root / "chapters" / "03-three.md").write_text(text.replace("Passage 7 ", "Passage seven "),
                                                         encoding="utf-8")
    kept = build(book.root, ["pdf"], Reporter(), out_dir=book.root / "w").outputs[0].read_bytes()
    again = unit_layout.LAST
    assert again is not None and again.reused >= 3 and again.relaid >= 3, again
    monkeypatch.setattr(pdf, "_KEPT", None)
    monkeypatch.setattr(unit_layout, "KEEP_PAGES", 10_000)
    assert build(book.root, ["pdf"], Reporter(), out_dir=book.root / "f", force=True).outputs[0].read_bytes() == kept


def test_a_shell_laid_out_differently_is_an_error_not_a_wrong_page():
    from edition.render.units import Shell, UnitRenderer, _Writing

    class Page:
        width = height = 10.0
        bleed: dict = {}
        links: list = []
        bookmarks: list = []

        def __init__(self, anchors):
            self.anchors = anchors
            self._page_box = None

    renderer = UnitRenderer.__new__(UnitRenderer)
    renderer.stats = unit_layout.Stats()
    renderer._layout = lambda source: type("Doc", (), {"pages": [Page({"b": (0, 0, 0, 0)})]})()
    shell = Shell.__new__(Shell)
    shell.anchors, shell.source, shell.index, shell.count = {"a": (0, 0, 0, 0)}, "html", 0, 1
    with pytest.raises(ValueError, match="laid out again differs"):
        _Writing(renderer, [shell], lambda i, p: None, True).page(0)  # another anchor
    shell.anchors, shell.count = {"b": (0, 0, 0, 0)}, 2
    with pytest.raises(ValueError, match="laid out again differs"):
        _Writing(renderer, [shell], lambda i, p: None, True).page(0)  # another page count
    shell.count = 1
    assert _Writing(renderer, [shell], lambda i, p: None, True).page(0).anchors == shell.anchors


COUNTERS = """
body { counter-reset: doc; }
section.chapter { counter-increment: doc; }
section.chapter h1::before { content: counter(doc) ". "; }
"""


def test_css_state_crossing_documents_is_found():
    from edition.render.units import crossing_state

    assert [w.split(" (")[0] for _, w in crossing_state(COUNTERS)] == ["counter-reset: doc", "counter-increment: doc"]
    assert crossing_state("@page { counter-reset: page 1; @top-right { content: counter(page) } }") == []
    found = " ".join(w for _, w in crossing_state(
        "@page { @bottom-center { content: counter(page) ' of ' counter(pages) } }\n"
        "a::after { content: target-counter(attr(href), page) }\nh2 { string-set: sec content() }\n"
        ".x { position: running(foo) }\nsection.c { break-before: right }\n"
        "section.c[data-x] { string-set: t attr(data-x) }\nbody { string-set: b attr(title) }\n"))
    for what in ("counter(pages)", "target-counter()", "string-set on 'h2'", "running()"):
        assert what in found, found
    assert "section.c" not in found and "'body'" not in found  # begin new pages / in every unit
    # the shipped print.css keeps no state across documents: the reader is laid out by units
    from conftest import ROOT

    assert crossing_state((ROOT / "edition/data/styles/print.css").read_text(encoding="utf-8")) == []


def test_a_counter_across_documents_gives_the_whole_books_pdf(book, monkeypatch):
    """The review's counter book: with units, every opener printed "1."; now the stylesheet
    is found to carry state across documents, the book is laid out whole (a note says so),
    and units enabled or not give the same PDF."""
    from edition.diagnostics import Reporter, Severity
    from edition.pipeline import build

    css = book.root / "styles" / "print.css"
    css.write_text(css.read_text(encoding="utf-8") + COUNTERS, encoding="utf-8")
    out, notes = {}, {}
    for mode in ("units", "whole"):
        monkeypatch.setattr(unit_layout, "ENABLED", mode == "units")
        reporter = Reporter()
        result = build(book.root, ["pdf"], reporter, out_dir=book.root / mode, force=True)
        out[mode] = result.outputs[0].read_bytes()
        notes[mode] = [d for d in reporter.items if d.code == "pdf.whole-book"]
    assert out["units"] == out["whole"]
    assert notes["units"] and notes["units"][0].severity is Severity.INFO
    assert notes["units"][0].file == "styles/print.css" and notes["units"][0].line
    text = " ".join(pages_text(book.root / "units" / next(p.name for p in (book.root / "units").glob("*.pdf"))))
    assert "1. " in text and "2. " in text and "3. " in text  # the documents numbered 1., 2., 3.
