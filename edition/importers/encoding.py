"""Bytes -> text for a source a user brings: the importers' ``decode`` hook (run.source_text).

A source in sources/ is kept byte for byte as received; what it *says* depends on its
encoding.  The order is fixed, and the import says which rule decided:

1. a byte order mark (UTF-8, UTF-16);
2. UTF-8, when the bytes are valid UTF-8 (a page in another encoding almost never is);
3. for a web page, the charset its ``<meta>`` declares (ISO-8859-1 and ASCII read as
   Windows-1252, as browsers do);
4. charset-normalizer's best guess (Latin-1, Windows-1252, …), said as "detected".
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _bom_or_utf8(data: bytes) -> tuple[str, str] | None:
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc), f"{enc} (byte order mark)"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return None


def decode_text(data: bytes) -> tuple[str, str]:
    """A plain text or Markdown file: rules 1, 2, 4."""
    return _bom_or_utf8(data) or decode_guess(data)


def decode_html(data: bytes) -> tuple[str, str]:
    """The page's text and how its encoding was found: a byte order mark; UTF-8 when the
    bytes are valid UTF-8; the charset the page declares (ISO-8859-1 read as Windows-1252,
    as browsers do); else charset-normalizer's best guess."""
    if (found := _bom_or_utf8(data)) is not None:
        return found
    m = _META_CHARSET.search(data)
    if m:
        name = m.group(1).decode("ascii").lower()
        if name in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
            name = "windows-1252"
        try:
            return data.decode(name), f"{name} (declared by the page)"
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_guess(data)


#: when charset-normalizer finds several encodings equally likely (a short Western text reads
#: as well in cp1250 as in cp1252), the first of these among them is taken: the WHATWG
#: fallback for a page that declares nothing is windows-1252
PREFERRED = ("utf_8", "cp1252", "latin_1", "iso8859_15")


def decode_guess(data: bytes) -> tuple[str, str]:
    """Bytes that are not UTF-8 and declare nothing: charset-normalizer's best guess."""
    from charset_normalizer import from_bytes

    from .readable import NotText

    found = list(from_bytes(data))
    if not found:
        raise NotText("no encoding reads its bytes as text (charset-normalizer finds none)")
    best = min((m.chaos, -m.coherence) for m in found)
    tied = [m for m in found if (m.chaos, -m.coherence) == best]
    pick = next((m for name in PREFERRED for m in tied if m.encoding == name), tied[0])
    others = sorted(m.encoding for m in tied if m is not pick)
    note = f"; as likely: {', '.join(others)}" if others else ""
    if pick.encoding not in PREFERRED:  # the same text read as Windows-1252 is said so
        try:
            if data.decode("cp1252") == str(pick):
                return str(pick), (f"cp1252 (detected by charset-normalizer as {pick.encoding}, "
                                   "which reads these bytes the same)")
        except UnicodeDecodeError:
            pass
    return str(pick), f"{pick.encoding} (detected by charset-normalizer{note})"
