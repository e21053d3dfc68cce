"""The print edition's faces: the fonts the stylesheet ships, and no other.

WeasyPrint finds fonts through fontconfig, which would otherwise offer every font of the
machine: a face the stylesheet names but cannot load, or a character its faces lack,
would then be set in whatever the machine happens to have, and the pages (and every
page number) would change from one machine to another.  ``font_config()`` gives
WeasyPrint a fontconfig configuration that lists no font directory at all; the
``@font-face`` rules of ``print.css`` are the only fonts it can use.

``coverage()`` tells which characters those faces lack, so that the build can warn at
the file and line of the text that uses one (it would print as an empty box).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

EMPTY_CONFIG = Path(__file__).with_name("fonts.conf")  # lists no font directory


def font_config():
    """A WeasyPrint ``FontConfiguration`` whose fontconfig sees no system font."""
    from weasyprint.text.fonts import FontConfiguration

    old = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(EMPTY_CONFIG)
    try:
        return FontConfiguration()  # fontconfig reads the file here, once
    finally:
        if old is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = old


_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.S)
_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def face_files(css_text: str, styles_dir: Path) -> list[Path]:
    """The font files named by the stylesheet's ``@font-face`` rules that exist (a file a
    book's own ``styles/`` lacks is the package's default, as render/fetch.py serves it)."""
    from ..build_manifest import PACKAGE_STYLES

    out: list[Path] = []
    for block in _FONT_FACE.findall(css_text):
        for url in _URL.findall(block):
            parsed = urlparse(url)
            if parsed.scheme not in ("", "file"):
                continue
            path = (styles_dir / unquote(parsed.path)).resolve()
            if not path.is_file() and path.is_relative_to(styles_dir.resolve()):
                path = (PACKAGE_STYLES / path.relative_to(styles_dir.resolve())).resolve()
            inside = path.is_relative_to(styles_dir.resolve()) or path.is_relative_to(PACKAGE_STYLES.resolve())
            if inside and path.is_file() and path not in out:  # never a link out (#27)
                out.append(path)
    return out


def coverage(files: Iterable[Path]) -> frozenset[int]:
    """The code points some shipped face has a glyph for."""
    from fontTools.ttLib import TTFont

    points: set[int] = set()
    for f in files:
        font = TTFont(f, lazy=True)
        try:
            points |= set(font.getBestCmap() or {})
        finally:
            font.close()
    return frozenset(points)


# characters that are never drawn: controls, spaces handled by layout, joiners, marks
_INVISIBLE = {0x09, 0x0A, 0x0D, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0xAD}


def missing(text: str, have: frozenset[int]) -> Iterator[str]:
    """The characters of ``text`` no shipped face has, each once, in order."""
    seen: set[str] = set()
    for c in text:
        cp = ord(c)
        if cp in have or cp in _INVISIBLE or cp < 0x20 or c in seen:
            continue
        seen.add(c)
        yield c
