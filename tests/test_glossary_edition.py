"""The glossary of the real edition: content, EPUB links both ways, PDF page numbers.

The checks read the built files (XHTML parsed with lxml, text read back from the PDF with
pypdf) and find the terms with their own regular expressions, not with the linker's matcher.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from conftest import ROOT
from lxml import etree
from ruamel.yaml import YAML

from edition.project import read_book_config, read_glossary
from edition.render.glossary import sort_key
from edition.transforms.matching import _initials, normalize, proper_compound

NS = {"h": "http://www.w3.org/1999/xhtml"}
H = "{http://www.w3.org/1999/xhtml}"


def entries():
    return read_glossary(ROOT)


def slugs() -> list[str]:
    from edition.pipeline import slug_of

    return [slug_of(c) for c in read_book_config(ROOT).chapters]


def _key(headword: str) -> str:
    return re.sub(r"[^a-z0-9]", "", headword.casefold())


# -- content -----------------------------------------------------------------------------

def test_at_least_forty_entries_and_every_pamphlet_entry_verbatim():
    gl = entries()
    assert len(gl) >= 40
    assert len({e.id for e in gl}) == len(gl)
    pamphlet = YAML(typ="safe").load((ROOT / "sources" / "pamphlet-glossary.yaml").read_text())
    ours = {_key(e.headword): e for e in gl if e.source == "trotsky-1938-sedoff-pamphlet"}
    persons_text = (ROOT / "persons.yaml").read_text()
    for item in pamphlet:
        k = _key(item["headword"])
        if item["person"]:
            assert k not in ours, item["headword"]
            # the register keeps the pamphlet's text of its entries on persons
            assert normalize(item["text"][:40]) in normalize(re.sub(r"\s+", " ", persons_text)), item
            continue
        assert k in ours, f"pamphlet entry {item['headword']} missing"
        assert ours[k].definition == item["text"], item["headword"]
    assert len(ours) == sum(1 for i in pamphlet if not i["person"])


def test_forms_cover_the_spellings_named_in_the_issue():
    by_id = {e.id: set(e.forms) for e in entries()}
    assert {"GPU", "G.P.U.", "G. P. U.", "O.G.P.U.", "OGPU"} <= by_id["gpu"]
    assert {"S.R.’s", "S. R.’s", "S.R.", "Social Revolutionaries", "Socialist-Revolutionaries",
            "Left S. R.’s"} <= by_id["srs"]
    assert {"Kadets", "K.D.’s", "Constitutional Democrats"} <= by_id["kadets"]
    assert {"Thermidor", "Thermidorian", "9th of Thermidor"} <= by_id["thermidor"]


# -- EPUB ----------------------------------------------------------------------------------

def _form_re(form: str) -> re.Pattern[str]:
    f = normalize(form)
    body = r"\s+".join(re.escape(part) for part in f.split(" "))
    pre = r"(?<![\w-])" if re.match(r"\w", f) else ""
    post = r"(?![\w])(?!-\w)" if re.search(r"\w$", f) else ""
    return re.compile(pre + _initials(f, body) + post)  # no "S. R." in "U. S. S. R."


def _uses(form: str, text: str) -> bool:
    """Is the form in the text as a term (not "civil war" in "the Spanish civil war")?"""
    folded = normalize(text)
    return any(not proper_compound(folded, m.start()) for m in _form_re(form).finditer(folded))


def _drop(el) -> None:
    parent = el.getparent()
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def running_text(xhtml: bytes) -> str:
    """The chapter's text as the linker sees it: no headings, notes, other links, .nogl spans
    or names of the register (span.pn: "Mikhail Frunze" is not the town of Frunze)."""
    root = etree.fromstring(xhtml)
    body = root.find(".//h:div[@class='chapter-body']", NS)
    assert body is not None
    doomed = []
    for el in body.iter():
        cls = (el.get("class") or "").split()
        if el.tag in {H + f"h{i}" for i in range(1, 7)} or el.tag == H + "aside" \
                or (el.tag == H + "a" and not {"gl", "gl-occ"} & set(cls)) or "nogl" in cls \
                or "pn" in cls:  # the register's names: the linker does not look inside them
            doomed.append(el)
    for el in doomed:
        if el.getparent() is not None and all(a not in doomed for a in el.iterancestors()):
            _drop(el)
    return normalize(re.sub(r"\s+", " ", "".join(body.itertext())))


@pytest.fixture(scope="module")
def epub_docs(edition_build) -> dict[str, bytes]:
    with zipfile.ZipFile(edition_build["epub"]) as z:
        return {n[len("EPUB/"):]: z.read(n) for n in z.namelist() if n.endswith(".xhtml")}


def test_every_entry_is_linked_from_every_chapter_that_uses_it_and_links_back(epub_docs):
    gl = entries()
    glossary = etree.fromstring(epub_docs["glossary.xhtml"])
    problems: list[str] = []
    used_anywhere: set[str] = set()
    for slug in slugs():
        doc = epub_docs[f"{slug}.xhtml"]
        text = running_text(doc)
        tree = etree.fromstring(doc)
        ids = {el.get("id"): el for el in tree.iter() if el.get("id")}
        for e in gl:
            uses = any(_uses(f, text) for f in e.forms)
            link = tree.find(f".//h:a[@href='glossary.xhtml#gl-{e.id}']", NS)
            if uses and link is None:
                problems.append(f"{slug}: uses {e.id} but does not link it")
            if link is None:
                continue
            used_anywhere.add(e.id)
            # the glossary entry links back to this chapter, landing on an occurrence
            dd = glossary.xpath(f"//h:div[@id='gl-{e.id}']/h:dd", namespaces=NS)[0]
            backs = [a.get("href") for a in dd.findall(".//h:p[@class='gl-where']/h:a", NS)]
            mine = [h for h in backs if h.startswith(f"{slug}.xhtml#")]
            if len(mine) != 1:
                problems.append(f"{e.id}: {len(mine)} links back to {slug} ({backs})")
                continue
            target = ids.get(mine[0].split("#", 1)[1])
            if target is None:
                problems.append(f"{e.id}: link back to a missing anchor {mine[0]}")
                continue
            said = normalize(re.sub(r"\s+", " ", "".join(target.itertext())))
            if "gl" not in (target.get("class") or "") or (
                    not any(_form_re(f).fullmatch(said) for f in e.forms) and target.get("href") is None):
                problems.append(f"{e.id}: {mine[0]} lands on “{said}”, not on the term")
    assert problems == [], "\n".join(problems)
    assert used_anywhere == {e.id for e in gl}, sorted({e.id for e in gl} - used_anywhere)


@pytest.mark.parametrize("entry, chapters", [
    ("thermidor", {"exile", "sedoff"}),
    ("gpu", {"exile", "sedoff", "shachtman", "hansen", "biography"}),
    ("kadets", {"sedoff", "biography"}),
    ("srs", {"sedoff", "biography"}),
])
def test_the_issue_terms_are_linked_from_the_documents(epub_docs, entry, chapters):
    linked = {s for s in slugs() if f'href="glossary.xhtml#gl-{entry}"'.encode() in epub_docs[f"{s}.xhtml"]}
    assert chapters <= linked
    gl = epub_docs["glossary.xhtml"].decode()
    block = gl[gl.index(f'id="gl-{entry}"'):]
    block = block[:block.index("</dd>")]
    for s in chapters:
        assert f'href="{s}.xhtml#{s}-gl-{entry}-' in block


# -- PDF -------------------------------------------------------------------------------------

ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def roman_value(s: str) -> int:
    total = 0
    for i, c in enumerate(s):
        v = ROMAN[c]
        total += -v if i + 1 < len(s) and ROMAN[s[i + 1]] > v else v
    return total


FOLIO_LINE = re.compile(r"^(\d+) \S.*$|^\S.* (\d+|[ivxlc]+)$")


def body_text(page: str) -> str:
    """A page's text without its running head/foot line (pypdf gives it last)."""
    lines = page.rstrip().splitlines()
    if lines and FOLIO_LINE.match(lines[-1]):
        lines = lines[:-1]
    return "\n".join(lines)


NOTE_LINE = re.compile(r"^\d+\.\u2002")  # a footnote: its number, an en space


def without_notes(text: str) -> str:
    """A page's body text without the footnotes at its foot."""
    lines = text.splitlines()
    first = next((j for j, line in enumerate(lines) if NOTE_LINE.match(line)), len(lines))
    return "\n".join(lines[:first])


def folio_index(pages: list[str]) -> dict[str, int]:
    """Printed folio -> page index, from the running heads/feet read back from the PDF."""
    offsets: dict[int, int] = {}
    for i, t in enumerate(pages):
        last = t.strip().splitlines()[-1] if t.strip() else ""
        m = re.match(r"^(\d+) \S", last) or re.search(r"\S (\d+)$", last)
        if m:
            offsets[i - int(m.group(1))] = offsets.get(i - int(m.group(1)), 0) + 1
    front = max(offsets, key=lambda k: offsets[k])  # index of folio n is n + front
    assert offsets[front] > len(pages) // 3, offsets
    out = {str(n - front): n for n in range(front + 1, len(pages))}
    for i in range(front + 1):
        v, s = i + 1, ""
        for value, letters in ((100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"),
                               (5, "v"), (4, "iv"), (1, "i")):
            while v >= value:
                s += letters
                v -= value
        out[s] = i
    return out


def flat(text: str) -> str:
    """Undo line breaks: WeasyPrint's hyphenation (U+2010 + newline), hard hyphens at a line end."""
    text = text.replace("\u2010\n", "").replace("\u00ad\n", "").replace("-\n", "-")
    return normalize(re.sub(r"\s+", " ", text))


def flat_joined(text: str) -> str:
    """As flat, but an ASCII hyphen at a line end read as a hyphenated word ("Bul-" / "letin"):
    the print face sets WeasyPrint's hyphenation with "-", like a hard hyphen ("Antonov-" /
    "Ovseenko"), so a page is read both ways."""
    return flat(re.sub(r"(?<=\w)-\n(?=\w)", "", text))


def _broken_at_foot(form: str, page: str) -> bool:
    """Does the page end a line with the start of the form's first word, hyphenated, the rest
    on the next page after the notes ("Thermidori‐" / "an falsification")?"""
    head = form.split(" ")[0]
    return any(normalize(head[:k]) + h + "\n" in normalize(page) for k in range(4, len(head))
               for h in ("\u2010", "-"))


def expand(label: str) -> list[str]:
    if "–" in label:
        a, b = label.split("–")
        return [str(n) for n in range(int(a), int(b) + 1)]
    return [label]


def test_pdf_glossary_pages_point_at_pages_where_the_term_appears(edition_build, edition_pdf_texts):
    from pypdf import PdfReader

    reader = PdfReader(str(edition_build["pdf"]))
    pages = edition_pdf_texts
    where = folio_index(pages)
    start = next(i for i, t in enumerate(pages) if t.startswith("Glossary") and "The terms" in t[:200])
    # the glossary runs to the next document of the book (the index after it has names such
    # as "Arnot, Robin Page 133" that read like a page list)
    dests = reader.named_destinations
    starts = sorted(reader.get_destination_page_number(dests[n]) for n in dests
                    if n.startswith("ch-") or n in ("family", "persons", "index", "textual-notes", "sources"))
    end = next((s for s in starts if s > start), len(pages))
    gl_text = flat("\n".join(pages[start:end]))
    # the page lists, in the order of the entries
    lists = re.findall(r"\bPages? ((?:(?:[0-9]+(?:–[0-9]+)?|[ivxlc]+), )*(?:[0-9]+(?:–[0-9]+)?|[ivxlc]+))\b",
                       gl_text)
    gl = sorted(entries(), key=sort_key)
    assert len(lists) == len(gl), (len(lists), len(gl))
    problems = []
    checked = 0
    for e, listed in zip(gl, lists, strict=True):
        forms = [normalize(f) for f in e.forms] + [normalize(f) for f in e.explicit_only]
        for label in listed.split(", "):
            for folio in expand(label):
                i = where.get(folio)
                if i is None:
                    problems.append(f"{e.id}: page {folio} is not in the book")
                    continue
                # a term may start at the foot of the page and end on the next one, past the
                # page's footnotes ("Switzer-" / "9. Ed. The Mexican painter." / "land")
                raw = without_notes(body_text(pages[i])) + "\n" + (pages[i + 1][:80] if i + 1 < len(pages) else "")
                here, here_joined = flat(raw), flat_joined(raw)
                checked += 1
                if not any(f in here or f in here_joined or _broken_at_foot(f, pages[i]) for f in forms):
                    problems.append(f"{e.id}: page {folio} (index {i}) does not show {e.forms}")
    assert problems == [], "\n".join(problems)
    assert checked > 200


def test_pdf_marks_the_first_mention_discreetly(edition_build):
    """The mark is drawn (a small raised ring after a.gl, print.css), not a character: some
    mention of each term carries it, just right of the word and linked to its entry."""
    import pdfplumber
    from test_glossary import glossary_marks, marked

    found: dict[str, int] = {}
    terms = {"Thermidorian": ["Thermidorian", "Thermidorian falsification"], "Kadets": ["Kadets"],
             "Prinkipo": ["Prinkipo"]}
    with pdfplumber.open(edition_build["pdf"]) as pdf:
        for page in pdf.pages:
            text = page.extract_text() or ""
            wanted = [k for k in terms if k in text and k not in found]
            if not wanted:
                continue
            marks = glossary_marks(page)
            dests = [a["data"].get("Dest") or b"" for a in page.annots]
            for k in wanted:
                if any(marked(h, marks) for form in terms[k] for h in page.search(form)):
                    assert any(d.startswith(b"gl-") for d in dests), (k, page.page_number)
                    found[k] = page.page_number
            if len(found) == len(terms):
                break
    assert sorted(found) == sorted(terms), found

