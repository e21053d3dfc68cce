"""`edition new DIR`: a small book that builds at once, with the package's styles and fonts."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from fnmatch import fnmatch
from pathlib import Path

from conftest import ROOT, epubcheck_messages, run_epubcheck


def edition(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    return subprocess.run([sys.executable, "-m", "edition.cli", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=600)


def test_new_book_builds_clean_epub_and_pdf_in_the_shipped_faces(tmp_path):
    book = tmp_path / "my-reader"
    proc = edition("new", str(book))
    assert proc.returncode == 0, proc.stderr
    assert (book / "book.yaml").read_text().count("slug: my-reader") == 1
    assert not (book / "styles").exists()  # the package's styles serve
    proc = edition("-C", str(book), "check", "--strict")
    assert proc.returncode == 0 and "0 error(s), 0 warning(s)" in proc.stderr, proc.stderr
    proc = edition("-C", str(book), "build", "all", "--strict")
    assert proc.returncode == 0, proc.stderr
    epub, pdf = book / "build" / "my-reader.epub", book / "build" / "my-reader.pdf"
    assert epubcheck_messages(run_epubcheck(epub)) == []
    with zipfile.ZipFile(epub) as z:
        names = z.namelist()
        text = "".join(z.read(n).decode() for n in names if n.endswith(".xhtml"))
    assert "EPUB/glossary.xhtml" in names and "EPUB/persons.xhtml" in names
    assert "Analytical Engine" in text and "Lovelace, Ada" in text
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    fonts = set()
    for page in reader.pages:
        for f in (page["/Resources"].get_object().get("/Font") or {}).values():
            fonts.add(str(f.get_object()["/BaseFont"]).split("+")[-1])
    assert fonts and all(f.startswith("EB-Garamond") for f in fonts), fonts
    assert "Ada Lovelace" in "".join(p.extract_text() for p in reader.pages)


def test_new_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine\n")
    proc = edition("new", str(tmp_path))
    assert proc.returncode == 1
    assert "folder is not empty" in proc.stderr and "[new.not-empty]" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_book_style_sheet_is_layered_after_the_package_one(tmp_path):
    """A book's styles/epub.css adds to the shipped sheet (cascades after it); one whose
    first line says `/* edition: replace */` replaces it."""
    book = tmp_path / "b"
    assert edition("new", str(book)).returncode == 0
    shipped = (ROOT / "edition" / "data" / "styles" / "epub.css").read_text()
    (book / "styles").mkdir()
    (book / "styles" / "epub.css").write_text("/* the book's own */\nh1 { letter-spacing: 0.1em; }\n")
    proc = edition("-C", str(book), "build", "epub")
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(book / "build" / "b.epub") as z:
        css = z.read("EPUB/css/epub.css").decode()
    assert css.startswith(shipped.rstrip("\n")) and css.index("/* the book's own */") > len(shipped) - 2
    (book / "styles" / "epub.css").write_text("/* edition: replace */\nbody { margin: 0; }\n")
    proc = edition("-C", str(book), "build", "epub")
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(book / "build" / "b.epub") as z:
        assert z.read("EPUB/css/epub.css").decode() == "/* edition: replace */\nbody { margin: 0; }\n"


def test_package_data_lists_every_data_file():
    """A non-editable install carries edition/data: every file matches pyproject's globs."""
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["edition"]
    data = ROOT / "edition" / "data"
    files = [p.relative_to(ROOT / "edition").as_posix() for p in data.rglob("*") if p.is_file()]
    assert files and all(any(fnmatch(f, g) and f.count("/") == g.count("/") for g in globs)
                         for f in files), files
    for needed in ("styles/print.css", "styles/epub.css", "styles/fonts/OFL.txt",
                   "styles/fonts/CREDIT.txt", "styles/fonts/EBGaramond-Regular.ttf"):
        assert (data / needed).is_file()


def _build_without_date_sources(book: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["GIT_CEILING_DIRECTORIES"] = str(tmp_path)  # no repository above the book
    return subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(book), "build", "epub",
                           "--force"], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)


def test_a_fresh_book_is_dated_by_its_book_yaml(tmp_path):
    """`edition new` writes `date:` (today): outside git and without SOURCE_DATE_EPOCH the
    editions carry that date and nothing is warned (issue #29 point 6)."""
    import datetime

    book = tmp_path / "fresh"
    assert edition("new", str(book)).returncode == 0
    today = datetime.date.today().isoformat()
    assert f"\ndate: {today}\n" in (book / "book.yaml").read_text()
    proc = _build_without_date_sources(book, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "no-date" not in proc.stderr and "warning" not in proc.stderr, proc.stderr
    with zipfile.ZipFile(book / "build" / "fresh.epub") as z:
        opf = z.read("EPUB/content.opf").decode()
    assert f"<dc:date>{today}</dc:date>" in opf
    assert f'<meta property="dcterms:modified">{today}T00:00:00Z</meta>' in opf


def test_a_bad_date_is_an_error_at_its_line(tmp_path):
    book = tmp_path / "b"
    assert edition("new", str(book)).returncode == 0
    text = (book / "book.yaml").read_text()
    (book / "book.yaml").write_text(text.replace("\ndate: ", "\ndate: 7 December #"))
    line = text.splitlines().index(next(ln for ln in text.splitlines() if ln.startswith("date:"))) + 1
    proc = edition("-C", str(book), "check")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"book.yaml:{line}: error:" in proc.stderr and "YYYY-MM-DD" in proc.stderr, proc.stderr


def test_a_book_without_a_date_source_is_warned(tmp_path):
    """Without `date:`, outside git and without SOURCE_DATE_EPOCH the editions are dated
    1970: said, not silent."""
    book = tmp_path / "undated"
    assert edition("new", str(book)).returncode == 0
    text = (book / "book.yaml").read_text()
    (book / "book.yaml").write_text("\n".join(ln for ln in text.splitlines() if not ln.startswith("date:")) + "\n")
    proc = _build_without_date_sources(book, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "book.yaml: warning: no date for the editions" in proc.stderr
    assert "[build.no-date]" in proc.stderr
    proc = edition("-C", str(book), "build", "epub", "--force")  # SOURCE_DATE_EPOCH set
    assert proc.returncode == 0 and "no-date" not in proc.stderr, proc.stderr
