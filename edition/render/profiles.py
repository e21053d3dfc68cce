"""Print profiles (``edition build pdf --profile NAME``): a style sheet layered after
print.css and the page size's rules, so that the one pipeline lays the book out again,
contents, page references, index, page list and booklet included.

``large-print``: ``styles/large-print.css`` (the book's own, else the package's), set
at 16 pt on A5; on the larger pages (A4, Letter) the type goes to 18 pt and the margins
widen so that the line stays near 60 characters.
"""

from __future__ import annotations

from pathlib import Path

PROFILES = ("large-print",)

_LARGE = """
/* large print on a large page (render/profiles.py) */
@page { margin: 20mm 24mm 22mm 24mm; }
@page :left { margin-left: 24mm; margin-right: 24mm; }
@page :right { margin-left: 24mm; margin-right: 24mm; }
html { font-size: 18pt; }
"""


def profile_css(root: Path, profile: str | None, page_size: str) -> str:
    """The CSS of ``profile`` for this page size ("" for none)."""
    if not profile:
        return ""
    from ..style import read_style

    css, _ = read_style(root, f"{profile}.css")
    if profile == "large-print" and page_size in ("A4", "Letter"):
        css += _LARGE
    return "\n" + css
