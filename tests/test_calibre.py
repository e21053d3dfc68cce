"""Kindle: the EPUB through Calibre's converter (Debian's ``calibre``, issue #19).

``ebook-convert`` turns the real edition into AZW3 (what a Kindle reads) without an
error or a warning, and back into EPUB: the notes, the glossary links, the contents
(two levels) and the print edition's page anchors survive the round trip.

A Kindle shows no EPUB page list (AZW3 has none: Calibre drops the NCX's pageList);
its page numbers come from an APNX file that Calibre writes when it sends the book to
the device.  With the Kindle driver's page-count method "pagebreak" Calibre counts our
page-break markers: the APNX then has one page per printed page, numbered 1–N straight
through (APNX page 21 is printed page 1 after the 20 roman pages), which this test
checks with Calibre's own APNX page generator.

Skipped locally when Calibre is missing; in CI (``CI=true``) it must run.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from lxml import etree
from test_reading_systems import NS, require

HTML_NS = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def azw3_round_trip(edition_build, tmp_path_factory) -> dict:
    convert = require("ebook-convert")
    out = tmp_path_factory.mktemp("calibre")
    azw3, back = out / "book.azw3", out / "back"
    logs = []
    for src, dst in ((edition_build["epub"], azw3), (azw3, out / "back.epub")):
        proc = subprocess.run([convert, str(src), str(dst)], capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        logs.append(proc.stdout + proc.stderr)
    import zipfile

    with zipfile.ZipFile(out / "back.epub") as z:
        z.extractall(back)
    return {"azw3": azw3, "back": back, "to_azw3_log": logs[0], "log": "\n".join(logs)}


def test_azw3_conversion_reports_nothing_about_our_markup(azw3_round_trip):
    log = azw3_round_trip["to_azw3_log"]
    bad = [line for line in log.splitlines()
           if re.search(r"warn|error|unknown|invalid|failed|CSSStylesheet", line, re.I)]
    assert not bad, bad
    assert "AZW3 output written" in log


def _docs(back: Path) -> dict[str, etree._Element]:
    parser = etree.XMLParser(recover=True)
    return {str(p.relative_to(back)): etree.parse(str(p), parser).getroot()
            for p in back.rglob("*.html")} | {str(p.relative_to(back)): etree.parse(str(p), parser).getroot()
                                              for p in back.rglob("*.xhtml")}


def test_round_trip_keeps_notes_glossary_contents_and_pages(azw3_round_trip, edition_build):
    back: Path = azw3_round_trip["back"]
    docs = _docs(back)
    ids: dict[tuple[str, str], etree._Element] = {}
    for name, root in docs.items():
        for el in root.iter():
            if el.get("id"):
                ids[(name, el.get("id"))] = el

    def target(name: str, href: str) -> etree._Element | None:
        file, _, frag = href.partition("#")
        path = str((Path(name).parent / file).as_posix()) if file else name
        path = str(Path(path)).replace("\\", "/")
        return ids.get((path, frag))

    notes = glossary = 0
    for name, root in docs.items():
        for a in root.iter(f"{HTML_NS}a"):
            cls, href = a.get("class") or "", a.get("href") or ""
            if "noteref" in cls.split() or a.get("role") == "doc-noteref":
                el = target(name, href)
                assert el is not None and el.get("role") == "doc-footnote", (name, href)
                assert "".join(el.itertext()).strip(), href
                notes += 1
            elif a.get("role") == "doc-glossref":
                el = target(name, href)
                assert el is not None, (name, href)
                assert el.findall(f".//{HTML_NS}dd"), (name, href)  # the definition travels with the term
                glossary += 1
    assert notes > 50 and glossary > 100, (notes, glossary)

    # the print edition's page anchors: every printed page
    pagemap = json.loads((edition_build["dir"] / ".pagemap.json").read_text())
    labels = {str(p["label"]) for p in pagemap["pages"]}
    # (a marker at the start of a document that Calibre splits becomes an empty <div> with its id)
    anchors = {i.removeprefix("page-") for _, i in ids if i.startswith("page-")}
    assert labels <= anchors, sorted(labels - anchors)[:10]
    assert sum(el.get("role") == "doc-pagebreak" for el in ids.values()) > 0.9 * len(labels)

    # the contents, two levels and more
    ncx = etree.parse(str(next(back.rglob("toc.ncx")))).getroot()
    n = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
    top = ncx.findall("n:navMap/n:navPoint", n)
    bio = next(p for p in top if p.findtext("n:navLabel/n:text", namespaces=n) == "Leon Trotsky")
    sections = bio.findall("n:navPoint", n)
    primary = next(p for p in sections if p.findtext("n:navLabel/n:text", namespaces=n) == "Primary Sources")
    assert len(sections) >= 20 and len(primary.findall("n:navPoint", n)) == 44


def test_kindle_page_numbers_from_the_page_breaks(azw3_round_trip, edition_build, tmp_path):
    debug = require("calibre-debug")
    script = tmp_path / "apnx.py"
    script.write_text(
        "import sys\n"
        "from calibre.devices.kindle.apnx_page_generator.generators.pagebreak_page_generator "
        "import PagebreakPageGenerator\n"
        "pages = PagebreakPageGenerator.instance.generate(sys.argv[1], 0)\n"
        "print('PAGES', pages.number_of_pages, pages.page_maps)\n")
    proc = subprocess.run([debug, str(script), str(azw3_round_trip["azw3"])], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    m = re.search(r"^PAGES (\d+) (.*)$", proc.stdout, re.M)
    assert m, proc.stdout
    pagemap = json.loads((edition_build["dir"] / ".pagemap.json").read_text())
    assert int(m.group(1)) == len(pagemap["pages"])
    assert m.group(2) == "(1,a,1)"  # arabic from 1: the roman front matter is counted in
    assert NS  # the namespaces shared with test_reading_systems
