"""Raw HTML, links and images: nothing unsafe reaches either edition.

* Raw HTML is allowed only for a short list of inline elements (and their
  closing tags); anything else (``<script>``, ``<iframe>``, ``<style>``,
  ``<object>``, event-handler attributes, ...) is an error and is dropped.
* Links may point inside the book (``#anchor``) or at a chapter file; a
  scheme (``http:``, ``file:``, ``javascript:``...) or an absolute path is
  refused: the editions make no network requests and read no file outside
  the project.
* Images must be files inside the project; anything else is refused.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it.token import Token

from ..diagnostics import Reporter
from ..model import Book, Chapter, Fragment

ALLOWED_TAGS = {"em", "i", "b", "strong", "sup", "sub", "br", "span", "abbr", "small", "cite", "q",
                "s", "u", "wbr"}
ALLOWED_ATTRS = {"class", "lang", "title", "xml:lang"}
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9:-]*)([^>]*)>", re.S)
_ATTR = re.compile(r"([^\s=/>]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_DANGEROUS_OPEN = re.compile(r"<\s*(script|style|iframe|object|embed|template|svg|math|noscript|textarea|title)\b",
                             re.I)


def clean_html(fragment: str) -> tuple[str, list[str]]:
    """Return (safe fragment, problems).  Unknown tags are dropped with their content
    only for script/style-like elements; other unknown tags lose just the tag."""
    problems: list[str] = []
    frag = _COMMENT.sub("", fragment)
    for dangerous in ("script", "style", "iframe", "object", "embed", "template", "svg", "math",
                      "noscript", "textarea", "title"):
        pat = re.compile(rf"<\s*{dangerous}\b.*?(</\s*{dangerous}\s*>|\Z)", re.S | re.I)
        if pat.search(frag):
            problems.append(f"<{dangerous}> is not allowed in a chapter")
            frag = pat.sub("", frag)

    def repl(m: re.Match[str]) -> str:
        closing, name, rest = m.group(1), m.group(2).lower(), m.group(3)
        if name not in ALLOWED_TAGS:
            problems.append(f"<{name}> is not allowed in a chapter")
            return ""
        if closing:
            return f"</{name}>"
        attrs = []
        for am in _ATTR.finditer(rest):
            key = am.group(1).lower()
            if key == "/":
                continue
            val = (am.group(2) or '""').strip("\"'")
            if key not in ALLOWED_ATTRS:
                problems.append(f"attribute '{key}' on <{name}> is not allowed")
                continue
            if re.search(r"javascript:|expression\(|url\(", val, re.I):
                problems.append(f"unsafe value in '{key}' on <{name}>")
                continue
            val = val.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            attrs.append(f' {key}="{val}"')
        selfclose = "/" if name in ("br", "wbr") else ""
        return f"<{name}{''.join(attrs)}{selfclose}>"

    frag = _TAG.sub(repl, frag)
    # anything that still looks like markup is escaped rather than trusted
    frag = re.sub(r"<(?![a-z/])", "&lt;", frag)
    return frag, problems


def check_target(target: str, root: Path, kind: str) -> str | None:
    """None if the link or image target is acceptable, else the reason."""
    t = target.strip()
    if not t:
        return f"empty {kind} target"
    if t.startswith("#") and kind == "link":
        return None
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", t) or t.startswith("//"):
        return f"{kind} to '{t}' refused: the editions link only inside the book"
    if t.startswith("/") or t.startswith("\\"):
        return f"{kind} to absolute path '{t}' refused"
    path = (root / "chapters" / t.split("#")[0]).resolve()
    try:
        path.relative_to(root.resolve())
    except ValueError:
        return f"{kind} to '{t}' points outside the project"
    if kind == "image":
        return f"image '{t}': images are not supported in this edition yet"
    return None


def _walk(ch: Chapter | Fragment, root: Path, reporter: Reporter) -> None:
    for t in ch.tokens:
        line = ch.line_of(t.map)
        if t.type == "html_block":
            clean, problems = clean_html(t.content)
            for p in problems:
                reporter.error(ch.location.file, line, p, "html.unsafe")
            t.content = clean
        if t.type != "inline" or not t.children:
            continue
        kids: list[Token] = []
        skip: str | None = None  # inside an inline <script>…</script>: its content goes too
        for c in t.children:
            if c.type in ("softbreak", "hardbreak") and line is not None:
                line += 1  # the line of each child, not only of the paragraph
            if skip is not None:
                if c.type == "html_inline" and re.match(rf"<\s*/\s*{skip}\s*>", c.content, re.I):
                    skip = None
                continue
            if c.type == "html_inline":
                opened = _DANGEROUS_OPEN.match(c.content)
                if opened and not re.search(rf"</\s*{opened.group(1)}\s*>", c.content, re.I):
                    skip = opened.group(1).lower()
                clean, problems = clean_html(c.content)
                for p in problems:
                    reporter.error(ch.location.file, line, p, "html.unsafe")
                c.content = clean
            elif c.type == "link_open":
                why = check_target(str(c.attrGet("href") or ""), root, "link")
                if why:
                    reporter.error(ch.location.file, line, why, "link.refused")
                    c.attrs.pop("href", None)
            elif c.type == "image":
                why = check_target(str(c.attrGet("src") or ""), root, "image")
                if why:
                    reporter.error(ch.location.file, line, why, "image.refused")
                    c = Token("text", "", 0, content=c.content)
            elif c.type in ("span_open",):
                for key in list(c.attrs):
                    if key.lower().startswith("on") or key.lower() == "style":
                        reporter.error(ch.location.file, line,
                                       f"attribute '{key}' is not allowed", "html.unsafe")
                        c.attrs.pop(key)
            kids.append(c)
        t.children = kids
    for t in ch.tokens:
        # markdown-it's own link validation turns javascript:/file: links into text;
        # report them too, so the editor knows why the link vanished, and keep only its label.
        if t.type != "inline":
            continue
        for m in _BAD_SCHEME.finditer(t.content):
            line = ch.line_of(t.map)
            reporter.error(ch.location.file, None if line is None else line + t.content.count("\n", 0, m.start()),
                           f"{'image' if m.group(1) else 'link'} with the forbidden scheme "
                           f"'{m.group(3).lower()}:' refused", "link.refused")
        for c in t.children or []:
            if c.type == "text":
                c.content = _BAD_SCHEME.sub(lambda m: m.group(2), c.content)


_BAD_SCHEME = re.compile(r"(!?)\[([^\]]*)\]\(\s*(javascript|vbscript|file|data):(?:[^()]|\([^()]*\))*\)", re.I)


def sanitize(book: Book, reporter: Reporter) -> Book:
    for ch in book.chapters:
        _walk(ch, book.root, reporter)
    for fragment in book.fragments():  # headnotes, questions, definitions, identifications
        _walk(fragment, book.root, reporter)
    return book
