"""The book's style sheets: its own ``styles/`` file, else the package's default, read
through the gate, every reference checked (the print and e-book renderers and the
pipeline read them here)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .build_manifest import PACKAGE_STYLES  # the defaults, shipped
from .diagnostics import BookError, Diagnostic, Severity
from .project import read_text

if TYPE_CHECKING:
    from .stylesheets import Layered


def styles_dir(root: Path) -> Path:
    """The book's own ``styles/`` (which may be absent: the package's defaults serve)."""
    return root / "styles"


def style_file(root: Path, name: str) -> tuple[Path, Path]:
    """(path, the folder the gate keeps it inside) of ``styles/<name>``: the book's own file
    if it has one, else the package's default (per file: fonts and images a book lacks are
    the shipped ones; its style sheets are layered on the shipped ones, read_style)."""
    own = styles_dir(root) / name
    if own.exists() or own.is_symlink():
        return own, root
    return PACKAGE_STYLES / name, PACKAGE_STYLES


def read_font_credit(root: Path) -> str | None:
    """The credit line of the print faces, kept beside them (styles/fonts/CREDIT.txt)."""
    path, inside = style_file(root, "fonts/CREDIT.txt")
    if not path.is_file():
        return None
    return " ".join(read_text(path, "styles/fonts/CREDIT.txt", inside).split()) or None


def read_style(root: Path, name: str, after: str = "") -> tuple[str, Path]:
    """A style sheet, through the gate, and the folder its relative references start from:
    the shipped sheet, the book's own ``styles/<name>`` if it has one (stylesheets.py; it
    may replace the shipped one), then ``after`` (the page geometry)."""
    layered = layered_style(root, name, after)
    return layered.text, layered.base


def layered_style(root: Path, name: str, after: str = "") -> Layered:
    """The layered sheet (stylesheets.Layered); a reference to anything outside the project
    (or, for the EPUB's, which is shipped alone, to any other file) is an error at its line."""
    from .stylesheets import layer

    rel = f"styles/{name}"
    shipped = PACKAGE_STYLES / name
    own_path, inside = style_file(root, name)
    own = read_text(own_path, rel, inside) if inside == root else None
    errors = [Diagnostic(rel, line, Severity.ERROR, msg, "css.reference")
              for line, msg in css_references(own or "", local_ok=name != "epub.css")]
    if errors:
        raise BookError(errors)
    base = own_path.parent if own is not None else shipped.parent
    return layer(shipped.read_text(encoding="utf-8"), f"edition/data/styles/{name}", own, rel,
                 base, after)


def css_references(css: str, local_ok: bool) -> list[tuple[int, str]]:
    """(line, problem) for every @import, url() and image-set() target that leads out of the
    project, and every function not allowed: ``safe_css`` (tinycss2's tokenizer)."""
    from .safe_css import css_problems

    return css_problems(css, local_ok)
