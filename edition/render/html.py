"""The one XHTML writer shared by the EPUB and the PDF.

It turns the Book into a list of ``Doc`` (one per EPUB content document; the
PDF concatenates them).  The two editions differ only in

* where notes go: ``notes="end"`` (EPUB: ``<aside epub:type="footnote">``
  after the chapter text) or ``notes="inline"`` (PDF: a ``float: footnote``
  element at the call, laid out at the foot of the page);
* how a link target is addressed (``href``: another file or the same one);
* whether page numbers are known (``page_of``: anchor -> printed folio).
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from ..model import Book, Chapter, Note
from ..parse import CONTAINERS, markdown, parse_markdown
from .typography import small_caps

NOTE_LABEL = {"editor": "Editor’s note", "translator": "Translator’s note", "author": "Note"}
NOTE_MARK = {"editor": "Ed.", "translator": "Trans."}  # whose note, before a printed footnote


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
    return f'<p class="{cls}"><i>In the text:</i> {links}.</p>'


class XhtmlRenderer(RendererHTML):
    """markdown-it renderer with our own rules (notes, glossary spans, typography)."""

    def __init__(self, parser: object = None):
        super().__init__(parser)
        for name in CONTAINERS:
            self.rules[f"container_{name}_open"] = self._container_open
            self.rules[f"container_{name}_close"] = self._container_close

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
        t.meta["level"] = level
        hid = t.meta.get("id")
        pid = _pid(t, env)
        if not hid and pid:  # a chapter's section: the EPUB's contents link to it (epub_nav.py)
            hid = pid.split('"')[1]
        if env.get("captions") and _captions_extract(tokens, idx):
            # a heading right before an extract is its caption (the source it quotes):
            # <figure><figcaption>…</figcaption><blockquote class="extract">…</blockquote></figure>
            t.meta["caption"] = True
            return ('<figure class="source-extract"><figcaption class="extract-source"'
                    + (f' id="{esc(hid)}"' if hid else "") + pid + ">")
        return f'<h{level}' + (f' id="{esc(hid)}"' if hid else "") + pid + ">"

    # every paragraph, heading and list item of a chapter's text gets data-pid="<chapter>-<n>",
    # the same in both editions: where a printed page begins (render/pagemap.py)
    def paragraph_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        return _with_pid(self.renderToken(tokens, idx, options, env), tokens[idx], env)

    def list_item_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict,  # type: ignore[override]
                       env: dict) -> str:
        return _with_pid(self.renderToken(tokens, idx, options, env), tokens[idx], env)

    def heading_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        opened = next((tokens[j] for j in range(idx - 1, -1, -1) if tokens[j].type == "heading_open"),
                      tokens[idx])
        if opened.meta.get("caption"):
            return "</figcaption>\n"
        level = opened.meta.get("level") or min(6, int(tokens[idx].tag[1]) + env.get("heading_shift", 0))
        return f"</h{level}>\n"

    def hr(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        return '<hr class="section-break"/>\n'

    # -- containers -------------------------------------------------------
    def _container_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        kind = tokens[idx].type[len("container_"):-len("_open")]
        figure = bool(tokens[idx].meta.get("figure"))
        env.setdefault("containers", []).append(figure)
        if kind == "extract":
            return '<blockquote class="extract">\n'
        if kind == "epigraph":
            return '<blockquote class="epigraph" epub:type="epigraph">\n'
        return f'<div class="{kind}">\n'

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
        anchor = t.meta.get("id")
        attrs = ""
        if anchor:
            attrs += f' id="{esc(anchor)}"'
        if cls:
            attrs += f' class="{esc(str(cls))}"'
        if target:
            t.meta["_tag"] = "a"
            extra = t.meta.get("extra_attrs", "")
            return f'<a{attrs} href="{esc(env["href"](target))}"{extra}>'
        t.meta["_tag"] = "span"
        return f"<span{attrs}>"

    def span_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        # find the matching open
        depth = 0
        for j in range(idx - 1, -1, -1):
            if tokens[j].type == "span_close":
                depth += 1
            elif tokens[j].type == "span_open":
                if depth == 0:
                    return f"</{tokens[j].meta.get('_tag', 'span')}>"
                depth -= 1
        return "</span>"

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        t = tokens[idx]
        href = t.attrGet("href")
        if not href:
            return '<span class="link-refused">'
        cls = t.attrGet("class")
        c = f' class="{esc(str(cls))}"' if cls else ""
        return f'<a{c} href="{esc(env["href"](str(href).lstrip("#")))}">'

    def link_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict) -> str:
        for j in range(idx - 1, -1, -1):
            if tokens[j].type == "link_open":
                if not tokens[j].attrGet("href"):
                    return "</span>"
                return "</a>" + pageref_suffix(tokens[j], env)
        return "</a>"

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
            return (f'<span class="footnote {note.kind}" id="{note.anchor}" data-n="{note.number}">'
                    f'<a class="noteref-target" id="{call_id}"></a>{inner}</span>')
        label = NOTE_LABEL[note.kind]
        return (f'<a class="noteref {note.kind}" id="{call_id}" href="#{note.anchor}" '
                f'epub:type="noteref" role="doc-noteref" aria-label="{label} {note.number}">'
                f"{note.number}</a>")


def _captions_extract(tokens: Sequence[Token], idx: int) -> bool:
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
                    tokens[j + 1].meta["figure"] = True
                    return True
                return False
    return False


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
    """Cross-references for print: ``[Hansen](#anchor){.pageref}`` reads "Hansen (p. 42)";
    ``{.at-page}`` reads "Hansen, p. 42";
    ``[Session 1](#a){.pagerange until=b}`` reads "Session 1 (pp. 12–30)", the range ending on
    the page before anchor ``b`` (or on the page of ``b`` with ``through=b``).  In the EPUB the
    link itself is the reference, so nothing is added."""
    page = env.get("page")
    classes = str(link.attrGet("class") or "").split()
    if page is None or not ({"pageref", "pagerange", "at-page"} & set(classes)):
        return ""
    anchor = str(link.attrGet("href") or "").lstrip("#")
    first = page(anchor)
    if "at-page" in classes:  # "Hansen, p. 49" (for lists of references)
        return f'<span class="pageref">, p.\u00a0{esc(first)}</span>'

    if "pagerange" in classes:
        last = None
        if link.attrGet("through"):
            last = page(str(link.attrGet("through")))
        elif link.attrGet("until"):
            last = page(str(link.attrGet("until")), before=True)
        if last and last != first:
            return f' <span class="pageref">(pp.\u00a0{esc(first)}–{esc(last)})</span>'
    return f' <span class="pageref">(p.\u00a0{esc(first)})</span>'


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


class Writer:
    """Build the list of documents of an edition."""

    def __init__(self, book: Book, notes: str, href: Callable[[str], str],
                 page_of: Mapping[str, str] | None = None, print_edition: bool = False,
                 page_order: Sequence[str] | None = None):
        self.book = book
        self.notes = notes
        self.href = href
        self.page_of = page_of  # anchor -> printed folio, once a layout has given them
        self.page_order = list(page_order or [])  # the folios in page order (for ranges)
        self.print = print_edition

    def env(self, **extra: object) -> dict:
        env: dict = {"notes": self.notes, "href": self.href, "render_note": self.render_note_inline,
                     "heading_shift": 1, "page": self.page if self.print else None,
                     "captions": not self.print}  # print.css does not style <figure> (yet)
        env.update(extra)
        return env

    def page(self, anchor: str, before: bool = False) -> str:
        """Printed page of an anchor: a number after the first pass, else a placeholder.
        ``before=True`` gives the page before it (the end of a range that stops there)."""
        if self.page_of is None:
            return "00"
        label = self.page_of.get(anchor, "?")
        if before:
            order = self.page_order
            if label in order and order.index(label) > 0:
                return order[order.index(label) - 1]
        return label

    def page_refs(self, anchors: Sequence[str]) -> str:
        """The pages of these anchors as merged ranges, "12–14, 17" (render/pagerefs.py)."""
        from .pagerefs import page_refs

        return page_refs(anchors, self.page_of)

    # -- notes ------------------------------------------------------------
    def note_body(self, note: Note) -> str:
        return render_tokens(note.tokens, self.env(notes="end"))

    def render_note_inline(self, note: Note) -> str:
        body = self.note_body(note)
        paras = [p for p in body.replace("<p>", "\x00").replace("</p>", "").split("\x00") if p.strip()]
        mark = NOTE_MARK.get(note.kind)
        kind = f'<span class="note-kind">{mark}</span> ' if mark else ""
        return kind + '<br class="note-para"/>'.join(p.strip() for p in paras)

    def notes_section(self, ch: Chapter) -> str:
        if not ch.notes:
            return ""
        out = ['<section class="notes" aria-label="Notes">']
        for note in ch.notes:
            body = self.note_body(note).strip()
            label = NOTE_LABEL[note.kind]
            kind = f'<span class="note-kind">{label}.</span> ' if note.kind != "author" else ""
            # The aside holds the note only (Apple Books and Kobo show the aside
            # in the popup), starting with its number, which links back to the
            # call (Kindle's converter makes a popup of a note that links back).
            num = (f'<a class="note-number" href="#{note.call_anchor}" role="doc-backlink" '
                   f'aria-label="Note {note.number}, back to the text">{note.number}</a>. ')
            if body.startswith("<p>"):
                body = "<p>" + num + kind + body[3:]
            else:
                body = f"<p>{num}{kind}</p>" + body
            out.append(f'<aside class="note {note.kind}" id="{note.anchor}" epub:type="footnote" '
                       f'role="doc-footnote">{body}</aside>')
        out.append("</section>")
        return "\n".join(out)

    # -- chapters -----------------------------------------------------------
    def chapter(self, ch: Chapter) -> Doc:
        m = ch.meta
        title_id = f"{ch.anchor}-title"
        editorial = m.kind == "editorial"
        etype = "chapter" if m.role == "body" else ("preface" if m.role == "front" else "appendix")
        role = "doc-chapter" if m.role == "body" else ("doc-preface" if m.role == "front" else "doc-appendix")
        classes = f"chapter {m.kind} {m.role}"
        running = m.short_title or m.title
        head = ['<header class="chapter-head">']
        if m.author and not editorial:
            head.append(f'<p class="chapter-author">{esc(m.author)}</p>')
        head.append(f'<h1 id="{title_id}" class="chapter-title">{esc(m.title)}</h1>')
        if m.subtitle:
            head.append(f'<p class="chapter-subtitle">{esc(m.subtitle)}</p>')
        if m.date and not editorial:
            head.append(f'<p class="chapter-date">{esc(m.date)}</p>')
        head.append("</header>")
        parts = [f'<section id="{ch.anchor}" class="{classes}" epub:type="{etype}" role="{role}" '
                 f'aria-labelledby="{title_id}" data-running="{esc(running)}">',
                 "\n".join(head)]
        headnote = ch.meta.headnote
        if headnote:
            parts.append('<div class="headnote" role="note" aria-label="Editor’s headnote">'
                         + render_tokens(headnote.tokens, self.env()) + "</div>")
        parts.append('<div class="chapter-body">')
        parts.append(render_tokens(ch.tokens, self.env(chapter=ch, pid=[ch.anchor, 0])))
        parts.append("</div>")
        questions = ch.meta.questions
        if questions:
            qid = f"{ch.anchor}-questions"
            items = "".join(f"<li>{strip_p(render_tokens(q.tokens, self.env()))}</li>" for q in questions)
            parts.append(f'<section class="questions" id="{qid}" aria-labelledby="{qid}-h">'
                         f'<h2 id="{qid}-h">For discussion</h2><ol>{items}</ol></section>')
        if self.notes == "end":
            parts.append(self.notes_section(ch))
        parts.append("</section>")
        return Doc(id=ch.anchor, filename=f"{ch.slug}.xhtml", title=m.title, body="\n".join(parts),
                   role=m.role, landmark="bodymatter" if ch is self.first_body() else None,
                   epub_type=etype)

    def first_body(self) -> Chapter | None:
        for ch in self.book.chapters:
            if ch.meta.role == "body":
                return ch
        return None

    # -- front matter -------------------------------------------------------
    def half_title(self) -> Doc:
        b = self.book.meta
        body = (f'<section id="halftitle" class="halftitle" epub:type="halftitlepage" '
                f'aria-label="Half title"><p class="halftitle-title">{esc(b.title)}</p></section>')
        return Doc("halftitle", "halftitle.xhtml", b.title, body, role="front", in_toc=False)

    def title_page(self) -> Doc:
        b = self.book.meta
        lines = ['<section id="titlepage" class="titlepage" epub:type="titlepage" '
                 'aria-labelledby="titlepage-title">',
                 f'<h1 id="titlepage-title" class="book-title">{title_lines(b.title)}</h1>']
        if b.subtitle:
            lines.append(f'<p class="book-subtitle">{title_lines(b.subtitle)}</p>')
        if b.editor:
            lines.append(f'<p class="book-editor">Edited by {esc(b.editor)}</p>')
        if b.publisher:
            lines.append(f'<p class="book-publisher">{esc(b.publisher)}</p>')
        lines.append("</section>")
        return Doc("titlepage", "titlepage.xhtml", "Title Page", "\n".join(lines), role="front",
                   landmark="titlepage", in_toc=False)

    def colophon(self) -> Doc:
        b = self.book
        year = datetime.datetime.fromtimestamp(b.source_date_epoch, datetime.UTC).year
        rows = []
        for ch in b.chapters:
            if ch.meta.kind != "document":
                continue
            bits = [f"<em>{esc(ch.meta.title)}</em>"]
            if ch.meta.author:
                bits.insert(0, esc(ch.meta.author))
            if ch.meta.original_publication:
                bits.append(esc(ch.meta.original_publication))
            rights = ch.meta.rights or "Rights not stated"
            bits.append(f"Rights: {esc(rights)}")
            rows.append(f"<li>{'. '.join(bits).rstrip('.')}.</li>")
        body = ['<section id="colophon" class="colophon" epub:type="colophon" role="doc-colophon" aria-label="Copyright">',
                f"<p>{esc(b.meta.title)}" + (f": {esc(b.meta.subtitle)}" if b.meta.subtitle else "") + "</p>"]
        if b.meta.editor:
            body.append(f"<p>Edited by {esc(b.meta.editor)}, {year}.</p>")
        if b.meta.rights:
            body.append(f"<p>{esc(b.meta.rights)}</p>")
        body.append("<p>The documents in this edition and their rights:</p>")
        body.append('<ul class="colophon-sources">' + "".join(rows) + "</ul>")
        body.append(f"<p>Edition {esc(b.version)}.</p>")
        if self.print and b.font_credit:  # the EPUB embeds no fonts
            body.append(f"<p>{esc(b.font_credit)}</p>")
        body.append("</section>")
        return Doc("colophon", "colophon.xhtml", "Copyright", "\n".join(body), role="front",
                   landmark="copyright-page", in_toc=False)

    def contents(self, docs: list[Doc]) -> Doc:
        items = []
        for d in docs:
            if not d.in_toc or d.id == "contents":
                continue
            page = f'<span class="toc-page">{esc(self.page(d.id))}</span>' if self.print else ""
            items.append(f'<li class="toc-{d.role}"><a href="{esc(self.href(d.id))}">'
                         f'<span class="toc-title">{esc(d.title)}</span>{page}</a></li>')
        body = ('<nav id="contents" class="contents" epub:type="toc" role="doc-toc" '
                'aria-labelledby="contents-title">'
                '<h1 id="contents-title">Contents</h1><ol class="toc">' + "\n".join(items) + "</ol></nav>")
        return Doc("contents", "contents.xhtml", "Contents", body, role="front", landmark="toc",
                   in_toc=False)

    # -- the whole edition --------------------------------------------------------
    def documents(self) -> list[Doc]:
        front = [self.half_title(), self.title_page(), self.colophon()]
        chapters = [self.chapter(ch) for ch in self.book.chapters]
        ordered = (front + [c for c in chapters if c.role == "front"]
                   + [c for c in chapters if c.role == "body"])
        from .backmatter import sources_doc, textual_notes_doc
        from .glossary import glossary_doc  # the glossary (back matter): render/glossary.py
        from .index import (
            names_back_matter,  # register of persons, index of names: render/persons.py, index.py
        )

        # back matter, in the order a reader expects: glossary, register of persons, index,
        # the editorial back chapters (chronology), textual notes, sources
        ordered += [g for g in [glossary_doc(self)] if g is not None]
        ordered = names_back_matter(self, ordered)
        ordered += [c for c in chapters if c.role == "back"]
        ordered += [g for g in [textual_notes_doc(self), sources_doc(self)] if g is not None]
        if self.print:
            idx = len(front)
            ordered.insert(idx, self.contents(ordered))
        return ordered
