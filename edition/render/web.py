"""The web edition: a static site in ``build/web/``, rendered from the model.

It is the EPUB's rendering, not the EPUB's files: the same ``Writer`` (render/html.py)
turns the transformed Book into the same ``Doc`` list, links are resolved the same way
(``epub.resolve_links``), the print edition's page breaks come from the PDF's page map
through the same placement (``epub_pages.insert_pagebreaks``) and the index's locators
are labelled as the EPUB's are (``index.label_locators``).  What differs is the
wrapping:

* one HTML page per document (chapters and back-matter parts), an ``index.html``
  with the title page and the contents, a page list (``pages.html``: every printed
  page, the "go to page" box's fallback without JavaScript) and a search page;
* the notes stay at the end of each page (linked both ways, so they work without
  JavaScript) and ``assets/web.js`` opens a note in place, in a popover that says
  whose it is; a glossary term shows its definition on hover, focus or tap;
* every printed page's start is a visible, quiet marker with the anchor ``page-N``;
* the book's faces are shipped inside the site (``assets/fonts/``) and nothing is
  requested from any other site;
* full-text search: Pagefind (the ``pagefind`` binary from PyPI's ``pagefind-bin``)
  indexes the pages at build time into ``pagefind/``; search needs the site served
  over http (``edition serve`` or any static host): from a ``file://`` folder the
  browser refuses to load the index, and the search page says so.

The site is written all or nothing: into a new folder beside ``web/``, which is then
swapped in (``publish``); a failed build leaves the previous site as it was.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..model import Book
from ..terms import term
from .epub import resolve_links
from .epub_pages import VOID, insert_pagebreaks
from .html import Doc, Writer, esc
from .index import label_locators, print_pages
from .xhtml import NOTE_LABEL

WEB_DIR = "web"
FRONT = ("halftitle", "titlepage")  # on the site's index page, with the contents
ASSETS = Path(__file__).resolve().parent.parent / "data" / "web"
FACES = ("EBGaramond-Regular.ttf", "EBGaramond-Italic.ttf", "EBGaramond-SemiBold.ttf",
         "EBGaramond-SemiBoldItalic.ttf")
_MARKER = re.compile(r'<span epub:type="pagebreak" role="doc-pagebreak" id="page-([^"]+)" aria-label="[^"]*"/>')
_EPUB_ATTR = re.compile(r'\s(?:epub:type|xmlns:epub)="[^"]*"')
_SELF_CLOSED = re.compile(r"<([A-Za-z][\w-]*)(\s[^<>]*?)?\s*/>")
_NOTEREF = re.compile(r'<a class="noteref (author|editor|translator)" id="[^"]*" href="[^"]*"'
                      r'(?= [^>]*>(\d+)</a>)')
_HREF = re.compile(r'href="([^"#]+\.xhtml(?:#[^"]*)?)"')
_PID = re.compile(r'<(p|li|h[1-6]|dt|dd|blockquote|div)((?:\s[^>]*?)?)\sdata-pid="([^"]+)"([^>]*)>')


class WebError(Exception):
    """The web edition could not be made (Pagefind failed, a link has no target)."""


@dataclass
class Page:
    filename: str
    title: str
    body: str
    doc_id: str = ""


def _html_body(body: str) -> str:
    """A Doc body, written for an XHTML parser, as HTML: no ``epub:`` attributes, no
    ``<span/>`` (an HTML parser opens a span there and never closes it)."""
    body = _EPUB_ATTR.sub("", body)

    def close(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.lower() in VOID or m.group(0).startswith(("<svg", "<path", "<rect", "<line", "<circle",
                                                          "<polyline", "<polygon", "<ellipse", "<use")):
            return m.group(0)
        return f"<{name}{m.group(2) or ''}></{name}>"

    return _SELF_CLOSED.sub(close, body)


def _page_marker(book: Book) -> Callable[[re.Match[str]], str]:
    def repl(m: re.Match[str]) -> str:
        label = html.unescape(m.group(1))
        name = term(book, "web-page-marker", page=label)
        # the number is drawn by the style sheet (web.css: "p. 42"), so that it is neither
        # copied with the text nor read as part of it; a screen reader reads the hidden
        # name, which the search index leaves out
        return (f'<span class="pb" id="page-{esc(label)}" role="doc-pagebreak" data-page="{esc(label)}">'
                f'<span class="vh" data-pagefind-ignore="all">{esc(name)}</span></span>')
    return repl


def _passage_ids(body: str) -> str:
    """Every paragraph of a chapter gets an id (its ``data-pid``) where it has none: a search
    result links to the passage, not only to the page."""
    def repl(m: re.Match[str]) -> str:
        attrs = m.group(2) + m.group(4)
        if ' id="' in f" {attrs}":
            return m.group(0)
        return f'<{m.group(1)} id="{m.group(3)}"{m.group(2)}{m.group(4)}>'
    return _PID.sub(repl, body)


def _definitions(docs: list[Doc]) -> dict[str, str]:
    """gl-<id> -> the entry's definition as plain text (the first paragraph of its dd)."""
    out: dict[str, str] = {}
    gl = next((d for d in docs if d.id == "glossary"), None)
    if gl is None:
        return out
    for m in re.finditer(r'<div id="(gl-[^"]+)" class="gl-entry">.*?<dd[^>]*>(.*?)</dd>', gl.body, re.S):
        first = re.search(r"<p[^>]*>(.*?)</p>", m.group(2), re.S)
        text = re.sub(r"<[^>]+>", "", first.group(1) if first else m.group(2))
        out[m.group(1)] = " ".join(html.unescape(text).split())
    return out


def _glossary_titles(body: str, defs: Mapping[str, str]) -> str:
    """A glossary link carries its definition (``title``: the browser shows it on hover; the
    script shows it in place on a tap, a click or Enter, with a link to the entry)."""
    def repl(m: re.Match[str]) -> str:
        anchor = m.group(2)
        d = defs.get(anchor)
        if not d:
            return m.group(0)
        return f'{m.group(1)} title="{esc(d)}"'
    return re.sub(r'(<a[^>]*\bclass="gl(?:-xref)?"[^>]*href="[^"#]*#(gl-[^"]+)")', repl, body)


def _printed_pages(docs: list[Doc], book: Book, pages: Mapping[str, str]) -> None:
    """The glossary's and the register's entries get the printed pages of their uses, each
    a link to that page's marker (the e-book's "In the text" names only the documents)."""
    if not pages:
        return
    files: dict[str, str] = {}
    for d in docs:
        for m in re.finditer(r'\bid="([^"]+)"', d.body):
            files.setdefault(m.group(1), d.filename)

    def printed(anchors: list[str]) -> str:
        labels: dict[str, str] = {}
        for anchor in anchors:
            f = files.get(anchor)
            p = pages.get(f"{f}#{anchor}") if f else None
            if p is not None and f is not None:
                labels.setdefault(p, f)
        if not labels:
            return ""
        word = term(book, "page" if len(labels) == 1 else "pages")
        links = ", ".join(f'<a href="{esc(f)}#page-{esc(p)}">{esc(p)}</a>' for p, f in labels.items())
        return f"{esc(word)} {links}"

    from .persons import register_anchor

    gl_uses = {f"gl-{e.id}": [a for _, a in e.occurrences] for e in book.glossary}
    pn_uses = {register_anchor(p): [a for _, a, *_ in p.occurrences] for p in book.persons}
    for d in docs:
        if d.id == "glossary":
            def gl(m: re.Match[str]) -> str:
                said = printed(gl_uses.get(m.group(1), []))
                return m.group(0).replace("</dd>", f'<p class="gl-printed">{said}</p></dd>', 1) if said else m.group(0)
            d.body = re.sub(r'<div id="(gl-[^"]+)" class="gl-entry">.*?</dd>', gl, d.body, flags=re.S)
        elif any(f'<dt id="{k}"' in d.body for k in list(pn_uses)[:1]):
            def pn(m: re.Match[str]) -> str:
                said = printed(pn_uses.get(m.group(1), []))
                return m.group(0)[:-5] + f'<p class="pn-printed">{said}</p></dd>' if said else m.group(0)
            d.body = re.sub(r'<dt id="(pn-[^"]+)" class="pn-name">.*?</dd>', pn, d.body, flags=re.S)


def web_name(d: Doc) -> str:
    """A document's page: its EPUB file's name as .html; the half title and the title page
    are the site's ``index.html``, so the book's own index is ``book-index.html``."""
    if d.id in FRONT:
        return "index.html"
    stem = d.filename.removesuffix(".xhtml")
    return ("book-index" if stem == "index" else stem) + ".html"


def render_docs(book: Book, page_map: dict | None) -> tuple[list[Doc], list[tuple[str, str]]]:
    """The EPUB's documents (html.Writer), linked as web pages, with the printed pages."""
    writer = Writer(book, notes="end", href=lambda a: f"\x00{a}\x00")
    docs = writer.documents()
    # first as the EPUB has them, file names included (the index's labels look for its file)
    resolve_links(docs)
    pages = insert_pagebreaks(docs, page_map["pages"]) if page_map else []
    located = print_pages(docs) if pages else {}
    label_locators(docs, located, book.terms)
    _printed_pages(docs, book, located)
    names = {d.filename: web_name(d) for d in docs}

    def rename(href: str) -> str:
        file, hash_, anchor = href.partition("#")
        return names.get(file, file) + hash_ + anchor

    for d in docs:
        d.body = _HREF.sub(lambda m: f'href="{esc(rename(html.unescape(m.group(1))))}"', d.body)
    for d in docs:
        d.filename = names[d.filename]
    pages = [(label, rename(href)) for label, href in pages]
    defs = _definitions(docs)
    marker = _page_marker(book)
    whose = {k: term(book, "web-note-author" if k == "author" else NOTE_LABEL[k]) for k in NOTE_LABEL}

    def note_title(m: re.Match[str]) -> str:  # the popover's title: whose note it is
        return f'{m.group(0)} data-title="{esc(whose[m.group(1)])} {m.group(2)}"'

    for d in docs:
        d.body = _passage_ids(_glossary_titles(_MARKER.sub(marker, d.body), defs))
        d.body = _NOTEREF.sub(note_title, d.body)
        d.body = _html_body(d.body)
    return docs, pages


# -- the pages -------------------------------------------------------------------------

def _shell(book: Book, title: str, main: str, filename: str, nav: str = "", search: bool = True) -> str:
    m = book.meta
    lang = esc(m.language)
    full = title if title == m.title else f"{title} — {m.title}"
    body_attr = ' data-pagefind-body=""' if search else ""
    go = (f'<form class="goto" action="pages.html" role="search" aria-label="{esc(term(book, "web-go-to-page"))}">'
          f'<label for="goto-page">{esc(term(book, "web-page"))}</label>'
          f'<input id="goto-page" name="page" size="4" inputmode="text" autocomplete="off"/>'
          f'<button type="submit">{esc(term(book, "web-go"))}</button></form>')
    find = (f'<form class="find" action="search.html" role="search" aria-label="{esc(term(book, "web-search"))}">'
            f'<label for="find-q" class="vh">{esc(term(book, "web-search"))}</label>'
            f'<input id="find-q" name="q" type="search" placeholder="{esc(term(book, "web-search"))}"/>'
            f'<button type="submit">{esc(term(book, "web-search"))}</button></form>')
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8"/>\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>\n'
        '<meta name="color-scheme" content="light dark"/>\n'
        f"<title>{esc(full)}</title>\n"
        '<link rel="stylesheet" href="assets/book.css"/>\n<link rel="stylesheet" href="assets/web.css"/>\n'
        '<script src="assets/pages.js" defer></script>\n<script src="assets/web.js" defer></script>\n'
        "</head>\n"
        f'<body data-glossary-entry="{esc(term(book, "web-glossary-entry"))}" '
        f'data-no-page="{esc(term(book, "web-no-page", page="{page}"))}">\n'
        f'<a class="skip" href="#main">{esc(term(book, "web-skip"))}</a>\n'
        f'<header class="site" role="banner"><a class="home" href="index.html">{esc(m.title)}</a>'
        f'<div class="tools">{go}{find}</div></header>\n'
        f'<main id="main" tabindex="-1"{body_attr}>\n{main}\n</main>\n{nav}'
        f'<footer class="site" role="contentinfo"><p>{esc(m.title)} · '
        f'{esc(term(book, "colophon-version", version=book.version))} · '
        f'<a href="colophon.html">{esc(term(book, "copyright"))}</a> · '
        f'<a href="pages.html">{esc(term(book, "page-list"))}</a></p></footer>\n'
        '<div id="pop" class="pop" popover="auto" role="dialog" aria-labelledby="pop-title">'
        '<p id="pop-title" class="pop-title"></p><div class="pop-body"></div>'
        f'<button type="button" class="pop-close" popovertarget="pop" popovertargetaction="hide">'
        f'{esc(term(book, "web-close"))}</button></div>\n'
        "</body>\n</html>\n")


def _prev_next(book: Book, docs: list[Doc], i: int) -> str:
    links = []
    if i > 0:
        links.append(f'<a rel="prev" href="{esc(docs[i - 1].filename)}">'
                     f'<span aria-hidden="true">← </span>{esc(docs[i - 1].title)}</a>')
    links.append(f'<a href="index.html#contents">{esc(term(book, "contents"))}</a>')
    if i + 1 < len(docs):
        links.append(f'<a rel="next" href="{esc(docs[i + 1].filename)}">'
                     f'{esc(docs[i + 1].title)}<span aria-hidden="true"> →</span></a>')
    return (f'<nav class="prevnext" aria-label="{esc(term(book, "web-documents"))}">'
            + "".join(links) + "</nav>\n")


def _first_page(d: Doc) -> str | None:
    m = re.search(r'<span class="pb" id="page-([^"]+)"', d.body)
    return html.unescape(m.group(1)) if m else None


def _index_page(book: Book, docs: list[Doc], front: list[Doc]) -> str:
    """The title page (the Writer's, with the half title's page markers) and the contents."""
    markers = "".join(re.findall(r'<span class="pb"[^>]*><span[^>]*>[^<]*</span></span>', "".join(d.body for d in front if d.id != "titlepage")))
    title = next((d.body for d in front if d.id == "titlepage"), "")
    items = []
    for d in docs:
        if not d.in_toc:
            continue
        page = _first_page(d)
        hidden = esc(term(book, "web-page-marker", page="\x00")).split("\x00")[0]  # "Page "
        num = f' <span class="toc-page"><span class="vh">{hidden}</span>{esc(page)}</span>' if page else ""
        items.append(f'<li class="toc-{d.role}"><a href="{esc(d.filename)}">{esc(d.title)}</a>{num}</li>')
    return (markers + title + "\n"
            f'<nav id="contents" class="contents" role="doc-toc" aria-labelledby="contents-title">'
            f'<h2 id="contents-title">{esc(term(book, "contents"))}</h2><ol class="toc">'
            + "\n".join(items) + "</ol></nav>")


def _pages_page(book: Book, pages: list[tuple[str, str]]) -> str:
    title = esc(term(book, "page-list"))
    if not pages:
        return (f'<h1>{title}</h1><p id="pages-none">{esc(term(book, "web-no-pages"))}</p>')
    items = "\n".join(f'<li><a href="{esc(h)}">{esc(p)}</a></li>'
                      for p, h in pages)
    return (f'<nav class="page-list" role="doc-pagelist" aria-labelledby="pages-title">'
            f'<h1 id="pages-title">{title}</h1><p>{esc(term(book, "web-pages-intro"))}</p>'
            f'<ol class="pages">{items}</ol></nav>')


def _search_page(book: Book) -> str:
    return (f'<h1>{esc(term(book, "web-search"))}</h1>'
            f'<form class="search-page" role="search" aria-label="{esc(term(book, "web-search-label"))}">'
            f'<label for="search-q">{esc(term(book, "web-search-label"))}</label> '
            '<input id="search-q" name="q" type="search"/> '
            f'<button type="submit">{esc(term(book, "web-search"))}</button></form>'
            f'<p id="search-status" role="status" data-offline="{esc(term(book, "web-search-offline"))}" '
            f'data-none="{esc(term(book, "web-search-none"))}" data-count="{esc(term(book, "web-search-count"))}">'
            f'{esc(term(book, "web-search-script"))}</p>'
            '<ol id="search-results" class="search-results"></ol>')


def render_site(book: Book, book_css: str, page_map: dict | None,
                faces: Mapping[str, bytes]) -> dict[str, bytes]:
    """Every file of the site but the search index: relative path -> bytes."""
    docs, pages = render_docs(book, page_map)
    files: dict[str, bytes] = {}
    front = [d for d in docs if d.id in FRONT]
    toc_docs = [d for d in docs if d.id != "colophon" and d.id not in FRONT]
    for d in docs:  # a page without a heading of its own (the colophon) gets its title
        if "<h1" not in d.body and d.id not in FRONT:
            d.body = f'<h1 class="page-title">{esc(d.title)}</h1>\n' + d.body
    for i, d in enumerate(toc_docs):
        files[d.filename] = _shell(book, d.title, d.body, d.filename, _prev_next(book, toc_docs, i)).encode()
    colophon = next((d for d in docs if d.id == "colophon"), None)
    if colophon is not None:
        files[colophon.filename] = _shell(book, colophon.title, colophon.body, colophon.filename).encode()
    files["index.html"] = _shell(book, book.meta.title, _index_page(book, toc_docs, front), "index.html").encode()
    files["pages.html"] = _shell(book, term(book, "page-list"), _pages_page(book, pages), "pages.html",
                                 search=False).encode()
    files["search.html"] = _shell(book, term(book, "web-search"), _search_page(book), "search.html",
                                  search=False).encode()
    page_files = dict(pages)
    files["assets/pages.js"] = ("window.EDITION_PAGES = "
                                + json.dumps(page_files, ensure_ascii=False, sort_keys=False)
                                + ";\n").encode()
    faces_css = "".join(
        f'@font-face {{ font-family: "Book"; src: url("fonts/{name}") format("truetype"); '
        f'font-weight: {"600" if "SemiBold" in name else "400"}; '
        f'font-style: {"italic" if "Italic" in name else "normal"}; font-display: swap; }}\n'
        for name in sorted(faces))
    files["assets/book.css"] = book_css.encode()
    files["assets/web.css"] = (faces_css + (ASSETS / "web.css").read_text(encoding="utf-8")).encode()
    files["assets/web.js"] = (ASSETS / "web.js").read_bytes()
    for name, data in faces.items():
        files[f"assets/fonts/{name}"] = data
    for path, (_media, data) in sorted(book.images.items()):  # the figures, where the pages name them
        files[path] = data
    return files


# -- the search index --------------------------------------------------------------------

def pagefind_binary() -> list[str]:
    """The command that runs Pagefind: the binary of PyPI's ``pagefind-bin`` (installed by
    ``pagefind[bin]``), found by its ``get_executable``; run directly, not through
    ``python -m pagefind`` (a second Python start-up on every build)."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-not-found]
    except ImportError:
        return [sys.executable, "-m", "pagefind"]
    return [str(get_executable())]


def index_search(site: Path, output: Path | None = None) -> None:
    """Pagefind over the site's pages: ``site/pagefind/`` (or ``output``)."""
    out = output or site / "pagefind"
    try:
        run = subprocess.run([*pagefind_binary(), "--site", str(site), "--output-path", str(out),
                              "--quiet"], capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise WebError(f"Pagefind did not run: {exc}") from None
    if run.returncode != 0 or not (out / "pagefind.js").is_file():
        raise WebError("Pagefind failed: " + (run.stderr or run.stdout).strip()[-500:])


def refresh_search(site: Path) -> None:
    """Index the site again and swap the new index in (the live preview, after it has shown
    the new pages with the previous index)."""
    staging = Path(tempfile.mkdtemp(prefix=".pagefind.", suffix=".tmp", dir=site.parent))
    try:
        index_search(site, staging / "pagefind")
        publish(staging / "pagefind", site / "pagefind")
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# -- writing it all or nothing -------------------------------------------------------------

def publish(staging: Path, final: Path) -> None:
    """Swap the finished ``staging`` folder in as ``final``: the old site is moved aside,
    the new one renamed in, the old one removed.  A crash between the two renames leaves
    the old site in ``.<name>.old`` (``recover_site`` puts it back)."""
    old = final.parent / f".{final.name}.old"
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        os.replace(final, old)
    try:
        os.replace(staging, final)
    except BaseException:
        if old.exists() and not final.exists():
            os.replace(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def recover_site(final: Path) -> None:
    """Undo what a killed ``publish`` or build left: the old site back, staging folders gone."""
    old = final.parent / f".{final.name}.old"
    if old.exists() and not final.exists():
        os.replace(old, final)
    if final.parent.is_dir():
        for p in final.parent.glob(f".{final.name}.*.tmp"):
            shutil.rmtree(p, ignore_errors=True)


def faces_of(root: Path) -> dict[str, bytes]:
    """The book's faces (its own styles/fonts, else the shipped ones), read through the gate."""
    from ..gate import read_input
    from ..style import style_file

    out = {}
    for name in FACES:
        path, inside = style_file(root, f"fonts/{name}")
        if path.is_file():
            out[name] = read_input(path, f"styles/fonts/{name}", inside)
    return out


def build_web(book: Book, out_dir: Path, page_map: dict | None, book_css: str,
              search: bool = True) -> Path:
    """Render the web edition of ``book`` into ``out_dir/web`` (all or nothing); the path.
    ``page_map``: the PDF's (render/pagemap.py), for the printed pages; ``book_css``: the
    e-book's style sheet (styles/epub.css), which the site's own follows; ``search``
    False: no new search index (the previous one is kept, if there is one)."""
    staging = stage_web(book, out_dir, page_map, book_css, search)
    final = out_dir / WEB_DIR
    try:
        publish(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def stage_web(book: Book, out_dir: Path, page_map: dict | None, book_css: str,
              search: bool = True) -> Path:
    """``build_web`` up to the swap: the finished site in a new folder beside
    ``out_dir/web``, its path (``publish(staging, out_dir / WEB_DIR)`` swaps it in; a
    staging folder left behind is removed by the next build's ``recover_site``)."""
    files = render_site(book, book_css, page_map, faces_of(book.root))
    final = out_dir / WEB_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    recover_site(final)
    staging = Path(tempfile.mkdtemp(prefix=f".{WEB_DIR}.", suffix=".tmp", dir=out_dir))
    try:
        for rel, data in sorted(files.items()):
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if search:
            index_search(staging)
        elif (final / "pagefind").is_dir():  # the live preview: the last index, until refresh_search
            shutil.copytree(final / "pagefind", staging / "pagefind")
        staging.chmod(0o755)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging
