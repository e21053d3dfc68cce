"""The generic importer for a web page saved from a browser (HTML), parsed with lxml.

The page becomes lines of text, one per block element (``p``, ``h1``–``h6``, ``li``,
``blockquote``, ``pre``, ``div`` holding text), each with the source line its element
starts on, so that corrections, removals and suspicious tokens are placed in the saved
file.  Then the generic chain of ``text.py``:

``page_blocks``        ``head``, ``script``, ``style`` are not text; ``nav``, ``header``,
                       ``footer``, ``aside`` and ``form`` elements are boilerplate, removed
                       and recorded; ``<em>``/``<i>`` -> ``*…*``, ``<strong>``/``<b>`` ->
                       ``**…**``, ``<br>`` a line break, ``<sup>[1]</sup>`` a note call;
                       an ``<ol>`` after a "Notes" heading numbers its items ``N.``;
                       the ``<h1>`` that repeats the record's title goes to the front matter
``apply_corrections``, ``strip_patterns``, ``notes_to_footnotes``, ``curl_quotes``,
``spaced_initialisms``, ``find_suspicious`` as in ``text.py``; headings get ``##`` last.

``source_view`` gives the same blocks without markup: the words the fidelity check
accounts for.
"""

from __future__ import annotations

import re
from typing import Any

from .base import Correction, Draft, ImportResult, Line, Removal, SourceEntry, run_steps
from .run import front_matter_for
from .sources import apply_corrections
from .suspicious import find_suspicious
from .text import curl_quotes, strip_patterns
from .web import body_of, notes_to_footnotes, spaced_initialisms

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dt", "dd",
          "td", "th", "caption", "figcaption", "address"}
CONTAINERS = {"div", "section", "article", "main", "body", "ul", "ol", "dl", "table", "tbody",
              "thead", "tr", "figure", "center", "span", "font"}
SKIP = {"head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object"}
BOILERPLATE = {"nav", "header", "footer", "aside", "form", "menu"}
_MD_CHARS = str.maketrans({c: "\\" + c for c in "\\*_`<"})
_HYPHEN_BREAK = re.compile(r"(?<=\w)-[ \t]*\n\s*(?=[a-z])")


def _esc(text: str) -> str:
    return text.translate(_MD_CHARS).replace("[^", "[\\^")


def _inline(el: Any, markup: bool, out: list[str]) -> None:
    """The text of an element, with inline markup as Markdown when ``markup``."""
    if el.text:
        out.append(_esc(el.text) if markup else el.text)
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in SKIP or not tag:
            pass
        elif tag == "br":
            out.append("\\\n" if markup else "\n")
        else:
            inner: list[str] = []
            _inline(child, markup, inner)
            text = "".join(inner)
            mark = {"em": "*", "i": "*", "cite": "*", "strong": "**", "b": "**"}.get(tag, "")
            if markup and mark and text.strip():
                lead = text[: len(text) - len(text.lstrip())]
                trail = text[len(text.rstrip()):]
                text = f"{lead}{mark}{text.strip()}{mark}{trail}"
            if tag == "sup" and text.strip().strip("[]").isdigit():
                text = f"[{text.strip().strip('[]')}]"
            out.append(text)
        if child.tail:
            out.append(_esc(child.tail) if markup else child.tail)


def _walk(el: Any, markup: bool, out: list[tuple[int, str, str]], state: dict[str, Any]) -> None:
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if not tag or tag in SKIP:
            continue
        line = child.sourceline or 1
        if tag in BOILERPLATE:
            words = " ".join(child.text_content().split())
            if words:
                out.append((line, words, "boilerplate"))
            if child.tail and child.tail.strip():
                out.append((line, " ".join(child.tail.split()), "p"))
            continue
        if tag in BLOCKS:
            parts: list[str] = []
            _inline(child, markup, parts)
            raw = "".join(parts)
            if markup:  # rule "joins": a word broken by a hyphen at a line end
                raw = _HYPHEN_BREAK.sub("", raw)
            text = " ".join(raw.replace("\\\n", "\x00").split()).replace("\x00", "\\\n")
            if not markup:
                text = text.replace("\\\n", " ")
            if not text:
                continue
            kind = tag if tag[0] == "h" and tag[1:].isdigit() else "p"
            if kind != "p":
                state["notes"] = text.strip().lower() in ("notes", "footnotes", "endnotes")
                state["n"] = 0
            elif tag == "li" and state.get("notes") and el.tag == "ol":
                state["n"] += 1
                text = f"{state['n']}. {text}"
            out.append((line, text, kind))
            continue
        _walk(child, markup, out, state)
        if child.tail and child.tail.strip() and tag not in CONTAINERS:
            out.append((line, " ".join(child.tail.split()), "p"))


def page_blocks(text: str, markup: bool) -> list[tuple[int, str, str]]:
    """(source line, text, kind) of each block: kind is "p", "h1"…"h6" or "boilerplate"."""
    import lxml.html

    if not text.strip():
        return []
    doc = lxml.html.document_fromstring(text.encode("utf-8"))
    body = doc.find("body")
    out: list[tuple[int, str, str]] = []
    _walk(body if body is not None else doc, markup, out, {"notes": False, "n": 0})
    return out


def _lines(blocks: list[tuple[int, str, str]]) -> list[Line]:
    out: list[Line] = []
    for src, text, _kind in blocks:
        for part in text.split("\n"):
            out.append(Line(part, src))
        out.append(Line("", src))
    return out


def source_view(text: str, record: SourceEntry | None = None) -> list[Line]:
    """The page's words as lines (no markup), each with its source line."""
    return _lines(page_blocks(text, markup=False))


def import_source(text: str, record: SourceEntry, corrections: list[Correction]) -> ImportResult:
    blocks = page_blocks(text, markup=True)
    draft = Draft(record, [], list(corrections))
    headings: set[int] = set()
    title_done = False
    for src, block, kind in blocks:
        plain = block.replace("\\", "").replace("*", "")
        if kind == "boilerplate":
            draft.removed.append(Removal(src, src, plain, "boilerplate: navigation or page "
                                         "furniture (nav, header, footer, aside, form)"))
            continue
        if kind == "h1" and not title_done and " ".join(plain.split()) == " ".join(record.title.split()):
            title_done = True
            draft.removed.append(Removal(src, src, plain, "header: title (in the front matter)"))
            continue
        lines = _lines([(src, block, kind)])
        if kind != "p":
            headings.add(id(lines[0]))
        draft.lines.extend(lines)
    draft.meta["headings"] = headings
    draft = run_steps(draft, [apply_corrections, strip_patterns, notes_to_footnotes, curl_quotes,
                              spaced_initialisms, find_suspicious, _mark_headings])
    return ImportResult(front_matter=front_matter_for(record), body=body_of(draft),
                        applied=draft.applied, removed=draft.removed,
                        suspicious=draft.suspicious, unused=draft.meta.get("unused", []))


def _mark_headings(draft: Draft) -> Draft:
    for ln in draft.lines:
        if id(ln) in draft.meta.get("headings", ()) and ln.text.strip():
            ln.text = "## " + ln.text.strip()
    return draft
