"""Real tools on the EPUB: DAISY Ace (zero violations) and a real reading
system (epub.js, and foliate-js, in headless Chromium, driven by Playwright) on
the golden book and on the real edition.

Both need tools outside Python: ``make ace`` installs ace-cli into
``.cache/ace/``; ``make reader`` installs the harness's npm packages into
``tests/reader/node_modules``; both use Debian's ``/usr/bin/chromium``.  When
a tool is missing the test is skipped, except in CI (``CI=true``), where it
fails: CI must run them.  Ace's reports go to ``ace/`` in a temporary folder, or in
``$EDITION_TEST_ARTIFACTS`` when it is set; the screenshots to a temporary folder, or to
``$READING_SYSTEM_SHOTS`` (``make reader``: ``build/reading-system/``): a test writes
nothing into the checkout.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from test_epub import golden_epub, real_epub

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ACE = Path(os.environ.get("ACE_CLI", ROOT / ".cache" / "ace" / "bin" / "ace-cli"))
READER = ROOT / "tests" / "reader"


@functools.cache
def out_dir() -> Path:
    """Where reports and screenshots go: $EDITION_TEST_ARTIFACTS, else a temporary folder."""
    return Path(os.environ.get("EDITION_TEST_ARTIFACTS") or tempfile.mkdtemp(prefix="edition-readers-"))


def require(ok: bool, what: str) -> None:
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing, and CI must run this test")
    pytest.skip(f"{what} is missing")


@pytest.fixture(scope="module")
def golden(tmp_path_factory) -> Path:
    return golden_epub(tmp_path_factory)


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Path:
    return real_epub(tmp_path_factory.mktemp("real-epub"))


# -- DAISY Ace ------------------------------------------------------------------

def run_ace(epub: Path, name: str) -> tuple[subprocess.CompletedProcess, dict]:
    require(ACE.is_file(), f"ace-cli ({ACE}; `make ace` installs it)")
    require(CHROMIUM.is_file(), f"Chromium ({CHROMIUM})")
    out = out_dir() / "ace" / name
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Ace gives Chromium 5 s to start (ace-axe-runner-puppeteer's launch timeout); on a
    # two-core machine whose other test worker is laying out a PDF that may not be
    # enough (CI, stop 22: both Ace runs exited 1 with no report; ACE_TIMEOUT_INITIAL=300
    # reproduces that exit, "Timed out after 300 ms while waiting for the WS endpoint URL").
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=str(CHROMIUM),
               ACE_TIMEOUT_INITIAL=os.environ.get("ACE_TIMEOUT_INITIAL", "120000"))
    # not -s: Ace says why it failed only in its log lines on stdout
    proc = subprocess.run([str(ACE), "-E", "-f", "-o", str(out), str(epub)],
                          capture_output=True, text=True, env=env, timeout=600)
    if not (out / "report.json").is_file():
        pytest.fail(f"Ace wrote no report in {out} (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
    report = json.loads((out / "report.json").read_text())
    return proc, report


def violations(report: dict) -> list[str]:
    found = []
    for doc in report.get("assertions", []):
        for a in doc.get("assertions", []):
            if a["earl:result"]["earl:outcome"] == "fail":
                found.append(f"{doc['earl:testSubject']['url']}: {a['earl:test']['dct:title']} "
                             f"({a['earl:test'].get('earl:impact')}) "
                             f"{a['earl:result'].get('earl:pointer', {}).get('css', '')}")
    return found


@pytest.mark.parametrize("which", ["golden", "real"])
def test_ace_finds_no_violation(which, request):
    epub = request.getfixturevalue(which)
    proc, report = run_ace(epub, which)
    assert violations(report) == [], "\n".join(violations(report))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert report["earl:result"]["earl:outcome"] == "pass"
    # Ace read our package: its title and our accessibility metadata
    meta = report["earl:testSubject"]["metadata"]
    title = meta["dc:title"]
    assert (title if isinstance(title, str) else title[0]) in ("A Small Book",
                                                               "The Persecution of Trotsky’s Family")
    present = set(report["a11y-metadata"]["present"])
    assert {"schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
            "schema:accessibilityHazard", "schema:accessibilitySummary", "dcterms:conformsTo"
            } <= present, present
    assert "a11y:certifiedBy" not in present  # no checker runs in a build: no certification


# -- a reading system: epub.js in Chromium ---------------------------------------

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def shots_dir(tmp_path: Path, name: str) -> Path:
    """Where the screenshots go: a temporary folder, or the folder named by
    ``READING_SYSTEM_SHOTS`` (``make reader`` sets build/reading-system)."""
    base = os.environ.get("READING_SYSTEM_SHOTS")
    shots = (Path(base) if base else tmp_path / "shots") / name
    shutil.rmtree(shots, ignore_errors=True)
    return shots


def serve(site: Path) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def read_in_epubjs(epub: Path, name: str, tmp_path: Path, page: str = "42") -> dict:
    require(shutil.which("node") is not None, "node")
    require((READER / "node_modules" / "playwright-core").is_dir(),
            "the reader harness's npm packages (`make reader` installs them)")
    require(CHROMIUM.is_file(), f"Chromium ({CHROMIUM})")
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(READER / "index.html", site)
    shutil.copy(READER / "node_modules" / "epubjs" / "dist" / "epub.min.js", site)
    shutil.copy(READER / "node_modules" / "jszip" / "dist" / "jszip.min.js", site)
    shutil.copy(epub, site / "book.epub")
    server = serve(site)
    shots = shots_dir(tmp_path, name)
    try:
        proc = subprocess.run(
            ["node", str(READER / "reader.mjs"),
             f"http://127.0.0.1:{server.server_address[1]}/index.html", str(shots), page],
            capture_output=True, text=True, timeout=300, cwd=READER,
            env=dict(os.environ, CHROMIUM=str(CHROMIUM)))
    finally:
        server.shutdown()
        server.server_close()
    assert proc.stdout.strip(), proc.stderr
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["errors"] == [], json.dumps(report, indent=1, ensure_ascii=False)
    for step in report["steps"]:
        if "shot" in step:
            assert Path(step["shot"]).stat().st_size > 2000, step
    return {s["step"]: s for s in report["steps"]}


def test_golden_book_in_a_reading_system(golden, tmp_path):
    steps = read_in_epubjs(golden, "golden", tmp_path)
    cover = steps["cover"]
    assert cover["where"]["href"] == "cover.xhtml"
    assert cover["image"]["w"] == 1600 and cover["image"]["shown"] > 300
    assert cover["image"]["alt"].startswith("Cover: A Small Book")
    # the pages turned through the front matter to the text
    assert steps["turns"]["hrefs"][-1] == "letter.xhtml"
    assert "nav.xhtml" in steps["turns"]["hrefs"]
    # a note call opened its note, and the note's number led back
    assert steps["note call"]["call"]["href"] == "intro.xhtml"
    assert steps["note"]["text"] == "1. Editor’s note. Said once."
    assert steps["back to call"]["where"]["href"] == "intro.xhtml"
    # a glossary link opened its entry
    assert steps["glossary entry"]["where"]["href"] == "glossary.xhtml"
    assert steps["glossary entry"]["text"] == "G.P.U."
    assert steps["glossary entry"]["definition"].startswith("The Soviet political police.")


def test_real_edition_in_a_reading_system(real, tmp_path):
    steps = read_in_epubjs(real, "edition", tmp_path)
    assert steps["cover"]["where"]["href"] == "cover.xhtml"
    assert len(steps["turns"]["hrefs"]) >= 3
    # whatever the edition has of notes and glossary links was followed
    with zipfile.ZipFile(real) as z:
        texts = [z.read(n).decode() for n in z.namelist() if n.endswith(".xhtml")]
    if any('epub:type="noteref"' in t for t in texts):
        assert "back to call" in steps and steps["note"]["text"], steps.get("note")
    if any('href="glossary.xhtml#' in t for t in texts):
        assert "glossary entry" in steps and steps["glossary entry"]["definition"]


# -- a second reading engine: foliate-js (the Foliate app's) in Chromium ---------

def read_in_foliate(epub: Path, name: str, tmp_path: Path, page: str) -> dict:
    require(shutil.which("node") is not None, "node")
    require((READER / "node_modules" / "foliate-js" / "view.js").is_file(),
            "the reader harness's npm packages (`make reader` installs them)")
    require(CHROMIUM.is_file(), f"Chromium ({CHROMIUM})")
    site = tmp_path / "foliate-site"
    site.mkdir()
    shutil.copy(READER / "foliate.html", site)
    shutil.copytree(READER / "node_modules" / "foliate-js", site / "foliate-js")
    shutil.copy(epub, site / "book.epub")
    server = serve(site)
    try:
        proc = subprocess.run(
            ["node", str(READER / "foliate.mjs"), f"http://127.0.0.1:{server.server_address[1]}/foliate.html",
             str(shots_dir(tmp_path, name)), page],
            capture_output=True, text=True, timeout=300, cwd=READER, env=dict(os.environ, CHROMIUM=str(CHROMIUM)))
    finally:
        server.shutdown()
        server.server_close()
    assert proc.stdout.strip(), proc.stderr
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["errors"] == [] and report["pageErrors"] == [], \
        json.dumps(report, indent=1, ensure_ascii=False)
    for step in report["steps"]:
        if "shot" in step:
            assert Path(step["shot"]).stat().st_size > 2000, step
    return {s["step"]: s for s in report["steps"]}


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())


def test_real_edition_with_its_page_list_in_epubjs(edition_build, tmp_path):
    """epub.js: "go to page 42" shows the page where its marker is; the contents reach an
    entry two levels down."""
    steps = read_in_epubjs(edition_build["epub"], "epubjs-pages", tmp_path)
    go = steps["go to page"]
    assert "skipped" not in go and go["pages"] > 200, go
    deep = steps["contents"]
    assert len(deep["path"]) == 3 and deep["text"] == deep["path"][2]


def test_real_edition_in_foliate(edition_build, tmp_path):
    """The edition with its page list (built with the PDF) in foliate-js."""
    steps = read_in_foliate(edition_build["epub"], "foliate", tmp_path, "42")
    # a note pops up with its text (the note, not the page) and leads back to its call
    note = steps["note popup"]
    assert note["type"] == "footnote" and note["text"] == note["expected"] and len(note["text"]) > 20
    assert steps["back to call"]["on"]
    # a glossary link pops up the term and its definition
    gl = steps["glossary popup"]
    assert gl["term"] and gl["definition"]
    assert gl["text"].startswith(gl["term"]) and gl["definition"][:60] in gl["text"]
    # "go to page 42" lands where printed page 42 begins: the PDF's first words of the page
    pagemap = json.loads((edition_build["dir"] / ".pagemap.json").read_text())
    p42 = next(p for p in pagemap["pages"] if str(p["label"]) == "42")
    go = steps["go to page"]
    # foliate names the LAST page begun on the screen; printed page 42 holds less than a
    # 600x800 screen of text, so 43's marker shows too.  The page we went to is the first
    # marker on the screen, and foliate's own page is one of those shown.
    assert go["on"] and go["shown"][0] == "42" and go["where"]["page"] in go["shown"], go
    assert go["pages"] == len(pagemap["pages"])
    first = _words(p42["words"])[:6]
    shown = _words(go["from"])[:len(first)]
    # the page may begin with the tail of a word hyphenated across the leaf turn, which the
    # EPUB's marker stands before: "Ther-|midorian"
    assert shown[1:] == first[1:] and shown[0].endswith(first[0]), (go["from"], p42["words"])
    # the contents reach an entry two levels down, and it is shown
    deep = steps["contents"]
    assert len(deep["path"]) == 3 and deep["on"] and deep["where"]["toc"] == deep["path"][2]
    assert deep["text"] == deep["path"][2]
