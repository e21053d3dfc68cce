"""The printed cover (render/print_cover.py, ``edition build cover``): its geometry read back
against the formula, where the spine text sits and which way it runs, the barcode box, the
back text, and the editor's own front image."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from edition.render.print_cover import (
    BARCODE,
    BARCODE_INSET,
    BLEED,
    DEFAULT_CALIPER,
    MM,
    CoverGeometry,
    caliper_of,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "small-reader"


def test_spine_formula():
    assert caliper_of(None) == DEFAULT_CALIPER == 0.1
    assert caliper_of({"caliper": 0.12}) == 0.12
    assert abs(caliper_of({"ppi": 508}) - 0.1) < 1e-9  # 508 pages an inch: 0.1 mm a leaf
    g = CoverGeometry(148, 210, 301, 0.1)
    assert g.leaves == 151 and abs(g.spine - 15.1) < 1e-9
    assert abs(g.width - (2 * 148 + 15.1)) < 1e-9 and g.media == (2 * 148 + 15.1 + 6, 216)


def _run(root: Path, *args: str):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    return subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=900)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The example book on thick paper (1 mm a leaf, so that its 20 pages make a spine
    wide enough for its text), its cover built through the command line."""
    root = tmp_path_factory.mktemp("cover") / "book"
    shutil.copytree(EXAMPLE, root)
    with open(root / "book.yaml", "a", encoding="utf-8") as f:
        f.write("paper:\n  caliper: 1.0\n")
    proc = _run(root, "build", "cover")
    assert proc.returncode == 0, proc.stderr
    assert "spine 10.0 mm" in proc.stdout
    return root


def test_cover_geometry_matches_the_formula(built):
    from pypdf import PdfReader

    interior = PdfReader(str(built / "build" / "three-short-texts.pdf"))
    pages = len(interior.pages)
    tw, th = float(interior.pages[0].trimbox.width), float(interior.pages[0].trimbox.height)
    cover = PdfReader(str(built / "build" / "three-short-texts-cover.pdf"))
    assert len(cover.pages) == 1
    page = cover.pages[0]
    spine = -(-pages // 2) * 1.0 * MM
    bleed = BLEED * MM
    assert abs(float(page.mediabox.width) - (2 * tw + spine + 2 * bleed)) < 0.1
    assert abs(float(page.mediabox.height) - (th + 2 * bleed)) < 0.1
    assert abs(float(page.trimbox.width) - (2 * tw + spine)) < 0.1
    assert abs(float(page.trimbox.height) - th) < 0.1
    assert abs(float(page.bleedbox.width) - float(page.mediabox.width)) < 0.1


def test_spine_text_back_and_barcode(built):
    import pdfplumber
    from pypdf import PdfReader

    interior = PdfReader(str(built / "build" / "three-short-texts.pdf"))
    tw = float(interior.pages[0].trimbox.width)
    spine = -(-len(interior.pages) // 2) * MM
    bleed = BLEED * MM
    with pdfplumber.open(str(built / "build" / "three-short-texts-cover.pdf")) as pdf:
        page = pdf.pages[0]
        # pdfplumber's x is the PDF's, whose origin WeasyPrint puts at the trim box's corner
        # (the media box starts at -bleed); ``top`` runs down from the media box's top
        left, top, right, bottom = page.bbox
        assert abs(left + bleed) < 0.1
        x_spine = tw
        rotated = [c for c in page.chars if not c["upright"]]
        assert rotated, "no spine text"
        for c in rotated:  # all inside the spine
            assert x_spine - 0.1 <= c["x0"] and c["x1"] <= x_spine + spine + 0.1, c
        text = "".join(c["text"] for c in rotated)
        assert text.replace(" ", "").startswith("ThreeShortTexts")
        tops = [c["top"] for c in rotated]
        assert tops == sorted(tops) and tops[-1] - tops[0] > 30  # read from top to bottom
        # the barcode: a white box of 2 × 1.2 in at the foot of the back, by the spine
        boxes = [r for r in page.rects if r.get("non_stroking_color") in ((1, 1, 1), [1, 1, 1], (1,), [1])
                 and abs(r["width"] - BARCODE[0] * MM) < 0.5 and abs(r["height"] - BARCODE[1] * MM) < 0.5]
        assert len(boxes) == 1, page.rects
        box = boxes[0]
        assert abs(box["x1"] - (x_spine - BARCODE_INSET * MM)) < 0.5
        assert abs(box["bottom"] - (bottom - bleed - BARCODE_INSET * MM)) < 0.5
        back = " ".join((page.crop((left, top, x_spine, bottom)).extract_text() or "").split())
        assert "Three short public-domain texts, edited as an example book" in back
        front = " ".join((page.crop((x_spine + spine, top, right, bottom)).extract_text()
                          or "").split())
        assert "Three Short Texts" in front and "Edited by The Example Editor" in front
    fonts = subprocess.run(["pdffonts", str(built / "build" / "three-short-texts-cover.pdf")],
                           capture_output=True, text=True)
    if fonts.returncode == 0:
        rows = fonts.stdout.splitlines()[2:]
        assert rows and all(r.split()[-5] == "yes" for r in rows)  # every font embedded


def test_thin_book_has_a_blank_spine(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(EXAMPLE, root)
    proc = _run(root, "build", "cover")
    assert proc.returncode == 0, proc.stderr
    assert "spine 1.0 mm" in proc.stdout  # 20 pages at 0.1 mm a leaf
    import pdfplumber

    with pdfplumber.open(str(root / "build" / "three-short-texts-cover.pdf")) as pdf:
        assert not [c for c in pdf.pages[0].chars if not c["upright"]]


def test_editor_cover_image_and_its_resolution(tmp_path):
    """The editor's image fills the front; under 300 dpi it is named in a warning."""
    from PIL import Image
    from test_booklet import synthetic_pdf

    from edition.diagnostics import Reporter
    from edition.pipeline import load_book
    from edition.render.print_cover import build_cover

    root = tmp_path / "book"
    shutil.copytree(EXAMPLE, root)
    Image.new("RGB", (300, 420), (20, 90, 160)).save(root / "images" / "front.png")
    book = load_book(root, Reporter())
    book.meta.cover = "images/front.png"  # type: ignore[attr-defined]  (the key of #29)
    warnings: list[tuple[str, str]] = []
    data, g = build_cover(book, synthetic_pdf(8), lambda f, m: warnings.append((f, m)))
    assert len(warnings) == 1 and "images/front.png" in warnings[0][1] and "300" in warnings[0][1]
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        images = pdf.pages[0].images
        assert len(images) == 1
        img = images[0]
        # it covers the front panel and its bleed (object-fit: cover, the overflow clipped
        # at the panel): from the spine to the outer edge of the bleed
        left, top, right, bottom = pdf.pages[0].bbox
        assert img["x0"] <= (g.trim_w + g.spine) * MM + 0.1 and img["x1"] >= right - 0.1
        assert img["top"] <= top + 0.1 and img["bottom"] >= bottom - 0.1
    big = tmp_path / "book" / "images" / "big.png"
    Image.new("RGB", (1800, 2560), (20, 90, 160)).save(big)
    book.meta.cover = "images/big.png"  # type: ignore[attr-defined]
    warnings.clear()
    build_cover(book, synthetic_pdf(8), lambda f, m: warnings.append((f, m)))
    assert warnings == []
