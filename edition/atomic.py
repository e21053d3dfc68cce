"""Writing a file atomically: the one writer of every output, memo entry and imported chapter."""

from __future__ import annotations

import json
import os
import re
import tempfile
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


def recover(folder: Path) -> None:
    """Finish what a killed ``write_all`` began, and remove temporary files left behind.

    A journal means every new output was complete on disk before the first one was moved:
    the moves are finished (all the new outputs, never a mix of old and new).  Without a
    journal, a temporary file beside an output is the remains of a write that never
    committed: it is removed."""
    journal = folder / JOURNAL
    try:
        moves = json.loads(journal.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        moves = None
    if isinstance(moves, list):
        for tmp, final in moves:
            if os.path.exists(folder / tmp):
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
    recover(folder)
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
