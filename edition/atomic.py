"""Writing a file atomically: the one writer of every output, memo entry and imported chapter."""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a new temporary file in the same folder, flush it to disk, then rename it
    over ``path``: a reader (or a crash) sees the old file or the new one, never half of one.
    The temporary file is removed if anything fails before the rename."""
    name = _aside(path, data)
    try:
        os.replace(name, path)
    except BaseException:
        _unlink(name)
        raise

JOURNAL = ".edition-commit.json"  # in the output folder while outputs are being moved into place
_TMP = re.compile(r"^\.(.+)\.[A-Za-z0-9_]{8}\.tmp$")  # what write_atomic's mkstemp names


def _aside(path: Path, data: bytes) -> str:
    """``data`` in a new temporary file beside ``path``, flushed to disk; its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(name, 0o666 & ~umask)
    except BaseException:
        _unlink(name)
        raise
    return name


def _unlink(name: str | Path) -> None:
    try:
        os.unlink(name)
    except OSError:
        pass


LOCK = ".edition-lock"  # held by write_all and recover: one build's temporaries are not another's


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` (a lock file in it) while the block runs: a build
    that is writing its outputs aside is never cleaned up by another build's ``recover``."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock (concurrent builds there are not supported)
        yield
        return
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def journal_moves(folder: Path) -> list[tuple[str, str]] | None:
    """The moves a journal in ``folder`` lists, if it is one ``write_all`` wrote: a list of
    (temporary file, output) names in this folder, each temporary file named after its output
    as ``_aside`` names it and a regular file (no link).  Anything else (a journal shipped
    with a book naming ``../`` or absolute paths, a key file to move into build/) is None."""
    path = folder / JOURNAL
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                return None
            moves = json.loads(f.read(1024 * 1024))
    except (OSError, ValueError):
        return None
    if not isinstance(moves, list) or not moves:
        return None
    out = []
    for item in moves:
        if not (isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)):
            return None
        tmp, final = item
        m = _TMP.match(tmp)
        if (not m or m.group(1) != final or "/" in tmp or "\\" in tmp or "\0" in tmp
                or final in ("", ".", "..", JOURNAL, LOCK) or os.path.basename(final) != final):
            return None
        try:
            if not stat.S_ISREG(os.lstat(folder / tmp).st_mode):
                return None
        except FileNotFoundError:
            pass  # already moved before the build was killed
        except OSError:
            return None
        out.append((tmp, final))
    return out


def recover(folder: Path) -> None:
    """Finish what a killed ``write_all`` began, and remove temporary files left behind.

    A journal means every new output was complete on disk before the first one was moved:
    the moves are finished (all the new outputs, never a mix of old and new).  Without a
    journal, a temporary file beside an output is the remains of a write that never
    committed: it is removed.  A journal that ``write_all`` did not write (``journal_moves``)
    is removed with a warning, never replayed; a folder that is a link is left alone."""
    if os.path.islink(folder) or not os.path.isdir(folder):
        return
    with locked(folder):
        _recover(folder)


def _recover(folder: Path) -> None:
    journal = folder / JOURNAL
    if os.path.lexists(journal):
        moves = journal_moves(folder)
        if moves is None:
            print(f"{journal}: warning: not a journal this tool wrote (it names files other than "
                  "its own temporary files): ignored and removed [journal.invalid]", file=sys.stderr)
        for tmp, final in moves or []:
            if os.path.lexists(folder / tmp):
                os.replace(folder / tmp, folder / final)
    _unlink(journal)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if _TMP.match(name):
            _unlink(folder / name)


def write_all(outputs: list[tuple[Path, bytes]]) -> None:
    """Write several outputs of one folder all or nothing.

    Every output is first written aside (a temporary file, flushed); if one fails (the disk
    is full), every temporary file is removed and no output has changed.  Then a journal
    listing the moves is written and the files are renamed into place; a build killed
    during the renames is completed by ``recover`` at the next one."""
    if not outputs:
        return
    folder = outputs[0][0].parent
    assert all(p.parent == folder for p, _ in outputs), "one folder"
    folder.mkdir(parents=True, exist_ok=True)
    with locked(folder):  # another build in this folder waits: neither removes the other's files
        _recover(folder)
        written: list[tuple[str, str]] = []
        try:
            for path, data in outputs:
                written.append((os.path.basename(_aside(path, data)), path.name))
            write_atomic(folder / JOURNAL, json.dumps(written).encode("utf-8"))
        except BaseException:
            for tmp, _ in written:
                _unlink(folder / tmp)
            raise
        for tmp, final in written:
            os.replace(folder / tmp, folder / final)
        _unlink(folder / JOURNAL)
