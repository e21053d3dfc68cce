"""CSS from a book folder, checked by a real tokenizer (tinycss2), never by patterns.

``css_problems(text, local_ok)`` lists (line, problem) for everything in a style sheet that
could load something from elsewhere or run something:

* every ``url()`` (unquoted or quoted), every ``@import`` target and every string inside an
  image function (``image-set()``, ``-webkit-image-set()``, ``image()``, ``cross-fade()``)
  is a URL: only a fragment (``#id``), a ``data:`` URL whose contents pass (an image of an
  inert kind; a style sheet or SVG checked the same way, to a bounded depth), or, with
  ``local_ok``, a relative path inside the book (no scheme, no ``//``, no ``/``, no ``..``);
* a function must be on an allow-list (colours, maths, counters, gradients, transforms, the
  paged-media functions WeasyPrint knows, selector functions): ``expression()``,
  ``element()`` of another document and anything unknown is refused;
* comments, strings and escapes are the tokenizer's (``"/*"`` in a string opens no comment,
  ``u\\72l(`` is ``url(``).

``declarations_problems`` checks a ``style`` attribute's declarations; both are plain
functions (the SVG check and the web edition call them).
"""

from __future__ import annotations

import base64
import re
import urllib.parse
from collections.abc import Iterable

FUNCTIONS = frozenset("""
url src local format tech attr var env calc min max clamp abs sign round mod rem sin cos tan
asin acos atan atan2 pow sqrt hypot log exp rgb rgba hsl hsla hwb lab lch oklab oklch color
color-mix light-dark device-cmyk linear-gradient radial-gradient conic-gradient
repeating-linear-gradient repeating-radial-gradient repeating-conic-gradient image-set
-webkit-image-set counter counters target-counter target-counters target-text string content
leader running element symbols matrix matrix3d translate translatex translatey translatez
translate3d scale scalex scaley scalez scale3d rotate rotatex rotatey rotatez rotate3d skew
skewx skewy perspective cubic-bezier steps blur brightness contrast drop-shadow grayscale
hue-rotate invert opacity saturate sepia fit-content minmax repeat not is where has lang dir
nth-child nth-last-child nth-of-type nth-last-of-type host host-context slotted part
selector supports layer font-feature-values stylistic styleset character-variant swash
ornaments annotation nth first last
""".split())
IMAGE_FUNCTIONS = frozenset({"image-set", "-webkit-image-set", "image", "cross-fade"})
INERT_DATA = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "font/woff",
                        "font/woff2", "font/ttf", "font/otf", "application/font-woff",
                        "application/font-woff2", "application/x-font-ttf",
                        "application/x-font-opentype", "application/vnd.ms-opentype"})
MAX_DEPTH = 3  # data: style sheets and SVGs inside data: URLs, nested
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _line(token: object) -> int:
    return int(getattr(token, "source_line", 1) or 1)


def data_problem(url: str, depth: int = 0) -> str | None:
    """None if a ``data:`` URL is inert (an image or font) or a style sheet / SVG that passes."""
    head, comma, body = url[5:].partition(",")
    if not comma:
        return "a data: URL without data"
    parts = [p.strip().lower() for p in head.split(";")]
    media = parts[0] or "text/plain"
    try:
        raw = base64.b64decode(body, validate=False) if "base64" in parts[1:] \
            else urllib.parse.unquote_to_bytes(body)
    except ValueError:
        return "a data: URL that cannot be decoded"
    if media in INERT_DATA:
        return None
    if depth >= MAX_DEPTH:
        return "data: URLs nested too deep"
    if media == "text/css":
        inner = css_problems(raw.decode("utf-8", "replace"), local_ok=False, depth=depth + 1)
        return f"a data: style sheet that {inner[0][1]}" if inner else None
    if media == "image/svg+xml":
        from .safe_svg import svg_problems

        inner_svg = svg_problems(raw, depth=depth + 1)
        return f"a data: SVG that {inner_svg[0]}" if inner_svg else None
    return f"a data: URL of type '{media}', which the editions do not ship"


def url_problem(url: str, local_ok: bool, depth: int = 0) -> str | None:
    """None if ``url`` stays inside the book (see the module doc), else the problem."""
    u = url.strip()
    if u.startswith("#") or u == "":
        return None
    if u.lower().startswith("data:"):
        return data_problem(u, depth)
    if _SCHEME.match(u) or u.startswith(("/", "\\")) or "\\" in u \
            or ".." in re.split(r"[/\\]", urllib.parse.unquote(u)):
        return f"'{u[:80]}' is outside the project: the editions load nothing from elsewhere"
    if not local_ok:
        return f"'{u[:80]}': this style is shipped alone and may refer to no other file"
    return None


def _walk(tokens: Iterable[object], local_ok: bool, depth: int, out: list[tuple[int, str]],
          level: int = 0) -> None:
    import tinycss2.ast as ast

    if level > 64:
        out.append((1, "is nested too deep"))
        return
    for t in tokens:
        if isinstance(t, ast.URLToken):
            if p := url_problem(t.value, local_ok, depth):
                out.append((_line(t), p))
        elif isinstance(t, ast.FunctionBlock):
            name = t.lower_name
            if name not in FUNCTIONS and name not in IMAGE_FUNCTIONS:
                out.append((_line(t), f"the function {t.name}() is not one the editions allow"))
                continue
            if name in ("url", "src") or name in IMAGE_FUNCTIONS:
                for a in t.arguments:
                    if isinstance(a, ast.StringToken) and (p := url_problem(a.value, local_ok, depth)):
                        out.append((_line(a), p))
            _walk(t.arguments, local_ok, depth, out, level + 1)
        elif isinstance(t, (ast.SquareBracketsBlock, ast.ParenthesesBlock, ast.CurlyBracketsBlock)):
            _walk(t.content, local_ok, depth, out, level + 1)
        elif isinstance(t, ast.ParseError):
            out.append((_line(t), f"is not valid CSS ({t.message})"))


def css_problems(css: str, local_ok: bool, depth: int = 0) -> list[tuple[int, str]]:
    """(line, problem) for a style sheet: see the module doc."""
    import tinycss2
    import tinycss2.ast as ast

    out: list[tuple[int, str]] = []
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    for r in rules:
        if isinstance(r, ast.AtRule):
            if r.lower_at_keyword == "import":
                for t in r.prelude:
                    if isinstance(t, ast.StringToken) and (p := url_problem(t.value, local_ok, depth)):
                        out.append((_line(t), p))
                if not any(isinstance(t, (ast.StringToken, ast.URLToken)) or
                           (isinstance(t, ast.FunctionBlock) and t.lower_name == "url") for t in r.prelude):
                    out.append((_line(r), "an @import without a style sheet to import"))
            _walk(r.prelude, local_ok, depth, out)
            if r.content is not None:
                _walk(r.content, local_ok, depth, out)
        elif isinstance(r, ast.QualifiedRule):
            _walk(r.prelude, local_ok, depth, out)
            _walk(r.content, local_ok, depth, out)
        elif isinstance(r, ast.ParseError):
            out.append((_line(r), f"is not valid CSS ({r.message})"))
    return out


def declarations_problems(text: str, depth: int = 0) -> list[tuple[int, str]]:
    """(line, problem) for a ``style`` attribute: only fragments and inert ``data:`` URLs."""
    import tinycss2

    out: list[tuple[int, str]] = []
    _walk(tinycss2.parse_component_value_list(text, skip_comments=True), False, depth, out)
    return out


def value_problems(text: str, depth: int = 0) -> list[str]:
    """Problems of an attribute value that may hold ``url()`` (``fill``, ``filter`` …)."""
    return [p for _, p in declarations_problems(text, depth)]
