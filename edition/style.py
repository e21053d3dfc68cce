"""The book's style sheets: its own ``styles/`` file, else the package's default, read
through the gate, every reference checked (the print and e-book renderers and the
pipeline read them here)."""

from __future__ import annotations

import re
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


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.S)
_CSS_REF = re.compile(r"@import\s*(?:url\(\s*)?[\"']?\s*([^\"')\s;]*)|\burl\(\s*[\"']?\s*([^\"')\s]*)", re.I)


def css_references(css: str, local_ok: bool) -> list[tuple[int, str]]:
    """(line, problem) for every @import and url() that leads out of the project (a scheme,
    ``//host``, an absolute path, ``..``); with ``local_ok`` False, for every one but ``data:``."""

    def unescape(m: re.Match[str]) -> str:
        if m.group(1):
            try:
                return chr(int(m.group(1), 16))
            except (ValueError, OverflowError):
                return "?"
        return m.group(2)

    text = _CSS_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), css)
    text = _CSS_ESCAPE.sub(unescape, text)  # u\72l( is url(
    out = []
    for m in _CSS_REF.finditer(text):
        target = (m.group(1) if m.group(1) is not None else m.group(2)) or ""
        line = text.count("\n", 0, m.start()) + 1
        if target.lower().startswith("data:"):
            continue
        remote = bool(re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//|/|\\", target)) or ".." in target.split("/")
        if remote:
            out.append((line, f"'{target}' is outside the project: the editions load nothing from "
                              "elsewhere"))
        elif not local_ok:
            out.append((line, f"'{target}': the e-book's style sheet is shipped alone and may "
                              "refer to no other file"))
    return out
