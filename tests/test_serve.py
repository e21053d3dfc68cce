"""``edition serve``: the live preview (edition/serve.py), driven in Chromium.

A copy of the example book is served on a free port of 127.0.0.1; a chapter is edited
and the page open in the browser must show the new text by itself; a mistake must be
shown over the page with its file and line while the last good page stays; the fix
must clear it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import ROOT
from test_web import ARGS, CHROMIUM, require

EXAMPLE = ROOT / "examples" / "small-reader"


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(EXAMPLE, root)
    proc = subprocess.Popen([sys.executable, "-m", "edition.cli", "-C", str(root), "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, SOURCE_DATE_EPOCH="1700000000"))
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        m = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert m, line + proc.stderr.read()  # type: ignore[union-attr]
        yield {"root": root, "url": m.group(0), "proc": proc}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_the_pages_are_served_with_the_reload_script(server):
    html = urllib.request.urlopen(server["url"] + "gaul.html").read().decode()
    assert '<script src="/__edition/live.js"></script>' in html
    assert 'data-pagefind-body' in html
    # the files on disk are edition build web's: the script is added by the server only
    assert "/__edition/" not in (server["root"] / "build" / "web" / "gaul.html").read_text()
    state = urllib.request.urlopen(server["url"] + "__edition/state").read()
    assert len(state) < 200 and b'"build": 1' in state


def test_a_saved_change_reloads_the_page_and_a_mistake_is_shown(server, tmp_path):
    require(CHROMIUM.exists(), f"Chromium ({CHROMIUM})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright for Python")
    chapter = next((server["root"] / "chapters").glob("*gaul*.md"))
    text = chapter.read_text(encoding="utf-8")
    assert "Gaul as a whole" in text
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.goto(server["url"] + "gaul.html")
        page.evaluate("window.__before = true")  # gone after a reload
        time.sleep(0.5)
        saved = time.monotonic()
        chapter.write_text(text.replace("Gaul as a whole", "Gaul, taken whole,"), encoding="utf-8")
        page.wait_for_function("document.body.innerText.includes('Gaul, taken whole,')", timeout=15000)
        took = time.monotonic() - saved
        assert page.evaluate("window.__before === undefined")  # reloaded, not patched
        print(f"reloaded {took:.2f} s after the save")
        assert took < 5, took  # a second and a half here when the machine is idle

        # a mistake: a note call without its note, at a line of the chapter
        bad = text.replace("Gaul as a whole", "Gaul, taken whole,") + "\nA call[^nowhere].\n"
        chapter.write_text(bad, encoding="utf-8")
        line = bad.splitlines().index("A call[^nowhere].") + 1
        box = page.locator("#edition-problems")
        box.wait_for(timeout=15000)
        said = box.inner_text()
        assert re.search(rf"chapters/{re.escape(chapter.name)}:{line}: error: .*nowhere", said), said
        assert "Gaul, taken whole," in page.locator("main").inner_text()  # the last good page stays
        page.screenshot(path=str(tmp_path / "serve-error.png"))
        assert "Gaul, taken whole," in (server["root"] / "build" / "web" / "gaul.html").read_text()

        # fixed: the box goes and the page has the new text
        chapter.write_text(text.replace("Gaul as a whole", "All Gaul"), encoding="utf-8")
        page.wait_for_function("document.body.innerText.includes('All Gaul')", timeout=15000)
        assert page.locator("#edition-problems").count() == 0
        browser.close()
