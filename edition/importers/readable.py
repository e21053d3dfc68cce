"""Can a source be read whole?  Two gates before a word is counted (issue #26):

* ``text_of``: the bytes are text at all.  A file with a binary signature (ELF, PDF, ZIP,
  PNG …), a NUL byte, more than ``MAX_CONTROL_SHARE`` control characters, or bytes no
  encoding reads as text (charset-normalizer finds none) is refused before it is registered
  or imported: ``import.not-text``.  Decoding itself is the importer's ``decode`` hook
  (encoding.py).
* ``check_page_whole``: the HTML parser kept every character of text the page has.  The
  page's text is taken a second time with a tokenizer that builds no tree (the standard
  library's ``html.parser``: no depth limit, no moving of text), and its characters (white
  space aside) must be the tree's, in order.  A page whose text the parser did not keep
  (nesting deeper than libxml2 reads, text after ``</html>``, …) is an error at the line of
  the first character lost: ``import.unreadable-page``.  So the source side of the word count
  never depends on the parser that may have lost the words.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

from ..diagnostics import BookError, Diagnostic, Severity

#: the first bytes of files that are not text, and what they are
SIGNATURES = (
    (b"\x7fELF", "an ELF executable or library"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a file packed as one: EPUB, DOCX, ODT)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"(\xb5/\xfd", "a zstd-compressed file"),
    (b"7z\xbc\xaf'\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xcf\xfa\xed\xfe", "a Mach-O executable"), (b"\xfe\xed\xfa\xcf", "a Mach-O executable"),
    (b"\x00asm", "a WebAssembly module"),
    (b"OggS", "an Ogg audio or video file"),
    (b"fLaC", "a FLAC audio file"),
    (b"ID3", "an MP3 audio file"),
)
_RIFF = {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}
#: a text may hold a stray control character (``edition check`` then shows it at its line);
#: a file where more than this share of the characters are controls is not a text
MAX_CONTROL_SHARE = 0.01
_ALLOWED = frozenset("\t\n\r\f")


def _refuse(rel: str, line: int | None, why: str) -> BookError:
    return BookError(Diagnostic(rel, line, Severity.ERROR, f"{rel} is not a text or HTML file: "
                                f"{why} (an importer reads only text; a source that is not is neither "
                                "registered nor imported)", "import.not-text"))


def _controls(text: str) -> list[int]:
    """The offsets of the control characters of ``text`` (C0 but tab, line ends and form
    feed; DEL; C1), and of U+FFFD, the mark of bytes a decoder could not read."""
    return [i for i, c in enumerate(text)
            if (c < " " and c not in _ALLOWED) or "\x7f" <= c <= "\x9f" or c == "\ufffd"]


def text_of(data: bytes, rel: str, decode: Callable[[bytes], tuple[str, str]]) -> tuple[str, str]:
    """``decode(data)`` (the importer's hook: text and how its encoding was found), after
    making sure the bytes are a text: else ``import.not-text`` at ``rel``."""
    head = data[:16]
    for sig, what in SIGNATURES:
        if head.startswith(sig):
            raise _refuse(rel, None, f"it begins like {what}")
    if head.startswith(b"RIFF") and head[8:12] in _RIFF:
        raise _refuse(rel, None, f"it begins like {_RIFF[head[8:12]]}")
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and (nul := data.find(b"\x00")) >= 0:
        raise _refuse(rel, data.count(b"\n", 0, nul) + 1, "it holds NUL bytes (the first on "
                      "this line), which no text has")
    try:
        text, how = decode(data)
    except NotText as exc:
        raise _refuse(rel, None, str(exc)) from None
    except UnicodeDecodeError as exc:
        raise _refuse(rel, None, f"its bytes are not {exc.encoding}") from None
    bad = _controls(text)
    if text and len(bad) > MAX_CONTROL_SHARE * len(text):
        first = bad[0]
        line = text.count("\n", 0, first) + text.count("\r", 0, first) - text.count("\r\n", 0, first) + 1
        raise _refuse(rel, line, f"{len(bad)} of its {len(text)} characters read as {how} are "
                      "control characters or bytes no encoding reads (the first on this line)")
    return text, how


class NotText(ValueError):
    """Raised by a decoder when no encoding reads the bytes as text."""


# ---------------------------------------------------------------------------- whole pages

class _Tokens(HTMLParser):
    """The page's text as a tokenizer sees it: no tree, so no depth limit and nothing moved."""

    def __init__(self, skip: frozenset[str], void: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_tags, self.void = skip, void
        self.skipping = 0
        self.parts: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.skip_tags and tag not in self.void:
            self.skipping += 1

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        pass  # <svg/>: opens nothing

    def handle_endtag(self, tag: str) -> None:
        if tag in self.skip_tags and tag not in self.void and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.parts.append((self.getpos()[0], data))


VOID = frozenset({"meta", "link", "base", "br", "hr", "img", "input", "col", "area", "embed",
                  "param", "source", "track", "wbr"})


@lru_cache(maxsize=8)
def _token_text(text: str, skip: frozenset[str]) -> tuple[tuple[int, str], ...]:
    tok = _Tokens(skip, VOID)
    tok.feed(text)
    tok.close()
    return tuple(tok.parts)


def tree_text(body: Any, skip: frozenset[str]) -> str:
    """Every text node of ``body`` outside the ``skip`` elements, in document order (walked
    without recursion: a tree of any depth)."""
    from lxml import etree

    out: list[str] = []
    skipping = 0
    for event, el in etree.iterwalk(body, events=("start", "end", "comment", "pi")):
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if event in ("comment", "pi"):  # not text; what follows it is
            if not skipping and el.tail:
                out.append(el.tail)
        elif event == "start":
            skipping += tag in skip
            if tag and not skipping and el.text:
                out.append(el.text)
        else:
            skipping -= tag in skip
            if el is not body and not skipping and el.tail:
                out.append(el.tail)
    return "".join(out)


def _squeeze(text: str) -> str:
    return "".join(text.split())


def check_page_whole(text: str, body: Any, skip: frozenset[str], where: str) -> None:
    """The text of the parsed ``body`` is the page's text as the tokenizer reads it, white
    space aside; else ``import.unreadable-page`` at the line of the first character lost."""
    parts = _token_text(text, skip)
    want = "".join(_squeeze(t) for _, t in parts)
    have = _squeeze(tree_text(body, skip))
    if want == have:
        return
    i = 0
    while i < len(want) and i < len(have) and want[i] == have[i]:
        i += 1
    line, seen = None, 0
    for ln, t in parts:  # the line of the i-th character, counted inside its text node
        if seen + len(_squeeze(t)) > i:
            for c in t:
                if c == "\n":
                    ln += 1
                elif not c.isspace():
                    if seen == i:
                        break
                    seen += 1
            line = ln
            break
        seen += len(_squeeze(t))
    lost = want[i: i + 40]
    raise BookError(Diagnostic(
        where, line, Severity.ERROR,
        f"the HTML parser keeps {len(have)} of the {len(want)} characters of text of this page "
        f"(white space aside); from this line ({lost!r}…) what it keeps differs from the page: "
        "the page cannot be read whole (libxml2 reads elements nested at most 2048 deep and "
        "drops text after </html>); no chapter is made of it", "import.unreadable-page"))
