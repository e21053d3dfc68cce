"""The last build's page numbers, kept for the next build's layout to start from.

A PDF build lays the book out until the page numbers it prints are the pages its anchors
fall on (``render/pdf.py``): without a guess that is a measuring pass and a numbered pass.
The numbers of the last successful build (with the paragraphs whose widow control was
given up) are kept in ``<cache folder>/layout-seed/<variant>.json`` and given to the next
build as a ``Seed``: when the layout they give prints those very numbers, one pass was
enough.  A seed is only a guess, proved or dropped by the layout itself, so a missing,
stale or damaged file costs a pass and never changes the PDF.  ``EDITION_NO_SEED=1``
makes a build start from nothing (the bench's first-build figures; the tests' reference
builds); it still keeps its numbers for the next.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from .atomic import write_atomic
from .build_manifest import cache_dir
from .diagnostics import BookError
from .trust import read_sealed, seal

if TYPE_CHECKING:
    from .render.pdf import Seed

DIR = "layout-seed"


def _path(root: Path, variant: str) -> Path:
    from .trust import own_folder  # .cache/layout-seed is not a link either (#27): a BookError

    folder = own_folder(root, cache_dir(root) / DIR, ".cache/layout-seed")
    return folder / (re.sub(r"[^A-Za-z0-9.-]", "_", variant) + ".json")


def enabled() -> bool:
    return os.environ.get("EDITION_NO_SEED", "") in ("", "0")


def load(root: Path, variant: str) -> Seed | None:
    from .render.pdf import Seed

    if not enabled():
        return None
    try:  # sealed with this machine's key (trust.py): a seed shipped with the book is none
        raw = read_sealed(_path(root, variant))
        data = json.loads(raw) if raw is not None else None
    except (OSError, ValueError, BookError):
        return None
    if data is None:
        return None
    return Seed.from_json(data)


def save(root: Path, variant: str, seed: Seed | None) -> None:
    """Keep ``seed`` for the next build; a folder that cannot be written keeps none."""
    if seed is None:
        return
    sealed = seal(json.dumps(seed.to_json(), sort_keys=True).encode())
    if sealed is None:
        return
    try:
        path = _path(root, variant)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, sealed)
    except (OSError, BookError):
        pass
