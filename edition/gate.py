"""The one gate through which a build reads a file of the project.

Every input the editions are made from (book.yaml and the other YAML files, chapters,
styles, fonts, sources) is opened here.  A file must be a regular file inside the
project: a symbolic link that leads out of it, a link loop, a FIFO, a socket, a device
or a folder is refused with a message naming the file, never read (a FIFO would block
the build for ever, a link out would ship another file's text in the book).
"""

from __future__ import annotations

import errno
import itertools
import os
import re
import stat
from pathlib import Path, PurePosixPath

from .diagnostics import BookError, Diagnostic, Severity

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISDIR, "a folder"))


def _err(rel: str, msg: str, code: str) -> BookError:
    return BookError(Diagnostic(rel, None, Severity.ERROR, msg, code))


def checked_path(path: Path, rel: str, root: Path | None = None) -> Path:
    """The real path of ``path`` if it may be read, else a BookError located at ``rel``."""
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        if path.is_symlink():
            raise _err(rel, "is a symbolic link to nothing", "file.missing") from None
        raise _err(rel, "file not found", "file.missing") from None
    except RuntimeError:  # Python < 3.13: a loop of symbolic links
        raise _err(rel, "is a loop of symbolic links", "file.link-loop") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _err(rel, "is a loop of symbolic links", "file.link-loop") from None
        raise _err(rel, f"cannot read: {exc.strerror}", "file.unreadable") from None
    if root is not None:
        try:
            real.relative_to(root.resolve())
        except ValueError:
            raise _err(rel, "is a link to a file outside the project (the editions read only "
                       "the project's own files)", "file.outside") from None
    try:
        mode = os.stat(real).st_mode
    except OSError as exc:
        raise _err(rel, f"cannot read: {exc.strerror}", "file.unreadable") from None
    for test, kind in _KINDS:
        if test(mode):
            raise _err(rel, f"is {kind}, not a regular file", "file.not-regular")
    return real


MAX_INPUT = 256 * 1024 * 1024  # no file of a book is larger (a scanned source, a font)
MAX_YAML = 4 * 1024 * 1024  # a YAML file is capped before it is parsed


# The files a build read and the SHA-256 of the bytes it read (``record_reads``): the build
# manifest keeps an output only if these are the bytes its key was computed from (#27).
READS: dict[str, str] | None = None


def record_reads() -> dict[str, str]:
    """Start remembering every file read through the gate (real path -> SHA-256)."""
    global READS
    READS = {}
    return READS


def _root_of(path: Path, rel: str) -> Path | None:
    """The project a caller that gave no ``root`` reads from: ``path`` less ``rel`` when
    ``path`` ends with ``rel`` (``root / "sources/x.txt"`` shown as ``sources/x.txt``)."""
    parts = PurePosixPath(rel).parts
    if not parts or rel.startswith("/") or ".." in parts:
        return None
    p = Path(os.path.abspath(path)).parts
    return Path(*p[: -len(parts)]) if len(p) > len(parts) and p[-len(parts):] == parts else None


def read_input(path: Path, rel: str, root: Path | None = None, limit: int = MAX_INPUT) -> bytes:
    """The bytes of a project file, through the gate (``root``: the project, which a
    symbolic link may not leave, by default ``path`` less ``rel``; ``limit``: the largest
    size read, a larger file is an error, never read)."""
    if root is None:
        root = _root_of(path, rel)
    real = checked_path(path, rel, root)
    try:  # O_NONBLOCK: a file swapped for a FIFO after the check still cannot block
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _err(rel, f"cannot read: {exc.strerror}", "file.unreadable") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise _err(rel, "is not a regular file", "file.not-regular")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise _err(rel, f"is larger than {limit // 1024} KiB, the most the editions read of "
                   "such a file", "file.too-large")
    if READS is not None:
        import hashlib

        READS[str(real)] = hashlib.sha256(data).hexdigest()
    return data


def read_text(path: Path, rel: str, root: Path | None = None, controls: bool = False,
              limit: int | None = None) -> str:
    """A project file's text, read through the one gate (``gate.read_input``: no link out of
    ``root``, nothing but a regular file), a byte order mark dropped, CRLF read as LF.  A
    control character is an error at its line, unless ``controls`` (a source the importers
    read as it came: its form feeds are theirs to handle)."""
    if limit is None:
        limit = MAX_YAML if rel.endswith((".yaml", ".yml", ".json")) else MAX_INPUT
    data = read_input(path, rel, root, limit)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BookError(
            Diagnostic(rel, line, Severity.ERROR, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                 "file.encoding")
        ) from None
    # as Windows editors save it: a byte order mark, CRLF line ends
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    bad = [] if controls else [Diagnostic(rel, text.count("\n", 0, m.start()) + 1, Severity.ERROR, f"control character {char_name(m.group())} "
                "(column {}): not allowed in a text file".format(m.start() - text.rfind("\n", 0, m.start())),
                "file.control-char") for m in itertools.islice(CONTROL_CHARS.finditer(text), 10)]
    if bad:
        raise BookError(bad)
    return text


# Characters XML 1.0 forbids, C1 controls and non-characters: none can reach an e-book.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def char_name(c: str) -> str:
    import unicodedata

    name = {"\x0c": "FORM FEED", "\x0b": "LINE TABULATION", "\x00": "NULL", "\x1b": "ESCAPE"}.get(c)
    return f"U+{ord(c):04X}" + (f" ({name or unicodedata.name(c, '')})" if name or unicodedata.name(c, "") else "")
