"""Bytes -> text for a source a user brings: the importers' ``decode`` hook (run.source_text).

A source in sources/ is kept byte for byte as received; what it *says* depends on its
encoding.  The order is fixed, and the import says which rule decided:

1. a byte order mark (UTF-8, UTF-16);
2. UTF-8, when the bytes are valid UTF-8 (a page in another encoding almost never is);
   2b. mostly UTF-8 with a few stray bytes: UTF-8, the stray bytes read as Windows-1252, said
   with the line of the first (``_mixed_utf8``);
3. for a web page, the charset its ``<meta>`` declares (ISO-8859-1 and ASCII read as
   Windows-1252, as browsers do);
4. charset-normalizer's best guess (Latin-1, Windows-1252, …), said as "detected"; a
   charset the page declares that its bytes contradict is said too.  Bytes no encoding reads
   as text are ``readable.NotText`` (``import.not-text``).
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


_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]"
                         rb"|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
                         rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
                         rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}")


def _where(data: bytes, at: int) -> str:
    line = data.count(b"\n", 0, at) + 1
    return f"byte 0x{data[at]:02X} on line {line}"


def _mixed_utf8(data: bytes) -> tuple[str, str] | None:
    """Rule 2b: bytes that are mostly UTF-8 (more UTF-8 sequences of two bytes or more than
    bytes that are not UTF-8), with a few that are not (a page pieced together from two
    files): UTF-8, each stray byte read as Windows-1252 (Latin-1 where Windows-1252 has no
    character), and said with the line of the first.  Read as one guessed encoding instead,
    every UTF-8 character would turn to mojibake."""
    stray: list[int] = []

    def cp1252(exc: UnicodeError) -> tuple[str, int]:
        assert isinstance(exc, UnicodeDecodeError)
        b = exc.object[exc.start: exc.start + 1]
        stray.append(exc.start)
        try:
            return b.decode("cp1252"), exc.start + 1
        except UnicodeDecodeError:
            return b.decode("latin-1"), exc.start + 1

    codecs.register_error("edition-stray-cp1252", cp1252)
    text = data.decode("utf-8", errors="edition-stray-cp1252")
    if not stray or len(_UTF8_MULTI.findall(data)) <= len(stray):
        return None
    return text, (f"utf-8, but {len(stray)} byte(s) are not UTF-8 and were read as windows-1252 "
                  f"(the first: {_where(data, stray[0])}): check those characters")


def decode_text(data: bytes) -> tuple[str, str]:
    """A plain text or Markdown file: rules 1, 2, 2b, 4."""
    return _bom_or_utf8(data) or _mixed_utf8(data) or decode_guess(data)


def decode_html(data: bytes) -> tuple[str, str]:
    """The page's text and how its encoding was found: a byte order mark; UTF-8 when the
    bytes are valid UTF-8; mostly UTF-8 (rule 2b); the charset the page declares (ISO-8859-1
    read as Windows-1252, as browsers do); else charset-normalizer's best guess.  A declared
    charset the bytes contradict is said."""
    m = _META_CHARSET.search(data)
    declared = m.group(1).decode("ascii").lower() if m else ""
    if declared in ("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"):
        declared = "windows-1252"
    if (found := _bom_or_utf8(data)) is not None:
        text, how = found
        if declared and not declared.replace("_", "-").startswith(("utf-8", "utf8")) and not text.isascii():
            how += f"; the page declares {declared}, but its bytes are UTF-8"
        return text, how
    if (found := _mixed_utf8(data)) is not None:
        return found
    if declared:
        try:
            return data.decode(declared), f"{declared} (declared by the page)"
        except LookupError:
            text, how = decode_guess(data)
            return text, f"{how}; the page declares {declared!r}, an encoding not known"
        except UnicodeDecodeError as exc:
            text, how = decode_guess(data)
            return text, (f"{how}; the page declares {declared}, but its bytes are not "
                          f"{declared} ({_where(data, exc.start)})")
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
