"""Unsafe content never reaches either edition, and a build reads no file outside
the project and makes no network request (checked with an audit hook)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

META = {"author": "A. Author", "date": "1938", "source": "test"}

UNSAFE = """\
A paragraph <script>alert("xss-script")</script> with a script.

<script>document.write("xss-block")</script>

<iframe src="https://evil.example/xss-iframe"></iframe>

A <span onclick="alert('xss-onclick')">clickable</span> word and
<b onmouseover="steal()">bold</b> text.

A [scripted link](javascript:alert('xss-jslink')) and
<a href="javascript:alert('xss-rawlink')">a raw one</a>.

<img src="x" onerror="alert('xss-img')">

[styled]{style="background:url(https://evil.example/xss-css.png)"}

The safe words survive.
"""

REFUSED_TARGETS = [
    ("![p](file:///etc/passwd)", "link.refused", "image with the forbidden scheme 'file:' refused"),
    ("![p](/etc/passwd)", "image.refused", "image to absolute path '/etc/passwd' refused"),
    ("![p](../../../../../../etc/passwd)", "image.refused", "points outside the project"),
    ("![p](https://example.com/tracker.png)", "image.refused", "https://example.com/tracker.png"),
    ("![p](//example.com/tracker.png)", "image.refused", "//example.com/tracker.png"),
    ("[l](ftp://example.com/)", "link.refused", "link to 'ftp://example.com/' refused"),
    ("[l](https://exa%6Dple.com/)", "link.refused", "link to 'https://exa%6Dple.com/' refused"),
    ("[l](file:///etc/passwd)", "link.refused", "link with the forbidden scheme 'file:' refused"),
    ("[l](/etc/passwd)", "link.refused", "link to absolute path '/etc/passwd' refused"),
    ("[l](../../../../etc/passwd)", "link.refused", "points outside the project"),
    ('<img src="file:///etc/passwd">', "html.unsafe", "<img> is not allowed"),
]


def unsafe_book(small_book, body: str):
    small_book.book(["01-one.md"])
    small_book.chapter("01-one.md", "One", "Safe first line.\n\n" + body, **META)
    return small_book


def test_unsafe_html_fails_the_build_with_located_errors(small_book):
    unsafe_book(small_book, UNSAFE)
    proc = small_book.run("build", "all")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    err = proc.stderr
    for line, what in [(9, "<script> is not allowed"), (11, "<script> is not allowed"),
                       (13, "<iframe> is not allowed"), (15, "attribute 'onclick' on <span> is not allowed"),
                       (16, "attribute 'onmouseover' on <b> is not allowed"),
                       (18, "link with the forbidden scheme 'javascript:' refused"), (19, "<a> is not allowed"),
                       (21, "<img> is not allowed"), (23, "attribute 'style' is not allowed")]:
        assert re.search(rf"^chapters/01-one\.md:{line}: error: .*{re.escape(what)}", err, re.M), (what, err)
    assert "build failed: nothing was written" in err
    assert not (small_book.root / "build").exists()


@pytest.mark.parametrize("markdown,code,message", REFUSED_TARGETS, ids=[t[0] for t in REFUSED_TARGETS])
def test_links_and_images_outside_the_book_are_refused(small_book, markdown, code, message):
    unsafe_book(small_book, f"See {markdown} here.\n")
    proc = small_book.run("build", "epub")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    hits = [ln for ln in proc.stderr.splitlines() if ln.startswith("chapters/01-one.md:9: error:")
            and ln.endswith(f"[{code}]")]
    assert any(message in h for h in hits), proc.stderr
    assert not (small_book.root / "build").exists()


# -- the sanitised book, rendered anyway: nothing unsafe is left in either edition ---

RENDER_ANYWAY = """\
import json, sys
from pathlib import Path
from edition.diagnostics import Reporter
from edition.pipeline import load_book, read_style, styles_dir
from edition.render.epub import build_epub
from edition.render.pdf import geometry_css, render_pdf
root, out = Path(sys.argv[1]), Path(sys.argv[2])
reporter = Reporter()
book = load_book(root, reporter)  # reports the errors, and removes what it refused
(out / "book.epub").write_bytes(build_epub(book, read_style(root, "epub.css")[0]))
css = read_style(root, "print.css")[0] + geometry_css(book.meta.page_size)
(out / "book.pdf").write_bytes(render_pdf(book, styles_dir(root), css).data)
json.dump(sorted({d.code for d in reporter.items}), open(out / "codes.json", "w"))
"""

AUDIT = """\
import json, sys
events = []
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        p = args[0].decode(errors="replace") if isinstance(args[0], bytes) else args[0]
        events.append(["open", p])
    elif event.startswith("socket.") or event in ("urllib.Request", "http.client.connect"):
        events.append([event, repr(args)[:300]])
sys.addaudithook(hook)
log, mode = sys.argv[1], sys.argv[2]
sys.argv = [sys.argv[0]] + sys.argv[3:]
try:
    if mode == "cli":
        from edition.cli import main
        code = main(sys.argv[1:])
    else:
        exec(compile(open(mode).read(), mode, "exec"))
        code = 0
finally:
    with open(log, "w") as f:
        json.dump(events, f)
sys.exit(code)
"""


def run_audited(tmp: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[list[str]]]:
    wrapper = tmp / "audit.py"
    wrapper.write_text(AUDIT)
    log = tmp / "events.json"
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, str(wrapper), str(log), *args], capture_output=True, text=True,
                          env=env, timeout=600)
    return proc, json.loads(log.read_text())


def outside_files(events: list[list[str]], allowed: list[Path]) -> list[str]:
    """Files opened that are neither in the project nor the tool's own installation (Python's
    stdlib and venv, the edition package and the fonts shipped beside it).  The real edition's
    own book files in the checkout (chapters/, book.yaml ...) are *not* allowed."""
    roots = [str(p.resolve()) for p in allowed] + [sys.prefix, sys.base_prefix, sys.exec_prefix,
                                                     str(ROOT / "edition"), str(ROOT / "edition.egg-info"),
                                                     str(ROOT / "edition_press.egg-info"),
                                                     str(ROOT / "edition" / "data" / "styles" / "fonts")]
    for var in ("PYTHONPYCACHEPREFIX", "EDITION_CACHE_DIR"):  # where conftest.py puts the
        if os.environ.get(var):  # byte code and the build cache (the checkout stays clean)
            roots.append(os.path.realpath(os.environ[var]))
    tmp = tempfile.gettempdir()
    bad = []
    for kind, path in events:
        if kind != "open":
            continue
        p = os.path.realpath(path)
        if any(p == r or p.startswith(r.rstrip("/") + "/") for r in roots):
            continue
        if p in ("/dev/null", "/dev/urandom") or p in _mime_files():
            continue  # the stdlib's mimetypes tables
        if p.startswith(str(ROOT / "__editable__.")):
            continue  # the editable install's import hook (not a file)
        rel = os.path.relpath(p, tmp)
        if not rel.startswith("..") and re.match(r"(\.|tmp\w+(/|$)|weasyprint-\w+(/|$)|[a-z0-9_]{8}$)", rel):
            continue  # tempfile's probe, ctypes.util.find_library's and WeasyPrint's scratch files
        bad.append(p)
    return bad


def _mime_files() -> set[str]:
    import mimetypes

    return {os.path.realpath(f) for f in mimetypes.knownfiles}


def network(events: list[list[str]], root: Path) -> list[str]:
    bad = [f"{k} {a}" for k, a in events if k.startswith("socket.") or k == "http.client.connect"]
    for k, a in events:
        if k == "urllib.Request":
            url = re.match(r"\('([^']*)'", a).group(1)
            if not url.startswith(root.resolve().as_uri() + "/") and not url.startswith("data:"):
                bad.append(url)
    return bad


def test_unsafe_book_rendered_anyway_contains_nothing_unsafe_and_reads_nothing_outside(small_book, tmp_path):
    body = UNSAFE + "\n" + "\n\n".join(f"Target {m}." for m, _, _ in REFUSED_TARGETS) + "\n"
    unsafe_book(small_book, body)
    script = tmp_path / "render_anyway.py"
    script.write_text(RENDER_ANYWAY)
    out = tmp_path / "out"
    out.mkdir()
    proc, events = run_audited(tmp_path, str(script), str(small_book.root), str(out))
    assert proc.returncode == 0, proc.stderr
    assert json.loads((out / "codes.json").read_text()) == ["html.unsafe", "image.refused", "link.refused"]

    with zipfile.ZipFile(out / "book.epub") as z:
        xhtml = "\n".join(z.read(n).decode() for n in z.namelist() if n.endswith((".xhtml", ".opf", ".ncx")))
        chapter = z.read("EPUB/one.xhtml").decode()
    assert "<img" not in chapter and "src=" not in chapter
    assert "The safe words survive" in xhtml and "clickable" in xhtml
    for bad in ("<script", "<iframe", "onclick", "onmouseover", "onerror", "javascript:", "xss-",
                "evil.example", "example.com", "/etc/passwd", "style="):
        assert bad not in xhtml, bad
    text = subprocess.run(["pdftotext", str(out / "book.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "The safe words survive" in text
    for bad in ("alert", "xss-", "evil.example", "passwd", "javascript"):
        assert bad not in text, bad
    raw = (out / "book.pdf").read_bytes()
    assert b"/JavaScript" not in raw and b"/JS " not in raw and b"/URI" not in raw

    assert outside_files(events, [small_book.root, out, tmp_path]) == []
    assert not any(p.endswith("passwd") for k, p in events if k == "open")
    assert network(events, small_book.root) == []


def test_clean_build_reads_nothing_outside_the_project_and_makes_no_network_request(small_book, tmp_path):
    small_book.book(["01-one.md"])
    small_book.chapter("01-one.md", "One", "Text with a note.[^1]\n\n[^1]: The note.\n", **META)
    proc, events = run_audited(tmp_path, "cli", "-C", str(small_book.root), "build", "all")
    assert proc.returncode == 0, proc.stderr
    assert (small_book.root / "build" / "small-book.pdf").is_file()
    opened = [p for k, p in events if k == "open"]
    assert any(p.endswith("chapters/01-one.md") for p in opened)  # the hook does see our reads
    assert any("styles/fonts/" in p for k, p in events if k == "urllib.Request") or \
        any("styles/fonts/" in p for p in opened)
    assert outside_files(events, [small_book.root, tmp_path / "events.json"]) == []
    assert network(events, small_book.root) == []


def test_stylesheet_cannot_pull_files_or_urls_from_outside(small_book, tmp_path):
    """Even a hostile print.css (the editor's own file) makes WeasyPrint fetch nothing outside."""
    small_book.book(["01-one.md"])
    small_book.chapter("01-one.md", "One", "Text.\n", **META)
    css = small_book.root / "styles" / "print.css"
    css.write_text(css.read_text() + '\nbody { background: url("file:///etc/passwd"); }\n'
                   'p { background: url("https://example.com/x.png"); }\n'
                   '@import url("http://example.com/evil.css");\n')
    proc, events = run_audited(tmp_path, "cli", "-C", str(small_book.root), "build", "pdf")
    assert "Traceback" not in proc.stderr
    assert outside_files(events, [small_book.root, tmp_path / "events.json"]) == []
    assert not any(p.endswith("passwd") for k, p in events if k == "open")
    assert network(events, small_book.root) == []
