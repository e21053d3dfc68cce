"""The one configured Markdown parser, and chapters read into the model.

Chapter syntax (documented in the README):

* CommonMark, with footnotes ``[^label]`` / ``[^label]: text``.  The label
  says whose note it is: ``ed-…`` the editor's, ``tr-…`` the translator's,
  anything else the author's.
* Attribute spans ``[phrase]{gl=terror}`` link a phrase to a glossary entry;
  ``[phrase]{.nogl}`` keeps the automatic linker away from it.
* A language other than the chapter's: ``[Wort]{lang=de}`` on a phrase, ``{lang=de}`` on
  the line before a paragraph or heading, ``::: verse {lang=de}`` on a container
  (checked as BCP 47 by ``transforms/languages.py``).
* Containers ``::: letter`` / ``::: extract`` / ``::: verse`` ... ``:::`` set
  off a letter, a quoted extract or verse.
* Smart quotes are *not* applied by the parser: chapters already carry the
  curled quotes the importer set (markdown-it's typographer curls several of
  them wrongly, e.g. S.R.'s, 'tis).
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .languages import info_lang
from .model import Book, Chapter, ChapterMeta, Fragment, Location

CONTAINERS = ("letter", "extract", "verse", "headnote", "epigraph")


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"xhtmlOut": True, "typographer": False, "html": True})
    md.use(footnote_plugin)
    md.use(attrs_plugin, spans=True)
    md.use(attrs_block_plugin)  # {lang=de} on the line before a paragraph or heading
    for name in CONTAINERS:
        md.use(container_plugin, name)
    return md


def parse_markdown(text: str) -> tuple[list[Token], dict]:
    env: dict = {}
    tokens = markdown().parse(text, env)
    for t in tokens:  # ::: verse {lang=de}: the container's language, as an attribute
        if t.type.startswith("container_") and t.type.endswith("_open") and (lang := info_lang(t.info)):
            t.attrSet("lang", lang)
        elif t.type != "inline" and t.attrs:  # a block's {…}: the link keys belong to phrases
            for key in ("gl", "person", "until", "through"):
                t.attrs.pop(key, None)
    return tokens, env


def make_fragment(text: str, file: str, line: int | None) -> Fragment:
    """A short Markdown text outside a chapter (a headnote, a definition), parsed."""
    tokens, _ = parse_markdown(text)
    return Fragment(text, tokens, Location(file, line))


def parse_entries(book: Book) -> None:
    """The parse stage for the Markdown in glossary.yaml and persons.yaml: each definition,
    note and identification becomes a Fragment with its file and line."""
    for e in book.glossary:
        file = e.location.file
        e.definition_text = make_fragment(e.definition, file, e.text_lines.get("definition", e.location.line))
        if e.note:
            e.note_text = make_fragment(e.note, file, e.text_lines.get("note", e.location.line))
    for p in book.persons:
        p.identification_text = make_fragment(p.identification, p.location.file,
                                              p.text_lines.get("identification", p.location.line))


_FOOTNOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.M)


def footnote_definitions(body: str) -> dict[str, int]:
    """Label -> 0-based line in the body of every footnote definition."""
    out: dict[str, int] = {}
    for m in _FOOTNOTE_DEF.finditer(body):
        out.setdefault(m.group(1), body.count("\n", 0, m.start()))
    return out


def make_chapter(slug: str, rel: str, path, meta: ChapterMeta, body: str, body_line: int) -> Chapter:
    tokens, env = parse_markdown(body)
    return Chapter(slug=slug, path=path, meta=meta, tokens=tokens, location=Location(rel, 1),
                   body_line=body_line, body=body, footnote_defs=footnote_definitions(body))
