"""Raw HTML, links and images: nothing unsafe reaches either edition.

* Raw HTML is allowed only for a short list of inline elements (and their
  closing tags); anything else (``<script>``, ``<iframe>``, ``<style>``,
  ``<object>``, event-handler attributes, ...) is an error and is dropped.
* Links may point inside the book (``#anchor``), at a chapter file, or at a web page
  (``http:``/``https:`` with a host: a link in the e-book, the URL printed after the link
  text in print); any other scheme (``file:``, ``javascript:``, ``data:``...) or an
  absolute path is refused: the editions make no network requests and read no file
  outside the project.
* Images must be files in the book's ``images/`` folder (transforms/figures.py);
  anything else is refused.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from markdown_it.token import Token

from ..diagnostics import Reporter
from ..langtag import well_formed
from ..model import Book, Chapter, Fragment

# The one allow-list, for raw HTML (filtered by nh3, the Rust ammonia sanitizer) and for
# the Markdown attribute syntax ({.class}, {lang=de}): the same tags and attributes.
ALLOWED_TAGS = {"em", "i", "b", "strong", "sup", "sub", "br", "span", "abbr", "small", "cite", "q",
                "s", "u", "wbr"}
ALLOWED_ATTRS = {"class", "lang", "title", "xml:lang"}
# Keys of the attribute syntax that the tool itself reads (not written to the XHTML as
# given): glossary and register links, a cross-reference's range end, an id.
TOOL_ATTRS = {"gl", "person", "until", "through", "id"}
# What markdown-it itself sets on its tokens (links and images are checked by check_target).
PARSER_ATTRS = {"href", "src", "alt", "start"}
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "svg", "math",
                     "noscript", "textarea", "title", "xmp", "noembed", "noframes"}
_VOID = ("br", "wbr")
_UNSAFE_VALUE = re.compile(r"javascript:|vbscript:|expression\(|url\(", re.I)
_DANGEROUS_OPEN = re.compile(rf"<\s*({'|'.join(sorted(DROP_WITH_CONTENT))})\b", re.I)
_DECLARATION = re.compile(r"<!(?!--)|<\?", re.I)  # <!DOCTYPE …>, <!ENTITY …>, <![CDATA[, <?xml


class _Audit(HTMLParser):
    """Lists what the allow-list refuses in a piece of HTML (nh3 removes it silently)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"<{tag}> is not allowed in the editor's or author's text")
            return
        for key, value in attrs:
            if key not in ALLOWED_ATTRS:
                self.problems.append(f"attribute '{key}' on <{tag}> is not allowed")
            elif value and _UNSAFE_VALUE.search(value):
                self.problems.append(f"unsafe value in '{key}' on <{tag}>")
            elif key in ("lang", "xml:lang") and not well_formed(value or ""):
                self.problems.append(f"'{(value or '')[:40]}' in '{key}' on <{tag}> is not a language tag")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ALLOWED_TAGS and f"<{tag}> is not allowed in the editor's or author's text" \
                not in self.problems:
            self.problems.append(f"<{tag}> is not allowed in the editor's or author's text")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"a declaration (<!{decl.split()[0] if decl.split() else ''} …>) "
                             "is not allowed")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("a declaration (<![…]>) is not allowed")

    def handle_pi(self, data: str) -> None:
        self.problems.append("a processing instruction (<?…>) is not allowed")


def audit_html(fragment: str) -> list[str]:
    """What the allow-list refuses in ``fragment``, in words (empty: nothing)."""
    parser = _Audit()
    parser.feed(fragment)
    parser.close()
    if _DECLARATION.search(fragment) and not any("declaration" in p or "processing" in p
                                                 for p in parser.problems):
        parser.problems.append("a declaration (<!…>) is not allowed")
    return list(dict.fromkeys(parser.problems))


def _attr_ok(key: str, value: str) -> bool:
    return key in ALLOWED_ATTRS and not _UNSAFE_VALUE.search(value)


def clean_html(fragment: str) -> tuple[str, list[str]]:
    """(the fragment filtered by the allow-list, as XHTML; what was refused).

    nh3 parses the fragment as a browser would, drops every tag and attribute outside the
    allow-list (script-like elements with their content), and serialises well-formed
    markup with ``&`` and ``<`` escaped; void elements are then closed for XHTML."""
    import nh3

    problems = audit_html(fragment)
    out = nh3.clean(fragment, tags=ALLOWED_TAGS, clean_content_tags=DROP_WITH_CONTENT,
                    attributes={"*": ALLOWED_ATTRS}, attribute_filter=lambda _t, k, v: v if _attr_ok(k, v) else None,
                    url_schemes=set(), strip_comments=True, link_rel=None)
    out = out.replace("&nbsp;", "\u00a0")  # html5ever's one named entity: not defined in XHTML
    out = re.sub(rf"<({'|'.join(_VOID)})(\s[^>]*)?>", lambda m: f"<{m.group(1)}{m.group(2) or ''}/>", out)
    return out, problems


class _OneTag(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(("open", tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(("open", tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(("close", tag, []))


def clean_inline_tag(tag_text: str) -> tuple[str, list[str]]:
    """An inline HTML token (one tag, ``<span class="x">`` or ``</span>``, or a comment) through
    the same allow-list.  Cleaned one by one, an opening tag must stay open (nh3 would close
    it), so the tag is rebuilt from the parsed name and the allowed attributes."""
    from html import escape

    problems = audit_html(tag_text)
    parser = _OneTag()
    parser.feed(tag_text)
    parser.close()
    out = []
    for kind, name, attrs in parser.tags:
        if name not in ALLOWED_TAGS:
            continue
        if kind == "close":
            if name not in _VOID:
                out.append(f"</{name}>")
            continue
        kept = "".join(f' {k}="{escape(v or "", quote=True)}"' for k, v in attrs if _attr_ok(k, v or ""))
        out.append(f"<{name}{kept}/>" if name in _VOID else f"<{name}{kept}>")
    return "".join(out), problems


def check_target(target: str, root: Path, kind: str) -> str | None:
    """None if the link or image target is acceptable, else the reason."""
    from urllib.parse import unquote

    t = target.strip()
    if not t:
        return f"empty {kind} target"
    if t.startswith("#") and kind == "link":
        return None
    # as a browser reads it: percent-escapes decoded, tabs, line ends and controls dropped
    # (``java&#x09;script:`` is ``javascript:``)
    bare = re.sub(r"[\x00-\x20\x7f]", "", unquote(t))
    if kind == "link" and is_web_link(t):
        return None
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", bare) or bare.startswith(("//", "\\\\", "/\\", "\\/")):
        return f"{kind} to '{t}' refused: the editions link only inside the book"
    if t.startswith("/") or t.startswith("\\"):
        return f"{kind} to absolute path '{t}' refused"
    base = root if kind == "image" else root / "chapters"  # images/… is the book's folder
    path = (base / t.split("#")[0]).resolve()
    try:
        path.relative_to(root.resolve())
    except ValueError:
        return f"{kind} to '{t}' points outside the project"
    if kind == "image":
        from .figures import image_path_problem

        return image_path_problem(t)
    return None


_WEB = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:[/?#][^\s<>\"\\`{}|^]*)?$", re.I)


def is_web_link(target: str) -> bool:
    """An http(s) URL with a host, written plainly (no controls, spaces or escapes that
    could hide another scheme): a link to a web page, which the e-book keeps."""
    return bool(_WEB.match(target)) and "%" not in target.split("?")[0].split("/", 3)[2]


# Characters XML 1.0 forbids (and C1 controls): a character reference (&#12;) can make one
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]|"
                      r"&#(?:x0*(?:[0-8bcef]|1[0-9a-f]|7f|[89][0-9a-f]|d[89a-f][0-9a-f]{2}|fff[ef])|"
                      r"0*(?:[0-8]|1[1-2]|1[4-9]|2[0-9]|3[01]|12[7-9]|1[3-5][0-9]))\b;?", re.I)


def _controls(t: Token, src: Chapter | Fragment, line: int | None, reporter: Reporter) -> None:
    if t.content and _CONTROL.search(t.content):
        reporter.error(src.location.file, line, "a control character (or a reference to one, "
                       "such as &#12;) is not allowed in a text; removed", "text.control-char")
        t.content = _CONTROL.sub("", t.content)


def _walk(ch: Chapter | Fragment, root: Path, reporter: Reporter) -> None:
    too_deep = False
    for t in ch.tokens:
        line = ch.line_of(t.map)
        if t.level > MAX_BLOCK_DEPTH and not too_deep:
            too_deep = True
            reporter.error(ch.location.file, line, f"lists or quotations nested more than "
                           f"{MAX_BLOCK_DEPTH} deep: no edition can lay it out", "markup.too-deep")
        _controls(t, ch, line, reporter)
        if t.type == "html_block":
            clean, problems = clean_html(t.content)
            for p in problems:
                reporter.error(ch.location.file, line, p, "html.unsafe")
            t.content = clean
        _check_attrs(t, ch, line, reporter)
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
            _controls(c, ch, line, reporter)
            if c.type == "html_inline":
                opened = _DANGEROUS_OPEN.match(c.content)
                if opened and not re.search(rf"</\s*{opened.group(1)}\s*>", c.content, re.I):
                    skip = opened.group(1).lower()
                clean, problems = clean_inline_tag(c.content)
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
            _check_attrs(c, ch, line, reporter)
            kids.append(c)
        t.children = _balance(kids, ch, ch.line_of(t.map), reporter)
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


_TAG_NAME = re.compile(r"<(/?)([a-z]+)")
MAX_INLINE_DEPTH = 40  # raw tags and Markdown emphasis/links open at once in a paragraph
MAX_BLOCK_DEPTH = 40  # lists and quotations inside each other


def _balance(kids: list[Token], src: Chapter | Fragment, line: int | None,
             reporter: Reporter) -> list[Token]:
    """Raw inline tags nested properly with each other and with the Markdown around them
    (``<b>*x</b>*`` would give ``<b><em>x</b></em>``): a closing tag that closes nothing
    open is dropped, a tag left open is closed where its Markdown or paragraph ends."""
    out: list[Token] = []
    stack: list[str | None] = []  # open raw tags by name; None for a Markdown opener

    def close(name: str) -> None:
        out.append(Token("html_inline", "", 0, content=f"</{name}>"))
        reporter.warning(src.location.file, line, f"<{name}> is not closed in its paragraph or "
                         "emphasis; closed there", "html.unbalanced")

    deep = False
    for c in kids:
        if len(stack) > MAX_INLINE_DEPTH and not deep:  # #27: 300 nested <span>s broke the
            deep = True                                   # kepub (lxml) and the PDF (recursion)
            reporter.error(src.location.file, line, f"inline markup nested more than "
                           f"{MAX_INLINE_DEPTH} deep: no edition can lay it out", "markup.too-deep")
        m = _TAG_NAME.match(c.content) if c.type == "html_inline" else None
        if m and not c.content.endswith("/>"):
            if not m.group(1):
                stack.append(m.group(2))
            elif stack and stack[-1] == m.group(2):
                stack.pop()
            else:
                reporter.warning(src.location.file, line, f"</{m.group(2)}> closes no open <{m.group(2)}>; "
                                 "dropped", "html.unbalanced")
                continue
        elif c.nesting == 1:
            stack.append(None)
        elif c.nesting == -1:
            while stack and stack[-1] is not None:
                close(str(stack.pop()))
            if stack:
                stack.pop()
        out.append(c)
    while stack:
        name = stack.pop()
        if name is not None:
            close(name)
    return out


def _check_attrs(t: Token, src: Chapter | Fragment, line: int | None, reporter: Reporter) -> None:
    """The attribute syntax ({style=…}, {onclick=…}) through the same allow-list as raw HTML."""
    for key in list(t.attrs or {}):
        value = str(t.attrs[key])
        if key in PARSER_ATTRS and t.type in ("link_open", "image", "ordered_list_open"):
            continue
        if key == "credit" and t.type == "image" and not _UNSAFE_VALUE.search(value):
            continue  # the figure's credit line (transforms/figures.py)
        if key in ("lang", "xml:lang") and not well_formed(value):  # #27: never an invalid EPUB
            reporter.error(src.location.file, line, f"'{value[:40]}' is not a language tag "
                           "(BCP 47: en, de, pt-BR …)", "lang.invalid")
            t.attrs.pop(key)
            continue
        if key in TOOL_ATTRS or (key in ALLOWED_ATTRS and not _UNSAFE_VALUE.search(value)):
            continue
        reporter.error(src.location.file, line, f"attribute '{key}' is not allowed", "html.unsafe")
        t.attrs.pop(key)


_BAD_SCHEME = re.compile(r"(!?)\[([^\]]*)\]\(\s*(javascript|vbscript|file|data):(?:[^()]|\([^()]*\))*\)", re.I)


def sanitize(book: Book, reporter: Reporter) -> Book:
    for ch in book.chapters:
        _walk(ch, book.root, reporter)
    for fragment in book.fragments():  # headnotes, questions, definitions, identifications
        _walk(fragment, book.root, reporter)
    _chapter_links(book, reporter)
    return book


def _chapter_links(book: Book, reporter: Reporter) -> None:
    """A link to a chapter file (``02-two.md``, ``02-two.md#anchor``), which the README
    allows, becomes a link to that chapter (or the anchor); a link to any other file of the
    book is an error at its line, not "link target not found" at book.yaml (#27)."""
    anchors = {ch.location.file.removeprefix("chapters/"): ch.anchor for ch in book.chapters}
    sources: list[Chapter | Fragment] = [*book.chapters, *book.fragments()]
    for src in sources:
        for t in src.tokens:
            for c in t.children or []:
                href = str(c.attrGet("href") or "") if c.type == "link_open" else ""
                if not href or href.startswith("#") or is_web_link(href):
                    continue
                file, _, frag = href.partition("#")
                name = file.removeprefix("./")
                if name in anchors:
                    c.attrSet("href", f"#{frag or anchors[name]}")
                else:
                    reporter.error(src.location.file, src.line_of(t.map), f"link to '{href}': not a "
                                   "chapter of the book (a link names a chapter file listed in "
                                   "book.yaml, an #anchor or a web page)", "link.refused")
                    c.attrs.pop("href", None)
