"""Same input, same bytes: two builds of one book give byte-identical EPUB and PDF,
whatever the time, the folder, the time zone, the locale or the hash seed; dates
come from SOURCE_DATE_EPOCH, or from the last commit when it is not set."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

META = {"author": "A. Author", "date": "1938", "source": "test"}
GLOSSARY = """\
entries:
  - id: kadets
    headword: Kadets
    category: organisation
    forms: [Kadet, Kadets]
    definition: Constitutional Democrats.
"""


def make_book(small_book) -> None:
    small_book.book(["01-one.md", "02-two.md"])
    small_book.chapter("01-one.md", "One", """
        The first chapter,[^1] with the Kadets and an editor’s note.[^ed-a]

        ## A section

        “Quoted,” she said; the G.P.U. and the GPU in 1905–1906.

        ::: letter
        Dear friend, a letter.
        :::

        * * *

        [^1]: The author’s note.
        [^ed-a]: The editor explains.
        """, **META)
    small_book.chapter("02-two.md", "Two", "The second chapter, with a Kadet.[^x]\n\n[^x]: Another note.\n",
                       author="B. Author", date="1941", source="test")
    small_book.write("glossary.yaml", GLOSSARY)


def build(small_book, out: Path, env: dict | None = None, cwd_copy: Path | None = None) -> dict[str, bytes]:
    root = small_book.root
    if cwd_copy is not None:
        shutil.copytree(root, cwd_copy)
        small_book = type(small_book)(cwd_copy)
    proc = small_book.run("build", "all", "-o", str(out), env=env)
    assert proc.returncode == 0, proc.stderr
    return {p.suffix: p.read_bytes() for p in out.iterdir() if p.suffix in (".epub", ".pdf")}


def test_two_builds_are_byte_identical(small_book, tmp_path):
    make_book(small_book)
    first = build(small_book, tmp_path / "a")
    time.sleep(1.1)  # a wall-clock second later
    second = build(small_book, tmp_path / "b",
                   env={"TZ": "Asia/Tokyo", "LC_ALL": "C", "LANG": "C", "PYTHONHASHSEED": "4242"},
                   cwd_copy=tmp_path / "elsewhere" / "book")  # another folder, time zone, locale, seed
    assert set(first) == {".epub", ".pdf"}
    assert first[".epub"] == second[".epub"]
    assert first[".pdf"] == second[".pdf"]


def test_dates_come_from_source_date_epoch(small_book, tmp_path):
    make_book(small_book)
    a = build(small_book, tmp_path / "a", env={"SOURCE_DATE_EPOCH": "1000000000"})
    b = build(small_book, tmp_path / "b", env={"SOURCE_DATE_EPOCH": "1600000000"})
    opf_a, opf_b = (_opf(tmp_path / d / "small-book.epub") for d in "ab")
    assert "<meta property=\"dcterms:modified\">2001-09-09T01:46:40Z</meta>" in opf_a, opf_a
    assert "2020-09-13T12:26:40Z" in opf_b
    # only the dates differ: with them masked, the packages are the same
    assert _mask_dates(opf_a) == _mask_dates(opf_b)
    for data in (a[".pdf"], b[".pdf"]):
        assert_no_wall_clock_date(data)
    # the printed edition's date (title page/colophon) is the epoch's year, not today's
    text_a, text_b = (subprocess.run(["pdftotext", str(tmp_path / d / "small-book.pdf"), "-"],
                                     capture_output=True, text=True, check=True).stdout for d in "ab")
    assert "2001" in text_a and "2020" in text_b
    year = str(datetime.datetime.now(datetime.UTC).year)
    assert year not in text_a and year not in text_b


def test_without_source_date_epoch_the_last_commit_dates_the_edition(small_book, tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    make_book(small_book)
    root = small_book.root
    env = dict(os.environ, GIT_AUTHOR_DATE="2021-03-04T05:06:07Z", GIT_COMMITTER_DATE="2021-03-04T05:06:07Z",
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org")
    for cmd in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "book"]):
        subprocess.run(["git", *cmd], cwd=root, env=env, check=True, capture_output=True)
    no_sde = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    outs = []
    for d in ("a", "b"):
        proc = subprocess.run([*_cli(), "-C", str(root), "build", "all", "-o", str(tmp_path / d)],
                              capture_output=True, text=True, env=no_sde, timeout=600)
        assert proc.returncode == 0, proc.stderr
        outs.append({p.suffix: p.read_bytes() for p in (tmp_path / d).iterdir()})
        time.sleep(1.1)
    assert outs[0] == outs[1]
    assert "2021-03-04T05:06:07Z" in _opf(tmp_path / "a" / "small-book.epub")


def test_epub_zip_is_normalised(small_book, tmp_path):
    make_book(small_book)
    build(small_book, tmp_path / "a")
    with zipfile.ZipFile(tmp_path / "a" / "small-book.epub") as z:
        infos = z.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert [i.filename for i in infos[1:]] == sorted(i.filename for i in infos[1:])
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_ids_are_stable_and_derived_from_the_text(small_book, tmp_path):
    """Ids come from slugs and counters, never from memory addresses, random numbers or time."""
    make_book(small_book)
    build(small_book, tmp_path / "a")
    with zipfile.ZipFile(tmp_path / "a" / "small-book.epub") as z:
        docs = "\n".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml"))
        opf = z.read("EPUB/content.opf").decode()
    ids = re.findall(r'\bid="([^"]+)"', docs)
    assert ids and not [i for i in ids if re.search(r"[0-9a-f]{12,}|0x[0-9a-f]+", i)], ids
    assert "urn:uuid:" in opf  # the identifier: a UUID derived from slug and title (uuid5)
    build(small_book, tmp_path / "b")
    with zipfile.ZipFile(tmp_path / "b" / "small-book.epub") as z:
        assert z.read("EPUB/content.opf").decode() == opf


def assert_no_wall_clock_date(pdf: bytes) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    meta = reader.metadata or {}
    year = str(datetime.datetime.now(datetime.UTC).year)
    for key in ("/CreationDate", "/ModDate"):
        assert year not in str(meta.get(key, "")), meta
    root = reader.trailer["/Root"]
    if "/Metadata" in root:
        xmp = root["/Metadata"].get_object().get_data().decode("utf-8", "replace")
        assert not re.search(rf"{year}-\d\d-\d\dT", xmp), xmp


def _opf(epub: Path) -> str:
    with zipfile.ZipFile(epub) as z:
        return z.read("EPUB/content.opf").decode()


def _mask_dates(opf: str) -> str:
    opf = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "DATE", opf)
    return re.sub(r"<dc:date>[^<]*</dc:date>", "<dc:date>DATE</dc:date>", opf)


def _cli() -> list[str]:
    import sys

    return [sys.executable, "-m", "edition.cli"]
