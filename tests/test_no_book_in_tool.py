"""No word of the reader in the tool: `edition/` holds no name or title of this book.

The reader's names, titles and sentences live in its own files (book.yaml, glossary.yaml,
persons.yaml, terms.yaml …); the package carries only what every book shares, so another
editor's book gets nothing of this one.  Code, comments, docstrings and package data are
all searched (a doc example with a name of the book would invite the next one).
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "edition"

# the names of the reader's persons, places and documents, and its title
WORDS = ["Trotsky", "Trotskii", "Sedov", "Sedoff", "Sedova", "Lyova", "Seryozha", "Natalia",
         "Bronstein", "Bronshtein", "Shachtman", "Hansen", "Persecution", "Alma-Ata", "Alma Ata",
         "Prinkipo", "Coyoac", "Kerensky", "Zinoviev", "pamphlet", "Trotskyism"]
PATTERN = re.compile("|".join(re.escape(w) for w in WORDS), re.IGNORECASE)

EXCLUDED: list[Path] = []  # nothing: the importers' specifics are the sources' data too


def files() -> list[Path]:
    out = []
    for p in sorted(PACKAGE.rglob("*")):
        if not p.is_file() or "__pycache__" in p.parts or p.suffix in (".ttf", ".pyc"):
            continue
        if any(p.is_relative_to(x) for x in EXCLUDED):
            continue
        out.append(p)
    return out


def test_the_package_names_nothing_of_this_book():
    hits = []
    for p in files():
        for n, line in enumerate(p.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            for m in PATTERN.finditer(line):
                hits.append(f"{p.relative_to(ROOT)}:{n}: {m.group(0)!r}: {line.strip()[:100]}")
    assert not hits, "words of the reader in edition/:\n" + "\n".join(hits)


def test_the_search_finds_what_it_looks_for(tmp_path):
    """The test could fail: the pattern catches the words in code and comments alike."""
    assert PATTERN.search('x = "Comrade Trotsky"') and PATTERN.search("# the 1938 Pamphlet")
    assert PATTERN.search("see Sedoff, Leon") and not PATTERN.search("see Curie, Marie")
    assert len(files()) > 40  # the package is searched, its data included
    assert any(p.suffix == ".yaml" for p in files())
