"""The build cache: an output whose inputs have not changed is not built again.

Every output (the EPUB; the PDF for a page size and variant) is recorded in
``<project>/.cache/build-manifest.json`` (the cache folder: :func:`cache_dir`) with a key: a SHA-256 over the bytes of
every input, read as plain files (no YAML is parsed, nothing is imported, no
importer runs), so checking costs a few milliseconds:

* the project's configuration (every ``*.yaml``/``*.yml`` beside ``book.yaml``:
  book, glossary, persons, apparatus), and every file under ``chapters/``,
  ``sources/`` (texts, ``sources.yaml``, corrections) and ``styles/`` (CSS, fonts);
* the code of the ``edition`` package and the fonts shipped beside it;
* the installed packages (every ``*.dist-info`` name on ``sys.path``: WeasyPrint,
  ebooklib, markdown-it-py … with their versions) and the Python version;
* what the build reads from its surroundings: ``SOURCE_DATE_EPOCH``, and
  the tag or commit HEAD names and its time, read from ``.git`` (no git runs) (the edition's
  version and date);
* the target and its options (page size, print-shop variant) and the output path.

An output is skipped only when its key is the recorded one *and* the file in the
output folder still has the recorded SHA-256 (a deleted or edited output is built
again).  The diagnostics of the build that made it are stored with it and shown
again, so a skipped build warns as the real one did (and fails under ``--strict``
when the real one would have).  The manifest is written atomically, after a build
succeeded, sealed with this machine's key (``trust.py``); a damaged, unreadable or
unsealed manifest (one that came with the book) is the same as none.  An output is kept
in it only if every file the build read had the bytes the key was computed from.  ``--force``
rebuilds regardless.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import recover, write_atomic
from .diagnostics import BookError, Diagnostic, Reporter, Severity
from .trust import own_folder, read_sealed, seal

FORMAT = 1
MANIFEST = "build-manifest.json"  # in cache_dir(root)
CACHE_ENV = "EDITION_CACHE_DIR"
INPUT_DIRS = ("chapters", "sources", "styles", "images")
PACKAGE = Path(__file__).resolve().parent  # the edition package: its code is an input
PACKAGE_DATA = PACKAGE / "data"  # default styles, fonts, terms and the new-book template
PACKAGE_STYLES = PACKAGE_DATA / "styles"  # the default styles, shipped
_SKIP = {"__pycache__", ".git", ".cache"}
MAX_HASHED = 256 * 1024 * 1024  # gate.MAX_INPUT: a larger file is an error when read
MAX_FILES = 20_000  # files hashed in one input folder (#27: images/ linked to /usr)


def cache_dir(root: Path) -> Path:
    """The project's cache folder (build manifest, memo): ``<project>/.cache``, or, when
    ``EDITION_CACHE_DIR`` is set, a folder inside it named after the project's absolute path
    (so a read-only checkout, or the test suite, keeps the project untouched)."""
    base = os.environ.get(CACHE_ENV, "")
    if not base:  # never a link, nor through one (trust.own_folder): a BookError
        return own_folder(root, root / ".cache", ".cache")
    name = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(base) / name


def _hash_file(h: hashlib._Hash, path: Path, name: str, inside: Path | None = None,
               seen: dict[str, str] | None = None) -> None:
    h.update(name.encode("utf-8", "surrogateescape") + b"\0")
    if inside is not None and path.is_symlink():  # a link: where it leads, and never read
        h.update(os.readlink(path).encode("utf-8", "surrogateescape") + b"\0")  # outside
        try:
            path.resolve(strict=True).relative_to(inside)
        except (ValueError, OSError, RuntimeError):  # outside, dangling, or a loop
            return
    try:  # only a regular file is read: a FIFO would block for ever (the gate refuses it)
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            h.update(b"<not a regular file>\0")
            return
        if st.st_size > MAX_HASHED:  # the gate refuses to read it: never read whole here either
            h.update(f"<too large: {st.st_size} {st.st_mtime_ns}>\0".encode())
            return
        data = path.read_bytes()
    except OSError as exc:  # unreadable: the build will say so; the key must still differ
        data = f"<unreadable: {exc.errno}>".encode()
    digest = hashlib.sha256(data)
    h.update(len(data).to_bytes(8, "big") + digest.digest())
    if seen is not None:
        seen[os.path.realpath(path)] = digest.hexdigest()


def hash_tree(h: hashlib._Hash, base: Path, label: str, suffixes: tuple[str, ...] = (),
               inside: Path | None = None, seen: dict[str, str] | None = None) -> None:
    if not base.is_dir():
        h.update(f"<no {label}>\0".encode())
        return
    if inside is not None and base.is_symlink():  # images/ -> /usr: the link, never walked
        try:
            base.resolve(strict=True).relative_to(inside)
        except (ValueError, OSError, RuntimeError):
            h.update(f"<{label}: a link out>\0".encode() + os.readlink(base).encode("utf-8", "surrogateescape"))
            return
    files = []
    for dirpath, dirnames, filenames in os.walk(base):  # links to folders are not followed
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP)
        for f in filenames:
            if not suffixes or f.endswith(suffixes):
                p = Path(dirpath) / f
                files.append((f"{label}/{p.relative_to(base).as_posix()}", p))
        if len(files) > MAX_FILES:  # bounded: the build refuses such a book anyway (gate)
            h.update(f"<{label}: more than {MAX_FILES} files>\0".encode() + os.urandom(16))
            break  # a key that matches nothing: such a book is always built again
    for name, p in sorted(files)[:MAX_FILES]:
        _hash_file(h, p, name, inside, seen)


def installed() -> list[str]:
    """Every installed distribution with its version, from the dist-info folder names."""
    names: set[str] = set()
    for entry in sys.path:  # only installed packages: not the script's or current folder
        if not entry.endswith(("site-packages", "dist-packages")):
            continue
        try:
            with os.scandir(entry or ".") as it:
                names.update(e.name for e in it if e.name.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    return sorted(names)


def _git(root: Path) -> str:
    """What project.git_version reads: the checkout's tag or commit and its time, read from
    .git with nothing executed (``gitread``)."""
    from .gitread import version

    desc, when = version(root)
    return f"{desc}|{when}"


def inputs_digest(root: Path, seen: dict[str, str] | None = None) -> str:
    """SHA-256 of everything a build of the project at ``root`` reads (see the module doc);
    ``seen`` gets each project file's real path and SHA-256."""
    root = root.resolve()
    h = hashlib.sha256(f"edition-cache {FORMAT}\0".encode())
    try:
        top = sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    except OSError:
        top = []
    for p in top:
        _hash_file(h, p, p.name, root, seen)
    for d in INPUT_DIRS:
        hash_tree(h, root / d, d, inside=root, seen=seen)
    hash_tree(h, PACKAGE, "<edition>", (".py",))
    hash_tree(h, PACKAGE_DATA, "<edition-data>")
    env = {"python": sys.version, "packages": installed(), "git": _git(root),
           "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH")}
    h.update(json.dumps(env, sort_keys=True).encode())
    return h.hexdigest()


def variant(target: str, page_size: str | None, print_shop: bool, profile: str | None = None,
            options: dict | None = None) -> str:
    """The name of an output's options: ``epub``, ``pdf:A4``, ``pdf:-:print-shop``,
    ``pdf:A4:large-print``, ``booklet:-:signature=10:creep=0.0``."""
    from .outputs import by_name

    out = by_name()[target]
    own = "".join(f":{k}={(options or {}).get(k)}" for k in out.options)
    if not out.layout:  # the same bytes whatever the page size
        return target + own
    return (f"{target}:{page_size or '-'}" + (":print-shop" if print_shop else "")
            + (f":{profile}" if profile else "") + own)


def _sha256_file(path: Path) -> str | None:
    from .trust import read_state  # no link, no FIFO, a size limit

    data = read_state(path, 4 * MAX_HASHED)
    return None if data is None else hashlib.sha256(data).hexdigest()


def diag_row(d: Diagnostic) -> list:
    return [d.file, d.line, d.severity.value, d.message, d.code]


def diag_of_row(row: list) -> Diagnostic:
    return Diagnostic(row[0], row[1], Severity(row[2]), row[3], row[4])


@dataclass
class Fresh:
    """An output that is up to date, and what its build reported."""

    path: Path
    before: list[Diagnostic]  # reported before rendering (these decide --strict)
    during: list[Diagnostic]  # reported by the renderer
    sha256: str = ""

    def read(self) -> bytes | None:
        """Its bytes, if they are still the ones built (an output made from it reads them)."""
        from .trust import read_state

        data = read_state(self.path, 4 * MAX_HASHED)
        return data if data is not None and hashlib.sha256(data).hexdigest() == self.sha256 else None


@dataclass
class Plan:
    """Which of the requested targets are up to date, and the keys to record the rest."""

    root: Path
    out_dir: Path
    keys: dict[str, str]  # target -> key
    ids: dict[str, str]  # target -> manifest id
    fresh: dict[str, Fresh] = field(default_factory=dict)
    made: dict[str, dict] = field(default_factory=dict)
    hashed: dict[str, str] = field(default_factory=dict)  # real path -> SHA-256 the key covers

    def read_what_was_hashed(self) -> bool:
        """True if every project file the build read (``gate.READS``) had the bytes the key
        was computed from: an edit saved during the build (and perhaps undone since) makes
        the outputs unfit to be called up to date later."""
        from . import gate

        reads = gate.READS or {}
        return all(self.hashed.get(path, sha) == sha for path, sha in reads.items())

    @property
    def stale(self) -> list[str]:
        return [t for t in self.keys if t not in self.fresh]

    def remember(self, target: str, path: Path, data: bytes, before: list[Diagnostic],
               during: list[Diagnostic]) -> None:
        self.made[self.ids[target]] = {
            "key": self.keys[target], "output": str(path.resolve()),
            "sha256": hashlib.sha256(data).hexdigest(),
            "before": [diag_row(d) for d in before], "during": [diag_row(d) for d in during]}

    def save(self) -> None:
        """Merge what was built into the manifest (atomically; a failure only costs speed)."""
        if not self.made or not self.read_what_was_hashed():
            return
        path = cache_dir(self.root) / MANIFEST
        entries = _read(path)
        entries.update(self.made)
        # forget outputs that no longer exist (temporary folders of earlier builds)
        entries = {k: v for k, v in entries.items() if Path(v.get("output", "")).is_file()}
        sealed = seal(json.dumps({"format": FORMAT, "outputs": entries}, indent=1,
                                 sort_keys=True).encode("utf-8"))
        try:
            if sealed is not None:  # no key: nothing is kept (a book's own manifest is never trusted)
                write_atomic(path, sealed)
        except OSError:
            pass


def _read(path: Path) -> dict[str, dict]:
    raw = read_sealed(path)  # a manifest this machine did not write (shipped with the book) is none
    try:
        data = json.loads(raw) if raw is not None else None
    except ValueError:
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("outputs"), dict):
        return {}
    return {k: v for k, v in data["outputs"].items() if isinstance(v, dict)}


def plan(root: Path, out_dir: Path | None, targets: list[str], page_size: str | None = None,
         print_shop: bool = False, force: bool = False, profile: str | None = None,
         keep_reads: bool = False, options: dict | None = None) -> Plan:
    """Hash the inputs and compare with the manifest: nothing else is read or imported.
    From here on the gate records what the build reads (``keep_reads``: a second plan of the
    same build goes on with the first one's record)."""
    root = root.resolve()
    if out_dir is None:  # the book's build/: never a link (trust.own_folder)
        own_folder(root, root / "build", "build")
    out = (out_dir or root / "build").resolve()
    if out.is_dir():  # a build killed while moving its outputs: finish it; drop old temporaries
        recover(out)
    hashed: dict[str, str] = {}
    digest = inputs_digest(root, hashed)
    from . import gate

    if not keep_reads or gate.READS is None:
        gate.record_reads()  # from here on, what the build reads is compared with what was hashed
    keys, ids = {}, {}
    for t in targets:
        v = variant(t, page_size, print_shop, profile, options)
        ids[t] = f"{out}::{v}"
        keys[t] = hashlib.sha256(f"{digest}\0{v}\0{out}".encode()).hexdigest()
    p = Plan(root, out, keys, ids, hashed=hashed)
    if force:
        return p
    entries = _read(cache_dir(root) / MANIFEST)
    for t in targets:
        e = entries.get(ids[t])
        if not e or e.get("key") != keys[t]:
            continue
        output = Path(str(e.get("output", "")))
        if output.parent != out or _sha256_file(output) != e.get("sha256"):
            continue  # deleted, edited or replaced since it was built
        try:
            p.fresh[t] = Fresh(output, [diag_of_row(r) for r in e.get("before", [])],
                               [diag_of_row(r) for r in e.get("during", [])], str(e.get("sha256")))
        except (TypeError, ValueError, IndexError):
            continue
    return p


def replay(p: Plan, reporter) -> None:
    """Report again what the builds of the skipped outputs reported (once each), and fail
    as they would have under ``--strict``."""
    before: list[Diagnostic] = []
    for f in p.fresh.values():
        for d in f.before + f.during:
            if d not in reporter.items:
                reporter.add(d)
        before += f.before
    check = Reporter(strict=reporter.strict, items=before)
    if check.failed():
        raise BookError(check.errors or check.warnings)


def up_to_date(root: Path, out_dir: Path | None, targets: list[str], page_size: str | None,
               print_shop: bool, reporter, profile: str | None = None,
               options: dict | None = None) -> list[Path] | None:
    """The outputs, if every one requested is up to date (their diagnostics reported again);
    None if something must be built.  For the command line, before the pipeline is imported."""
    p = plan(root, out_dir, targets, page_size, print_shop, profile=profile, options=options)
    if p.stale:
        return None
    replay(p, reporter)
    return [f.path for f in p.fresh.values()]
