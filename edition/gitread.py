"""The edition's version and date from the book's git repository, with nothing executed.

A book folder from a stranger may be a git repository whose ``.git/config`` names a
command (``core.fsmonitor``, ``core.pager``, hooks, a ``diff`` driver …) that git runs on
``git describe`` or ``git log``.  So the build runs no git at all: it reads ``.git/HEAD``,
the ref it names (a loose ref file or ``packed-refs``), the tags, and the commit object
itself (zlib-compressed, loose, or found in a pack through its index) as plain files,
through the gate (inside the book, regular files, a size limit).  The version is the tag
that points at HEAD, else the first 7 hex digits of the commit; the date is the commit's
committer time.  Not computed: ``--dirty`` (it would mean reading the index and hashing
the work tree) and ``describe``'s ``<tag>-<n>-g<sha>`` distance.  Anything unexpected
(a shallow clone without the object, a deltified commit, ``.git`` as a symbolic link)
gives "unversioned" and no date.  A worktree's or submodule's ``.git`` file is followed to
the git folder it names (``gitdir:``, ``commondir``): those files are read, never run.
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

from .diagnostics import BookError
from .gate import read_input

_SHA = re.compile(r"^[0-9a-f]{40}$")
_REF = re.compile(r"^refs/[A-Za-z0-9._/-]{1,200}$")
_MAX = 64 * 1024 * 1024  # packs and their indexes are read only up to this size
_COMMIT_MAX = 1024 * 1024


def _read(git: Path, rel: str, limit: int = _MAX) -> bytes | None:
    """A file of the git folder ``git``, through the gate kept inside that folder."""
    try:
        data = read_input(git / rel, rel, git, limit=limit)
    except BookError:
        return None
    return data


def _read_at(git: Path, rel: str, offset: int, n: int) -> bytes | None:
    """``n`` bytes at ``offset`` of a file of the git folder (a pack: never read whole)."""
    import os
    import stat

    from .gate import checked_path

    try:
        real = checked_path(git / rel, rel, git)
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (BookError, OSError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        return os.pread(fd, n, offset)
    except OSError:
        return None
    finally:
        os.close(fd)


def _packed(root: Path) -> dict[str, str]:
    data = _read(root, "packed-refs", 16 * 1024 * 1024) or b""
    refs: dict[str, str] = {}
    last = None
    for line in data.decode("utf-8", "replace").splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("^") and last:  # the commit an annotated tag points at
            sha = line[1:].strip()
            if _SHA.match(sha):
                refs[last + "^{}"] = sha
            continue
        sha, _, name = line.partition(" ")
        if _SHA.match(sha) and _REF.match(name.strip()) and ".." not in name:
            refs[name.strip()] = sha
            last = name.strip()
    return refs


def _ref(root: Path, name: str, packed: dict[str, str]) -> str | None:
    if not _REF.match(name) or ".." in name.split("/"):
        return None
    data = _read(root, name, 1024)
    if data is not None:
        sha = data.decode("ascii", "replace").strip()
        return sha if _SHA.match(sha) else None
    return packed.get(name)


def _pack_object(root: Path, sha: str) -> bytes | None:
    """The raw (type, body) bytes of a non-delta commit object stored in a pack."""
    pack_dir = root / "objects/pack"
    try:
        idx_names = sorted(p.name for p in pack_dir.iterdir() if p.name.endswith(".idx"))[:64]
    except OSError:
        return None
    want = bytes.fromhex(sha)
    for name in idx_names:
        idx = _read(root, f"objects/pack/{name}")
        if not idx or idx[:8] != b"\xfftOc\x00\x00\x00\x02" or len(idx) < 8 + 1024:
            continue
        fan = struct.unpack(">256I", idx[8:8 + 1024])
        n = fan[255]
        lo = fan[want[0] - 1] if want[0] else 0
        hi = fan[want[0]]
        base = 8 + 1024
        if len(idx) < base + n * 28:
            continue
        found = None
        for i in range(lo, min(hi, n)):
            if idx[base + 20 * i: base + 20 * i + 20] == want:
                found = i
                break
        if found is None:
            continue
        off = struct.unpack(">I", idx[base + 24 * n + 4 * found: base + 24 * n + 4 * found + 4])[0]
        if off & 0x80000000:
            i64 = off & 0x7FFFFFFF
            p = base + 28 * n + 8 * i64
            off = struct.unpack(">Q", idx[p:p + 8])[0]
        pack = _read_at(root, f"objects/pack/{name[:-4]}.pack", off, _COMMIT_MAX + 32)
        if not pack:
            return None
        off = 0
        c = pack[off]
        kind = (c >> 4) & 7
        size = c & 15
        shift, pos = 4, off + 1
        while c & 0x80 and pos < len(pack):
            c = pack[pos]
            size |= (c & 0x7F) << shift
            shift += 7
            pos += 1
        if kind != 1 or size > _COMMIT_MAX:  # a commit, stored whole (git never deltifies
            return None                        # most commits; a delta is "unversioned")
        try:
            body = zlib.decompressobj().decompress(pack[pos:], size)
        except zlib.error:
            return None
        return b"commit %d\0" % len(body) + body
    return None


def commit_time(root: Path, sha: str) -> int | None:
    """The committer time of commit ``sha`` (seconds since 1970), read from the object."""
    raw = None
    loose = _read(root, f"objects/{sha[:2]}/{sha[2:]}", _COMMIT_MAX)
    if loose is not None:
        try:
            raw = zlib.decompressobj().decompress(loose, _COMMIT_MAX)
        except zlib.error:
            raw = None
    if raw is None:
        raw = _pack_object(root, sha)
    if not raw or not raw.startswith(b"commit "):
        return None
    _, _, body = raw.partition(b"\0")
    for line in body.split(b"\n"):
        if not line:
            break
        if line.startswith(b"committer "):
            m = re.search(rb"> (\d{1,12}) [+-]\d{4}$", line)
            return int(m.group(1)) if m else None
    return None


def _tag_at(root: Path, sha: str) -> str | None:
    packed = _packed(root)
    names: dict[str, str] = {}
    for name, value in packed.items():
        if name.startswith("refs/tags/"):
            names[name.removesuffix("^{}")] = value if name.endswith("^{}") else names.get(name, value)
    tags = root / "refs/tags"
    try:
        loose = sorted(p.name for p in tags.iterdir())[:1000] if tags.is_dir() and not tags.is_symlink() else []
    except OSError:
        loose = []
    for t in loose:
        if loose_sha := _ref(root, f"refs/tags/{t}", {}):
            names[f"refs/tags/{t}"] = loose_sha
    hits = sorted(n[len("refs/tags/"):] for n, v in names.items() if v == sha)
    ok = [t for t in hits if re.fullmatch(r"[A-Za-z0-9._-]{1,100}", t)]
    return ok[0] if ok else None


def git_dirs(root: Path) -> tuple[Path, Path] | None:
    """(the git folder with HEAD, the common folder with refs and objects) of the checkout at
    ``root``: ``.git`` itself, or what a worktree's or submodule's ``.git`` file names
    (``gitdir:``, then ``commondir``).  Those folders are read as files, nothing more."""
    dot = root / ".git"
    if dot.is_symlink():
        return None
    if dot.is_dir():
        return dot, dot
    data = _read(root, ".git", 4096)
    if data is None or not data.startswith(b"gitdir: "):
        return None
    git = (root / data[8:].decode("utf-8", "replace").strip()).resolve()
    common = git
    if (c := _read(git, "commondir", 4096)) is not None:
        common = (git / c.decode("utf-8", "replace").strip()).resolve()
    return (git, common) if git.is_dir() and common.is_dir() else None


def version(root: Path) -> tuple[str, int | None]:
    """(version, commit time) of the book's checkout, read without running git."""
    dirs = git_dirs(root.resolve())
    if dirs is None:
        return "unversioned", None
    git, common = dirs
    data = _read(git, "HEAD", 1024)
    text = data.decode("ascii", "replace").strip() if data else ""
    sha = text if _SHA.match(text) else \
        _ref(common, text[5:].strip(), _packed(common)) if text.startswith("ref: ") else None
    if sha is None:
        return "unversioned", None
    return _tag_at(common, sha) or sha[:7], commit_time(common, sha)
