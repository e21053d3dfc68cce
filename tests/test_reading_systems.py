"""The EPUB as other reading systems and libraries see it (issue #19).

* metadata as Calibre's ``ebook-meta`` reads it (the documents' authors, not the
  editor; subjects kept whole);
* pop-ups: every glossary link lands on an element holding the definition, every note
  link on the note (what foliate-js and Apple Books show in a pop-up);

Calibre (Debian's ``calibre``) is installed by ``.ci/run``: the tests that run it skip
locally when it is missing and fail in CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

NS = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
      "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"{tool} (Debian's calibre) is missing, and CI must run this test")
    pytest.skip(f"{tool} (Debian's calibre) is missing")


def ebook_meta(epub: Path) -> dict[str, str]:
    proc = subprocess.run([require("ebook-meta"), str(epub)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    out: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            out[key.strip()] = value.strip()
    return out


def xhtml_docs(epub: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as z:
        return {n.removeprefix("EPUB/"): etree.fromstring(z.read(n)) for n in z.namelist()
                if n.endswith(".xhtml")}


# -- metadata ----------------------------------------------------------------

def test_calibre_shows_the_documents_authors(edition_build):
    meta = ebook_meta(edition_build["epub"])
    assert meta["Author(s)"] == ("Leon Trotsky & Max Shachtman & Joseph Hansen "
                                 "[Trotsky, Leon & Shachtman, Max & Hansen, Joseph]"), meta
    # every subject survives as one tag (Calibre splits a subject at its commas)
    with zipfile.ZipFile(edition_build["epub"]) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    subjects = [s.text for s in opf.findall(".//dc:subject", NS)]
    assert subjects and meta["Tags"] == ", ".join(subjects), (meta["Tags"], subjects)


def test_editor_is_a_contributor_with_role_edt(edition_build):
    with zipfile.ZipFile(edition_build["epub"]) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    md = opf.find("opf:metadata", NS)
    refines = {(m.get("refines"), m.get("property")): m.text for m in md.findall("opf:meta", NS)
               if m.get("refines")}
    creators = [(c.text, refines[(f"#{c.get('id')}", "role")], refines[(f"#{c.get('id')}", "file-as")])
                for c in md.findall("dc:creator", NS)]
    contributors = [(c.text, refines[(f"#{c.get('id')}", "role")])
                    for c in md.findall("dc:contributor", NS)]
    assert creators == [("Leon Trotsky", "aut", "Trotsky, Leon"), ("Max Shachtman", "aut", "Shachtman, Max"),
                        ("Joseph Hansen", "aut", "Hansen, Joseph")]
    # book.yaml names no editor (the placeholder was removed on purpose): no one is invented
    assert contributors == []


def test_editor_named_in_book_yaml_is_a_contributor_with_role_edt(small_book, tmp_path):
    sb = small_book
    sb.chapter("01-a.md", "A", "Text.\n", author="Max Shachtman", date="1938", source="x")
    sb.book(["01-a.md"])  # its book.yaml says editor: Test Editor
    proc = sb.run("build", "epub", "-o", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(next((tmp_path / "out").glob("*.epub"))) as z:
        md = etree.fromstring(z.read("EPUB/content.opf")).find("opf:metadata", NS)
    refines = {(m.get("refines"), m.get("property")): m.text for m in md.findall("opf:meta", NS)
               if m.get("refines")}
    contributors = [(c.text, refines[(f"#{c.get('id')}", "role")])
                    for c in md.findall("dc:contributor", NS)]
    assert contributors == [("Test Editor", "edt")]


def test_authors_key_translators_and_anonymous(small_book, tmp_path):
    sb = small_book
    sb.chapter("01-a.md", "A", "Text.\n", author="Anonymous (not named)", date="1938", source="x")
    sb.chapter("02-b.md", "B", "Text.\n", author="Max Shachtman", translator="Jane Roe", date="1938",
               source="x")
    sb.book(["01-a.md", "02-b.md"])
    proc = sb.run("build", "epub", "-o", str(tmp_path / "out1"))
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(next((tmp_path / "out1").glob("*.epub"))) as z:
        opf = z.read("EPUB/content.opf").decode()
    assert re.findall(r"<dc:creator[^>]*>([^<]*)<", opf) == ["Max Shachtman"]
    assert "Anonymous" not in "".join(re.findall(r"<dc:(?:creator|contributor)[^>]*>[^<]*<", opf))
    assert '<dc:contributor id="translator1">Jane Roe</dc:contributor>' in opf
    assert '<meta refines="#translator1" property="file-as">Roe, Jane</meta>' in opf
    assert '<meta refines="#translator1" property="role" scheme="marc:relators">trl</meta>' in opf
    # book.yaml's authors: wins, in its order, with its file_as
    sb.book(["01-a.md", "02-b.md"], "authors:\n  - name: Natalia Sedova\n    file_as: Sedova, N.\n"
            "  - Max Shachtman\n")
    proc = sb.run("build", "epub", "-o", str(tmp_path / "out2"))
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(next((tmp_path / "out2").glob("*.epub"))) as z:
        opf = z.read("EPUB/content.opf").decode()
    assert re.findall(r"<dc:creator[^>]*>([^<]*)<", opf) == ["Natalia Sedova", "Max Shachtman"]
    assert '<meta refines="#author1" property="file-as">Sedova, N.</meta>' in opf
    # a wrong type is an error with its line
    sb.book(["01-a.md", "02-b.md"], "authors:\n  - name: 3\n")
    proc = sb.run("build", "epub", "-o", str(tmp_path / "out3"))
    assert proc.returncode == 1 and "book.yaml:" in proc.stderr and "Traceback" not in proc.stderr


def test_a_subject_with_a_comma_is_a_lint_warning(small_book):
    sb = small_book
    sb.chapter("01-a.md", "A", "Text.\n", author="Max Shachtman", date="1938", source="x")
    sb.book(["01-a.md"], "subjects:\n  - Sedov, Leon, 1906-1938\n")
    proc = sb.run("check")
    assert re.search(r"book\.yaml:\d+: warning: subject 'Sedov, Leon, 1906-1938' has a comma.*"
                     r"\[lint\.subject-comma\]", proc.stderr), proc.stderr


# -- pop-ups -----------------------------------------------------------------

def test_every_glossary_link_lands_on_its_definition_and_every_note_link_on_the_note(edition_build):
    docs = xhtml_docs(edition_build["epub"])
    ids = {(name, el.get("id")): el for name, tree in docs.items() for el in tree.iter() if el.get("id")}
    n_gl = n_notes = 0
    problems: list[str] = []
    for name, tree in docs.items():
        for a in tree.iter(f"{{{NS['h']}}}a"):
            href, role = a.get("href") or "", a.get("role") or ""
            if "doc-glossref" not in role and "noteref" not in (a.get(EPUB_TYPE) or ""):
                continue
            file, _, frag = href.partition("#")
            target = ids.get((file or name, frag))
            if target is None:
                problems.append(f"{name}: {href} lands nowhere")
                continue
            if "doc-glossref" in role:
                n_gl += 1
                # what foliate-js pops up is the target element itself: the term and its definition
                terms = target.findall(".//h:dt[@epub:type='glossterm']", NS)
                defs = target.findall(".//h:dd[@epub:type='glossdef']", NS)
                if len(terms) != 1 or len(defs) != 1 or not "".join(defs[0].itertext()).strip():
                    problems.append(f"{name}: {href} lands on <{etree.QName(target).localname}> "
                                    "without one term and its definition")
            else:
                n_notes += 1
                if target.get(EPUB_TYPE) != "footnote" or target.get("role") != "doc-footnote":
                    problems.append(f"{name}: note link {href} does not land on the note")
                # ... and the note leads back to a call of it
                back = target.find(".//h:a[@role='doc-backlink']", NS)
                call = ids.get((file or name, (back.get("href") or "").lstrip("#"))) if back is not None else None
                if call is None or call.get("href") != f"#{frag}":
                    problems.append(f"{name}: note {href} does not lead back to a call")
    assert not problems, problems[:20]
    assert n_gl > 100 and n_notes > 50, (n_gl, n_notes)


# -- page list for EPUB 2 reading systems, navigation ----------------------------

NCX = {"n": "http://www.daisy.org/z3986/2005/ncx/"}


def test_ncx_carries_every_printed_page(edition_build):
    import json

    pagemap = json.loads((edition_build["dir"] / ".pagemap.json").read_text())
    labels = [str(p["label"]) for p in pagemap["pages"]]
    with zipfile.ZipFile(edition_build["epub"]) as z:
        ncx = etree.fromstring(z.read("EPUB/toc.ncx"))
    docs = xhtml_docs(edition_build["epub"])
    meta = {m.get("name"): m.get("content") for m in ncx.findall("n:head/n:meta", NCX)}
    targets = ncx.findall("n:pageList/n:pageTarget", NCX)
    assert [t.findtext("n:navLabel/n:text", namespaces=NCX) for t in targets] == labels
    assert meta["dtb:totalPageCount"] == str(len(labels)) and len(labels) > 200
    assert meta["dtb:maxPageNumber"] == str(max(int(x) for x in labels if x.isdigit()))
    assert int(meta["dtb:depth"]) >= 2
    for t in targets:
        label = t.findtext("n:navLabel/n:text", namespaces=NCX)
        assert (t.get("type"), t.get("value")) == (("normal", label) if label.isdigit() else ("front", None))
        file, _, frag = t.find("n:content", NCX).get("src").partition("#")
        el = docs[file].xpath(f"//*[@id='{frag}']")
        assert el and el[0].get("aria-label") == label and el[0].get(EPUB_TYPE) == "pagebreak"
    # playOrder follows the reading order, across the navMap and the page list
    orders = [int(e.get("playOrder")) for e in ncx.iter(f"{{{NCX['n']}}}navPoint")]
    pages = [int(t.get("playOrder")) for t in targets]
    assert orders == sorted(orders) and pages == sorted(pages)
    assert sorted(set(orders + pages)) == list(range(1, len(set(orders + pages)) + 1))


def test_contents_reach_sections_and_extracts(edition_build):
    docs = xhtml_docs(edition_build["epub"])
    nav = docs["nav.xhtml"]
    toc = nav.find(".//h:nav[@id='toc']", NS)
    top = toc.findall("h:ol/h:li", NS)
    bio = next(li for li in top if li.find("h:a", NS).get("href") == "biography.xhtml")
    sections = bio.findall("h:ol/h:li", NS)
    assert len(sections) >= 20
    primary = next(li for li in sections if li.findtext("h:a", namespaces=NS) == "Primary Sources")
    extracts = primary.findall("h:ol/h:li/h:a", NS)
    assert len(extracts) == 44, len(extracts)
    for a in [*(li.find("h:a", NS) for li in sections), *extracts]:
        file, _, frag = a.get("href").partition("#")
        (el,) = docs[file].xpath(f"//*[@id='{frag}']")
        assert " ".join("".join(el.itertext()).split()).startswith(a.text[:20]), (a.text, a.get("href"))
    # the extracts' sources are captions, not headings
    bio_doc = docs["biography.xhtml"]
    figures = bio_doc.findall(".//h:figure", NS)
    assert len(figures) == 44
    for f in figures:
        assert [etree.QName(c).localname for c in f][:2] == ["figcaption", "blockquote"], etree.tostring(f)[:200]
    assert not bio_doc.findall(".//h:h3", NS)
    # other documents with sections get their second level too
    shachtman = next(li for li in top if li.find("h:a", NS).get("href") == "shachtman.xhtml")
    assert [a.text for a in shachtman.findall("h:ol/h:li/h:a", NS)][:1] == ["In the Thick of the Fight"]


def test_index_locators_name_the_printed_page(edition_build):
    docs = xhtml_docs(edition_build["epub"])
    index = docs["index.xhtml"]
    locators = index.findall(".//h:a[@epub:type='index-locator']", NS)
    assert len(locators) > 500
    # the page each target falls on: the last page-break marker before it, in reading order
    with zipfile.ZipFile(edition_build["epub"]) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    manifest = {i.get("id"): i.get("href") for i in opf.findall(".//opf:item", NS)}
    spine = [manifest[r.get("idref")] for r in opf.findall(".//opf:itemref", NS)]
    page_of: dict[str, str] = {}
    page = None
    for name in spine:
        for el in docs[name].iter():
            if el.get(EPUB_TYPE) == "pagebreak":
                page = el.get("aria-label")
            elif el.get("id") and page:
                page_of.setdefault(f"{name}#{el.get('id')}", page)
    for a in locators:
        p = page_of[a.get("href")]
        assert a.text == f"p.\u00a0{p}", (a.text, p, a.get("href"))
        assert a.get("aria-label").startswith(f"p. {p}, ")  # the visible label first (WCAG 2.5.3)
