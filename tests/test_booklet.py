"""Booklets (render/booklet.py, ``edition build booklet``): the imposed file read back.

A synthetic PDF (made with WeasyPrint) stamps a marker "PAGE-n" on each page; the booklet
is read with pdfplumber and each marker located on its half of its side of its sheet.
The reading order is then found by folding the sheets on paper (in the test, independent
of the imposition's formula): it must be 1, 2, 3 … with the blanks at the end.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from edition.render.booklet import MM, BookletError, build_booklet, impose, split_signatures

A4_LANDSCAPE = (297 * MM, 210 * MM)
MARK = re.compile(r"PAGE-(\d+)")


def synthetic_pdf(pages: int, size: str = "148mm 210mm") -> bytes:
    """``pages`` pages, each with its marker at the top left of the text block."""
    from weasyprint import HTML

    body = "".join(f'<p style="break-after: page">PAGE-{n}</p>' for n in range(1, pages + 1))
    html = (f"<html><head><style>@page {{ size: {size}; margin: 20mm }} "
            f"body, p {{ margin: 0 }} p {{ font: 14pt sans-serif }}</style></head><body>{body}</body></html>")
    return HTML(string=html).write_pdf()


def read_sides(data: bytes) -> list[dict]:
    """For each side of the booklet: its size and the marker (page number) on each half,
    with the marker's x in pt."""
    import io

    import pdfplumber

    sides = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            side: dict = {"size": (float(page.width), float(page.height)), "left": None, "right": None}
            for w in page.extract_words():
                m = MARK.fullmatch(w["text"])
                if m:
                    half = "left" if w["x0"] < page.width / 2 else "right"
                    assert side[half] is None, "two pages on one half"
                    side[half] = (int(m.group(1)), w["x0"])
            sides.append(side)
    return sides


def fold(sides: list[dict], signatures: list[int]) -> list[int | None]:
    """The page numbers of a folded, gathered booklet in reading order.  Sheets printed on
    both sides (flip on the short edge), each signature's sheets stacked, first sheet
    outermost, folded in half: read the right half of each front going in, then the
    right half of the back of the innermost sheet out again … """
    order: list[int | None] = []
    sheet = 0
    for n in signatures:
        sig = [(sides[2 * (sheet + j)], sides[2 * (sheet + j) + 1]) for j in range(n)]
        for front, back in sig:  # the first half of the signature: going in
            order += [_num(front["right"]), _num(back["left"])]
        for front, back in reversed(sig):  # the second half: coming out
            order += [_num(back["right"]), _num(front["left"])]
        sheet += n
    return order


def _num(half) -> int | None:
    return half[0] if half else None


@pytest.mark.parametrize("pages,signature", [(1, 10), (8, 10), (13, 10), (40, 10), (41, 10),
                                             (90, 4), (30, 1)])
def test_folded_booklet_reads_in_order(pages, signature):
    data, imp = build_booklet(synthetic_pdf(pages), signature=signature)
    sides = read_sides(data)
    sheets = -(-pages // 4)
    assert len(sides) == 2 * sheets  # two sides a sheet, no more sheets than needed
    for s in sides:  # A5 pages on A4 landscape
        assert abs(s["size"][0] - A4_LANDSCAPE[0]) < 0.5 and abs(s["size"][1] - A4_LANDSCAPE[1]) < 0.5
    assert imp.signatures == split_signatures(sheets, signature)
    assert max(imp.signatures) <= signature and sum(imp.signatures) == sheets
    order = fold(sides, imp.signatures)
    blanks = 4 * sheets - pages
    assert order == list(range(1, pages + 1)) + [None] * blanks  # every page once, blanks last
    assert imp.blanks == blanks


def test_signatures_are_even_and_bounded():
    assert split_signatures(41, 10) == [9, 8, 8, 8, 8]  # no lone sheet at the end
    assert split_signatures(10, 10) == [10]
    assert split_signatures(11, 10) == [6, 5]
    assert split_signatures(3, 1) == [1, 1, 1]


def test_pages_sit_against_the_fold():
    data, _ = build_booklet(synthetic_pdf(4))
    sides = read_sides(data)
    # front: page 4 on the left, page 1 on the right; the markers sit 20 mm inside each page
    fold_x = A4_LANDSCAPE[0] / 2
    assert sides[0]["right"][0] == 1 and abs(sides[0]["right"][1] - (fold_x + 20 * MM)) < 1
    assert sides[0]["left"][0] == 4 and abs(sides[0]["left"][1] - (fold_x - 148 * MM + 20 * MM)) < 1


def test_creep_moves_inner_sheets_towards_the_fold():
    pdf = synthetic_pdf(16)  # one signature of 4 sheets
    plain = read_sides(build_booklet(pdf, signature=4)[0])
    crept = read_sides(build_booklet(pdf, signature=4, creep_mm=1.5)[0])
    for i, (a, b) in enumerate(zip(plain, crept, strict=True)):
        sheet = i // 2
        expected = 1.5 * MM * sheet / 3  # outermost 0, innermost 1.5 mm
        for half, sign in (("left", 1), ("right", -1)):  # towards the fold: left moves right
            assert a[half][0] == b[half][0]  # the same page
            assert abs((b[half][1] - a[half][1]) - sign * expected) < 0.05, (i, half)
    # negative creep moves them away from the fold
    out = read_sides(build_booklet(pdf, signature=4, creep_mm=-1.5)[0])
    assert abs((out[6]["right"][1] - plain[6]["right"][1]) - 1.5 * MM) < 0.05


@pytest.mark.parametrize("size,sheet", [("139.7mm 215.9mm", (279.4, 215.9)),  # half-letter on Letter
                                        ("215.9mm 279.4mm", (431.8, 279.4)),  # Letter on 11 × 17
                                        ("210mm 297mm", (420, 297))])  # A4 on A3
def test_sheet_sizes(size, sheet):
    data, imp = build_booklet(synthetic_pdf(4, size))
    sides = read_sides(data)
    for s in sides:
        assert abs(s["size"][0] - sheet[0] * MM) < 0.5 and abs(s["size"][1] - sheet[1] * MM) < 0.5
    assert fold(sides, imp.signatures) == [1, 2, 3, 4]


def test_impose_refuses_nonsense():
    with pytest.raises(BookletError):
        impose(0)
    with pytest.raises(BookletError):
        impose(8, signature=0)
    with pytest.raises(BookletError):
        impose(8, creep_mm=25)
    with pytest.raises(BookletError):
        impose(8, creep_mm=float("nan"))
    with pytest.raises(BookletError):
        build_booklet(b"not a pdf")


def test_same_pdf_same_booklet():
    pdf = synthetic_pdf(10)
    assert build_booklet(pdf, creep_mm=0.5)[0] == build_booklet(pdf, creep_mm=0.5)[0]


# -- end to end: the example book ------------------------------------------------------------
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "small-reader"


@pytest.fixture(scope="module")
def example(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("booklet") / "book"
    shutil.copytree(EXAMPLE, root)
    return root


def _run(root: Path, *args: str):
    import os
    import subprocess
    import sys

    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    return subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=900)


def test_build_booklet_carries_the_editions_pages(example):
    import io

    import pdfplumber

    proc = _run(example, "build", "booklet", "--signature", "2")
    assert proc.returncode == 0, proc.stderr
    pdf = (example / "build" / "three-short-texts.pdf").read_bytes()
    booklet = example / "build" / "three-short-texts-booklet.pdf"
    assert "wrote" in proc.stdout and str(booklet.name) in proc.stdout
    _, imp = build_booklet(pdf, signature=2)
    with pdfplumber.open(io.BytesIO(pdf)) as src, pdfplumber.open(str(booklet)) as out:
        texts = [" ".join((p.extract_text() or "").split()) for p in src.pages]
        assert len(out.pages) == 2 * sum(imp.signatures)
        seen = []
        for slot in imp.slots:
            side = out.pages[2 * slot.sheet + (slot.side == "back")]
            w = float(side.width) / 2
            half = side.crop((0, 0, w, side.height) if slot.half == "left" else (w, 0, 2 * w, side.height))
            text = " ".join((half.extract_text() or "").split())
            if slot.page is None:
                assert text == ""
            else:
                assert text == texts[slot.page], slot  # the edition's page, its folio with it
                seen.append(slot.page)
        assert sorted(seen) == list(range(len(src.pages)))


def test_bad_signature_writes_nothing_and_keeps_the_last_booklet(example):
    booklet = example / "build" / "three-short-texts-booklet.pdf"
    proc = _run(example, "build", "booklet")
    assert proc.returncode == 0, proc.stderr
    before = booklet.read_bytes()
    proc = _run(example, "build", "booklet", "--signature", "0")
    assert proc.returncode == 1
    assert "error" in proc.stderr and "Traceback" not in proc.stderr
    assert "--signature must be at least 1" in proc.stderr
    assert booklet.read_bytes() == before
    assert not [p for p in booklet.parent.iterdir() if p.name.endswith(".tmp")]
