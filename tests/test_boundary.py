"""#27: a book folder from a stranger reaches nothing else.

Each test is named after what it attacks.  Most call the library directly (fast tier); the
ones that must prove a whole ``build``/``check`` run a small book end to end.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import SmallBook

CHAPTER = "In the spring the editor wrote a letter.\n"


def small(root: Path) -> SmallBook:
    b = SmallBook(root)
    b.book(["one.md"])
    b.chapter("one.md", "One", CHAPTER)
    return b


def git(root: Path, *args: str) -> str:
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME="a", GIT_AUTHOR_EMAIL="a@b", GIT_COMMITTER_NAME="a",
               GIT_COMMITTER_EMAIL="a@b", GIT_AUTHOR_DATE="1600000000 +0000",
               GIT_COMMITTER_DATE="1600000000 +0000")
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True, env=env).stdout.strip()


# -- 1. no code from the book runs ------------------------------------------------------------

@pytest.mark.skipif(shutil.which("git") is None, reason="git makes the hostile repository")
def test_git_fsmonitor_and_hooks_never_run_on_build_or_check(tmp_path):
    b = small(tmp_path / "book")
    git(b.root, "init", "-q")
    git(b.root, "add", "-A")
    git(b.root, "commit", "-q", "-m", "x")
    git(b.root, "tag", "v1.0")
    marker = tmp_path / "PWNED"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\n")
    script.chmod(0o755)
    with open(b.root / ".git/config", "a") as f:
        f.write(f"[core]\n\tfsmonitor = {script}\n\tpager = {script}\n\thooksPath = {tmp_path}\n"
                f"[diff]\n\texternal = {script}\n[alias]\n\tdescribe = !{script}\n")
    for hook in ("post-checkout", "pre-commit", "reference-transaction", "post-index-change"):
        (b.root / ".git/hooks" / hook).write_text(f"#!/bin/sh\ntouch {marker}\n")
        (b.root / ".git/hooks" / hook).chmod(0o755)
    (tmp_path / "fsmonitor-watchman").write_text(f"#!/bin/sh\ntouch {marker}\n")
    r = b.run("build", "epub", "-o", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    r2 = b.run("check")
    assert not marker.exists(), "the book's git configuration ran a command"
    assert "Traceback" not in r2.stderr
    with zipfile.ZipFile(tmp_path / "out" / "small-book.epub") as z:
        text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    assert "v1.0" in text  # the version still reaches the book, read from .git


@pytest.mark.skipif(shutil.which("git") is None, reason="git makes the repository")
def test_git_version_read_without_git_loose_and_packed(tmp_path):
    from edition.gitread import version

    root = tmp_path / "r"
    root.mkdir()
    (root / "a.txt").write_text("a")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "x")
    sha = git(root, "rev-parse", "HEAD")
    assert version(root) == (sha[:7], 1600000000)
    git(root, "tag", "v2")
    assert version(root) == ("v2", 1600000000)
    git(root, "gc", "-q", "--aggressive")  # packed refs, the commit in a pack
    assert not (root / ".git/objects" / sha[:2]).exists()
    assert version(root) == ("v2", 1600000000)


def test_git_head_linked_out_or_ref_with_dotdot_is_unversioned(tmp_path):
    from edition.gitread import version

    (tmp_path / "secret").write_text("0" * 40)
    root = tmp_path / "r"
    (root / ".git").mkdir(parents=True)
    (root / ".git/HEAD").write_text("ref: refs/../../../secret\n")
    assert version(root) == ("unversioned", None)
    (root / ".git/HEAD").unlink()
    (root / ".git/HEAD").symlink_to(tmp_path / "secret")
    assert version(root) == ("unversioned", None)


def test_no_subprocess_module_in_the_build_path():
    """The build's own code never imports subprocess (the benchmark and the test helpers do),
    but to run Pagefind over the web edition it has just written (render/web.py: a fixed
    command, the staging folder its only argument; no git, no shell)."""
    pkg = Path(__file__).resolve().parent.parent / "edition"
    users = sorted(str(p.relative_to(pkg)) for p in pkg.rglob("*.py")
                   if "import subprocess" in p.read_text() and "bench" not in p.parts)
    assert users == ["render/web.py"], users


# -- 2. one boundary for reads and writes -------------------------------------------------------

def test_shipped_write_journal_with_dotdot_and_absolute_paths_is_not_replayed(tmp_path):
    from edition.atomic import JOURNAL, recover

    out = tmp_path / "book" / "build"
    out.mkdir(parents=True)
    key = tmp_path / "id_rsa"
    key.write_text("PRIVATE")
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    (out / ".x.epub.abcdefgh.tmp").write_text("evil")
    (out / JOURNAL).write_text(json.dumps([[str(key), "stolen"], ["../../victim.txt", "x"],
                                           [".x.epub.abcdefgh.tmp", "../../victim.txt"]]))
    recover(out)
    assert key.read_text() == "PRIVATE" and victim.read_text() == "mine"
    assert not (out / "stolen").exists() and not (out / JOURNAL).exists()


def test_shipped_write_journal_moving_a_link_out_is_not_replayed(tmp_path):
    from edition.atomic import JOURNAL, recover

    out = tmp_path / "build"
    out.mkdir()
    secret = tmp_path / "secret"
    secret.write_text("s")
    (out / ".book.epub.abcdefgh.tmp").symlink_to(secret)
    (out / JOURNAL).write_text(json.dumps([[".book.epub.abcdefgh.tmp", "book.epub"]]))
    recover(out)
    assert not (out / "book.epub").exists() and secret.read_text() == "s"


def test_own_write_journal_is_still_completed(tmp_path):
    from edition.atomic import JOURNAL, recover

    out = tmp_path / "build"
    out.mkdir()
    (out / ".book.epub.abcdefgh.tmp").write_text("new")
    (out / JOURNAL).write_text(json.dumps([[".book.epub.abcdefgh.tmp", "book.epub"]]))
    recover(out)
    assert (out / "book.epub").read_text() == "new"


@pytest.mark.parametrize("name", ["build", ".cache"])
def test_build_or_cache_folder_linked_out_is_refused(tmp_path, name):
    b = small(tmp_path / "book")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "precious.txt").write_text("keep")
    (b.root / name).symlink_to(elsewhere)
    env = {"EDITION_CACHE_DIR": ""}
    r = b.run("build", "epub", env=env)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert f"{name}: error:" in r.stderr and "symbolic link" in r.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["precious.txt"]


def test_concurrent_writers_do_not_remove_each_others_temporaries(tmp_path):
    """While one build holds the folder (writing its outputs aside), another's recover waits."""
    import threading

    from edition import atomic

    out = tmp_path / "build"
    out.mkdir()
    started, release = threading.Event(), threading.Event()
    real_aside = atomic._aside

    def slow_aside(path, data):
        name = real_aside(path, data)
        started.set()
        release.wait(5)
        return name

    atomic._aside = slow_aside
    try:
        t = threading.Thread(target=atomic.write_all, args=([(out / "a.epub", b"A")],))
        t.start()
        started.wait(5)
        other = threading.Thread(target=atomic.recover, args=(out,))
        other.start()
        other.join(0.5)
        assert other.is_alive(), "recover ran while another build was writing aside"
        release.set()
        t.join(5)
        other.join(5)
    finally:
        atomic._aside = real_aside
    assert (out / "a.epub").read_bytes() == b"A"


# -- 3. nothing the tool wrote is trusted when it comes with the book ---------------------------

RECORD = {"format": 1, "source": {"id": "s1", "file": "sources/s1.txt", "sha256": "0" * 64,
                                  "author": "A", "title": "T", "date": "1930", "kind": "letter",
                                  "rights": "public domain", "chapter": "01-one.md"},
          "applied": [], "removed": []}


@pytest.mark.parametrize("poison", [
    ("source", "id", 'x" onclick="alert(1)'),
    ("source", "chapter", "../../etc/passwd"),
    ("source", "sha256", "<script>"),
    ("applied", None, [{"line": "<script>alert(1)</script>", "read": "a", "edition": "b", "reason": "typo"}]),
    ("removed", None, [{"line": 1, "end": 2, "text": ["x"], "reason": "r"}]),
    ("source", "title", {"nested": True}),
])
def test_poisoned_import_record_is_refused(tmp_path, poison):
    from edition.diagnostics import BookError
    from edition.import_record import load_import_records

    rec = json.loads(json.dumps(RECORD))
    where, k, v = poison
    if k:
        rec[where][k] = v
    else:
        rec[where] = v
    (tmp_path / "sources/records").mkdir(parents=True)
    (tmp_path / "sources/records/s1.json").write_text(json.dumps(rec))
    with pytest.raises(BookError) as e:
        load_import_records(tmp_path, [("01-one.md", "One", "one")])
    assert e.value.diagnostics[0].code == "record.invalid"


def test_import_record_html_is_escaped_in_textual_notes(tmp_path):
    """A record that passes validation but carries markup in its texts: printed as text."""
    b = SmallBook(tmp_path / "book")
    b.book(["01-one.md"])
    b.chapter("01-one.md", "One", CHAPTER)
    rec = json.loads(json.dumps(RECORD))
    rec["source"]["title"] = '<script>alert(1)</script><iframe src="https://evil.example/">'
    rec["applied"] = [{"line": 3, "read": "<b onclick=x>", "edition": "y", "reason": "typo", "note": "<i>"}]
    rec["removed"] = [{"line": 4, "end": 5, "text": "<iframe src=https://evil.example/>", "reason": "<script>"}]
    b.write("sources/records/s1.json", json.dumps(rec))
    r = b.run("build", "epub")
    assert r.returncode == 0, r.stderr
    with zipfile.ZipFile(b.root / "build/small-book.epub") as z:
        notes = z.read("EPUB/textual-notes.xhtml").decode()
        sources = z.read("EPUB/sources.xhtml").decode()
    assert "&lt;script&gt;" in notes + sources and "&lt;b onclick=x&gt;" in notes
    for text in (notes, sources):
        assert "<script" not in text and "<iframe" not in text and "onclick=" not in text.replace("&lt;b onclick=x&gt;", "")


@pytest.mark.parametrize("kind", ["fifo", "link-out"])
def test_import_record_fifo_or_link_out_is_refused_not_read(tmp_path, kind):
    from edition.diagnostics import BookError
    from edition.import_record import load_import_records

    (tmp_path / "book/sources/records").mkdir(parents=True)
    p = tmp_path / "book/sources/records/s1.json"
    if kind == "fifo":
        os.mkfifo(p)
    else:
        (tmp_path / "outside.json").write_text(json.dumps(RECORD))
        p.symlink_to(tmp_path / "outside.json")
    with pytest.raises(BookError) as e:
        load_import_records(tmp_path / "book", [("01-one.md", "One", "one")])
    assert e.value.diagnostics[0].code in ("file.not-regular", "file.outside")


def test_forged_manifest_and_output_shipped_with_the_book_are_rebuilt(tmp_path):
    """A book ships build/small-book.epub (the attacker's) and a manifest calling it up to
    date: the build makes its own EPUB."""
    from edition import build_manifest

    b = small(tmp_path / "book")
    cache = tmp_path / "cache"
    env = {"EDITION_CACHE_DIR": str(cache)}
    assert b.run("build", "epub", env=env).returncode == 0
    good = (b.root / "build/small-book.epub").read_bytes()
    [mpath] = list(cache.rglob(build_manifest.MANIFEST))
    sealed = mpath.read_bytes()
    assert sealed.startswith(b"edition-sealed-1 ")
    # the stranger's copy: the same manifest unsealed (as a tool without the key would write)
    body = json.loads(sealed.split(b"\n", 1)[1])
    forged = b"PK-evil"
    import hashlib
    for e in body["outputs"].values():
        e["sha256"] = hashlib.sha256(forged).hexdigest()
    (b.root / "build/small-book.epub").write_bytes(forged)
    mpath.write_bytes(json.dumps(body).encode())
    r = b.run("build", "epub", env=env)
    assert r.returncode == 0, r.stderr
    assert (b.root / "build/small-book.epub").read_bytes() == good


def test_forged_memo_entry_is_recomputed(tmp_path, monkeypatch):
    from edition import step_memo

    monkeypatch.setenv("EDITION_CACHE_DIR", str(tmp_path / "cache"))
    calls = []
    v = step_memo.json_value(tmp_path, "book", ["x"], lambda: calls.append(1) or {"title": "ok"})
    assert v == {"title": "ok"} and calls == [1]
    [entry] = list((tmp_path / "cache").rglob("book.*"))
    import hashlib
    evil = json.dumps({"title": "<script>"}).encode()
    entry.write_bytes(hashlib.sha256(evil).hexdigest().encode() + b"\n" + evil)  # the old format
    v = step_memo.json_value(tmp_path, "book", ["x"], lambda: calls.append(1) or {"title": "ok"})
    assert v == {"title": "ok"} and calls == [1, 1]


# -- 4. SVG and CSS through real parsers ---------------------------------------------------------

S = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
HOSTILE_SVG = {
    "style-element-imports-remote-sheet": f'<svg {S}><style>@import url(https://evil.example/x.css);</style></svg>',
    "style-element-remote-url-quoted": f'<svg {S}><style>rect {{ fill: url("https://evil.example/p#a") }}</style><rect/></svg>',
    "style-attribute-remote-url": f'<svg {S}><rect style="fill:url(https://evil.example/p#a)"/></svg>',
    "fill-remote-url": f'<svg {S}><rect fill="url(https://evil.example/p#a)"/></svg>',
    "filter-remote-url": f'<svg {S}><rect filter="url(//evil.example/f.svg#f)"/></svg>',
    "mask-escaped-url": f'<svg {S}><rect mask="u\\72l(https://evil.example/m#m)"/></svg>',
    "set-href-javascript": f'<svg {S}><a href="#x"><set attributeName="href" to="javascript:alert(1)"/><text>t</text></a></svg>',
    "animate-xlink-href": f'<svg {S}><a xlink:href="#x"><animate attributeName="xlink:href" values="javascript:alert(1)"/></a></svg>',
    "xml-stylesheet-pi": f'<?xml-stylesheet href="https://evil.example/x.css"?><svg {S}/>',
    "pi-inside": f'<svg {S}><?xml-stylesheet href="https://evil.example/x.css"?></svg>',
    "external-entity-local-file": f'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg {S}><text>&x;</text></svg>',
    "internal-entity-billion-laughs": f'<!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><svg {S}><text>&b;</text></svg>',
    "script": f'<svg {S}><script>alert(1)</script></svg>',
    "script-other-case-namespace": f'<svg {S}><x:script xmlns:x="http://www.w3.org/2000/svg">alert(1)</x:script></svg>',
    "foreign-object-iframe": f'<svg {S}><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example/"/></foreignObject></svg>',
    "onload": f'<svg {S} onload="alert(1)"/>',
    "image-remote": f'<svg {S}><image href="https://evil.example/x.png"/></svg>',
    "image-data-svg-with-script": f'<svg {S}><image href="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22%3E%3Cscript%3Ealert(1)%3C/script%3E%3C/svg%3E"/></svg>',
    "a-javascript": f'<svg {S}><a href="javascript:alert(1)"><text>x</text></a></svg>',
    "use-remote": f'<svg {S}><use href="https://evil.example/s.svg#a"/></svg>',
    "use-bomb": f'<svg {S}><defs><g id="a0"><rect/></g>'
                + "".join(f'<g id="a{i}">' + f'<use href="#a{i - 1}"/>' * 10 + "</g>" for i in range(1, 8))
                + '</defs><use href="#a7"/></svg>',
    "use-cycle": f'<svg {S}><g id="a"><use href="#b"/></g><g id="b"><use href="#a"/></g></svg>',
    "html-namespace-element": f'<svg {S}><h:img xmlns:h="http://www.w3.org/1999/xhtml" src="https://evil.example/"/></svg>',
    "unknown-attribute": f'<svg {S}><rect formaction="https://evil.example/"/></svg>',
    "not-svg-namespace": '<svg><script>alert(1)</script></svg>',
}

HOSTILE_CSS = {
    "comment-markers-in-strings-hide-url": 'a::before { content: "/*"; }\nb { background: url(https://evil.example/x.png); }\nc::after { content: "*/"; }\n',
    "image-set-remote": 'p { background-image: image-set("https://evil.example/x.png" 1x); }\n',
    "webkit-image-set-remote": 'p { background-image: -webkit-image-set(url(//evil.example/x.png) 1x); }\n',
    "data-stylesheet-imports-remote": '@import url("data:text/css,@import%20url(https://evil.example/x.css);");\n',
    "data-stylesheet-base64-imports-remote": '@import url("data:text/css;base64,QGltcG9ydCB1cmwoaHR0cHM6Ly9ldmlsLmV4YW1wbGUveC5jc3MpOw==");\n',
    "escaped-url-function": 'p { background: u\\72l(https://evil.example/x.png); }\n',
    "escaped-scheme-in-string": 'p { background: url("\\68ttps://evil.example/x.png"); }\n',
    "import-string": '@import "https://evil.example/x.css";\n',
    "font-face-remote": '@font-face { font-family: X; src: url(https://evil.example/f.woff2); }\n',
    "expression": 'p { width: expression(alert(1)); }\n',
    "data-svg-with-script": 'p { background: url("data:image/svg+xml,<svg xmlns=\'http://www.w3.org/2000/svg\' onload=\'alert(1)\'/>"); }\n',
    "data-html": 'p { background: url("data:text/html,<script>alert(1)</script>"); }\n',
    "parent-path": 'p { background: url(../../../etc/passwd); }\n',
    "absolute-path": 'p { background: url(/etc/passwd); }\n',
    "javascript-url": 'p { background: url(javascript:alert(1)); }\n',
    "cross-fade-remote": 'p { background: cross-fade(url(#a), "https://evil.example/x.png", 50%); }\n',
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SVG))
def test_hostile_svg_is_refused(name):
    from edition.safe_svg import svg_problems

    assert svg_problems(HOSTILE_SVG[name].encode()), name


@pytest.mark.parametrize("name", sorted(HOSTILE_CSS))
def test_hostile_css_is_refused(name):
    from edition.safe_css import css_problems

    assert css_problems(HOSTILE_CSS[name], local_ok=True), name


def test_plain_svg_and_shipped_styles_pass():
    from edition.safe_css import css_problems
    from edition.safe_svg import clean_svg, svg_problems

    root = Path(__file__).resolve().parent.parent
    svg = (root / "examples/small-reader/images/three-parts.svg").read_bytes()
    assert svg_problems(svg) == []
    assert b"<!--" not in clean_svg(svg)
    ok = (f'<svg {S}><defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient>'
          '<g id="a"><rect/></g></defs><rect fill="url(#g)" style="stroke:url(#g)"/><use xlink:href="#a"/>'
          '<image href="data:image/png;base64,iVBORw0KGgo="/></svg>')
    assert svg_problems(ok.encode()) == []
    for css in (root / "edition/data/styles").glob("*.css"):
        assert css_problems(css.read_text(), local_ok=css.name != "epub.css") == [], css.name
    assert css_problems('p { content: "/* not a comment"; background: url(#x) } /* url(https://x) */',
                        local_ok=False) == []


def test_use_bomb_is_refused_quickly():
    import time

    from edition.safe_svg import svg_problems

    t = time.monotonic()
    assert any("draws" in p for p in svg_problems(HOSTILE_SVG["use-bomb"].encode()))
    assert time.monotonic() - t < 2


def _hostile_book(root: Path, svgs: list[str], css: str | None) -> SmallBook:
    b = SmallBook(root)
    b.book(["one.md"])
    body = CHAPTER + "".join(f"\n![figure {n}](images/{n}.svg)\n" for n in svgs)
    b.chapter("one.md", "One", body)
    for n in svgs:
        b.write(f"images/{n}.svg", HOSTILE_SVG[n])
    if css is not None:
        b.write("styles/epub.css", HOSTILE_CSS[css])
        b.write("styles/print.css", HOSTILE_CSS[css])
    return b


REMOTE = ("evil.example", "javascript:", "<script", "onload", "/etc/passwd", "root:x:")


def test_hostile_svgs_ship_in_no_format(tmp_path):
    """Every hostile SVG in one book: the build of EPUB, kepub and PDF fails, each figure at its
    line, and nothing is written."""
    names = sorted(HOSTILE_SVG)
    b = _hostile_book(tmp_path / "book", names, None)
    r = b.run("build", "all")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    for n in names:
        assert f"image 'images/{n}.svg'" in r.stderr, n
    assert not (b.root / "build").exists() or not any((b.root / "build").glob("*.*"))
    r = b.run("build", "web")  # the web edition reads the same model: refused the same way
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert all(f"image 'images/{n}.svg'" in r.stderr for n in names), r.stderr
    assert not (b.root / "build" / "web").exists()


@pytest.mark.parametrize("css", sorted(HOSTILE_CSS))
def test_hostile_stylesheet_ships_in_no_format(tmp_path, css):
    b = _hostile_book(tmp_path / "book", [], css)
    r = b.run("build", "all")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert re.search(r"styles/(epub|print)\.css:\d+: error: .*\[css.reference\]", r.stderr), r.stderr
    assert not (b.root / "build").exists() or not any((b.root / "build").glob("*.*"))
    r = b.run("build", "web")  # the web edition ships the e-book's sheet: refused the same way
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert not (b.root / "build" / "web").exists()


def test_clean_svg_and_css_ship_and_carry_nothing_remote(tmp_path):
    """The other side: a plain SVG figure builds into EPUB, kepub and PDF, and no output
    carries anything remote or scriptable."""
    b = SmallBook(tmp_path / "book")
    b.book(["one.md"])
    b.chapter("one.md", "One", CHAPTER + "\n![a sketch](images/s.svg)\n")
    root = Path(__file__).resolve().parent.parent
    b.write("images/s.svg", (root / "examples/small-reader/images/three-parts.svg").read_bytes())
    r = b.run("build", "all")
    assert r.returncode == 0, r.stderr
    for out in (b.root / "build").glob("*.*"):
        if out.suffix == ".pdf":
            data = out.read_bytes()
            assert b"/JavaScript" not in data and b"/URI (http" not in data
            continue
        if out.suffix != ".epub":
            continue
        with zipfile.ZipFile(out) as z:
            for n in z.namelist():
                text = z.read(n).decode("utf-8", "replace")
                for bad in REMOTE:
                    assert bad not in text, (out.name, n, bad)


# -- 5. bounded in time and memory; 6. invalid is never exit 0 --------------------------------

def _draft(pattern: str, lines: list[str]):
    from edition.importers.base import Draft, Line, SourceEntry

    rec = SourceEntry.__new__(SourceEntry)
    object.__setattr__(rec, "id", "s1")
    object.__setattr__(rec, "strip", (pattern,))
    return Draft(rec, [Line(t, i) for i, t in enumerate(lines, 7)])


def test_strip_pattern_nested_plus_does_not_hang():
    """``(a+)+$``: Python's re takes hours on 40 a's and a '!'; the regex engine answers."""
    import time

    from edition.importers.text import strip_patterns

    t = time.monotonic()
    draft = strip_patterns(_draft("(a+)+$", ["a" * 40 + "!"]))
    assert time.monotonic() - t < 5 and len(draft.lines) == 1


def test_strip_pattern_catastrophic_backtracking_is_stopped_with_a_located_error():
    import time

    from edition.diagnostics import BookError
    from edition.importers.text import strip_patterns

    t = time.monotonic()
    with pytest.raises(BookError) as e:
        strip_patterns(_draft("(a|aa)+$", ["a" * 60 + "!"]))
    assert time.monotonic() - t < 20
    d = e.value.diagnostics[0]
    assert d.code == "source.strip-slow" and "line 7" in d.message and d.file == "sources/sources.yaml"


def test_strip_pattern_still_strips():
    from edition.importers.text import strip_patterns

    draft = strip_patterns(_draft(r"^Page \d+$", ["Page 12", "Text"]))
    assert [ln.text for ln in draft.lines] == ["Text"]


@pytest.mark.parametrize("value", ["{n:>999999999}", "{n.__class__.__mro__}", "{0}", "{n!r}",
                                   "{nope}", "{", "x" * 6000])
def test_terms_yaml_value_cannot_reach_str_format(tmp_path, value):
    from edition.diagnostics import BookError, Reporter
    from edition.terms import load_terms

    (tmp_path / "terms.yaml").write_text(f"tn-correction: {json.dumps(value)}\n")
    with pytest.raises(BookError) as e:
        load_terms(tmp_path, "en", Reporter())
    assert e.value.diagnostics[0].file == "terms.yaml" and e.value.diagnostics[0].line == 1


def test_terms_yaml_with_its_own_fields_is_kept(tmp_path):
    from edition.diagnostics import Reporter
    from edition.terms import default_terms, load_terms

    key = next(k for k, v in default_terms().items() if "{n}" in v)
    (tmp_path / "terms.yaml").write_text(f"{key}: \"{{n}} items\"\n")
    assert load_terms(tmp_path, "en", Reporter())[key] == "{n} items"


@pytest.mark.parametrize("tag", ["../../../../tmp/x", "en/../../x", "e n", "", "toolongtag-"])
def test_language_path_names_no_terms_file(tag):
    from edition.terms import language_terms

    terms, found = language_terms(tag)
    assert not found


def test_invalid_book_language_is_an_error_not_exit_0(tmp_path):
    b = small(tmp_path / "book")
    b.write("book.yaml", (b.root / "book.yaml").read_text().replace("language: en", "language: ../../x"))
    r = b.run("build", "epub")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert re.search(r"book\.yaml:\d+: error: .*language", r.stderr), r.stderr


def test_invalid_inline_lang_is_an_error_not_exit_0(tmp_path):
    b = SmallBook(tmp_path / "book")
    b.book(["one.md"])
    b.chapter("one.md", "One", "Text [word]{lang=\"not a tag\"} and <span lang=\"x y\">more</span>.\n")
    r = b.run("build", "epub")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "chapters/one.md:" in r.stderr and ("lang.invalid" in r.stderr or "language tag" in r.stderr), r.stderr


@pytest.mark.parametrize("field,size", [("title", 2_000_000), ("title", 100_000), ("subtitle", 10_000)])
def test_huge_title_is_refused_quickly(tmp_path, field, size):
    import time

    b = small(tmp_path / "book")
    text = (b.root / "book.yaml").read_text()
    text = text.replace("title: A Small Book", f"title: A Small Book\n{field}: {'x' * size}") \
        if field != "title" else text.replace("title: A Small Book", f"title: {'x' * size}")
    b.write("book.yaml", text)
    t = time.monotonic()
    r = b.run("build", "epub")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert re.search(rf"book\.yaml:\d+: error: .*{field}", r.stderr), r.stderr
    assert time.monotonic() - t < 30


def test_yaml_larger_than_the_cap_is_not_parsed(tmp_path):
    from edition.diagnostics import BookError
    from edition.gate import MAX_YAML, read_text

    (tmp_path / "glossary.yaml").write_text("entries: []\n" + "#" * (MAX_YAML + 10))
    with pytest.raises(BookError) as e:
        read_text(tmp_path / "glossary.yaml", "glossary.yaml", tmp_path)
    assert e.value.diagnostics[0].code == "file.too-large"


# -- 2 (again). reads outside the gate -----------------------------------------------------------

def test_source_linked_to_etc_passwd_is_not_read_without_root(tmp_path):
    """The importers call the gate without a root: the root is found from the file's name."""
    from edition.diagnostics import BookError
    from edition.gate import read_text

    (tmp_path / "book/sources").mkdir(parents=True)
    (tmp_path / "book/sources/a.txt").symlink_to("/etc/passwd")
    with pytest.raises(BookError) as e:
        read_text(tmp_path / "book/sources/a.txt", "sources/a.txt", controls=True)
    assert e.value.diagnostics[0].code == "file.outside"


def test_images_folder_linked_to_usr_is_not_walked(tmp_path):
    import time

    from edition.build_manifest import inputs_digest

    b = small(tmp_path / "book")
    (b.root / "images").symlink_to("/usr")
    t = time.monotonic()
    inputs_digest(b.root)
    assert time.monotonic() - t < 5


# -- 7. the digest covers exactly the bytes read ---------------------------------------------------

def test_edit_saved_during_a_build_is_not_recorded_as_up_to_date(tmp_path, monkeypatch):
    from edition import build_manifest
    from edition.gate import read_text

    monkeypatch.setenv("EDITION_CACHE_DIR", str(tmp_path / "cache"))
    b = small(tmp_path / "book")
    p = build_manifest.plan(b.root, None, ["epub"])
    read_text(b.root / "chapters/one.md", "chapters/one.md", b.root)
    assert p.read_what_was_hashed()
    (b.root / "chapters/one.md").write_text("---\ntitle: One\n---\nEdited while building.\n")
    read_text(b.root / "chapters/one.md", "chapters/one.md", b.root)  # the build reads the edit
    assert not p.read_what_was_hashed()
    p.remember("epub", b.root / "build/x.epub", b"x", [], [])
    p.save()
    assert not list((tmp_path / "cache").rglob(build_manifest.MANIFEST))


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000005000153a3b1b50000000049454e44ae426082")


def test_epub_member_names_differing_in_case_are_an_error(tmp_path):
    b = SmallBook(tmp_path / "book")
    b.book(["one.md"])
    b.chapter("one.md", "One", CHAPTER + "\n![a](images/Map.png)\n\n![b](images/map.png)\n")
    b.write("images/Map.png", PNG)
    b.write("images/map.png", PNG)
    if len(list((b.root / "images").iterdir())) < 2:
        pytest.skip("a case-insensitive file system")
    r = b.run("build", "epub")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "images/map.png: error:" in r.stderr and "[epub.name-clash]" in r.stderr, r.stderr


@pytest.mark.parametrize("name", ["nav.md", "content.md", "colophon.md", "titlepage.md"])
def test_chapter_named_like_a_tool_file_is_an_error(tmp_path, name):
    b = SmallBook(tmp_path / "book")
    b.book([name])
    b.chapter(name, "One", CHAPTER)
    r = b.run("build", "epub")
    if name == "content.md":  # content.xhtml is no tool file: it builds
        assert r.returncode == 0, r.stderr
        return
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert f"chapters/{name}: error:" in r.stderr and "[epub.name-clash]" in r.stderr, r.stderr


def test_an_error_cannot_be_silenced(tmp_path):
    b = small(tmp_path / "book")
    b.write("book.yaml", (b.root / "book.yaml").read_text() + "silence: [html, html.unsafe, image]\n")
    b.chapter("one.md", "One", CHAPTER + '\n<script>alert(1)</script>\n\n![x](images/none.png)\n')
    r = b.run("build", "epub")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "chapters/one.md:" in r.stderr


def test_300_nested_spans_are_a_located_error_not_a_traceback(tmp_path):
    b = SmallBook(tmp_path / "book")
    b.book(["one.md"])
    b.chapter("one.md", "One", "Text " + "<span>" * 300 + "deep" + "</span>" * 300 + ".\n")
    for target in ("kepub", "pdf"):
        r = b.run("build", target)
        assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr
        assert re.search(r"chapters/one\.md:\d+: error: .*\[markup\.too-deep\]", r.stderr), r.stderr


def test_deeply_nested_emphasis_in_a_headnote_is_a_located_error(tmp_path):
    b = SmallBook(tmp_path / "book")
    b.book(["one.md"])
    b.chapter("one.md", "One", CHAPTER, headnote="A " + "<em><b>" * 30 + "x" + "</b></em>" * 30 + ".")
    r = b.run("build", "epub")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "[markup.too-deep]" in r.stderr, r.stderr


def test_note_calling_a_note_is_reported_at_the_note(tmp_path):
    b = SmallBook(tmp_path / "book")
    b.book(["one.md"])
    b.chapter("one.md", "One", "Text.[^1] More.[^2]\n\n[^1]: A note calling another.[^2]\n\n[^2]: The other.\n")
    r = b.run("build", "epub")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert re.search(r"chapters/one\.md:\d+: error: .*\[notes\.nested\]", r.stderr), r.stderr


def test_link_to_a_chapter_file_works_and_to_another_file_is_located(tmp_path):
    b = SmallBook(tmp_path / "book")
    b.book(["one.md", "two.md"])
    b.chapter("one.md", "One", "See [the second](two.md) and [again](./two.md).\n")
    b.chapter("two.md", "Two", "Second.\n")
    r = b.run("build", "epub")
    assert r.returncode == 0, r.stderr
    b.chapter("one.md", "One", "See [the second](two.md) and [bad](three.md).\n")
    r = b.run("build", "epub")
    assert r.returncode != 0 and re.search(r"chapters/one\.md:\d+: error: link to 'three\.md'", r.stderr), r.stderr


# -- 8. fuzz targets: the checkers never crash, and what they pass carries nothing remote ------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CSS_BITS = st.sampled_from([
    "url(", ")", '"', "'", "/*", "*/", "\\", "\\72", "u\\72l(", "@import ", "image-set(", "data:",
    "text/css,", "https://evil.example/x", "//evil.example", "#a", "a.png", "..", "/", ";", "{", "}",
    "p", " ", "\n", "background:", "src:", "expression(", "-webkit-image-set(", ",", "base64,",
    "javascript:", "%40import", "@font-face", "var(", "calc(",
])
_SVG_BITS = st.sampled_from([
    "<rect/>", '<rect fill="url(#a)"/>', '<rect fill="url(https://evil.example/a)"/>',
    "<script>x</script>", '<use href="#a"/>', '<g id="a">', "</g>", "<style>", "</style>",
    "@import url(https://evil.example/x);", '<a href="javascript:x">', "</a>",
    '<set attributeName="href" to="javascript:x"/>', "<?xml-stylesheet href='x'?>", "&amp;",
    '<image href="data:image/png;base64,AAAA"/>', '<image href="https://evil.example/i.png"/>',
    '<rect style="fill:url(//evil.example/x)"/>', "<foreignObject>", "</foreignObject>", "text",
])
REMOTE_RE = re.compile(r"(?i)evil\.example|javascript:|<script|xml-stylesheet|foreignObject|@import")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_CSS_BITS, max_size=30).map("".join))
def test_fuzz_css_checker_never_passes_a_remote_reference(css):
    """Whatever the tokenizer makes of it: no crash, and a style sheet it passes has no
    remote URL, import or script left in any token (checked by tinycss2's own reading)."""
    import tinycss2

    from edition.safe_css import css_problems

    problems = css_problems(css, local_ok=True)
    if problems:
        return
    for tok in _all_tokens(tinycss2.parse_stylesheet(css, skip_comments=True)):
        value = getattr(tok, "value", None)
        name = getattr(tok, "lower_name", None) or getattr(tok, "lower_at_keyword", None)
        if tok.type in ("url", "string") and isinstance(value, str):
            if tok.type == "url" or getattr(tok, "_in_url", False):
                assert not re.match(r"(?i)[a-z][a-z0-9+.-]*:|//|/", value) or value.lower().startswith("data:"), css
        assert name not in ("import", "expression"), css


def _all_tokens(nodes):
    for n in nodes:
        yield n
        for attr in ("prelude", "content", "arguments"):
            sub = getattr(n, attr, None)
            if isinstance(sub, list):
                if getattr(n, "lower_name", None) in ("url", "image-set", "-webkit-image-set"):
                    for s in sub:
                        if getattr(s, "type", None) == "string":
                            s._in_url = True
                yield from _all_tokens(sub)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_SVG_BITS, max_size=25).map("".join))
def test_fuzz_svg_checker_never_passes_anything_remote_or_scriptable(body):
    from edition.safe_svg import clean_svg, svg_problems

    data = f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>'.encode()
    problems = svg_problems(data)
    if problems:
        return
    from lxml import etree

    shipped = clean_svg(data)
    assert b"<?xml-stylesheet" not in shipped and b"<!DOCTYPE" not in shipped, shipped
    for el in etree.fromstring(shipped).iter():  # text outside <style> is only text
        assert isinstance(el.tag, str) and etree.QName(el).localname not in ("script", "foreignObject", "set"), shipped
        for value in el.attrib.values():
            assert not REMOTE_RE.search(value), shipped
        if etree.QName(el).localname == "style":
            assert not REMOTE_RE.search(el.text or ""), shipped


def test_family_tree_200_generations_deep_is_a_located_error(tmp_path):
    b = SmallBook(tmp_path / "book")
    b.book(["one.md"])
    b.chapter("one.md", "One", CHAPTER)
    people = ["family:\n  title: The Family\n  root: [p0]\npersons:\n"]
    for i in range(200):
        people.append(f"  - id: p{i}\n    sort_name: P{i}, A\n    name: A P{i}\n    identification: Person {i}.\n"
                      f"    forms: [A P{i}]\n" + (f"    parents: [p{i - 1}]\n" if i else ""))
    b.write("persons.yaml", "".join(people))
    r = b.run("build", "kepub")  # without the limit: lxml's depth limit, a traceback
    assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr[-2000:]
    assert re.search(r"persons\.yaml:\d+: error: .*\[persons\.family-depth\]", r.stderr), r.stderr[-2000:]


def _source_book(root: Path, text_file: str = "address.txt", strip: str = "[]") -> SmallBook:
    import hashlib

    b = small(root)
    raw = b"A plain text.\n\nAnother paragraph.\n"
    if not (root / "sources" / text_file).exists() and not (root / "sources" / text_file).is_symlink():
        b.write(f"sources/{text_file}", raw)
    b.write("sources/sources.yaml", f"""\
sources:
  - id: address
    file: {text_file}
    sha256: {hashlib.sha256(raw).hexdigest()}
    author: A. Author
    title: A Short Address
    date: "1863"
    kind: plain text
    importer: text
    rights: public domain
    chapter: 02-address.md
    strip: {strip}
""")
    return b


def test_import_of_a_source_linked_to_etc_passwd_is_refused(tmp_path):
    (tmp_path / "book/sources").mkdir(parents=True)
    (tmp_path / "book/sources/address.txt").symlink_to("/etc/passwd")
    b = _source_book(tmp_path / "book")
    for cmd in (("import", "address"), ("check",)):
        r = b.run(*cmd)
        assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr
        assert "sources/address.txt: error:" in r.stderr and "outside the project" in r.stderr, r.stderr
    assert not (b.root / "chapters/02-address.md").exists()


def test_sources_yaml_linked_outside_is_refused_by_import_and_check(tmp_path):
    b = _source_book(tmp_path / "book")
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text((b.root / "sources/sources.yaml").read_text())
    (b.root / "sources/sources.yaml").unlink()
    (b.root / "sources/sources.yaml").symlink_to(outside)
    for cmd in (("import", "address"), ("check",)):
        r = b.run(*cmd)
        assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr
        assert "sources/sources.yaml: error:" in r.stderr and "outside the project" in r.stderr, r.stderr


def test_import_with_a_backtracking_strip_pattern_stops_with_a_located_error(tmp_path):
    import time

    b = _source_book(tmp_path / "book", strip='["(a|aa)+$"]')
    (b.root / "sources/address.txt").write_bytes(b"a" * 60 + b"!\n")
    import hashlib
    y = (b.root / "sources/sources.yaml").read_text()
    y = re.sub(r"sha256: \w+", f"sha256: {hashlib.sha256(b'a' * 60 + b'!' + bytes([10])).hexdigest()}", y)
    b.write("sources/sources.yaml", y)
    t = time.monotonic()
    r = b.run("import", "address")
    assert time.monotonic() - t < 120
    assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr
    assert "sources/sources.yaml: error:" in r.stderr and "[source.strip-slow]" in r.stderr, r.stderr


@pytest.mark.parametrize("key", ["separator", "start_after", "end_before"])
def test_every_line_pattern_runs_with_a_time_limit(tmp_path, key):
    """Not only strip: the separator and the Gutenberg cuts are the book's patterns too."""
    import hashlib
    import time

    b = _source_book(tmp_path / "book")
    raw = b"a" * 60 + b"!\n"
    (b.root / "sources/address.txt").write_bytes(raw)
    y = (b.root / "sources/sources.yaml").read_text()
    y = re.sub(r"sha256: \w+", f"sha256: {hashlib.sha256(raw).hexdigest()}", y)
    b.write("sources/sources.yaml", y + f"    {key}: '(a|aa)+$'\n")
    t = time.monotonic()
    r = b.run("import", "address")
    assert time.monotonic() - t < 120
    assert r.returncode != 0 and "Traceback" not in r.stderr, r.stderr
    assert "[source.strip-slow]" in r.stderr and key in r.stderr, r.stderr


@pytest.mark.parametrize("sub", ["memo", "layout-seed"])
def test_cache_subfolder_linked_out_receives_nothing(tmp_path, monkeypatch, sub):
    from edition import layout_seed, step_memo

    monkeypatch.delenv("EDITION_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))  # the key, outside the book
    root = tmp_path / "book"
    (root / ".cache").mkdir(parents=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / ".cache" / sub).symlink_to(elsewhere)
    from edition.diagnostics import BookError

    if sub == "memo":
        step_memo.put(root, "book", "0" * 64, b"data")
        assert step_memo.get(root, "book", "0" * 64) is None
    else:
        with pytest.raises(BookError):  # save() catches it: no seed is kept
            layout_seed._path(root, "pdf:A5")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.skipif(shutil.which("git") is None, reason="git makes the worktree")
def test_git_worktree_file_is_followed_without_running_git(tmp_path):
    from edition.gitread import version

    main = tmp_path / "main"
    main.mkdir()
    (main / "a.txt").write_text("a")
    git(main, "init", "-q")
    git(main, "add", "-A")
    git(main, "commit", "-q", "-m", "x")
    git(main, "worktree", "add", "-q", str(tmp_path / "wt"))
    sha = git(tmp_path / "wt", "rev-parse", "HEAD")
    assert (tmp_path / "wt/.git").is_file()
    assert version(tmp_path / "wt") == (sha[:7], 1600000000)


INKSCAPE_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
  xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
  xmlns:cc="http://creativecommons.org/ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"
  width="40" height="20" viewBox="0 0 40 20" sodipodi:docname="map.svg" inkscape:version="1.2">
  <sodipodi:namedview id="nv" pagecolor="#ffffff" inkscape:zoom="2"/>
  <metadata><rdf:RDF><cc:Work rdf:about=""><dc:title>A map</dc:title></cc:Work></rdf:RDF></metadata>
  <g inkscape:label="Layer 1" inkscape:groupmode="layer"><rect width="10" height="10" fill="#333"/></g>
</svg>"""


def test_a_drawing_programs_bookkeeping_is_dropped_not_refused():
    """An SVG saved by Inkscape carries sodipodi:/inkscape: elements and attributes and an RDF
    licence block: inert, so the figure ships, without them."""
    from edition.safe_svg import clean_svg, svg_problems

    assert svg_problems(INKSCAPE_SVG) == []
    out = clean_svg(INKSCAPE_SVG)
    assert b"sodipodi" not in out and b"inkscape" not in out and b"rdf:" not in out
    assert b"<rect" in out and b"<metadata" in out


def test_a_script_inside_a_drawing_programs_element_is_still_refused():
    svg = INKSCAPE_SVG.replace(b'<sodipodi:namedview id="nv" pagecolor="#ffffff" inkscape:zoom="2"/>',
                               b'<sodipodi:namedview id="nv"><script>alert(1)</script></sodipodi:namedview>')
    assert any("script" in p for p in __import__("edition.safe_svg", fromlist=["x"]).svg_problems(svg))
