"""The generic importer for a web page saved from a browser (HTML), parsed with lxml.

The page is decoded (``decode``: a byte order mark, else UTF-8 when the bytes are UTF-8,
else the charset the page declares, else charset-normalizer's guess; the import says which),
parsed with ``lxml.html`` (``parse``: read whole or refused, its text checked against a
tokenizer's reading, readable.py; nesting below FLAT_DEPTH read flat, ``flatten``), and every
text node of ``<body>`` is placed at its source line (``locate``).  Then the page becomes
blocks of text:

* ``p``, ``h1``–``h6``, ``li``, ``dt``, ``dd``, ``td``, ``th``, ``pre``, ``blockquote`` … are
  blocks (one walked as a container when it holds blocks itself: ``<li><p>…</p></li>``);
* text that stands in no block (straight in ``<body>``, a ``<div>``, a ``<span>``, between
  blocks) is a block too: nothing is read only because it sits in a ``<p>``;
* ``<br>`` is a line break (``\\`` at the line end), two of them a paragraph break; ``<pre>``
  keeps its lines;
* page chrome is removed and recorded: ``nav``, ``header``, ``footer``, ``aside``, ``form``,
  ``menu``; an element whose ``role`` is navigation, search, banner, contentinfo,
  complementary, menu(bar), toolbar; an element whose ``class`` or ``id`` names a sidebar,
  a menu, a navigation bar, breadcrumbs, a search box, related/next/previous links, a table of
  contents or a header/footer (``CHROME_NAMES``); and, when the page marks its main text with
  one ``<main>`` (or ``role="main"``), everything outside it;
* ``head``, ``script``, ``style``, ``template`` … are not text;
* ``<em>``/``<i>`` -> ``*…*``, ``<strong>``/``<b>`` -> ``**…**``, ``<sup>[1]</sup>`` a note
  call; an ``<ol>`` after a "Notes" heading numbers its items ``N.``; the ``<h1>`` that repeats
  the record's title goes to the front matter.

Then the generic chain of ``text.py``: ``apply_corrections``, ``strip_patterns``,
``notes_to_footnotes``, ``curl_quotes``, ``spaced_initialisms``, ``find_suspicious``;
headings get ``##`` last.

``source_view`` is *every* text node of the body, found independently of the walk above: the
words the fidelity check accounts for (fidelity.account), so that a text the walk did not read
is a word unaccounted for, never a silent loss.
"""

from __future__ import annotations

import re
from typing import Any

from .base import Correction, Draft, ImportResult, Line, Removal, SourceEntry, run_steps
from .encoding import decode_html as decode  # noqa: F401  (the hook run.source_text calls)
from .front import front_matter_for
from .sources import apply_corrections
from .suspicious import find_suspicious
from .text import curl_quotes, strip_patterns
from .web import _LINE_START, body_of, notes_to_footnotes, spaced_initialisms

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dt", "dd",
          "td", "th", "caption", "figcaption", "address", "legend", "summary"}
CONTAINERS = {"div", "section", "article", "main", "body", "ul", "ol", "dl", "table", "tbody",
              "thead", "tfoot", "tr", "figure", "center", "details", "fieldset", "hgroup",
              "html", "hr", "dir", "multicol", "colgroup", "col"}
SKIP = {"head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object",
        "title", "meta", "link", "base"}
BOILERPLATE = {"nav", "header", "footer", "aside", "form", "menu"}
CHROME_ROLES = {"navigation", "search", "banner", "contentinfo", "complementary", "menu",
                "menubar", "toolbar"}
#: words of a ``class`` or ``id`` (split at spaces, ``-`` and ``_``) that name page chrome
CHROME_NAMES = {"nav", "navbar", "navigation", "sidebar", "sphinxsidebar", "sidebarwrapper",
                "menu", "breadcrumb", "breadcrumbs", "related", "relbar", "toc", "search",
                "searchbox", "skip", "pagination", "masthead", "topbar", "footer", "header",
                "rellinks", "prevnext", "headerlink"}
BOILERPLATE_REASON = ("boilerplate: navigation or page furniture (nav, header, footer, aside, "
                      "form)")
_MD_CHARS = str.maketrans({c: "\\" + c for c in "\\*_`<"})
_HYPHEN_BREAK = re.compile(r"(?<=\w)-[ \t]*\n\s*(?=[a-z])")


# ---------------------------------------------------------------------------- the tree

#: elements nested deeper than this are read flat (``flatten``): the walk recurses per level
FLAT_DEPTH = 100


def parse(text: str, where: str = "the page") -> Any:
    """The page as a tree, read whole or not at all: libxml2 with ``huge_tree`` (elements
    nested up to 2048 deep, not 256), its text checked against a tokenizer's reading of the
    page (readable.check_page_whole: ``import.unreadable-page`` at ``where``), then
    ``flatten``-ed below FLAT_DEPTH."""
    import lxml.html

    from .readable import check_page_whole

    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=False, huge_tree=True)
    doc = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    check_page_whole(text, _body(doc), frozenset(SKIP), where)
    flatten(doc)
    return doc


#: inline elements whose markup the import writes (``*…*``, ``**…**``, a note call)
_MARKED = {"em", "i", "cite", "strong", "b", "sup"}


def flatten(doc: Any) -> None:
    """An element nested deeper than FLAT_DEPTH gives its text and children to its parent
    (``drop_tag``), from the deepest up: its words stay, in order; a block or container
    leaves a paragraph break (two ``<br>``) where it began and ended; an inline element
    leaves nothing, so no two words are joined or split.  Kept, when at most one level of
    elements is left inside them: a ``<br>``, page chrome (removed on record as ever), an
    ``<em>``/``<strong>``/``<sup>`` … (their markup), and an element whose text is not read
    (SKIP; its own elements dropped).  Beyond that depth, headings and list numbers read as
    paragraphs."""
    els = list(doc.iter())
    depth: dict[Any, int] = {}
    for el in els:
        parent = el.getparent()
        depth[el] = depth[parent] + 1 if parent is not None else 0
    if max(depth.values()) <= FLAT_DEPTH:
        return
    height: dict[Any, int] = {}  # levels of elements left below each element
    for el in reversed(els):  # a descendant comes after its ancestors: deepest dropped first
        tag = _tag(el)
        if depth[el] <= FLAT_DEPTH or not tag:
            continue
        if tag in SKIP:
            for child in list(el):  # not read: no need of its elements
                el.remove(child)
        below = max((height.get(c, 0) + 1 for c in el), default=0)
        if tag in SKIP or (below <= 1 and (tag == "br" or tag in _MARKED or _is_chrome(el))):
            height[el] = below
            continue
        if tag in BLOCKS or tag in CONTAINERS:
            breaks = [el.makeelement("br", {}) for _ in range(4)]
            for br in breaks:
                br.sourceline = el.sourceline
            breaks[1].tail, el.text = el.text, None
            el.insert(0, breaks[1])
            el.insert(0, breaks[0])
            el.extend(breaks[2:])
        el.drop_tag()


def _tag(el: Any) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def locate(root: Any) -> dict[tuple[Any, str], int]:
    """(element, "text" | "tail") -> the source line the text node starts on."""
    pos: dict[tuple[Any, str], int] = {}

    def walk(el: Any, cur: int) -> int:
        cur = el.sourceline or cur
        if el.text:
            pos[(el, "text")] = cur
            cur += el.text.count("\n")
        for child in el:
            cur = walk(child, cur)
            if child.tail:
                pos[(child, "tail")] = cur
                cur += child.tail.count("\n")
        return cur

    walk(root, 1)
    return pos


def _body(doc: Any) -> Any:
    body = doc.find("body")
    return body if body is not None else doc


def _stream(el: Any, pos: dict) -> list[Line]:
    """The text under ``el`` (not its tail) as a browser shows it, cut into lines at every
    newline and at the edges of block elements and ``<br>``; each line with the source line it
    starts on, its spaces collapsed.  SKIP elements are not text."""
    segs: list[tuple[int, str]] = []

    def walk(e: Any) -> None:
        if e.text and _tag(e):
            segs.append((pos.get((e, "text"), e.sourceline or 1), e.text))
        n = _ol_start(e)
        for child in e:
            tag = _tag(child)
            if tag and tag not in SKIP:
                brk = tag in BLOCKS or tag in CONTAINERS or tag == "br"
                if brk:
                    segs.append((child.sourceline or 1, "\n"))
                if tag == "li" and n is not None:  # the number a browser shows
                    segs.append((child.sourceline or 1, f"{n}. "))
                    n += 1
                if tag == "sup" and _note_number(child):  # rule "notes": a call
                    segs.append((child.sourceline or 1, f" [{_note_number(child)}]"))
                else:
                    walk(child)
                if brk:
                    segs.append((child.sourceline or 1, "\n"))
            if child.tail:
                segs.append((pos.get((child, "tail"), 1), child.tail))

    walk(el)
    out: list[Line] = []
    cur, start = "", None
    for line, text in segs:
        for k, part in enumerate(text.split("\n")):
            if k:
                if cur.strip():
                    out.append(Line(" ".join(cur.split()), start or line))
                cur, start = "", None
            if part.strip() and start is None:
                start = line + k
            cur += part
    if cur.strip():
        out.append(Line(" ".join(cur.split()), start or 1))
    return out


def _ol_start(el: Any) -> int | None:
    """The number of the first item of an ``<ol>`` (its ``start``), None for any other."""
    if _tag(el) != "ol":
        return None
    try:
        return int(el.get("start") or 1)
    except ValueError:
        return 1


def _note_number(el: Any) -> str:
    """A ``<sup>`` holding only a number (``1``, ``[1]``) is a note call: the number."""
    text = el.text_content().strip().strip("[]")
    return text if text.isdigit() else ""


def _is_chrome(el: Any) -> bool:
    tag = _tag(el)
    if tag in BOILERPLATE:
        return True
    if (el.get("role") or "").strip().lower() in CHROME_ROLES:
        return True
    names = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return bool(CHROME_NAMES & set(re.split(r"[\s_-]+", names)))


def _empty_block(el: Any) -> bool:
    """A block element with no text (``<div/>``, ``<hr>``): a line break where it stands."""
    return (_tag(el) in BLOCKS or _tag(el) in CONTAINERS) and not el.text_content().strip()


def _has_block(el: Any) -> bool:
    return any((_tag(d) in BLOCKS or _tag(d) in CONTAINERS) and not _empty_block(d)
               for d in el.iterdescendants())


class _Parts:
    """The inline text of a run, cut into lines at each ``<br>``: [(source line, text)]."""

    def __init__(self, line: int) -> None:
        self.parts: list[list[Any]] = [[line, ""]]
        self.chrome: list[Any] = []  # inline chrome met on the way (a heading's ¶ link)

    def add(self, text: str, line: int) -> None:
        if not self.parts[-1][1].strip():
            self.parts[-1][0] = line
        self.parts[-1][1] += text

    def br(self, line: int) -> None:
        self.parts.append([line, ""])


def _inline(el: Any, markup: bool, acc: _Parts, pos: dict) -> None:
    """The text of an element's content, inline markup as Markdown when ``markup``."""
    if el.text:
        acc.add(_esc(el.text) if markup else el.text, pos.get((el, "text"), el.sourceline or 1))
    for child in el:
        tag = _tag(child)
        if tag and tag not in SKIP and tag != "br" and not _empty_block(child):
            _inline_one(child, markup, acc, pos)
            continue
        if tag == "br" or _empty_block(child):
            acc.br(pos.get((child, "tail"), child.sourceline or 1))
        if child.tail:
            acc.add(_esc(child.tail) if markup else child.tail, pos.get((child, "tail"), 1))


def _esc(text: str) -> str:
    return text.translate(_MD_CHARS).replace("[^", "[\\^")


Block = tuple[int, str, str, list[int]]  # source line, text ("\n" a line break), kind, line of each line


def _emit(acc: _Parts, kind: str, markup: bool, pre: bool, out: list[Block]) -> None:
    """The run's lines as blocks: an empty line (two ``<br>``) starts a new paragraph."""
    para: list[tuple[int, str]] = []

    def flush() -> None:
        if para:
            joint = "\\\n" if markup else "\n"  # a line break: "\\" at the line end
            out.append((para[0][0], joint.join(t for _, t in para), kind, [ln for ln, _ in para]))
            para.clear()

    for line, raw in acc.parts:
        pieces = raw.split("\n") if pre else [raw]
        for k, piece in enumerate(pieces):
            if markup and not pre:  # rule "joins": a word broken by a hyphen at a line end
                piece = _HYPHEN_BREAK.sub("", piece)
            text = " ".join(piece.split())
            if markup and (m := _LINE_START.match(text)):  # a line may not start a block
                mark = m.group(2)
                esc = mark + "\\" if mark[0].isdigit() else "\\" + mark
                text = text[: m.start(2)] + esc + text[m.end(2):]
            if text:
                para.append((line + k, text))
            elif not pre or k:
                flush()
    flush()


def _removal(el: Any, pos: dict, reason: str) -> Block | None:
    lines = _stream(el, pos)
    if not lines:
        return None
    words = " ".join(ln.text for ln in lines)
    return (lines[0].src, words, "boilerplate", [lines[0].src, lines[-1].src, reason])  # type: ignore[list-item]


def _chrome_of(acc: _Parts, pos: dict, out: list[Block]) -> None:
    for el in acc.chrome:
        if (r := _removal(el, pos, BOILERPLATE_REASON)) is not None:
            out.append(r)
    acc.chrome.clear()


def _walk(el: Any, markup: bool, out: list[Block], state: dict[str, Any]) -> None:
    """The blocks of a container: its block children, and the runs of inline content
    (text, inline elements, ``<br>``) between them."""
    pos = state["pos"]
    acc = _Parts(el.sourceline or 1)

    def flush() -> None:
        nonlocal acc
        _emit(acc, "p", markup, False, out)
        _chrome_of(acc, pos, out)
        acc = _Parts(el.sourceline or 1)

    def chrome(child: Any, reason: str) -> None:
        flush()
        if (r := _removal(child, pos, reason)) is not None:
            out.append(r)

    if el.text and _tag(el):
        acc.add(_esc(el.text) if markup else el.text, pos.get((el, "text"), el.sourceline or 1))
    for child in el:
        tag = _tag(child)
        main = state["main"]
        if not tag or tag in SKIP:
            pass
        elif main is not None and child is main:  # inside it, everything is read
            flush()
            _walk(child, markup, out, dict(state, main=None))
        elif main is not None and main not in set(child.iterdescendants()):
            chrome(child, "boilerplate: outside the page's main text (<main>)")
        elif _is_chrome(child):
            chrome(child, BOILERPLATE_REASON)
        elif tag == "br" or _empty_block(child):
            acc.br(pos.get((child, "tail"), child.sourceline or 1))
        elif tag in BLOCKS and not (tag != "pre" and _has_block(child)):
            flush()
            inner = _Parts(child.sourceline or 1)
            _inline(child, markup, inner, pos)
            kind = tag if tag[0] == "h" and tag[1:].isdigit() else "p"
            first = len(out)
            _emit(inner, kind, markup, tag == "pre", out)
            _chrome_of(inner, pos, out)
            _number(el, child, out, first, state)
        elif tag in BLOCKS or tag in CONTAINERS or _has_block(child):
            flush()
            first = len(out)
            _walk(child, markup, out, state)
            _number(el, child, out, first, state)
        else:  # an inline element: part of the run (with its tail)
            _inline_one(child, markup, acc, pos)
            continue
        if child.tail:
            acc.add(_esc(child.tail) if markup else child.tail, pos.get((child, "tail"), 1))
    flush()


def _number(parent: Any, child: Any, out: list[Block], first: int, state: dict[str, Any]) -> None:
    """An item of an ``<ol>`` starts with the number a browser shows, "N." (after a "Notes"
    heading, ``notes_to_footnotes`` makes the items footnotes)."""
    if _tag(child) != "li" or _tag(parent) != "ol" or len(out) <= first:
        return
    n = state["ol"].get(parent, _ol_start(parent) or 1)
    state["ol"][parent] = n + 1
    line, text, k, lines = out[first]
    out[first] = (line, f"{n}. {text}", k, lines)


def _inline_one(child: Any, markup: bool, acc: _Parts, pos: dict) -> None:
    """One inline element and its tail, as ``_inline`` reads it inside a block."""
    tag = _tag(child)
    if _is_chrome(child):
        acc.chrome.append(child)
        if child.tail:
            acc.add(_esc(child.tail) if markup else child.tail, pos.get((child, "tail"), 1))
        return
    inner = _Parts(child.sourceline or 1)
    _inline(child, markup, inner, pos)
    acc.chrome.extend(inner.chrome)
    mark = {"em": "*", "i": "*", "cite": "*", "strong": "**", "b": "**"}.get(tag, "")
    for k, (line, text) in enumerate(inner.parts):
        if k:
            acc.br(line)
        if markup and mark and text.strip():
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()):]
            text = f"{lead}{mark}{text.strip()}{mark}{trail}"
        if tag == "sup" and text.strip().strip("[]").isdigit():
            text = f"[{text.strip().strip('[]')}]"
        acc.add(text, line)
    if child.tail:
        acc.add(_esc(child.tail) if markup else child.tail, pos.get((child, "tail"), 1))


def _main_of(body: Any) -> Any | None:
    found = [el for el in body.iter() if _tag(el) == "main"
             or (el.get("role") or "").strip().lower() == "main"]
    return found[0] if len(found) == 1 else None


def page_blocks(text: str, markup: bool, where: str = "the page") -> list[Block]:
    """(source line, text, kind, line of each line) of each block: kind is "p", "h1"…"h6"
    or "boilerplate" (then the last item is [first line, last line, reason])."""
    if not text.strip():
        return []
    doc = parse(text, where)
    body = _body(doc)
    out: list[Block] = []
    _walk(body, markup, out, {"ol": {}, "pos": locate(doc),
                           "main": _main_of(body)})
    return out


def _lines(block: Block) -> list[Line]:
    _src, text, _kind, lines = block
    out = [Line(part, ln) for part, ln in zip(text.split("\n"), lines, strict=True)]
    out.append(Line("", lines[-1]))
    return out


def source_view(text: str, record: SourceEntry | None = None) -> list[Line]:
    """Every text node of the page's body (not script, style …), as lines with the source
    line each starts on: found without the walk the import makes, so that what the import
    does not read stays in the accounting."""
    if not text.strip():
        return []
    doc = parse(text, f"sources/{record.file}" if record is not None else "the page")
    return _stream(_body(doc), locate(doc))


def page_info(text: str, where: str = "the page") -> dict[str, str]:
    """What the page says of itself: its first ``<h1>`` (else its ``<title>``) and its
    ``<meta name="author">``."""
    if not text.strip():
        return {}
    doc = parse(text, where)
    out: dict[str, str] = {}
    h1 = next(iter(_body(doc).iter("h1")), None)
    if h1 is not None:
        for el in [e for e in h1.iterdescendants() if _is_chrome(e)]:  # a heading's ¶ link
            el.drop_tree()
        if " ".join(h1.text_content().split()):
            out["title"] = " ".join(h1.text_content().split())
    title = doc.find(".//title")
    if "title" not in out and title is not None and " ".join(title.text_content().split()):
        out["title"] = " ".join(title.text_content().split())
    for meta in doc.iter("meta"):
        if (meta.get("name") or "").lower() in ("author", "dc.creator") and meta.get("content"):
            out["author"] = " ".join(meta.get("content").split())
            break
    return out


def import_source(text: str, record: SourceEntry, corrections: list[Correction]) -> ImportResult:
    blocks = page_blocks(text, markup=True, where=f"sources/{record.file}")
    draft = Draft(record, [], list(corrections))
    headings: set[int] = set()
    title_done = False
    for block in blocks:
        src, body, kind, lines = block
        plain = body.replace("\\", "").replace("*", "")
        if kind == "boilerplate":
            first, last, reason = lines
            draft.removed.append(Removal(first, last, body, str(reason)))  # type: ignore[arg-type]
            continue
        if kind == "h1" and not title_done and " ".join(plain.split()) == " ".join(record.title.split()):
            title_done = True
            draft.removed.append(Removal(src, src, plain, "header: title (in the front matter)"))
            continue
        out = _lines(block)
        if kind != "p":
            headings.add(id(out[0]))
        draft.lines.extend(out)
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
