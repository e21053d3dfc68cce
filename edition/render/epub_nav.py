"""The EPUB navigation document: table of contents and landmarks.

We write it ourselves instead of using ebooklib's ``EpubNav`` (see the traps
in ``epub.py``).  The landmarks are data-driven: every ``Doc`` with a
``landmark`` (cover, titlepage, copyright-page, bodymatter, glossary, index,
…) gets an entry, in reading order; "Contents" points at this document.

The contents (``toc_tree``) go below the documents: a chapter's sections (its
``##`` headings, ``h2``) are the second level, and what stands under a section
(``h3`` headings, and the captions of the extracts a section quotes, such as the
biography's primary sources) the third.  The NCX (``epub_ncx.py``) carries the
same tree.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from ..terms import term
from .html import Doc, esc

_SECTION = re.compile(r'<(h2|h3|figcaption)\b([^>]*)>(.*?)</\1>', re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_NOTEREF = re.compile(r'<a [^>]*epub:type="noteref"[^>]*>.*?</a>', re.S)
_TAGS = re.compile(r"<[^>]*>")


@dataclass
class Entry:
    label: str  # plain text
    href: str
    children: list[Entry] = field(default_factory=list)


def _plain(fragment: str) -> str:
    text = html.unescape(_TAGS.sub("", _NOTEREF.sub("", fragment)))
    return " ".join(text.split())


def sections(d: Doc) -> list[Entry]:
    """The sections of a chapter's text (``<div class="chapter-body">``), two levels."""
    start = d.body.find('<div class="chapter-body"')  # its lang, if any, follows
    if start < 0:
        return []
    ends = [i for i in (d.body.find('<section class="questions"', start),
                        d.body.find('<section class="notes"', start)) if i >= 0]
    body = d.body[start:min(ends) if ends else len(d.body)]
    out: list[Entry] = []
    for m in _SECTION.finditer(body):
        ident = _ID.search(m.group(2))
        label = _plain(m.group(3))
        if not ident or not label:
            continue
        e = Entry(label, f"{d.filename}#{ident.group(1)}")
        if m.group(1) == "h2" or not out:
            out.append(e)
        else:
            out[-1].children.append(e)
    return out


def toc_tree(docs: list[Doc]) -> list[Entry]:
    return [Entry(d.title, d.filename, sections(d)) for d in docs if d.in_toc]


def depth(entries: list[Entry]) -> int:
    return max((1 + depth(e.children) for e in entries), default=0)


def _toc_items(entries: list[Entry]) -> str:
    out = []
    for e in entries:
        sub = f"\n<ol>\n{_toc_items(e.children)}\n</ol>\n" if e.children else ""
        out.append(f'<li><a href="{esc(e.href)}">{esc(e.label)}</a>{sub}</li>')
    return "\n".join(out)

# the landmarks' labels: terms "landmark-<epub:type>" (edition/terms.py); another landmark
# is labelled with its document's title
LANDMARKS = ("cover", "titlepage", "toc", "bodymatter", "copyright-page", "glossary", "index",
             "bibliography", "loi")


def landmarks(docs: list[Doc], terms: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(epub:type, href, label) of each landmark, in reading order; the toc is ours."""
    env = {"terms": terms}

    def label(kind: str, default: str) -> str:
        return term(env, f"landmark-{kind}") if kind in LANDMARKS else default

    out: list[tuple[str, str, str]] = []
    for d in docs:
        if not d.landmark or d.landmark == "toc":
            continue
        out.append((d.landmark, d.filename, label(d.landmark, d.title)))
    # "Contents" goes after the title page (where the nav sits in the spine)
    at = next((i + 1 for i, m in enumerate(out) if m[0] == "titlepage"), min(1, len(out)))
    out.insert(at, ("toc", "nav.xhtml#toc", label("toc", "")))
    return out


def nav_body(docs: list[Doc], terms: dict[str, str] | None = None) -> str:
    env = {"terms": terms}
    marks = [f'<li><a epub:type="{esc(t)}" href="{esc(href)}">{esc(label)}</a></li>'
             for t, href, label in landmarks(docs, terms)]
    return (
        '<nav epub:type="toc" id="toc" role="doc-toc" aria-labelledby="toc-title">'
        f'<h1 id="toc-title">{esc(term(env, "contents"))}</h1>\n<ol>\n' + _toc_items(toc_tree(docs))
        + "\n</ol>\n</nav>\n"
        '<nav epub:type="landmarks" id="landmarks" aria-labelledby="landmarks-title" hidden="hidden">'
        f'<h2 id="landmarks-title">{esc(term(env, "landmarks"))}</h2>\n<ol>\n' + "\n".join(marks)
        + "\n</ol>\n</nav>"
    )
