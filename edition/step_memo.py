"""A memo of deterministic steps whose inputs rarely change.

An editor rebuilds after every change to a chapter, but the configuration, the five
source documents with their corrections, and the book's title stay the same for weeks.
What depends only on those is kept in ``<project>/.cache/memo/`` (the cache folder:
``build_manifest.cache_dir``):

* the validated contents of each YAML text: ``book.yaml``, each chapter's front
  matter, ``glossary.yaml``, ``persons.yaml``, ``apparatus.yaml``, the ids of ``sources/sources.yaml`` and the shipped
  terms files (``terms.py``) (``project.checked``, :func:`json_value`), so a rebuild
  neither parses YAML nor imports pydantic;
* the cover image (``render/cover.py``), so Pillow is not imported.

Each entry's key is a SHA-256 over every byte the step reads *and* the code of the
whole ``edition`` package, the Python version and the installed packages' versions: a
changed input, a changed importer, a new release or an upgraded pydantic gives a new
key, so a stale entry is never read, only left behind (each kind keeps its newest few).  A memo that cannot be read, decoded or written, or
that is not sealed with this machine's key (``trust.py``: one shipped with a book), is
the same as none: the step runs.  ``EDITION_NO_MEMO=1``
turns the memo off (the benchmark's first-build figures).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .atomic import write_atomic
from .build_manifest import PACKAGE, PACKAGE_DATA, cache_dir, hash_tree, installed
from .diagnostics import BookError
from .trust import read_sealed, seal

FORMAT = 1
DIR = "memo"  # in build_manifest.cache_dir(root)
KEEP = 8  # entries kept per kind


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of the package's code (every ``*.py`` under ``edition/``), Python's version and
    the installed distributions with their versions (pydantic, PyYAML, Pillow …)."""
    h = hashlib.sha256(f"edition-memo {FORMAT}\0{sys.version}\0".encode())
    h.update("\0".join(installed()).encode() + b"\0")
    hash_tree(h, PACKAGE, "<edition>", (".py",))
    hash_tree(h, PACKAGE_DATA, "<edition-data>")  # default styles, fonts and terms
    return h.hexdigest()


def key(*parts: bytes | str) -> str:
    """A key over the parts (each length-prefixed, so no two lists of parts collide)."""
    h = hashlib.sha256(code_digest().encode())
    for p in parts:
        data = p.encode("utf-8", "surrogateescape") if isinstance(p, str) else p
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def enabled() -> bool:
    return os.environ.get("EDITION_NO_MEMO", "") in ("", "0")


def _path(root: Path, kind: str, k: str) -> Path:
    from .trust import own_folder  # .cache/memo is not a link either (#27): a BookError

    return own_folder(root, cache_dir(root) / DIR, ".cache/memo") / f"{kind}.{k[:32]}"


def get(root: Path, kind: str, k: str) -> bytes | None:
    if not enabled():
        return None
    try:  # sealed with this machine's key (trust.py): a memo shipped with the book is none
        return read_sealed(_path(root, kind, k))
    except (OSError, BookError):
        return None


def put(root: Path, kind: str, k: str, data: bytes) -> None:
    """Store atomically; keep the newest KEEP entries of the kind.  Never fails the build."""
    if not enabled():
        return
    sealed = seal(data)
    if sealed is None:
        return
    try:
        path = _path(root, kind, k)
        write_atomic(path, sealed)
        old = sorted((p for p in path.parent.glob(f"{kind}.*") if not p.name.endswith(".tmp")),
                     key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
        for p in old[KEEP:]:
            if p != path:
                p.unlink(missing_ok=True)
    except (OSError, BookError):
        pass  # a read-only project, a full disk: the next build computes again


def json_value(root: Path, kind: str, parts: list[bytes | str], compute: Callable[[], Any]) -> Any:
    """``compute()`` (JSON-able), or what it returned for the same parts before.

    The value goes through JSON either way, so a build that computes and a build that
    reads the memo get the very same data (lists, never tuples; string keys; mappings
    in the order they were written, which the editor's YAML order can carry)."""
    k = key(kind, *parts)
    data = get(root, kind, k)
    if data is not None:  # "<sha256 of the value>\n<value>": a damaged entry ({}, null, cut short)
        digest, _, value = data.partition(b"\n")  # is computed again, never trusted
        if digest.decode("ascii", "replace") == hashlib.sha256(value).hexdigest():
            try:
                return json.loads(value)
            except ValueError:
                pass
    encoded = json.dumps(compute(), ensure_ascii=False).encode("utf-8")
    put(root, kind, k, hashlib.sha256(encoded).hexdigest().encode("ascii") + b"\n" + encoded)
    return json.loads(encoded)


def json_value_uncached(compute: Callable[[], Any]) -> Any:
    """``compute()`` through JSON, as :func:`json_value` returns it, with no memo."""
    return json.loads(json.dumps(compute(), ensure_ascii=False))


def kind_for(rel: str) -> str:
    """A file name's worth of ``rel`` (``chapters/01-exile.md`` -> ``yaml-chapters-01-exile.md``)."""
    return "yaml-" + re.sub(r"[^A-Za-z0-9._-]+", "-", rel)
