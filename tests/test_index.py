"""The index of names: headings, collation, cross-references, page ranges, and the real
edition read back — the PDF index's page numbers checked against the text of those pages
(pypdf), the EPUB index's links checked against the elements they land on."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from edition.diagnostics import Reporter
from edition.model import Book, BookMeta, Person
from edition.pipeline import load_book
from edition.project import read_index_rules
from edition.render.html import Writer
from edition.render.index import (
    cross_references,
    fold,
    heading_of,
    index_doc,
    index_rules,
    letter,
    sort_key,
)

ROOT = Path(__file__).resolve().parent.parent
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


# -- headings, collation, cross-references -------------------------------------------

# the reader's own rules (persons.yaml `index:`) over the English terms
READER_RULES = index_rules(None, read_index_rules(ROOT))

@pytest.mark.parametrize("form,heading", [
    ("Leon Sedoff", "Sedoff, Leon"),
    ("Lev Davidovich Bronshtein", "Bronshtein, Lev Davidovich"),
    ("Lev Davidovich", "Lev Davidovich"),  # first name and patronymic: no surname to invert
    ("Nataliya Ivanovna", "Nataliya Ivanovna"),
    ("the Old Man", "Old Man, the"),
    ("Lyova", "Lyova"),
    ("L. D.", "L. D."),
    ("L D.", "L D."),
    ("Vera Zasulich", "Zasulich, Vera"),  # "-ich" of a surname is not a patronymic
    ("Lev Deich", "Deich, Lev"),
    ("Vladimir Ilyich", "Vladimir Ilyich"),
    ("Christian Georgiyevich", "Christian Georgiyevich"),
    ("Tsar Nicholas II", "Nicholas II"),
    ("Father Georgi Gapon", "Gapon, Georgi"),
    ("Ramon del Rio", "Rio, Ramon del"),
    ("N. I. Sedova-Trotskaya", "Sedova-Trotskaya, N. I."),
    ("CHRISTIAN", None),
    ("N.I. SEDOVA-TROTSKAYA", None),
])
def test_heading_of(form, heading):
    assert heading_of(form, READER_RULES) == heading


def test_heading_rules_are_the_books_not_the_tools():
    """Without the reader's persons.yaml `index:`, a patronymic is a surname and "Tsar" a name."""
    assert heading_of("Lev Davidovich") == "Davidovich, Lev"
    assert heading_of("Tsar Nicholas II") == "Tsar Nicholas II"  # not a title here; roman numeral
    assert heading_of("Comrade Smith") == "Smith, Comrade"
    assert heading_of("Professor Marie Curie") == "Curie, Marie"  # the language's titles (terms)


def test_collation_folds_accents_and_case():
    names = ["Mercader, Ramón", "Mercader, Ramon", "mercader, Rafael", "Méndez, Ana", "Mendez, Zoe",
             "Coyoacán", "Coyoacan, B", "Ábalos, Juan", "Abel"]
    ordered = sorted(names, key=sort_key)
    assert ordered[:2] == ["Ábalos, Juan", "Abel"]  # Á files under A, before "Abel" (word by word)
    assert ordered.index("Coyoacán") < ordered.index("Coyoacan, B")
    assert ordered.index("Méndez, Ana") < ordered.index("Mendez, Zoe") < ordered.index("mercader, Rafael")
    assert fold("Ramón") == fold("Ramon") == "ramon"
    assert letter("Ábalos, Juan") == "A" and letter("Ñandú") == "N"
    # the surname decides before the first name: "Sedov, Leon" < "Sedov, Sergei" < "Sedova, Natalia"
    assert sorted(["Sedova, Natalia", "Sedov, Sergei", "Sedov, Leon"], key=sort_key) == \
        ["Sedov, Leon", "Sedov, Sergei", "Sedova, Natalia"]


def person(pid: str, sort_name: str, name: str, forms=(), ambiguous=None) -> Person:
    return Person(id=pid, sort_name=sort_name, name=name, identification="x", forms=list(forms),
                  ambiguous=dict(ambiguous or {}))


def test_cross_references():
    leon = person("sedov-leon", "Sedov, Leon", "Leon Sedov", ["Leon Sedov", "Leon Sedoff", "Lyova"],
                  {"Sedoff": ["a"], "Sedov": ["b"], "Leon": ["a"]})
    sergei = person("sedov-sergei", "Sedov, Sergei", "Sergei Sedov", ["Sergei Sedoff"], {"Sedoff": ["b"]})
    natalia = person("sedova-natalia", "Sedova, Natalia", "Natalia Sedova", ["Natalia Ivanovna Sedoff"])
    trotsky = person("trotsky-leon", "Trotsky, Leon", "Leon Trotsky", ["Trotsky", "Comrade Trotsky", "L. D.",
                                                                       "L.D."], {"Old Man": ["a"]})
    refs = {h: [p.id for p in ps]
            for h, ps in cross_references([leon, sergei, natalia, trotsky], READER_RULES).items()}
    assert refs["Lyova"] == ["sedov-leon"]
    assert refs["Sedoff"] == ["sedov-leon", "sedov-sergei"]  # one alias, two persons
    assert refs["Sedoff, Leon"] == ["sedov-leon"]
    assert refs["Sedoff, Natalia Ivanovna"] == ["sedova-natalia"]
    assert refs["Old Man, the"] == ["trotsky-leon"]
    assert refs["Leon"] == ["sedov-leon"]
    assert [h for h in refs if fold(h).replace(" ", "") == "ld"] == ["L. D."]  # one heading for both
    # forms that file where the entry itself files are not cross-referenced, nor plurals
    assert "Sedov" not in refs and "Trotsky" not in refs and "Sedov, Sergei" not in refs
    zin = person("zinoviev", "Zinoviev, Gregory", "Gregory Zinoviev", ["Zinoviev", "Zinovievs"])
    assert "Zinovievs" not in cross_references([zin])


def small_book_with(persons: list[Person], occurrences: dict[str, list[str]]) -> Book:
    book = Book(root=ROOT, meta=BookMeta(title="T", slug="t"), chapters=[], persons=persons)
    for p in persons:
        p.occurrences = [("one", a, p.name) for a in occurrences.get(p.id, [])]
    return book


def test_print_index_merges_pages_into_ranges_and_links_them():
    a = person("a", "Alpha, Anna", "Anna Alpha", ["Anna Alpha"])
    b = person("b", "Beta, Boris", "Boris Beta", ["Boris Beta", "Borya"])
    book = small_book_with([a, b], {"a": ["x1", "x2", "x3", "x4", "x5"], "b": ["y1"]})
    page_of = {"x1": "12", "x2": "13", "x3": "14", "x4": "14", "x5": "17", "y1": "iv"}
    w = Writer(book, notes="inline", href=lambda s: f"#{s}", page_of=page_of, print_edition=True)
    doc = index_doc(w)
    assert doc is not None
    entry = re.search(r'<li class="ix-entry" epub:type="index-entry" id="ix-a">.*?</li>', doc.body).group(0)
    pages = re.sub(r"<[^>]+>", "", re.search(r'<span class="ix-pages">(.*?)</span>', entry).group(1))
    assert pages == "12–14, 17"
    assert '<a class="ix-page" href="#x1">12–14</a>' in entry and 'href="#x5">17</a>' in entry
    assert re.search(r'id="ix-b">.*?>iv</a>', doc.body)
    xref = re.search(r'<li class="ix-entry ix-xref"[^>]*>.*?</li>', doc.body).group(0)
    assert "Borya" in xref and 'epub:type="index-xref-preferred"' in xref and 'href="#ix-b"' in xref
    # groups by letter, in order
    assert [g for g in re.findall(r'<h2 id="index-(\w+)-h">', doc.body)] == ["a", "b"]


# -- the real edition -----------------------------------------------------------------

def real_book() -> Book:
    return load_book(ROOT, Reporter())


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()


def page_body_texts(pdf: Path) -> list[str]:
    """The text of every page without its top band (running head, folio), lines kept; each page
    twice over: line-end hyphens joined ("Se-\\ndov" -> "Sedov") and kept ("Antonov-\\nOvseenko")."""
    import pypdf

    reader = pypdf.PdfReader(str(pdf))
    out = []
    for page in reader.pages:
        lines: dict[float, list[tuple[float, str]]] = {}

        last: list[float] = []  # the line of the last run kept

        def visit(text, cm, tm, font, size, lines=lines, last=last):
            # tm[5]: CSS px from the top; the running head and folio sit at ~37 px.  A run of
            # only ° or figures (the glossary's mark, a note call) is raised off the line: it
            # stands as a space in the line it interrupts ("Seva" call "were" is "Seva were")
            if not text or tm[5] < 55:
                return
            if re.fullmatch(r"[°\d\s]+", text):
                if last:
                    lines[last[0]].append((tm[4], " "))
                return
            key = round(tm[5])
            lines.setdefault(key, []).append((tm[4], text))
            last[:] = [key]

        page.extract_text(visitor_text=visit)
        # runs of one line are joined as they come, except that a run opening with a capital
        # right after a letter gets a space: pypdf may drop the space before a name set as its
        # own run ("Social-Revolutionaries" + "Karelin")
        body = "\n".join(re.sub(r"(?<=[^\W\d_])\x01(?=[A-ZÀ-Ý])", " ", "\x01".join(t for _, t in line)).replace("\x01", "")
                         for _, line in sorted(lines.items()))
        joined = re.sub(r"(\w)[-\u00ad]\s*\n\s*(\w)", r"\1\2", body)
        kept = re.sub(r"-\s*\n\s*", "-", body)
        out.append(norm(joined) + " \x00 " + norm(kept))
    return out


def folio_to_index(folio: str, front: int) -> int:
    if folio.isdigit():
        return front + int(folio) - 1
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    total = 0
    for i, c in enumerate(folio):
        v = values[c]
        total += -v if i + 1 < len(folio) and values[folio[i + 1]] > v else v
    return total - 1


def expand(pages: str) -> list[str]:
    out: list[str] = []
    for part in pages.split(","):
        part = part.strip()
        if "–" in part:
            a, b = part.split("–")
            if a.isdigit() and b.isdigit():
                out += [str(n) for n in range(int(a), int(b) + 1)]
                continue
            out += [a, b]
        elif part:
            out.append(part)
    return out


def names_of(p: Person) -> list[str]:
    return [norm(f) for f in [p.name, *p.forms, *p.ambiguous]]


def appears(names: list[str], text: str) -> bool:
    low = text.casefold()
    for n in names:
        pat = r"(?<!\w)" + re.escape(n.casefold()).replace(r"\ ", r"\s*") + r"(?!\w)"
        if re.search(pat, low):
            return True
    return False


def carried_over(names: list[str], page: str, next_page: str) -> bool:
    """A name parted by the page turn ("... murdered Ignace" / "Reiss, ..."): its first words
    on the page, the rest opening the next page's text. The index cites the page where the
    name begins."""
    opening = next_page.split(" \x00 ")[0]
    for n in names:
        words = n.split()
        for k in range(1, len(words)):
            if appears([" ".join(words[:k])], page) and \
                    re.match(re.escape(" ".join(words[k:]).casefold()) + r"(?!\w)", opening.casefold()):
                return True
    return False


@pytest.fixture(scope="module")
def pdf_pages(edition_build):
    return page_body_texts(edition_build["pdf"])


def index_pages(reader, texts: list[str]) -> tuple[int, int]:
    """First and past-the-last page of the index: from its heading to the next document (the
    back matter may go on after it)."""
    start = next(i for i, t in enumerate(texts) if t.lstrip().startswith("Index of Names"))
    dests = reader.named_destinations
    starts = sorted(reader.get_destination_page_number(dests[n]) for n in dests
                    if n.startswith("ch-") or n in ("glossary", "persons", "textual-notes", "sources"))
    return start, next((s for s in starts if s > start), len(texts))


@pytest.fixture(scope="module")
def pdf_index_text(edition_build, edition_pdf_texts):
    import pypdf

    reader = pypdf.PdfReader(str(edition_build["pdf"]))
    texts = [t or "" for t in edition_pdf_texts]
    start, end = index_pages(reader, texts)
    # running heads ("160 The Persecution of …", "Index of Names 163") are not index text: a
    # cross-reference ending a page ("see Sedov, Leon") must not run on into the next folio
    title = re.escape(real_book().meta.title)
    head = re.compile(rf"^\s*(?:[0-9ivxlc]+\s+{title}|(?:{title}|Index of Names)\s+[0-9ivxlc]+)\s*$", re.M)
    raw = "\n".join(head.sub("", t) for t in texts[start:end])
    joined = re.sub(r"([–-])\s*\n\s*", r"\1", raw)  # a range or a name broken at a line end
    return norm(joined.replace("\n", " ")), start, end


def test_pdf_index_pages_name_the_person(edition_build, pdf_pages, pdf_index_text):
    import pypdf

    book = real_book()
    text, index_start, index_end = pdf_index_text
    reader = pypdf.PdfReader(str(edition_build["pdf"]))
    dests = reader.named_destinations
    first_body = next(ch for ch in book.chapters if ch.meta.role == "body")
    front = reader.get_destination_page_number(dests[first_body.anchor])
    verified, failures, cited = 0, [], 0
    for p in book.persons:
        if not p.occurrences:
            continue
        m = re.search(re.escape(norm(p.sort_name)) + r"(?: \([^)]*\))? "
                      r"((?:[0-9ivxlc]+(?:–[0-9ivxlc]+)?)(?:, [0-9ivxlc]+(?:–[0-9ivxlc]+)?)*)(?![\w–])", text)
        if not m:
            failures.append(f"{p.sort_name}: no entry with page numbers in the PDF index")
            continue
        ok = True
        for folio in expand(m.group(1)):
            idx = folio_to_index(folio, front)
            cited += 1
            if not 0 <= idx < len(pdf_pages) or index_start <= idx < index_end \
                    or not (appears(names_of(p), pdf_pages[idx])
                            or idx + 1 < len(pdf_pages)
                            and carried_over(names_of(p), pdf_pages[idx], pdf_pages[idx + 1])):
                ok = False
                failures.append(f"{p.sort_name}: page {folio} (PDF page {idx + 1}) does not name the person")
        verified += ok
    assert not failures, "\n".join(failures[:40])
    assert verified >= 80, verified
    assert cited >= 500, cited
    print(f"PDF index: {verified} persons, {cited} cited pages checked")


def test_pdf_index_has_cross_references_and_ranges(pdf_index_text):
    text, _, _ = pdf_index_text
    assert "Lyova see Sedov, Leon" in text
    assert "Jacson see Mercader, Ramon" in text
    assert "Old Man, the see Trotsky, Leon" in text
    assert re.search(r"Sedoff see Sedov, Leon; Sedov, Sergei", text) or "Sedoff see Sedov, Leon" in text
    assert re.search(r"Sedov, Leon \(1906–1938\) [^A-Z]*\d+–\d+", text)  # a merged range


@pytest.fixture(scope="module")
def epub_files(edition_build) -> dict[str, bytes]:
    z = zipfile.ZipFile(edition_build["epub"])
    return {n: z.read(n) for n in z.namelist()}


def element_text(el) -> str:
    return norm("".join(el.itertext()))


def test_epub_index_links_land_on_the_names(epub_files):
    book = real_book()
    by_sort = {norm(p.sort_name): p for p in book.persons}
    index = ET.fromstring(epub_files["EPUB/index.xhtml"])
    body = index.find(f"{XHTML}body")
    assert body.get(EPUB_TYPE) == "backmatter"  # the index is the section (Ace: no role on body)
    section = body.find(f"{XHTML}section")
    assert section.get(EPUB_TYPE) == "index" and section.get("role") == "doc-index"
    docs: dict[str, dict[str, ET.Element]] = {}

    def target(href: str) -> ET.Element | None:
        name, _, frag = href.partition("#")
        if name not in docs:
            tree = ET.fromstring(epub_files[f"EPUB/{name}"])
            docs[name] = {e.get("id"): e for e in tree.iter() if e.get("id")}
        return docs[name].get(frag)

    checked_people, links, failures = 0, 0, []
    for li in index.iter(f"{XHTML}li"):
        if li.get(EPUB_TYPE) != "index-entry" or "ix-xref" in (li.get("class") or ""):
            continue
        term = next(e for e in li if e.get(EPUB_TYPE) == "index-term")
        p = by_sort[element_text(term)]
        locators = [a for a in li.iter(f"{XHTML}a") if a.get(EPUB_TYPE) == "index-locator"]
        # one locator per printed page with mentions (the first there), or one per mention
        anchors = [f"{slug}.xhtml#{a}" for slug, a, _ in p.occurrences]
        assert locators and len(locators) <= len(anchors), p.id
        assert all(a.get("href") in anchors for a in locators), p.id
        for a in locators:
            el = target(a.get("href"))
            links += 1
            if el is None or not appears(names_of(p), element_text(el)):
                failures.append(f"{p.id}: {a.get('href')} -> {None if el is None else element_text(el)!r}")
        checked_people += 1
    assert not failures, failures[:20]
    assert checked_people >= 80 and links >= 800  # one per printed page with mentions
    # cross-references point at entries of the index
    ids = {e.get("id") for e in index.iter() if e.get("id")}
    xrefs = [a.get("href") for span in index.iter(f"{XHTML}span")
             if span.get(EPUB_TYPE) == "index-xref-preferred" for a in span.iter(f"{XHTML}a")]
    assert len(xrefs) >= 50 and all(h.startswith("#") and h[1:] in ids for h in xrefs)


def test_epub_register_links_to_index_and_text(epub_files):
    reg = ET.fromstring(epub_files["EPUB/persons.xhtml"])
    index_ids = {e.get("id") for e in ET.fromstring(epub_files["EPUB/index.xhtml"]).iter() if e.get("id")}
    dts = [dt for dt in reg.iter(f"{XHTML}dt")]
    assert len(dts) >= 80
    for dt in dts:
        a = dt.find(f"{XHTML}a")
        assert a is not None and a.get("href").split("#")[1] in index_ids
    text = element_text(reg)
    assert re.search(r"Lyova \(in The Exile\b", text), text[:300]
    assert "SERGEI—Leon's brother, Trotsky's youngest son." in text  # the pamphlet's entry, verbatim
    opf = epub_files["EPUB/content.opf"].decode()
    item = re.search(r'<item href="index.xhtml"[^>]*/>', opf).group(0)
    assert 'properties="index"' not in item  # see render/index.py add_index_items (Ace)
    nav = epub_files["EPUB/nav.xhtml"].decode()
    assert re.search(r'<a epub:type="index" href="index.xhtml">', nav)


def test_epubcheck_accepts_the_index(edition_epubcheck):
    msgs = [m for m in edition_epubcheck.get("messages", [])
            if any("index.xhtml" in (loc.get("path") or "") or "persons.xhtml" in (loc.get("path") or "")
                   for loc in m.get("locations", []))]
    assert msgs == []
    assert edition_epubcheck["checker"]["nError"] == 0 and edition_epubcheck["checker"]["nFatal"] == 0


def test_pamphlet_glossary_person_entries_are_in_the_register():
    from ruamel.yaml import YAML

    export = YAML(typ="safe").load((ROOT / "sources/pamphlet-glossary.yaml").read_text(encoding="utf-8"))
    entries = export if isinstance(export, list) else export.get("entries", export)
    persons = [e for e in entries if e.get("person")]
    assert len(persons) >= 3
    book = real_book()
    kept = {p.glossary_entry["headword"]: p.glossary_entry["text"] for p in book.persons if p.glossary_entry}
    for e in persons:
        assert kept.get(e["headword"]) == e["text"], e["headword"]
