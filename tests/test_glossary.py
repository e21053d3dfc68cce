"""Glossary on small books: linking rules, diagnostics, and the EPUB both ways (EPUBCheck -u)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import epubcheck_messages, run_epubcheck

from edition.diagnostics import BookError, Reporter
from edition.pipeline import load_book

GLOSSARY = """\
entries:
  - id: gpu
    headword: G. P. U.
    category: organisation
    source: editor
    forms: [GPU, G.P.U., "G. P. U.", O.G.P.U.]
    definition: Stalin’s secret police. Compare [Thermidor]{gl=thermidor}.
  - id: thermidor
    headword: Thermidor
    category: event
    forms: [Thermidor, Thermidorian, 9th of Thermidor]
    definition: The reaction of 1794.
    see: [gpu]
  - id: srs
    headword: S. R.’s
    category: organisation
    forms: ["S. R.’s", "S.R.’s", Left S. R.’s, S.R.]
    definition: Social Revolutionaries.
  - id: soviet
    headword: Petrograd Soviet
    category: organisation
    forms: [Petrograd Soviet]
    explicit_only: [Soviet]
    definition: The council.
"""

ONE = """
The G.P.U. watched the Thermidorian bureaucracy. Later the GPU came again,
and the G.\u202fP.\u202fU. once more; the Left S.\u202fR.\u2019s and the S.R.'s too.

## The GPU in a heading

Not [GPU]{.nogl} here, nor in [a GPU link](#ch-two); but [the Terror]{gl=thermidor} there.
The Soviet state and [the Soviet]{gl=soviet} of Petrograd.[^1]

[^1]: A note on the GPU is not linked.
"""

TWO = "The G. P. U. again, and the 9th of Thermidor.\n"


def make(small_book, glossary: str = GLOSSARY, one: str = ONE, two: str = TWO) -> None:
    small_book.book(["01-one.md", "02-two.md"])
    small_book.chapter("01-one.md", "One", one, author="A", date="1938", source="s")
    small_book.chapter("02-two.md", "Two", two, author="B", date="1941", source="s")
    small_book.write("glossary.yaml", glossary)


def spans(ch):
    out = []
    for t in ch.tokens:
        for c in t.children or []:
            if c.type == "span_open" and c.meta.get("link_kind") == "glossary":
                out.append((c.meta["key"], c.meta.get("class"), c.meta.get("id"), c.meta.get("href")))
    return out


def test_first_occurrence_per_chapter_is_linked_every_one_is_recorded(small_book):
    make(small_book)
    book = load_book(small_book.root, Reporter())
    one, two = book.chapters
    assert spans(one) == [
        ("gpu", "gl", "one-gl-gpu-1", "gl-gpu"),
        ("thermidor", "gl", "one-gl-thermidor-1", "gl-thermidor"),
        ("gpu", "gl-occ", "one-gl-gpu-2", None),
        ("gpu", "gl-occ", "one-gl-gpu-3", None),
        ("srs", "gl", "one-gl-srs-1", "gl-srs"),
        ("srs", "gl-occ", "one-gl-srs-2", None),
        # explicit markup always links; the heading, the .nogl span, the link and the note are skipped
        ("thermidor", "gl", "one-gl-thermidor-2", "gl-thermidor"),
        # "Soviet" is explicit-only: "The Soviet state" is not matched, the marked phrase is
        ("soviet", "gl", "one-gl-soviet-1", "gl-soviet"),
    ]
    assert spans(two) == [("gpu", "gl", "two-gl-gpu-1", "gl-gpu"),
                          ("thermidor", "gl", "two-gl-thermidor-1", "gl-thermidor")]
    gpu = next(e for e in book.glossary if e.id == "gpu")
    assert gpu.occurrences == [("one", "one-gl-gpu-1"), ("one", "one-gl-gpu-2"), ("one", "one-gl-gpu-3"),
                               ("two", "two-gl-gpu-1")]
    # the longest form wins: "Left S. R.’s" is one occurrence, not "S. R.’s" inside it
    first = one.tokens[1].children
    i = next(k for k, c in enumerate(first) if c.meta.get("id") == "one-gl-srs-1")
    assert first[i + 1].content == "Left S.\u202fR.\u2019s"


def diagnostics(small_book) -> list[str]:
    proc = small_book.run("check")
    return proc.returncode, [ln for ln in proc.stderr.splitlines() if "[glossary." in ln]


def test_unknown_entry_is_an_error_with_chapter_line(small_book):
    # front matter: 6 lines (---, title, author, date, source, ---); the reference is on line 9
    make(small_book, two="First line.\n\nSee the [Kadet]{gl=kadets} party.\n")
    code, lines = diagnostics(small_book)
    assert code == 1
    assert any(ln.startswith("chapters/02-two.md:9: error:") and "kadets" in ln
               and ln.endswith("[glossary.unknown]") for ln in lines), lines


def test_form_claimed_twice_is_an_error_and_unused_entry_a_warning(small_book):
    extra = """\
  - id: cheka
    headword: Cheka
    category: organisation
    forms: [Cheka, GPU]
    definition: The first police.
  - id: okhrana
    headword: Okhrana
    category: organisation
    forms: [Okhrana]
    definition: Never mentioned in this book.
"""
    make(small_book, GLOSSARY + extra)
    code, lines = diagnostics(small_book)
    assert code == 1
    assert any(re.match(r"glossary\.yaml:\d+: error: form “GPU” of “cheka” is already a form of “gpu”", ln)
               and ln.endswith("[glossary.form-conflict]") for ln in lines), lines
    assert any(re.match(r"glossary\.yaml:\d+: warning: glossary entry “okhrana” is never used", ln)
               for ln in lines), lines


@pytest.mark.parametrize("bad, message", [
    ("    category: person\n", "category"),
    ("    source: wikipedia\n", "source"),
])
def test_schema_errors_point_at_glossary_yaml(small_book, bad, message):
    text = GLOSSARY.replace("    category: event\n", bad, 1) if "category" in bad else \
        GLOSSARY.replace("    source: editor\n", bad, 1)
    make(small_book, text)
    with pytest.raises(BookError) as exc:
        load_book(small_book.root, Reporter())
    d = exc.value.diagnostics[0]
    assert d.file == "glossary.yaml" and d.line is not None and message in d.message.lower() + d.code


def test_small_book_epub_links_both_ways_and_passes_epubcheck(small_book):
    make(small_book)
    proc = small_book.run("build", "epub")
    assert proc.returncode == 0, proc.stderr
    epub = small_book.root / "build" / "small-book.epub"
    assert epubcheck_messages(run_epubcheck(epub)) == []
    with zipfile.ZipFile(epub) as z:
        one = z.read("EPUB/one.xhtml").decode()
        two = z.read("EPUB/two.xhtml").decode()
        gl = z.read("EPUB/glossary.xhtml").decode()
        opf = z.read("EPUB/content.opf").decode()
        nav = z.read("EPUB/nav.xhtml").decode()
    # text -> glossary
    assert re.search(r'<a id="one-gl-gpu-1" class="gl" href="glossary.xhtml#gl-gpu" role="doc-glossref">'
                     r'<abbr class="sc">G.P.U.</abbr></a>', one), one
    assert '<span id="one-gl-gpu-2" class="gl-occ">' in one
    assert 'href="glossary.xhtml#gl-gpu"' in two
    # glossary -> each chapter, landing on the first occurrence there
    assert 'href="one.xhtml#one-gl-gpu-1"' in gl and 'href="two.xhtml#two-gl-gpu-1"' in gl
    # the link lands on the entry (term and definition), so a pop-up shows both
    assert re.search(r'<div id="gl-gpu" class="gl-entry">\s*<dt epub:type="glossterm"', gl), gl
    assert "<dfn>G. P. U.</dfn>" in gl
    assert 'epub:type="glossdef"' in gl and 'epub:type="glossary"' in gl
    assert 'href="#gl-thermidor"' in gl  # a {gl=…} link inside a definition, and the see link
    assert "The editor’s entry" in gl
    assert re.search(r'<item href="glossary.xhtml"[^>]*properties="glossary"', opf), opf
    assert re.search(r'epub:type="glossary" href="glossary.xhtml"', nav), nav


def test_search_key_map_is_accepted_but_raises_opf_097(small_book, monkeypatch):
    """Why the search key map is off by default (docs/glossary.md): EPUBCheck accepts it, but
    with -u always reports it as unreferenced, and the edition must be -u clean."""
    from edition.render import glossary as gmod
    from edition.render.epub import build_epub

    make(small_book)
    monkeypatch.setattr(gmod, "SEARCH_KEY_MAP", True)
    book = load_book(small_book.root, Reporter())
    data = build_epub(book, (small_book.root / "styles" / "epub.css").read_text())
    path = small_book.root / "skm.epub"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as z:
        skm = z.read("EPUB/glossary-search-key-map.xml").decode()
        opf = z.read("EPUB/content.opf").decode()
    assert '<search-key-group href="glossary.xhtml#gl-srs">' in skm and '<match value="S.R.’s"/>' in skm
    assert 'properties="search-key-map glossary"' in opf
    msgs = epubcheck_messages(run_epubcheck(path))
    assert [m.split(":")[0] for m in msgs] == ["USAGE OPF-097"], msgs


def glossary_marks(page) -> list[dict]:
    """The drawn glossary marks of a pdfplumber page: small closed curves (print.css draws
    a small circle after a.gl, not a character), each as one bbox (a ring is two curves)."""
    rings = [c for c in page.curves if c["x1"] - c["x0"] < 4 and c["bottom"] - c["top"] < 4]
    out: list[dict] = []
    for c in sorted(rings, key=lambda c: (c["top"], c["x0"])):
        if not any(abs(c["x0"] - m["x0"]) < 1 and abs(c["top"] - m["top"]) < 1 for m in out):
            out.append(c)
    return out


def marked(hit: dict, marks: list[dict]) -> bool:
    """A mark stands just right of the text found (within 3 pt) and raised: its foot above
    the middle of the line, its head no higher than 3 pt over the letters."""
    mid = (hit["top"] + hit["bottom"]) / 2
    return any(hit["x1"] - 1 <= m["x0"] <= hit["x1"] + 3 and m["bottom"] < mid and m["top"] > hit["top"] - 3
               for m in marks)


def test_pdf_marks_linked_terms_and_lists_pages(small_book):
    import pdfplumber
    from pypdf import PdfReader

    make(small_book)
    proc = small_book.run("build", "pdf")
    assert proc.returncode == 0, proc.stderr
    path = small_book.root / "build" / "small-book.pdf"
    pdf = PdfReader(str(path))
    pages = [re.sub(r"\s+", " ", p.extract_text()) for p in pdf.pages]  # justified lines: runs of spaces
    one = next(i for i, t in enumerate(pages) if "watched the" in t)
    two = next(i for i, t in enumerate(pages) if "again, and the 9th of" in t)
    body = "\n".join(pages[one:two + 1])
    assert "G.P.U." in body and "°" not in body  # the mark is drawn, not a character
    with pdfplumber.open(path) as plumb:
        page = plumb.pages[one]
        marks = glossary_marks(page)
        # first mentions carry the mark; the later "GPU"s of the same document do not
        assert marked(page.search("G.P.U.")[0], marks) and marked(page.search("Thermidorian")[0], marks)
        later = page.search("GPU")
        assert later and not any(marked(h, marks) for h in later)
        # one mark per linked mention: G.P.U., Thermidorian, S. R.'s, the Terror, the Soviet
        assert len(marks) == 5, marks
        # and the marked word is a link to its glossary entry
        dests = {(a["data"].get("Dest"), round(a["x0"])) for a in page.annots}
        assert (b"gl-gpu", round(page.search("G.P.U.")[0]["x0"])) in dests, dests
        # the second document marks its own first mentions again
        assert len(glossary_marks(plumb.pages[two])) == 2
    start = next(i for i, t in enumerate(pages) if t.startswith("Glossary"))
    gl = re.sub(r"\s+", " ", " ".join(pages[start:]))
    folio = {i: str(i - one + 1) for i in (one, two)}
    assert "G. P. U. Stalin’s secret police." in gl
    m = re.search(r"G\. P\. U\. Stalin’s.*?Pages? ([0-9–, ]+)", gl)
    assert m and [p.strip() for p in m.group(1).split(",") if p.strip()] == [folio[one], folio[two]], gl


def test_no_glossary_file_no_glossary_document(small_book):
    make(small_book, one="The GPU, with no glossary to link it to.\n")
    (small_book.root / "glossary.yaml").unlink()
    proc = small_book.run("build", "epub")
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(Path(small_book.root / "build" / "small-book.epub")) as z:
        assert "EPUB/glossary.xhtml" not in z.namelist()


def test_page_ranges_merge_and_keep_the_first_mention():
    from edition.render.glossary import page_ranges

    assert page_ranges(["12", "13", "14", "17", "12", "vii", "viii", "x", "?"]) == [
        ("vii–viii", 5), ("x", 7), ("12–14", 0), ("17", 3)]
    assert page_ranges([]) == []


def test_source_is_a_source_id_or_editor(small_book):
    """`source` names a document of sources/sources.yaml (whose own glossary the entry
    reproduces) or the editor: no source list is written into the tool."""
    make(small_book, GLOSSARY.replace("    source: editor\n", "    source: my-pamphlet\n", 1))
    with pytest.raises(BookError) as exc:
        load_book(small_book.root, Reporter())
    d = exc.value.diagnostics[0]
    assert (d.file, d.line, d.code) == ("glossary.yaml", 2, "glossary.unknown-source"), d
    assert "'my-pamphlet' is neither 'editor' nor a source id" in d.message


def test_source_label_from_the_glossary_file():
    from edition.model import Book, BookMeta
    from edition.render.glossary import source_label

    book = Book(root=Path("."), meta=BookMeta(title="T", slug="t"), chapters=[],
                glossary_sources={"p-1938": "the 1938 pamphlet *Leon*"})
    assert source_label(book, "p-1938") == "From the glossary of the 1938 pamphlet <i>Leon</i>"
    assert source_label(book, "editor") == "The editor’s entry"
    book.terms = {**book.terms, "glossary-source": "Aus dem Glossar {source}"}
    assert source_label(book, "p-1938") == "Aus dem Glossar the 1938 pamphlet <i>Leon</i>"
