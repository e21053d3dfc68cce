"""The one gate through which a build reads a file of the project.

Every input the editions are made from (book.yaml and the other YAML files, chapters,
styles, fonts, sources) is opened here.  A file must be a regular file inside the
project: a symbolic link that leads out of it, a link loop, a FIFO, a socket, a device
or a folder is refused with a message naming the file, never read (a FIFO would block
the build for ever, a link out would ship another file's text in the book).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

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


def read_input(path: Path, rel: str, root: Path | None = None) -> bytes:
    """The bytes of a project file, through the gate (``root``: the project, which a
    symbolic link may not leave)."""
    real = checked_path(path, rel, root)
    try:  # O_NONBLOCK: a file swapped for a FIFO after the check still cannot block
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _err(rel, f"cannot read: {exc.strerror}", "file.unreadable") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise _err(rel, "is not a regular file", "file.not-regular")
        return f.read()
