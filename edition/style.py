"""The book's style sheets: its own ``styles/`` file, else the package's default, read
through the gate, every reference checked (the print and e-book renderers and the
pipeline read them here)."""

from __future__ import annotations

from pathlib import Path

from .build_manifest import PACKAGE_STYLES  # the defaults, shipped
from .diagnostics import BookError, Diagnostic, Severity
from .project import read_text


def styles_dir(root: Path) -> Path:
    """The book's own ``styles/`` (which may be absent: the package's defaults serve)."""
    return root / "styles"


def style_file(root: Path, name: str) -> tuple[Path, Path]:
    """(path, the folder the gate keeps it inside) of ``styles/<name>``: the book's own file
    if it has one, else the package's default (per file: a book may override print.css
    alone and keep the shipped fonts)."""
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


def read_style(root: Path, name: str) -> tuple[str, Path]:
    """A style sheet, through the gate, and the folder its relative references start from;
    a reference to anything outside the project (or, for the EPUB's, which is shipped alone,
    to any other file) is an error at its line."""
    rel = f"styles/{name}"
    path, inside = style_file(root, name)
    text = read_text(path, rel, inside)
    errors = [Diagnostic(rel, line, Severity.ERROR, msg, "css.reference")
              for line, msg in css_references(text, local_ok=name != "epub.css")]
    if errors:
        raise BookError(errors)
    return text, path.parent


def css_references(css: str, local_ok: bool) -> list[tuple[int, str]]:
    """(line, problem) for every @import, url() and image-set() target that leads out of the
    project, and every function not allowed: ``safe_css`` (tinycss2's tokenizer)."""
    from .safe_css import css_problems

    return css_problems(css, local_ok)
