"""The print edition's page numbers inside the EPUB (page-list and page-break markers).

Every fact is read from the two built files: the words after marker N in the EPUB's
XHTML are compared with the first words of the main text of page N of the PDF, read
back with pdfplumber (running heads and folios in the top margin left out, and glyphs
smaller than the page's text: note calls, the glossary's °, footnotes).
"""

from __future__ import annotations

import html
import re
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import SmallBook, epubcheck_messages
from test_pdf_read import Page, folio

HEAD_BAND = 13  # mm below the trim edge: running head and folio sit above (as in test_pdf.py)
K = 5  # words compared at each page break
MARKER = re.compile(r'<span epub:type="pagebreak" role="doc-pagebreak" id="page-([^"]+)" '
                    r'aria-label="([^"]+)"/>')
HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character: a word broken at a line end
WORD = re.compile(r"[^\W_]+")


# Page numbers exist in print only ("Pages 3, 25", "57–58", "(p. 42)"); the EPUB links
# instead.  Such words are dropped on both sides: numbers, roman numerals, p., pp., page(s).
PAGE_WORD = re.compile(r"\d+|[ivxlc]+|pp?|pages?")


def tokens(text: str) -> list[str]:
    return [w for w in WORD.findall(unicodedata.normalize("NFKC", text).casefold())
            if not PAGE_WORD.fullmatch(w)]


# -- the PDF -----------------------------------------------------------------------

def main_lines(page: Page) -> list[str]:
    """The lines of the page's text below the running head, in the main text's size."""
    chars = page.body_chars(HEAD_BAND)
    if not chars:
        return []
    sizes = Counter(round(c["size"], 1) for c in chars)
    main = sizes.most_common(1)[0][0]
    chars = [c for c in chars if c["size"] >= 0.8 * main]  # note calls, ° marks, footnotes
    return page.lines(chars)


def joined(lines: list[str]) -> str:
    """Lines joined into running text: a word hyphenated at a line end is made whole."""
    out = ""
    for line in lines:
        if out.endswith(HYPHEN):
            out = out[:-1] + line
        elif out.endswith(("-", "\u2013", "\u2014")):
            out += line
        else:
            out += (" " if out else "") + line
    return out


@pytest.fixture(scope="module")
def pdf_pages(edition_pdf_pages) -> list[Page]:
    return edition_pdf_pages


# -- the EPUB ----------------------------------------------------------------------

_NOTEREF = re.compile(r'<a class="noteref[^"]*"[^>]*>.*?</a>', re.S)
# what only the EPUB has: the notes (printed at the foot of the page), and the links back
# to the text where the print edition's glossary, register and index give page numbers
_EPUB_ONLY = re.compile(r'<section class="notes".*?</section>|<p class="(?:gl|pn)-where">.*?</p>'
                        r'|<ul class="ix-locators".*?</ul>', re.S)
LINK = re.compile(r'\s*<a\b[^>]*>(.*?)</a>', re.S)
_BLOCK = re.compile(r"</?(?:p|h[1-6]|li|dt|dd|div|section|header|nav|aside|blockquote|ol|ul|dl|br)\b[^>]*>")


# a drawing (the family tree): its <title>/<desc> are the EPUB's words for it, its labels are
# set in the PDF in the drawing's order, not a reading order; the words compared stop at it
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
FIGURE_STOP = "\x02"


def visible(xhtml: str) -> str:
    text = SVG.sub(f" {FIGURE_STOP} ", xhtml)
    text = _NOTEREF.sub("", _EPUB_ONLY.sub(" ", text))
    text = _BLOCK.sub(" ", text)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)


@pytest.fixture(scope="module")
def epub_markers(edition_build) -> dict[str, dict]:
    """label -> {file, order, after: the text after the marker, to the document's end}."""
    out: dict[str, dict] = {}
    with zipfile.ZipFile(edition_build["epub"]) as z:
        opf = z.read("EPUB/content.opf").decode()
        spine = re.findall(r'<itemref idref="([^"]+)"', opf)
        files = {m.group(1): m.group(2) for m in re.finditer(r'<item[^>]* id="([^"]+)"[^>]* href="([^"]+)"', opf)}
        files.update({m.group(2): m.group(1) for m in re.finditer(r'<item[^>]* href="([^"]+)"[^>]* id="([^"]+)"', opf)})
        order = 0
        for idref in spine:
            name = files[idref]
            doc = z.read(f"EPUB/{name}").decode()
            for m in MARKER.finditer(doc):
                link = LINK.match(doc, m.end())  # a page that begins inside a link
                nxt = doc.find('<li class="ix-entry', m.end())  # (index of names)
                entry = doc[m.end():nxt if nxt > 0 else len(doc)]
                out[m.group(1)] = {"file": name, "order": order, "label": m.group(2),
                                   "after": visible(doc[m.end():]),
                                   "link": len(tokens(visible(link.group(1)))) if link else 0,
                                   "entry": len(tokens(visible(entry)))}
                order += 1
    return out


@pytest.fixture(scope="module")
def epub_files(edition_build) -> dict[str, str]:
    with zipfile.ZipFile(edition_build["epub"]) as z:
        return {n: z.read(n).decode() for n in z.namelist() if n.endswith((".xhtml", ".opf"))}


# -- the comparison ----------------------------------------------------------------

def compare(e: list[str], p: list[str], prev_hyphen: bool, link: int = 0) -> str | None:
    """How the EPUB's words ``e`` after a marker match the page's words ``p``: "exact",
    "fragment-before"/"fragment-after" (the page begins with the end of a word
    hyphenated across the break, and the marker is before or after that word), "link"
    (the page begins inside a link of ``link`` words, and the marker stands before the
    link: the first words of the page are the link's last ones), or None."""
    k = min(K, len(p))
    if e[:k] == p[:k]:
        return "exact"
    if any(e[j:j + k] == p[:k] for j in range(1, link)):
        return "link"
    if prev_hyphen and p and e and e[0].endswith(p[0]) and e[1:k] == p[1:k]:
        return "fragment-before"
    # the previous page's text may end with its notes, not with the hyphen: four or more
    # words in order after the fragment say the same
    if (prev_hyphen or k - 1 >= 4) and e[:k - 1] == p[1:k]:
        return "fragment-after"
    return None


def test_every_page_break_matches_the_pdf(edition_build, pdf_pages, epub_markers, epub_files):
    pages = pdf_pages
    assert len(epub_markers) == len(pages), "one marker for every page of the PDF"
    nav_words = set(tokens(visible(epub_files["EPUB/nav.xhtml"])))
    kinds: Counter[str] = Counter()
    failures = []
    index_misplaced: list[str] = []
    prev_hyphen = False
    for page in pages:
        lines = main_lines(page)
        text = joined(lines)
        label = folio(page, HEAD_BAND)
        # the marker's label: the printed folio where the page prints one
        labels = [lab for lab, m in epub_markers.items() if m["order"] == page.index]
        assert labels, f"no marker for physical page {page.number}"
        mark = labels[0]
        if label is not None:
            assert mark == label, f"page {page.number}: marker {mark}, folio {label}"
        p = tokens(text)
        if not p:
            kinds["blank"] += 1
            continue
        if len(set(p) - nav_words) <= len(set(p)) // 8:  # a page of the print contents:
            # titles and page numbers (and the documents' authors, #29)
            kinds["contents"] += 1
            continue
        if epub_markers[mark]["file"] == "textual-notes.xhtml":
            # each correction there begins with its place: "p. 12" in print, a link "in the
            # text" in the e-book (#29), so the words after a marker differ by design
            kinds["textual-notes"] += 1
            continue
        after = epub_markers[mark]["after"]
        e = tokens(after)[:2 * K]
        if FIGURE_STOP in after:
            before_figure = tokens(after.split(FIGURE_STOP)[0])
            if len(before_figure) < len(e):  # a drawing soon after the marker: the words before it
                if len(before_figure) < 2:  # a page that opens with a drawing (the family tree,
                    kinds["drawing"] += 1  # turned a quarter to keep its names at 7 pt, #32)
                    continue
                e, p = before_figure, p[:len(before_figure)]
        if epub_markers[mark]["file"] == "index.xhtml":
            # the print index also lists names found only in the notes, so the entries
            # after the first may differ: compare the words of the page's first entry
            e = e[:max(2, epub_markers[mark]["entry"])]
            p = p[:len(e)]
        how = compare(e, p, prev_hyphen, epub_markers[mark]["link"])
        if how is None and epub_markers[mark]["file"] == "index.xhtml" and e[:1] == p[:1]:
            how = "index-first-word"  # KNOWN (docs/status.md): since the index is one flow
        if how is None and epub_markers[mark]["file"] == "index.xhtml":  # (#32) a marker there
            index_misplaced.append(f"page {mark}: EPUB {' '.join(e[:K])!r} / PDF {' '.join(p[:K])!r}")
            continue  # may stand an entry or a letter away from the page's first one
        if how is None:
            failures.append(f"page {mark} (p. {page.number}): EPUB {' '.join(e[:K])!r} / "
                            f"PDF {' '.join(p[:K])!r}")
        else:
            kinds[how] += 1
        prev_hyphen = text.endswith((HYPHEN, "-"))
    print(f"\npage breaks: {len(pages)} pages, {dict(kinds)}, {len(failures)} failing")
    assert not failures, "\n".join(failures)
    assert len(index_misplaced) <= 2, index_misplaced  # the known defect, bounded
    assert kinds["exact"] > len(pages) // 2
    assert kinds["drawing"] <= 1, "only the family tree opens a page with a drawing"


def test_page_list_and_metadata(edition_build, epub_markers, epub_files):
    nav = epub_files["EPUB/nav.xhtml"]
    m = re.search(r'<nav epub:type="page-list"[^>]*>(.*?)</nav>', nav, re.S)
    assert m, "nav.xhtml has a page-list"
    entries = re.findall(r'<a href="([^"#]+)#page-([^"]+)">([^<]+)</a>', m.group(1))
    assert [lab for _, lab, _ in entries] == sorted(epub_markers, key=lambda k: epub_markers[k]["order"])
    for file, lab, text in entries:
        assert text == lab and epub_markers[lab]["file"] == file
    opf = epub_files["EPUB/content.opf"]
    source = re.search(r'<meta property="pageBreakSource">([^<]+)</meta>', opf)
    assert source and "print edition (PDF, A5" in source.group(1)
    assert '<meta property="schema:accessibilityFeature">printPageNumbers</meta>' in opf
    roman = [lab for lab in epub_markers if not lab.isdigit()]
    assert roman and all(re.fullmatch(r"[ivxlc]+", r) for r in roman), "front matter in roman"
    assert "1" in epub_markers


def test_markers_stand_outside_links(epub_files):
    for name, doc in epub_files.items():
        for m in MARKER.finditer(doc):
            before = doc[:m.start()]
            assert before.count("<a ") == before.count("</a>"), (name, m.group(1))


def test_epubcheck_clean(edition_epubcheck):
    """EPUBCheck (-u) on the real edition, page list and all: the run the whole suite shares."""
    assert epubcheck_messages(edition_epubcheck) == []


SMALL = """\
First paragraph of a text long enough to fill more than one page of the small book.

""" + "\n\n".join(f"Paragraph {n}: " + "A line of words about the exile and the years after it. " * 9
                  for n in range(2, 40))


def _has_page_list(epub: Path) -> bool:
    with zipfile.ZipFile(epub) as z:
        return 'epub:type="page-list"' in z.read("EPUB/nav.xhtml").decode()


def test_page_map_follows_the_inputs(small_book: SmallBook):
    """EPUB alone: no page list; the PDF adds one to the EPUB beside it; a changed input
    makes the cached page map stale, and the next EPUB-only build has none."""
    b = small_book
    b.book(["01-text.md"])
    b.chapter("01-text.md", "The Text", SMALL, author="Someone")
    epub = b.root / "build" / "small-book.epub"
    assert b.run("build", "epub").returncode == 0
    assert not _has_page_list(epub)
    r = b.run("build", "pdf")
    assert r.returncode == 0, r.stderr
    assert (b.root / "build" / ".pagemap.json").is_file() and _has_page_list(epub)
    assert b.run("build", "epub").returncode == 0 and _has_page_list(epub)
    b.chapter("01-text.md", "The Text", SMALL + "\n\nOne more paragraph.\n", author="Someone")
    assert b.run("build", "epub").returncode == 0
    assert not _has_page_list(epub)
    assert b.run("build", "all").returncode == 0 and _has_page_list(epub)
    made = epub.read_bytes()
    assert b.run("build", "epub", "--force").returncode == 0  # from the cached page map
    assert epub.read_bytes() == made
    (b.root / "build" / ".pagemap.json").unlink()  # the PDF is current but its map is gone:
    epub.unlink()  # `build all` lays the PDF out again rather than lose the page list
    r = b.run("build", "all")
    assert r.returncode == 0 and "small-book.pdf" in r.stdout and epub.read_bytes() == made
