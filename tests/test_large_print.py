"""Large print (``--profile large-print``, styles/large-print.css layered after print.css):
the type sizes read back from the PDF, and the printed page numbers (contents, glossary
page references, page labels) checked against the pages where the words really fall."""

from __future__ import annotations

import collections
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "small-reader"


def _run(root: Path, *args: str):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    return subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=900)


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("large") / "book"
    shutil.copytree(EXAMPLE, root)
    for args in (("build", "pdf"), ("build", "pdf", "--profile", "large-print"),
                 ("build", "booklet", "--profile", "large-print")):
        proc = _run(root, *args)
        assert proc.returncode == 0, proc.stderr
    return root


def _pages(path: Path) -> tuple[list[str], list[str]]:
    """(page label, text with line-end hyphens joined) of every page."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    texts = [re.sub(r"-\n", "", p.extract_text() or "") for p in reader.pages]
    return list(reader.page_labels), [" ".join(t.split()) for t in texts]


def _sizes(path: Path, body_only: bool = False) -> collections.Counter:
    """Type sizes of the characters set (of the documents' pages only: from page 1 to the
    back matter, which this small book's glossary and notes outweigh)."""
    import pdfplumber

    labels, texts = _pages(path)
    first = labels.index("1")
    end = next(i for i, t in enumerate(texts) if t.startswith("Glossary"))
    with pdfplumber.open(str(path)) as pdf:
        pages = pdf.pages[first:end] if body_only else pdf.pages
        return collections.Counter(round(c["size"], 1) for p in pages for c in p.chars
                                   if c["text"].strip())


def test_type_sizes(book):
    assert _sizes(book / "build" / "three-short-texts-large-print.pdf", True).most_common(1)[0][0] == 16.0
    sizes = _sizes(book / "build" / "three-short-texts-large-print.pdf")
    total = sum(sizes.values())
    small = sum(n for s, n in sizes.items() if s < 14)
    assert small / total < 0.01, sizes  # only the raised note calls are under 14 pt
    plain = _sizes(book / "build" / "three-short-texts.pdf", True)
    assert plain.most_common(1)[0][0] <= 11  # the ordinary edition is untouched (11 pt on A5)


def test_line_length_and_leading(book):
    import pdfplumber

    with pdfplumber.open(str(book / "build" / "three-short-texts-large-print.pdf")) as pdf:
        lengths, gaps = [], []
        for page in pdf.pages:
            body = [c for c in page.chars if round(c["size"], 1) == 16.0]
            lines = collections.defaultdict(list)
            for c in body:
                lines[round(c["bottom"])].append(c)
            ys = sorted(lines)
            lengths += [len(lines[y]) for y in ys if len(lines[y]) > 30]
            gaps += [b - a for a, b in zip(ys, ys[1:], strict=False) if 20 < b - a < 26]
    assert 40 <= statistics.median(lengths) <= 65  # characters a line, spaces aside
    assert abs(statistics.median(gaps) - 16 * 1.45) < 0.6  # the leading: 1.45


def test_page_numbers_follow_the_large_print_pages(book):
    labels, texts = _pages(book / "build" / "three-short-texts-large-print.pdf")
    page_of = {label: i for i, label in enumerate(labels)}
    contents = next(t for t in texts if t.startswith("Contents"))
    entries = re.findall(r"([A-Z][A-Za-z .’']+?)\s*(?:\. ?)+\s*([ivxlc]+|\d+)\b", contents)
    assert len(entries) >= 6, contents
    for title, folio in entries:
        title = title.strip(" .")
        page = texts[page_of[folio]]
        assert title.split()[-1] in page, (title, folio)  # the chapter begins on that page
    glossary = next(t for t in texts if t.startswith("Glossary"))
    refs = re.findall(r"(Aquitani|Belgae)\b.*?Pages? (\d+)(?:–(\d+))?", glossary)
    assert len(refs) == 2, glossary
    for word, first, last in refs:
        for folio in {first, last or first}:
            assert word in texts[page_of[folio]], (word, folio)
    # and they are not the ordinary edition's numbers
    _, plain = _pages(book / "build" / "three-short-texts.pdf")
    plain_contents = next(t for t in plain if t.startswith("Contents"))
    assert plain_contents != contents


def test_booklet_follows_the_large_print_pages(book):
    from pypdf import PdfReader

    lp = PdfReader(str(book / "build" / "three-short-texts-large-print.pdf"))
    booklet = PdfReader(str(book / "build" / "three-short-texts-large-print-booklet.pdf"))
    assert len(booklet.pages) == 2 * -(-len(lp.pages) // 4)


def test_a4_large_print(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(EXAMPLE, root)
    proc = _run(root, "build", "pdf", "--page-size", "A4", "--profile", "large-print")
    assert proc.returncode == 0, proc.stderr
    sizes = _sizes(root / "build" / "three-short-texts-large-print.pdf", True)
    assert sizes.most_common(1)[0][0] == 18.0


def test_profile_refused_for_the_ebooks(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(EXAMPLE, root)
    proc = _run(root, "build", "epub", "--profile", "large-print")
    assert proc.returncode == 2 and "--profile makes a print PDF" in proc.stderr
