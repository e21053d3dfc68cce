"""The books measured: a copy of the project, and a synthetic one N times its size.

Both live in a temporary folder, so the bench never touches ``build/`` or the
project's build cache.  The synthetic book repeats every chapter of the reader N
times under new file names (``01-exile.md`` → ``01-exile-x2.md`` …, so new slugs
and anchors), with the same configuration, glossary, persons, sources and styles:
N times the text, notes, glossary and register occurrences.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

COPIED_DIRS = ("chapters", "sources", "styles")


def copy_project(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for p in src.iterdir():
        if p.is_file() and p.suffix in (".yaml", ".yml"):
            shutil.copy2(p, dst / p.name)
    for d in COPIED_DIRS:
        if (src / d).is_dir():
            shutil.copytree(src / d, dst / d, dirs_exist_ok=True)
    return dst


_LISTED = re.compile(r"(?m)^chapters:\s*\n((?:[ \t]*-[^\n]*\n?)+)")


def listed_chapters(book_yaml: str) -> list[str]:
    m = _LISTED.search(book_yaml)
    if not m:
        raise ValueError("book.yaml: no block list under 'chapters:'")
    return [line.split("-", 1)[1].strip().strip("'\"") for line in m.group(1).splitlines() if line.strip()]


def scaled_project(src: Path, dst: Path, times: int) -> Path:
    """A copy of ``src`` whose book lists every chapter ``times`` times."""
    copy_project(src, dst)
    text = (dst / "book.yaml").read_text(encoding="utf-8")
    chapters = listed_chapters(text)
    names = []
    for k in range(1, times + 1):
        for rel in chapters:
            if k == 1:
                names.append(rel)
                continue
            stem, dot, ext = rel.rpartition(".")
            new = f"{stem}-x{k}.{ext}"
            shutil.copy2(dst / "chapters" / rel, dst / "chapters" / new)
            names.append(new)
    listing = "".join(f"  - {n}\n" for n in names)
    m = _LISTED.search(text)
    assert m is not None
    (dst / "book.yaml").write_text(text[:m.start(1)] + listing + text[m.end(1):], encoding="utf-8")
    return dst


def notes_project(src: Path, dst: Path, notes: int, per_chapter: int = 500) -> Path:
    """A copy of ``src`` with generated chapters added after its own, carrying ``notes``
    footnotes in all (``per_chapter`` to a chapter, one call a paragraph)."""
    copy_project(src, dst)
    text = (dst / "book.yaml").read_text(encoding="utf-8")
    names = listed_chapters(text)
    for c in range(max(1, -(-notes // per_chapter))):
        n = min(per_chapter, notes - c * per_chapter)
        name = f"notes-{c + 1:03d}.md"
        paras = "\n\n".join(
            f"Paragraph {i} of part {c + 1}, long enough to fill a line or two of the page in "
            f"the print edition and to carry a note.[^n{i}]" for i in range(1, n + 1))
        defs = "\n".join(f"[^n{i}]: Note {i} of part {c + 1}." for i in range(1, n + 1))
        (dst / "chapters" / name).write_text(
            f"---\ntitle: Part {c + 1}\nrole: body\n---\n\n{paras}\n\n{defs}\n", encoding="utf-8")
        names.append(name)
    listing = "".join(f"  - {n}\n" for n in names)
    m = _LISTED.search(text)
    assert m is not None
    (dst / "book.yaml").write_text(text[:m.start(1)] + listing + text[m.end(1):], encoding="utf-8")
    return dst


def words(root: Path) -> int:
    text = (root / "book.yaml").read_text(encoding="utf-8")
    return sum(len((root / "chapters" / c).read_text(encoding="utf-8").split())
               for c in listed_chapters(text))
