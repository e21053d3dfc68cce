"""The web edition (``edition build web``: render/web.py), in a real browser.

The example book (examples/small-reader) is copied to a temporary folder and built (EPUB,
PDF, then the site, which takes the PDF's page map); the site is served on 127.0.0.1
and opened in Debian's Chromium, driven by Playwright for Python, with axe-core (npm,
``tests/web/node_modules``: ``make webtools``) injected into every page.  The real
edition's site is checked with axe-core too.  Without Chromium, Playwright or axe-core
the browser tests are skipped, except in CI (``CI=true``), where they fail.

Screenshots go to a temporary folder, or to ``$WEB_SHOTS`` when it is set.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "tests" / "web" / "node_modules" / "axe-core" / "axe.min.js"
EXAMPLE = ROOT / "examples" / "small-reader"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ENV = {"SOURCE_DATE_EPOCH": "1700000000", "EDITION_NO_SEED": "1"}


def require(ok: bool, what: str) -> None:
    if ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing, and CI must run this test")
    pytest.skip(f"{what} is missing")


@functools.cache
def shots() -> Path:
    return Path(os.environ.get("WEB_SHOTS") or tempfile.mkdtemp(prefix="edition-web-"))


def run(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edition.cli", "-C", str(root), *args],
                          capture_output=True, text=True, env=dict(os.environ, **ENV), timeout=1800)


class Server:
    """A static host: ``http.server`` on a free port of 127.0.0.1, serving ``folder``."""

    def __init__(self, folder: Path):
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **k):
                super().__init__(*a, directory=str(folder), **k)

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict:
    """The example book built: EPUB and PDF (``build all``), then the web edition."""
    root = tmp_path_factory.mktemp("web-small") / "book"
    shutil.copytree(EXAMPLE, root)
    out = root / "build"
    for target in ("all", "web"):
        proc = run(root, "build", target, "-o", str(out))
        assert proc.returncode == 0, proc.stderr
    return {"root": root, "out": out, "site": out / "web",
            "epub": next(out.glob("*.epub"))}


@pytest.fixture(scope="module")
def browser() -> Iterator:
    require(CHROMIUM.exists(), f"Chromium ({CHROMIUM})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright for Python (pip install -e '.[dev]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def served(small) -> Iterator[str]:
    s = Server(small["site"])
    yield s.url
    s.close()


def pages_of(site: Path) -> list[str]:
    return sorted(p.name for p in site.glob("*.html"))


def axe(page) -> list[dict]:
    require(AXE.is_file(), f"axe-core ({AXE}: make webtools)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
                                       nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
    }""")
    return result


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


# -- the files -------------------------------------------------------------------------------

def test_one_page_per_document_and_an_index(small):
    site = small["site"]
    names = pages_of(site)
    with zipfile.ZipFile(small["epub"]) as z:  # the EPUB's documents are the web's pages
        docs = {Path(n).stem for n in z.namelist() if n.endswith(".xhtml")}
    expected = {"book-index" if d == "index" else d  # the site's index.html is its title page
                for d in docs - {"nav", "cover", "halftitle", "titlepage"}}  # these two: index.html
    assert expected and expected <= {Path(n).stem for n in names}, (expected, names)
    assert {"index.html", "pages.html", "search.html"} <= set(names)
    index = (site / "index.html").read_text(encoding="utf-8")
    for name in expected - {"colophon"}:
        assert f'href="{name}.html"' in index, name  # the contents link every part
    assert (site / "pagefind" / "pagefind.js").is_file()
    figures = re.findall(r'<img src="([^"]+)" alt="([^"]+)"', (site / "introduction.html").read_text())
    assert figures and all((site / src).is_file() and len(alt) > 20 for src, alt in figures)
    assert sorted(p.name for p in (site / "assets" / "fonts").iterdir()) == [
        "EBGaramond-Italic.ttf", "EBGaramond-Regular.ttf", "EBGaramond-SemiBold.ttf",
        "EBGaramond-SemiBoldItalic.ttf"]


def test_nothing_is_loaded_from_another_site(small):
    """No src/href of a script, style, image or font and no CSS url() leaves the site (links
    the author wrote to web pages are <a> links, which load nothing)."""
    site = small["site"]
    for p in list(site.glob("*.html")) + list((site / "assets").glob("*.css")):
        text = p.read_text(encoding="utf-8")
        loaded = re.findall(r'<(?:script|link|img|source|iframe)\b[^>]*\b(?:src|href)="([^"]*)"', text)
        loaded += re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
        assert not [u for u in loaded if re.match(r"[a-z]+:|//", u, re.I)], (p.name, loaded)


def test_page_markers_are_the_epubs(small):
    """The printed pages: the same labels, in the same order, as the EPUB's page list, each
    an anchor page-N in the page the EPUB has it in."""
    with zipfile.ZipFile(small["epub"]) as z:
        nav = z.read("EPUB/nav.xhtml").decode()
    page_list = nav[nav.index('epub:type="page-list"'):]
    epub_pages = [("index" if f in ("halftitle", "titlepage") else f, label)  # the site's title page
                  for f, label in re.findall(r'<a href="([^"#]+)\.xhtml#page-([^"]+)">', page_list)]
    assert len(epub_pages) > 5
    web: list[tuple[str, str]] = []
    for name in pages_of(small["site"]):
        for label in re.findall(r'<span class="pb" id="page-([^"]+)"', (small["site"] / name).read_text()):
            web.append((Path(name).stem, label))
    assert sorted(web, key=lambda x: x[1]) == sorted(epub_pages, key=lambda x: x[1])
    pages_js = (small["site"] / "assets" / "pages.js").read_text()
    table = json.loads(pages_js.split("=", 1)[1].strip().rstrip(";"))
    assert [(Path(h.split("#")[0]).stem, lab) for lab, h in table.items()] == epub_pages


def test_glossary_page_references_link_to_markers(small):
    gl = (small["site"] / "glossary.html").read_text(encoding="utf-8")
    refs = re.findall(r'<a href="([^"#]+)#page-([^"]+)">\2</a>', gl)
    assert refs
    for f, label in refs:
        assert f'id="page-{label}"' in (small["site"] / f).read_text(encoding="utf-8")


def test_a_failed_build_keeps_the_previous_site(small, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(small["root"], root)
    out = root / "build"
    before = {p.relative_to(out): p.read_bytes() for p in (out / "web").rglob("*") if p.is_file()}
    chapter = next((root / "chapters").glob("*gaul*.md"))
    chapter.write_text(chapter.read_text() + "\n[^nope]\n", encoding="utf-8")  # a call with no note
    proc = run(root, "build", "web", "-o", str(out))
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and re.search(r"chapters/\S+gaul\S*\.md:\d+: error", proc.stderr), proc.stderr
    after = {p.relative_to(out): p.read_bytes() for p in (out / "web").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in out.iterdir() if p.name.startswith(".web.")]


def test_same_input_same_bytes(small, tmp_path):
    root = tmp_path / "book"
    shutil.copytree(small["root"], root)
    out = root / "build"
    proc = run(root, "build", "web", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    one = {p.relative_to(small["site"]): p.read_bytes() for p in small["site"].rglob("*") if p.is_file()}
    two = {p.relative_to(out / "web"): p.read_bytes() for p in (out / "web").rglob("*") if p.is_file()}
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []


# -- in the browser ------------------------------------------------------------------------------

def test_axe_finds_no_violations(small, served, browser):
    found = {}
    for scheme in ("light", "dark"):
        page = browser.new_page(color_scheme=scheme)
        for name in pages_of(small["site"]):
            page.goto(served + name)
            v = axe(page)
            if v:
                found[(scheme, name)] = v
        page.close()
    assert found == {}


def test_readable_at_320px_and_200_percent_zoom(small, served, browser):
    """No horizontal scrolling on a 320 px phone, nor at 200% zoom of a 1280 px window (a
    640 CSS px viewport at twice the pixels)."""
    for width, scale in ((320, 1), (640, 2)):
        page = browser.new_page(viewport={"width": width, "height": 700}, device_scale_factor=scale)
        wide = []
        for name in pages_of(small["site"]):
            page.goto(served + name)
            if not no_horizontal_scroll(page):
                wide.append(name)
        if width == 320:
            page.goto(served + "gaul.html")
            page.screenshot(path=str(shots() / "web-320.png"))
        page.close()
        assert wide == [], (width, wide)


def test_dark_mode_follows_the_reader(served, browser):
    colours = {}
    for scheme in ("light", "dark"):
        page = browser.new_page(color_scheme=scheme)
        page.goto(served + "gaul.html")
        colours[scheme] = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
        if scheme == "dark":
            page.screenshot(path=str(shots() / "web-dark.png"))
        page.close()
    assert colours["light"] != colours["dark"]
    assert colours["dark"] == "rgb(23, 22, 20)"


def test_the_books_faces_are_used(served, browser):
    page = browser.new_page()
    page.goto(served + "gaul.html")
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate("Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family)")
    assert '"Book"' in loaded or "Book" in loaded
    page.close()


def test_a_note_opens_in_place_and_says_whose(served, browser):
    page = browser.new_page(viewport={"width": 900, "height": 700})
    page.goto(served + "gaul.html")
    call = page.locator("a.noteref.translator").first
    call.click()
    pop = page.locator("#pop")
    assert pop.is_visible()
    assert page.url.endswith("gaul.html")  # it opened in place: no jump to the notes
    assert page.locator("#pop-title").inner_text() == "Translator’s note 1"
    assert "Celtae" in page.locator("#pop .pop-body").inner_text()
    page.screenshot(path=str(shots() / "web-note.png"))
    assert axe(page) == []  # the open note too
    page.locator(".pop-close").focus()
    page.keyboard.press("Escape")
    assert not pop.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('noteref')")  # focus back on the call
    # without the script the call leads to the note, and the note's number leads back
    href = call.get_attribute("href")
    note = page.locator(href)
    assert note.locator("a.note-number").get_attribute("href") == "#" + call.get_attribute("id")
    page.close()


def test_an_authors_note_says_so(small):
    """The example's notes are the translator's and the editor's: the label of an author's
    note comes from the same table (terms: web-note-author)."""
    from edition.terms import default_terms

    assert default_terms()["web-note-author"] == "Author’s note"
    text = (small["site"] / "declaration.html").read_text(encoding="utf-8")
    assert 'data-title="Editor’s note 1"' in text


def test_a_glossary_term_shows_its_definition(served, browser):
    page = browser.new_page(viewport={"width": 900, "height": 700})
    page.goto(served + "gaul.html")
    term = page.locator("a.gl").first
    assert term.get_attribute("title")  # on hover, without the script too
    term.click()
    assert page.locator("#pop").is_visible()
    body = page.locator("#pop .pop-body")
    assert term.get_attribute("title") in body.inner_text()
    entry = body.locator("a")
    assert entry.get_attribute("href").startswith("glossary.html#gl-")
    entry.click()
    page.wait_for_url("**/glossary.html#gl-*")
    anchor = page.url.split("#")[1]
    assert page.locator(f"#{anchor}").is_visible()
    page.close()


def test_go_to_page(small, served, browser):
    pages_js = (small["site"] / "assets" / "pages.js").read_text()
    table = json.loads(pages_js.split("=", 1)[1].strip().rstrip(";"))
    label = [lab for lab in table if lab.isdigit()][-1]
    page = browser.new_page()
    page.goto(served + "index.html")
    page.fill("#goto-page", label)
    page.press("#goto-page", "Enter")
    page.wait_for_url(f"**#page-{label}")
    assert page.locator(f"#page-{label}").count() == 1
    assert page.url.split("/")[-1] == table[label]
    # a page the print edition does not have: said at the box, no navigation
    page.fill("#goto-page", "9999")
    page.press("#goto-page", "Enter")
    assert "9999" in page.evaluate("document.getElementById('goto-page').validationMessage")
    page.close()


def test_search_finds_a_word_on_its_page(small, served, browser):
    page = browser.new_page()
    page.goto(served + "index.html")
    page.fill("#find-q", "Aquitani")
    page.press("#find-q", "Enter")
    page.wait_for_selector("#search-results li a")
    hrefs = page.eval_on_selector_all("#search-results li a", "as => as.map(a => a.getAttribute('href'))")
    assert any(h.startswith("gaul.html#") for h in hrefs), hrefs
    assert page.locator("#search-results mark").first.inner_text().lower() == "aquitani"
    first = next(h for h in hrefs if h.startswith("gaul.html#"))
    page.click(f'#search-results a[href="{first}"]')
    page.wait_for_url("**/gaul.html#*")
    anchor = first.split("#")[1]
    assert "Aquitani" in page.locator(f"#{anchor}").inner_text()  # the passage itself
    page.close()


def test_keyboard_skip_link_and_landmarks(served, browser):
    page = browser.new_page()
    page.goto(served + "gaul.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.evaluate("document.documentElement.lang") == "en"
    for sel in ("header[role=banner]", "main", "footer[role=contentinfo]", "nav.prevnext"):
        assert page.locator(sel).count() == 1, sel
    page.close()


def test_opened_from_the_folder(small, browser):
    """file://: the pages, the notes and the page box work; search says it needs a server."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    site = small["site"]
    page.goto((site / "gaul.html").as_uri())
    page.locator("a.noteref").first.click()
    assert page.locator("#pop").is_visible()
    page.goto((site / "search.html").as_uri() + "?q=Gaul")
    page.wait_for_function("document.getElementById('search-status').textContent.includes('server')")
    assert errors == []
    page.close()


def test_no_request_to_another_site(small, served, browser):
    page = browser.new_page()
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    for name in ("index.html", "gaul.html", "glossary.html"):
        page.goto(served + name)
    page.goto(served + "search.html?q=Gaul")
    page.wait_for_selector("#search-results li")
    page.close()
    assert seen and all(u.startswith(served) for u in seen), [u for u in seen if not u.startswith(served)]


# -- the real edition ------------------------------------------------------------------------------

def test_the_reader_site_has_no_axe_violations(edition_build, tmp_path_factory, browser):
    out = tmp_path_factory.mktemp("web-reader")
    shutil.copy(edition_build["dir"] / ".pagemap.json", out / ".pagemap.json")  # the printed pages
    # in-process, with the page map as it is (stale_pages, as edition serve does): a build
    # of the web edition never lays the PDF out again here, even if the checkout changed
    # since the session's build (the page map's key covers the code and git's state)
    from edition.diagnostics import Reporter
    from edition.web_edition import build

    reporter = Reporter()
    build(ROOT, reporter, out_dir=out, stale_pages=True)
    assert not list(out.glob("*.pdf"))
    assert not [d for d in reporter.items if d.code == "web.no-pages"]
    site = out / "web"
    s = Server(site)
    try:
        found = {}
        wide = []
        page = browser.new_page(viewport={"width": 320, "height": 700})
        for name in pages_of(site):
            page.goto(s.url + name)
            v = axe(page)
            if v:
                found[name] = v
            if not no_horizontal_scroll(page):
                wide.append(name)
        page.close()
    finally:
        s.close()
    assert found == {}
    assert wide == []
    assert len(re.findall(r'class="pb"', "".join(p.read_text() for p in site.glob("*.html")))) > 100
    # the book's index of names (not the site's index.html): "p. 42" links to the mentions
    names = (site / "book-index.html").read_text(encoding="utf-8")
    locators = re.findall(r'<a href="([^"#]+)#([^"]+)" aria-label="[^"]*">p\.\s*([^<]+)</a>', names)
    assert len(locators) > 50, names[:2000]
    for f, anchor, label in locators[:40]:  # each mention lies on the page its label says
        text = (site / f).read_text(encoding="utf-8")
        at = text.index(f'id="{anchor}"')
        before = re.findall(r'id="page-([^"]+)"', text[:at])
        assert before and before[-1] == label, (f, anchor, label, before[-3:])
    # the register: each person's printed pages, links to the markers
    register = (site / "persons.html").read_text(encoding="utf-8")
    printed = re.findall(r'<p class="pn-printed">(.*?)</p>', register)
    assert len(printed) > 50
    for f, label in re.findall(r'<a href="([^"#]+)#page-([^"]+)">\2</a>', " ".join(printed)):
        assert f'id="page-{label}"' in (site / f).read_text(encoding="utf-8"), (f, label)


def test_build_web_alone_lays_out_the_pdf_for_its_pages(tmp_path):
    """No page map yet: `edition build web` builds the PDF first, for the printed pages."""
    root = tmp_path / "book"
    shutil.copytree(EXAMPLE, root)
    out = root / "build"
    proc = run(root, "build", "web", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "web.no-pages" not in proc.stderr
    assert list(out.glob("*.pdf")) and (out / ".pagemap.json").is_file()
    assert 'id="page-1"' in "".join(p.read_text(encoding="utf-8") for p in (out / "web").glob("*.html"))


def test_a_swap_cut_short_is_undone(tmp_path):
    """A build killed between publish's two renames leaves the old site aside
    (.web.old) and no web/: the next build's recover_site puts it back first."""
    from edition.render.web import publish, recover_site

    out = tmp_path / "build"
    (out / "web").mkdir(parents=True)
    (out / "web" / "index.html").write_text("old")
    new = out / ".web.x.tmp"
    new.mkdir()
    (new / "index.html").write_text("new")
    (out / "web").rename(out / ".web.old")  # the first rename happened, then the crash
    recover_site(out / "web")
    assert (out / "web" / "index.html").read_text() == "old"
    assert not new.exists() and not (out / ".web.old").exists()
    new.mkdir()
    (new / "index.html").write_text("new")
    publish(new, out / "web")
    assert (out / "web" / "index.html").read_text() == "new"
    assert sorted(p.name for p in out.iterdir()) == ["web"]
