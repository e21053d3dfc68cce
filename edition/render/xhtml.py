"""Markdown tokens to XHTML fragments: the renderer every document of both editions uses.

``render_tokens`` writes the tokens of a chapter, a headnote, a note or a glossary
definition (``parse.py`` made them) as XHTML; ``Doc`` is one document of an edition and
``esc`` escapes text for it.  ``html.Writer`` puts the documents together.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from ..languages import lang_attrs
from ..model import Note
from ..parse import CONTAINERS, markdown, parse_markdown
from ..terms import term
from .typography import small_caps

if TYPE_CHECKING:
    from .html import Writer

# whose note: the label before an e-book note, the mark before a printed footnote (terms)
NOTE_LABEL = {"editor": "note-label-editor", "translator": "note-label-translator",
              "author": "note-label-author"}
NOTE_MARK = {"editor": "note-mark-editor", "translator": "note-mark-translator"}


@dataclass
class Doc:
    id: str
    filename: str
    title: str
    body: str
    role: str = "body"  # front | body | back
    landmark: str | None = None  # epub:type for the landmarks nav
    in_toc: bool = True
    epub_type: str = ""
    anchors: set[str] = field(default_factory=set)

    def ids(self) -> set[str]:
        """The ids the document defines, read from its XHTML as a tree (the writer makes it
        well-formed; were it not, the EPUB's own check refuses it, and the ids are read as
        plain ``id="…"`` attributes)."""
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
        try:
            body = self.body.replace("\x00", "")  # the EPUB's link sentinels (render/epub.py)
            tree = etree.fromstring(f'<div xmlns:epub="{EPUB_NS}">{body}</div>'.encode(), parser)
        except etree.XMLSyntaxError:
            return set(_ID.findall(self.body))
        return {str(v) for v in tree.xpath("//@id")}


EPUB_NS = "http://www.idpf.org/2007/ops"
_ID = re.compile(r'\bid="([^"]+)"')


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“‘(])")
_RANGE = re.compile(r"\d+[–-]\d+")


def title_lines(text: str) -> str:
    """A display title broken as a typographer would: each sentence on a line of its own, a
    number range never split, and never one word alone on a sentence's last line."""
    out = []
    for sentence in _SENTENCE_END.split(text.strip()):
        head, _, last = sentence.rpartition(" ")
        sentence = f"{head}\u00a0{last}" if head and len(last) < 12 else sentence
        html = _RANGE.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', esc(sentence))
        out.append(f'<span class="title-line">{html}</span>')
    return " ".join(out) if len(out) > 1 else out[0][len('<span class="title-line">'):-len("</span>")]


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def in_the_text(w: Writer, places: Iterable[tuple[str, str]], titles: dict[str, str], cls: str) -> str:
    """"In the text:" and a link to the first of ``places`` (chapter slug, anchor) in each
    chapter, under its title: the e-book's glossary and register entries end with it."""
    firsts: dict[str, str] = {}
    for slug, anchor in places:
        firsts.setdefault(slug, anchor)
    links = ", ".join(f'<a href="{esc(w.href(a))}">{esc(titles.get(s, s))}</a>' for s, a in firsts.items())
    return f'<p class="{cls}"><i>{esc(term(w.book, "in-the-text"))}</i> {links}.</p>'


class XhtmlRenderer(RendererHTML):
    """markdown-it renderer with our own rules (notes, glossary spans, typography)."""

    def __init__(self, parser: object = None):
        super().__init__(parser)
        for name in CONTAINERS:
            self.rules[f"container_{name}_open"] = self._container_open
            self.rules[f"container_{name}_close"] = self._container_close

    @staticmethod
    def renderAttrs(token: Token) -> str:  # noqa: N802  (markdown-it's name)
        """A token's attributes; a ``lang`` (``{lang=de}``) is written as ``xml:lang`` too."""
        out = RendererHTML.renderAttrs(token)
        lang = token.attrGet("lang")
        if lang and token.attrGet("xml:lang") is None:
            out += f' xml:lang="{esc(str(lang))}"'
        return out

    # -- text -------------------------------------------------------------
    def text(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        return small_caps(esc(tokens[idx].content))

    def html_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        return tokens[idx].content

    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        return tokens[idx].content

    # -- headings: the chapter title is h1; a chapter's own headings nest under
    # it without skipping a level (## then #### gives h2 then h3), whatever
    # level its top heading has in the Markdown ---------------------------
    def heading_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        t = tokens[idx]
        src = int(t.tag[1])
        stack = env.setdefault("heading_stack", [])  # Markdown levels of the open headings
        while stack and stack[-1] >= src:
            stack.pop()
        level = min(6, 1 + env.get("heading_shift", 0) + len(stack))
        stack.append(src)
        # what this render decided about the heading is kept in ``env`` (this render's own
        # state), never in the token: the model is read-only to renderers, so the EPUB's
        # captions cannot leak into the print HTML rendered after it from the same Book
        _remember(env, "headings", t, (level, False))
        hid = t.meta.get("id")
        pid = _pid(t, env)
        if not hid and pid:  # a chapter's section: the EPUB's contents link to it (epub_nav.py)
            hid = pid.split('"')[1]
        if env.get("captions") and _captions_extract(tokens, idx, env):
            # a heading right before an extract is its caption (the source it quotes):
            # <figure><figcaption>…</figcaption><blockquote class="extract">…</blockquote></figure>
            _remember(env, "headings", t, (level, True))
            return ('<figure class="source-extract"><figcaption class="extract-source"'
                    + (f' id="{esc(hid)}"' if hid else "") + pid + ">")
        return (f'<h{level}' + (f' id="{esc(hid)}"' if hid else "") + pid
                + lang_attrs(_str_attr(t, "lang")) + ">")

    # every paragraph, heading and list item of a chapter's text gets data-pid="<chapter>-<n>",
    # the same in both editions: where a printed page begins (render/pagemap.py)
    def paragraph_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        if tokens[idx].meta.get("figure"):  # a paragraph of one image (transforms/figures.py)
            return f'<figure class="figure"{_pid(tokens[idx], env)}>'
        return _with_pid(self.renderToken(tokens, idx, options, env), tokens[idx], env)

    def paragraph_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        if tokens[idx].meta.get("figure"):
            return "</figure>\n"
        return self.renderToken(tokens, idx, options, env)

    # -- images: the EPUB ships the file (images/…), print reads it from the project -----
    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        t = tokens[idx]
        info = t.meta.get("image")
        if not info:
            return ""
        alt = esc(self.renderInlineAsText(t.children or [], options, env))
        src = info["uri"] if env.get("page") is not None else info["epub"]
        img = f'<img src="{esc(src)}" alt="{alt}"' + ("" if t.meta.get("figure") else ' class="inline-image"') + "/>"
        if not t.meta.get("figure"):
            return img
        caption, credit = str(t.attrGet("title") or ""), str(t.attrGet("credit") or "")
        if not caption and not credit:
            return img
        parts = [esc(caption)] if caption else []
        if credit:
            parts.append(f'<span class="credit">{esc(credit)}</span>')
        return img + f"<figcaption>{' '.join(parts)}</figcaption>"

    def list_item_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict,  # type: ignore[override]
                       env: dict) -> str:
        return _with_pid(self.renderToken(tokens, idx, options, env), tokens[idx], env)

    def heading_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        opened = next((tokens[j] for j in range(idx - 1, -1, -1) if tokens[j].type == "heading_open"),
                      tokens[idx])
        level, caption = _recall(env, "headings", opened,
                                 (min(6, int(tokens[idx].tag[1]) + env.get("heading_shift", 0)), False))
        if caption:
            return "</figcaption>\n"
        return f"</h{level}>\n"

    def hr(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        return '<hr class="section-break"/>\n'

    # -- containers -------------------------------------------------------
    def _container_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        kind = tokens[idx].type[len("container_"):-len("_open")]
        figure = bool(_recall(env, "figure_containers", tokens[idx], False))
        env.setdefault("containers", []).append(figure)
        lang = lang_attrs(_str_attr(tokens[idx], "lang"))
        if kind == "extract":
            return f'<blockquote class="extract"{lang}>\n'
        if kind == "epigraph":
            return f'<blockquote class="epigraph" epub:type="epigraph"{lang}>\n'
        return f'<div class="{kind}"{lang}>\n'

    def _container_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        kind = tokens[idx].type[len("container_"):-len("_close")]
        stack = env.get("containers") or [False]
        end = "</figure>\n" if stack.pop() else ""
        return ("</blockquote>\n" if kind in ("extract", "epigraph") else "</div>\n") + end

    # -- attribute spans: glossary links and plain spans ---------------------
    def span_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        t = tokens[idx]
        target = t.meta.get("href")
        cls = t.meta.get("class") or t.attrGet("class")
        anchor = t.meta.get("id") or t.attrGet("id")  # a transform's anchor, or the editor's {#id}
        attrs = ""
        if anchor:
            attrs += f' id="{esc(str(anchor))}"'
        if cls:
            attrs += f' class="{esc(str(cls))}"'
        attrs += lang_attrs(_str_attr(t, "lang"))  # [Wort]{lang=de}
        if target:
            _remember(env, "span_tags", t, "a")
            extra = t.meta.get("extra_attrs", "")
            return f'<a{attrs} href="{esc(env["href"](target))}"{extra}>'
        _remember(env, "span_tags", t, "span")
        return f"<span{attrs}>"

    def span_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        # find the matching open
        depth = 0
        for j in range(idx - 1, -1, -1):
            if tokens[j].type == "span_close":
                depth += 1
            elif tokens[j].type == "span_open":
                if depth == 0:
                    return f"</{_recall(env, 'span_tags', tokens[j], 'span')}>"
                depth -= 1
        return "</span>"

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        t = tokens[idx]
        href = t.attrGet("href")
        if not href:
            return '<span class="link-refused">'
        cls = t.attrGet("class")
        if _is_web(str(href)):  # a web page: a link in the e-book; print gives the URL instead
            classes = esc(" ".join(["external", *str(cls or "").split()]))
            if env.get("page") is not None:  # no link out of the PDF (tests/test_attacks.py)
                return f'<span class="{classes}">'
            return f'<a class="{classes}" href="{esc(str(href))}">'
        c = f' class="{esc(str(cls))}"' if cls else ""
        return f'<a{c} href="{esc(env["href"](str(href).lstrip("#")))}">'

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        for j in range(idx - 1, -1, -1):
            if tokens[j].type == "link_open":
                href = str(tokens[j].attrGet("href") or "")
                if not href:
                    return "</span>"
                if _is_web(href):
                    if env.get("page") is not None:
                        return "</span>" + _printed_url(tokens, j, idx, href, env)
                    return "</a>"
                return "</a>" + pageref_suffix(tokens[j], env)
        return "</a>"

    def softbreak(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        return env.get("softbreak", "\n")  # a note's: a space (Writer.note_body)

    # -- notes ------------------------------------------------------------
    def noteref(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        t = tokens[idx]
        note: Note = t.meta["note"]
        call_id = t.meta["call_id"]
        if env["notes"] == "inline":
            if call_id != note.call_anchor:  # a second call of the same note
                return (f'<a class="noteref {note.kind}" id="{call_id}" href="#{note.anchor}">'
                        f"{note.number}</a>")
            inner = env["render_note"](note)
            # in a document in another language the editor's and translator's notes are in
            # the book's language (env "note_lang"), hyphenated by it
            own = lang_attrs(env.get("note_lang") if note.kind != "author" else None)
            return (f'<span class="footnote {note.kind}" id="{note.anchor}" data-n="{note.number}"{own}>'
                    f'<a class="noteref-target" id="{call_id}"></a>{inner}</span>')
        label = esc(term(env, NOTE_LABEL[note.kind]))
        return (f'<a class="noteref {note.kind}" id="{call_id}" href="#{note.anchor}" '
                f'epub:type="noteref" role="doc-noteref" aria-label="{label} {note.number}">'
                f"{note.number}</a>")


def _is_web(href: str) -> bool:
    return href.lower().startswith(("http://", "https://"))


def _printed_url(tokens: Sequence[Token], start: int, end: int, href: str, env: dict) -> str:
    """Print gives the URL after the link text (unless the text is the URL itself)."""
    if env.get("page") is None:
        return ""
    text = "".join(t.content for t in tokens[start + 1 : end] if t.type == "text").strip()
    if text in (href, href.split("://", 1)[-1]):
        return ""
    return f' <span class="link-url">(<span class="url">{esc(href)}</span>)</span>'


def _remember(env: dict, name: str, token: Token, value: object) -> None:
    """Note what this render decided about ``token`` in ``env`` (the render's own state): a
    renderer never writes into the tokens of the Book."""
    env.setdefault("_render_state", {}).setdefault(name, {})[id(token)] = (token, value)


def _recall(env: dict, name: str, token: Token, default: object) -> Any:
    """What :func:`_remember` noted about this very token (not another at the same ``id``)."""
    kept = env.get("_render_state", {}).get(name, {}).get(id(token))
    return kept[1] if kept is not None and kept[0] is token else default


def _captions_extract(tokens: Sequence[Token], idx: int, env: dict) -> bool:
    """Is the heading at ``idx`` the caption of an extract: is all it heads one extract
    (``::: extract``), followed by a heading of its level or higher, or by nothing?  (A
    list of sources quoted, each under its own heading.)  Then the extract's container is
    marked to close the figure."""
    j = next((j for j in range(idx + 1, len(tokens)) if tokens[j].type == "heading_close"), None)
    if j is None or j + 1 >= len(tokens) or tokens[j + 1].type != "container_extract_open":
        return False
    depth = 0
    for k in range(j + 1, len(tokens)):
        if tokens[k].type == "container_extract_open":
            depth += 1
        elif tokens[k].type == "container_extract_close":
            depth -= 1
            if depth == 0:
                after = tokens[k + 1] if k + 1 < len(tokens) else None
                if after is None or (after.type == "heading_open" and after.tag <= tokens[idx].tag):
                    _remember(env, "figure_containers", tokens[j + 1], True)
                    return True
                return False
    return False


def _str_attr(t: Token, key: str) -> str | None:
    value = t.attrGet(key)
    return str(value) if value else None


def _pid(t: Token, env: dict) -> str:
    counter = env.get("pid")  # [prefix, n]: only in a chapter's text, not in notes
    if counter is None or t.hidden:
        return ""
    counter[1] += 1
    return f' data-pid="{esc(counter[0])}-{counter[1]}"'


def _with_pid(html_: str, t: Token, env: dict) -> str:
    pid = _pid(t, env)
    if pid and html_.startswith(f"<{t.tag}"):
        return f"<{t.tag}{pid}" + html_[len(t.tag) + 1:]
    return html_


def pageref_suffix(link: Token, env: dict) -> str:
    """Cross-references for print: ``[Author](#anchor){.pageref}`` reads "Author (p. 42)";
    ``{.at-page}`` reads "Author, p. 42";
    ``[Session 1](#a){.pagerange until=b}`` reads "Session 1 (pp. 12–30)", the range ending on
    the page before anchor ``b`` (or on the page of ``b`` with ``through=b``).  In the EPUB the
    link itself is the reference, so nothing is added."""
    page = env.get("page")
    classes = str(link.attrGet("class") or "").split()
    if page is None or not ({"pageref", "pagerange", "at-page"} & set(classes)):
        return ""
    anchor = str(link.attrGet("href") or "").lstrip("#")
    first = page(anchor)
    if "at-page" in classes:  # "Author, p. 49" (for lists of references)
        return f'<span class="pageref">, {esc(term(env, "page-ref", page=first))}</span>'

    if "pagerange" in classes:
        last = None
        if link.attrGet("through"):
            last = page(str(link.attrGet("through")))
        elif link.attrGet("until"):
            last = page(str(link.attrGet("until")), before=True)
        if last and last != first:
            return f' <span class="pageref">({esc(term(env, "pages-ref", first=first, last=last))})</span>'
    return f' <span class="pageref">({esc(term(env, "page-ref", page=first))})</span>'


_renderer: XhtmlRenderer | None = None


def renderer() -> XhtmlRenderer:
    global _renderer
    if _renderer is None:
        _renderer = XhtmlRenderer(markdown())
    return _renderer


def render_tokens(tokens: list[Token], env: dict) -> str:
    return renderer().render(tokens, markdown().options, env)


def render_markdown(text: str, env: dict) -> str:
    tokens, _ = parse_markdown(text)
    return render_tokens(tokens, env)


def strip_p(fragment: str) -> str:
    f = fragment.strip()
    if f.startswith("<p>") and f.endswith("</p>") and f.count("<p>") == 1:
        return f[3:-4]
    return f
