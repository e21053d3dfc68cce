"""The EPUB navigation document: table of contents and landmarks.

We write it ourselves instead of using ebooklib's ``EpubNav`` (see the traps
in ``epub.py``).  The landmarks are data-driven: every ``Doc`` with a
``landmark`` (cover, titlepage, copyright-page, bodymatter, glossary, index,
…) gets an entry, in reading order; "Contents" points at this document.
"""

from __future__ import annotations

from .html import Doc, esc

LANDMARK_LABELS = {
    "cover": "Cover",
    "titlepage": "Title page",
    "toc": "Contents",
    "bodymatter": "Start of the text",
    "copyright-page": "Copyright",
    "glossary": "Glossary",
    "index": "Index",
    "bibliography": "Bibliography",
    "loi": "List of illustrations",
}


def landmarks(docs: list[Doc]) -> list[tuple[str, str, str]]:
    """(epub:type, href, label) of each landmark, in reading order; the toc is ours."""
    out: list[tuple[str, str, str]] = []
    for d in docs:
        if not d.landmark or d.landmark == "toc":
            continue
        out.append((d.landmark, d.filename, LANDMARK_LABELS.get(d.landmark, d.title)))
    # "Contents" goes after the title page (where the nav sits in the spine)
    at = next((i + 1 for i, m in enumerate(out) if m[0] == "titlepage"), min(1, len(out)))
    out.insert(at, ("toc", "nav.xhtml#toc", LANDMARK_LABELS["toc"]))
    return out


def nav_body(docs: list[Doc]) -> str:
    toc = [f'<li><a href="{esc(d.filename)}">{esc(d.title)}</a></li>' for d in docs if d.in_toc]
    marks = [f'<li><a epub:type="{esc(t)}" href="{esc(href)}">{esc(label)}</a></li>'
             for t, href, label in landmarks(docs)]
    return (
        '<nav epub:type="toc" id="toc" role="doc-toc" aria-labelledby="toc-title">'
        '<h1 id="toc-title">Contents</h1>\n<ol>\n' + "\n".join(toc) + "\n</ol>\n</nav>\n"
        '<nav epub:type="landmarks" id="landmarks" aria-labelledby="landmarks-title" hidden="hidden">'
        '<h2 id="landmarks-title">Landmarks</h2>\n<ol>\n' + "\n".join(marks) + "\n</ol>\n</nav>"
    )
