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
  ``git describe --always --tags --dirty`` / the last commit's time (the edition's
  version and date);
* the target and its options (page size, print-shop variant) and the output path.

An output is skipped only when its key is the recorded one *and* the file in the
output folder still has the recorded SHA-256 (a deleted or edited output is built
again).  The diagnostics of the build that made it are stored with it and shown
again, so a skipped build warns as the real one did (and fails under ``--strict``
when the real one would have).  The manifest is written atomically, after a build
succeeded; a damaged or unreadable manifest is the same as none.  ``--force``
rebuilds regardless.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import recover, write_atomic
from .diagnostics import BookError, Diagnostic, Reporter, Severity

FORMAT = 1
MANIFEST = "build-manifest.json"  # in cache_dir(root)
CACHE_ENV = "EDITION_CACHE_DIR"
INPUT_DIRS = ("chapters", "sources", "styles", "images")
PACKAGE = Path(__file__).resolve().parent  # the edition package: its code is an input
PACKAGE_DATA = PACKAGE / "data"  # default styles, fonts, terms and the new-book template
PACKAGE_STYLES = PACKAGE_DATA / "styles"  # the default styles, shipped
_SKIP = {"__pycache__", ".git", ".cache"}


def cache_dir(root: Path) -> Path:
    """The project's cache folder (build manifest, memo): ``<project>/.cache``, or, when
    ``EDITION_CACHE_DIR`` is set, a folder inside it named after the project's absolute path
    (so a read-only checkout, or the test suite, keeps the project untouched)."""
    base = os.environ.get(CACHE_ENV, "")
    if not base:
        return root / ".cache"
    name = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(base) / name


def _hash_file(h: hashlib._Hash, path: Path, name: str, inside: Path | None = None) -> None:
    h.update(name.encode("utf-8", "surrogateescape") + b"\0")
    if inside is not None and path.is_symlink():  # a link: where it leads, and never read
        h.update(os.readlink(path).encode("utf-8", "surrogateescape") + b"\0")  # outside
        try:
            path.resolve(strict=True).relative_to(inside)
        except (ValueError, OSError, RuntimeError):  # outside, dangling, or a loop
            return
    try:  # only a regular file is read: a FIFO would block for ever (the gate refuses it)
        if not stat.S_ISREG(os.stat(path).st_mode):
            h.update(b"<not a regular file>\0")
            return
        data = path.read_bytes()
    except OSError as exc:  # unreadable: the build will say so; the key must still differ
        data = f"<unreadable: {exc.errno}>".encode()
    h.update(len(data).to_bytes(8, "big") + hashlib.sha256(data).digest())


def hash_tree(h: hashlib._Hash, base: Path, label: str, suffixes: tuple[str, ...] = (),
               inside: Path | None = None) -> None:
    if not base.is_dir():
        h.update(f"<no {label}>\0".encode())
        return
    files = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP)
        for f in filenames:
            if not suffixes or f.endswith(suffixes):
                p = Path(dirpath) / f
                files.append((f"{label}/{p.relative_to(base).as_posix()}", p))
    for name, p in sorted(files):
        _hash_file(h, p, name, inside)


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
    """What project.git_version reads: the checkout's description and last commit time."""
    out = []
    for cmd in (["git", "describe", "--always", "--tags", "--dirty"], ["git", "log", "-1", "--format=%ct"]):
        try:
            proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=30)
            out.append(f"{proc.returncode}:{proc.stdout.strip()}")
        except (OSError, subprocess.SubprocessError):
            out.append("-")
    return "|".join(out)


def inputs_digest(root: Path) -> str:
    """SHA-256 of everything a build of the project at ``root`` reads (see the module doc)."""
    root = root.resolve()
    h = hashlib.sha256(f"edition-cache {FORMAT}\0".encode())
    try:
        top = sorted(p for p in root.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    except OSError:
        top = []
    for p in top:
        _hash_file(h, p, p.name, root)
    for d in INPUT_DIRS:
        hash_tree(h, root / d, d, inside=root)
    hash_tree(h, PACKAGE, "<edition>", (".py",))
    hash_tree(h, PACKAGE_DATA, "<edition-data>")
    env = {"python": sys.version, "packages": installed(), "git": _git(root),
           "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH")}
    h.update(json.dumps(env, sort_keys=True).encode())
    return h.hexdigest()


def variant(target: str, page_size: str | None, print_shop: bool) -> str:
    """The name of an output's options: ``epub``, ``pdf:A4``, ``pdf:-:print-shop``."""
    from .outputs import by_name

    if not by_name()[target].layout:  # the same bytes whatever the page size
        return target
    return f"{target}:{page_size or '-'}" + (":print-shop" if print_shop else "")


def _sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


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


@dataclass
class Plan:
    """Which of the requested targets are up to date, and the keys to record the rest."""

    root: Path
    out_dir: Path
    keys: dict[str, str]  # target -> key
    ids: dict[str, str]  # target -> manifest id
    fresh: dict[str, Fresh] = field(default_factory=dict)
    made: dict[str, dict] = field(default_factory=dict)

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
        if not self.made:
            return
        path = cache_dir(self.root) / MANIFEST
        entries = _read(path)
        entries.update(self.made)
        # forget outputs that no longer exist (temporary folders of earlier builds)
        entries = {k: v for k, v in entries.items() if Path(v.get("output", "")).is_file()}
        try:
            write_atomic(path, json.dumps({"format": FORMAT, "outputs": entries}, indent=1,
                                          sort_keys=True).encode("utf-8"))
        except OSError:
            pass


def _read(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("outputs"), dict):
        return {}
    return {k: v for k, v in data["outputs"].items() if isinstance(v, dict)}


def plan(root: Path, out_dir: Path | None, targets: list[str], page_size: str | None = None,
         print_shop: bool = False, force: bool = False) -> Plan:
    """Hash the inputs and compare with the manifest: nothing else is read or imported."""
    root = root.resolve()
    out = (out_dir or root / "build").resolve()
    if out.is_dir():  # a build killed while moving its outputs: finish it; drop old temporaries
        recover(out)
    digest = inputs_digest(root)
    keys, ids = {}, {}
    for t in targets:
        v = variant(t, page_size, print_shop)
        ids[t] = f"{out}::{v}"
        keys[t] = hashlib.sha256(f"{digest}\0{v}\0{out}".encode()).hexdigest()
    p = Plan(root, out, keys, ids)
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
                               [diag_of_row(r) for r in e.get("during", [])])
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
               print_shop: bool, reporter) -> list[Path] | None:
    """The outputs, if every one requested is up to date (their diagnostics reported again);
    None if something must be built.  For the command line, before the pipeline is imported."""
    p = plan(root, out_dir, targets, page_size, print_shop)
    if p.stale:
        return None
    replay(p, reporter)
    return [f.path for f in p.fresh.values()]
