"""The tool's own state, which a stranger's book folder may carry forged.

The build keeps state in the book folder: the build manifest and the memo in ``.cache/``,
the layout seed, the write journal and the page map in ``build/``.  A book folder from
someone else can ship any of them, written to make an output look up to date (a forged
EPUB "built" from the book), to skip validation (a memo of YAML that never passed it) or to
move files (a journal).  So:

* every folder the tool writes into must be the book's own ``build/`` or ``.cache/`` (or the
  cache folder the user named in ``EDITION_CACHE_DIR``), and neither may be a symbolic
  link, nor any folder on the way to a file in it (:func:`own_folder`);
* state is read with :func:`read_state` (no link followed, a regular file, a size limit);
* state the tool trusts (manifest, memo, seed) is sealed with an HMAC whose key lives
  outside every book (:func:`seal` / :func:`unseal`): ``$EDITION_CACHE_DIR/state-key``
  when that is set, else ``$XDG_CACHE_HOME/edition/state-key`` (``~/.cache/…``), made
  once with mode 0600.  An entry not sealed with this machine's key is ignored: it costs a
  rebuild, nothing else.  Without a key (a home that cannot be written) nothing is
  trusted and every build is a full one.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from .diagnostics import BookError, Diagnostic, Severity

MAGIC = b"edition-sealed-1 "
STATE_MAX = 64 * 1024 * 1024


def key_path() -> Path:
    base = os.environ.get("EDITION_CACHE_DIR", "")
    if base:
        return Path(base) / "state-key"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "edition" / "state-key"


@functools.lru_cache(maxsize=4)
def _key(path: str) -> bytes | None:
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(secrets.token_hex(32).encode())
        data = _read_nofollow(p, 1024)
    except OSError:
        return None
    return data if data and len(data) == 64 else None


def key() -> bytes | None:
    return _key(str(key_path()))


def seal(data: bytes) -> bytes | None:
    """``data`` with this machine's mark, or None when there is no key (keep nothing)."""
    k = key()
    if k is None:
        return None
    return MAGIC + hmac.new(k, data, hashlib.sha256).hexdigest().encode() + b"\n" + data


def mac(data: bytes) -> str | None:
    """This machine's mark of ``data`` (hex), or None without a key."""
    k = key()
    return None if k is None else hmac.new(k, data, hashlib.sha256).hexdigest()


def mac_ok(data: bytes, mark: object) -> bool:
    m = mac(data)
    return m is not None and isinstance(mark, str) and hmac.compare_digest(m, mark)


def unseal(blob: bytes | None) -> bytes | None:
    """The data of a sealed blob, or None if it was not sealed here (forged, damaged, old)."""
    k = key()
    if k is None or not blob or not blob.startswith(MAGIC):
        return None
    mac, _, data = blob[len(MAGIC):].partition(b"\n")
    if hmac.compare_digest(mac, hmac.new(k, data, hashlib.sha256).hexdigest().encode()):
        return data
    return None


def _read_nofollow(path: Path, limit: int) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise OSError("not a regular file")
        data = f.read(limit + 1)
    if len(data) > limit:
        raise OSError("too large")
    return data


def read_state(path: Path, limit: int = STATE_MAX) -> bytes | None:
    """A state file's bytes, or None: missing, a link, not a regular file, too large, or in a
    folder that is a link."""
    if _linked(path.parent):
        return None
    try:
        return _read_nofollow(path, limit)
    except OSError:
        return None


def read_sealed(path: Path, limit: int = STATE_MAX) -> bytes | None:
    return unseal(read_state(path, limit + 200))


def _linked(folder: Path) -> bool:
    """True if ``folder`` itself is a symbolic link (the folders above it that the book can
    carry, ``build/`` and ``.cache/``, are checked by :func:`own_folder` where they are made)."""
    return folder.is_symlink()


def own_folder(root: Path, folder: Path, rel: str) -> Path:
    """``folder``, a folder the build writes into, if no part of it inside the book is a
    symbolic link or something else than a folder; else a BookError at ``rel``."""
    root_abs = Path(os.path.abspath(root))
    f = Path(os.path.abspath(folder))
    try:
        parts = f.relative_to(root_abs).parts
    except ValueError:
        return folder  # outside the book: the folder the user named (-o, EDITION_CACHE_DIR)
    p = root_abs
    for part in parts:
        p = p / part
        try:
            mode = os.lstat(p).st_mode
        except FileNotFoundError:
            break
        except OSError as exc:
            raise _err(rel, f"cannot be used: {exc.strerror}") from None
        if stat.S_ISLNK(mode):
            raise _err(rel, f"{p.relative_to(root_abs).as_posix()} is a symbolic link: the build "
                       "writes only into the book's own folders, never through a link")
        if not stat.S_ISDIR(mode):
            raise _err(rel, f"{p.relative_to(root_abs).as_posix()} is not a folder")
    return folder


def _err(rel: str, msg: str) -> BookError:
    return BookError(Diagnostic(rel, None, Severity.ERROR, msg, "file.unsafe-folder"))
