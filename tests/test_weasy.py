"""WeasyPrint behind one door (render/weasy.py): only there are private names used, and on a
version it does not know the PDF is written with WeasyPrint's public API, with a warning."""

from __future__ import annotations

import ast
import io

import pytest
from conftest import ROOT
from pypdf import PdfReader

from edition.diagnostics import Reporter
from edition.pipeline import build
from edition.render import weasy

DOOR = ROOT / "edition" / "render" / "weasy.py"


def _private_uses(path) -> list[str]:
    """Names starting with one underscore read from a WeasyPrint or pydyf object or module:
    attribute access ``x._name`` (not our own ``self._x``) and ``from weasyprint… import _x``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("weasyprint", "pydyf"):
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
        if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
            found.append(f"{ast.unparse(node)}")
    return found


def test_private_names_of_weasyprint_and_pydyf_are_used_in_one_module():
    render = sorted((ROOT / "edition").rglob("*.py"))
    outside = {}
    for f in render:
        if f == DOOR or "bench" in f.parts:
            continue
        text = f.read_text(encoding="utf-8")
        if "weasyprint" not in text and "pydyf" not in text and "_page_box" not in text:
            continue
        uses = [u for u in _private_uses(f) if "_page_box" in u or "pydyf" in u or "weasyprint" in u]
        if "_page_box" in text or "__dict__" in text:
            uses.append("_page_box or __dict__ in the text")
        if uses:
            outside[str(f.relative_to(ROOT))] = uses
    assert not outside, outside
    assert "__dict__" not in DOOR.read_text(encoding="utf-8")
    assert _private_uses(DOOR)  # the door does use them (the check reads something)


def test_the_installed_versions_are_the_known_ones():
    assert weasy.unknown_versions() == {}, "pyproject.toml pins what render/weasy.py knows"
    assert weasy.version_warning() is None


def _pdf(small_book, out) -> tuple[bytes, Reporter]:
    reporter = Reporter()
    result = build(small_book.root, ["pdf"], reporter, out_dir=out, force=True)
    return result.outputs[0].read_bytes(), reporter


def _text(data: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def book(small_book, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    small_book.book(["01-one.md", "02-two.md"])
    small_book.chapter("01-one.md", "One", "A first paragraph.[^1]\n\n## A part\n\nMore text, "
                       "[see two](#ch-two){.pageref}.\n\n[^1]: A note.\n", author="A", date="1920", source="s")
    small_book.chapter("02-two.md", "Two", "The second document.\n", author="B", date="1921", source="s")
    return small_book


def test_an_unknown_version_writes_the_same_book_with_the_public_api(book, tmp_path, monkeypatch):
    fast, fast_reporter = _pdf(book, tmp_path / "fast")
    assert not [d for d in fast_reporter.items if d.code == "pdf.weasyprint-version"]
    monkeypatch.setattr(weasy, "unknown_versions", lambda: {"weasyprint": "99.0"})
    called = []
    real = weasy._public_write_pdf
    monkeypatch.setattr(weasy, "_public_write_pdf", lambda *a, **k: called.append(1) or real(*a, **k))
    slow, reporter = _pdf(book, tmp_path / "slow")
    assert called, "the public write_pdf was not used"
    said = [d for d in reporter.items if d.code == "pdf.weasyprint-version"]
    assert len(said) == 1 and "weasyprint 99.0" in said[0].message and said[0].severity.value == "warning"
    assert slow.startswith(b"%PDF-") and slow != fast
    reader = PdfReader(io.BytesIO(slow))
    assert len(reader.pages) == len(PdfReader(io.BytesIO(fast)).pages)
    assert _text(slow) == _text(fast)  # the same book: page by page, the same text
    assert reader.trailer["/Root"].get("/PageLabels") is not None  # the finisher ran
