"""The print-shop interior (``--print-shop``, render/print_ready.py): PDF/X-4 with its output
intent, trim and bleed boxes, every font embedded, and a warning naming each image that
prints under 300 dpi.  (veraPDF validates PDF/A and PDF/UA, not PDF/X, and is not
installed here: the file is read back with pypdf, pikepdf and pdffonts.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "small-reader"
MM = 72 / 25.4


def _run(root: Path, *args: str):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    return subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=900)


@pytest.fixture(scope="module")
def shop(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """The example book with a raster figure of 400 × 200 px (about 100 dpi on the A5
    measure), built for the print shop."""
    from PIL import Image

    root = tmp_path_factory.mktemp("shop") / "book"
    shutil.copytree(EXAMPLE, root)
    Image.new("RGB", (400, 200), (120, 60, 30)).save(root / "images" / "low.png")
    ch = root / "chapters" / "02-gettysburg.md"
    ch.write_text(ch.read_text(encoding="utf-8").rstrip("\n")
                  + '\n\n![A brown rectangle](images/low.png "A test figure.")\n', encoding="utf-8")
    proc = _run(root, "build", "pdf", "--print-shop")
    assert proc.returncode == 0, proc.stderr
    return root / "build" / "three-short-texts-print-shop.pdf", proc


def test_pdf_x4_with_output_intent_and_boxes(shop):
    from pypdf import PdfReader

    path, _ = shop
    reader = PdfReader(str(path))
    assert reader.pdf_header == "%PDF-1.6"
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert len(intents) == 1
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFX" and intent["/OutputConditionIdentifier"]
    profile = intent["/DestOutputProfile"].get_object()
    icc = profile.get_data()
    assert icc[36:40] == b"acsp" and int(profile["/N"]) == 3  # an ICC profile, RGB (sRGB)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r"GTS_PDFXVersion>PDF/X-4<", xmp)
    assert reader.metadata["/Trapped"] == "/False" and reader.metadata["/Title"]
    assert "/ID" in reader.trailer
    for page in reader.pages:
        trim, bleed = page.trimbox, page.bleedbox
        assert abs(float(trim.width) - 148 * MM) < 0.5 and abs(float(trim.height) - 210 * MM) < 0.5
        assert abs(float(bleed.width) - float(trim.width) - 6 * MM) < 0.5
        assert abs(float(bleed.height) - float(trim.height) - 6 * MM) < 0.5


def test_every_font_embedded(shop):
    path, _ = shop
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        assert row.split()[-5] == "yes", row  # the emb column


def test_low_resolution_image_is_named(shop):
    _, proc = shop
    lines = [ln for ln in proc.stderr.splitlines() if "[print.resolution]" in ln]
    assert len(lines) == 1, proc.stderr
    assert "images/low.png prints at" in lines[0] and "printers ask for 300" in lines[0]
    dpi = int(re.search(r"prints at (\d+) dpi", lines[0]).group(1))
    assert 80 <= dpi <= 120  # 400 px over the A5 measure (about 104 mm)


def test_print_shop_is_reproducible(shop):
    """The XMP's DocumentID is derived, not random: the same book, the same bytes."""
    path, _ = shop
    before = path.read_bytes()
    proc = _run(path.parent.parent, "build", "pdf", "--print-shop", "--force")
    assert proc.returncode == 0, proc.stderr
    assert path.read_bytes() == before


def test_check_reports_an_unembedded_font(tmp_path):
    """The font check itself, on a PDF that uses a standard font it does not embed."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    from edition.render.print_ready import check

    w = PdfWriter()
    page = w.add_blank_page(100, 100)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                             NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): font})})
    path = tmp_path / "x.pdf"
    w.write(str(path))
    problems = check(path.read_bytes(), tmp_path)
    assert problems == [("print.font", "font /Helvetica is not embedded: a printer will refuse the file")]
