"""Find and read a book project: book.yaml, chapters/, glossary.yaml.

This module (with the importers) is the only place that reads the user's
files.  Everything it returns is plain data with locations; every problem is
a Diagnostic with file and line.

Each YAML text is parsed (``yamlio``) and validated against its schema
(``schema.py``, pydantic) by :func:`checked`, which keeps the plain result in the
memo under a key over the text and the code: a rebuild with an unchanged
configuration reads it back, without parsing YAML or importing pydantic.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import step_memo
from .diagnostics import BookError, Diagnostic, Severity
from .gate import CONTROL_CHARS, char_name, checked_path, read_input, read_text  # noqa: F401
from .model import Apparatus, BookMeta, ChapterMeta, Creator, GlossaryEntry, Location, Person

MAX_CHAPTER_BYTES = 8 * 1024 * 1024  # refuse a chapter larger than this, clearly
PAGE_SIZES = ("A5", "A4", "Letter")


@dataclass
class RawChapter:
    path: Path
    rel: str
    meta: ChapterMeta
    headnote: str | None
    headnote_line: int | None
    body: str
    body_line: int
    listed_at: int | None


@dataclass
class Project:
    root: Path
    meta: BookMeta
    chapters: list[RawChapter]
    glossary: list[GlossaryEntry]
    version: str
    source_date_epoch: int
    apparatus: dict[str, Apparatus] | None = None
    dated: bool = True  # False: neither SOURCE_DATE_EPOCH nor a git commit gave the date (1970)
    glossary_intro: str | None = None  # glossary.yaml `introduction`
    glossary_sources: dict[str, str] = field(default_factory=dict)  # glossary.yaml `source_labels`


def _err(file: str, line: int | None, msg: str, code: str) -> Diagnostic:
    return Diagnostic(file, line, Severity.ERROR, msg, code)


def checked(root: Path | None, rel: str, text: str, compute: Callable[[], Any], part: str = "") -> Any:
    """The plain, validated data ``compute()`` makes of a YAML text, through the memo
    (``step_memo.json_value``); ``root`` None: no memo.  ``part`` names what of the file
    (front matter) the text is."""
    if root is None:
        return step_memo.json_value_uncached(compute)
    return step_memo.json_value(root, step_memo.kind_for(rel + part), [rel, part, text], compute)


def read_book_config(root: Path) -> BookMeta:
    rel = "book.yaml"
    text = read_text(root / rel, rel, root)

    def compute() -> dict:
        from .schema import BookConfig
        from .yamlio import line_of, load_yaml, validate

        node = load_yaml(text, rel)
        cfg = validate(BookConfig, node, rel, "book.yaml")
        return {"fields": cfg.model_dump(),
                "chapter_lines": [line_of(node, ("chapters", i)) for i in range(len(cfg.chapters))],
                "subject_lines": [line_of(node, ("subjects", i)) for i in range(len(cfg.subjects))],
                "key_lines": {str(k): line_of(node, (k,)) for k in node}}

    data = checked(root, rel, text, compute)
    fields = dict(data["fields"])
    fields["authors"] = [Creator(a, "") if isinstance(a, str) else Creator(a["name"], a.get("file_as") or "")
                         for a in fields.get("authors", [])]
    meta = BookMeta(**fields, location=Location(rel))
    meta._chapter_lines = dict(enumerate(data["chapter_lines"]))  # type: ignore[attr-defined]
    meta._subject_lines = dict(enumerate(data["subject_lines"]))  # type: ignore[attr-defined]
    meta.key_lines = {k: v for k, v in data.get("key_lines", {}).items() if v is not None}
    return meta


FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str, rel: str, root: Path | None = None) -> tuple[dict[str, Any], str, int]:
    """The validated front matter (ChapterConfig's fields), the body, the body's first line."""
    m = FRONT_MATTER.match(text)
    if not m:
        raise BookError(
            _err(rel, 1, "a chapter must begin with YAML front matter between '---' lines "
                 "(at least a title)", "chapter.front-matter")
        )
    yaml_text = m.group(1) or ""

    def compute() -> dict:
        from .schema import ChapterConfig
        from .yamlio import line_of, load_yaml, text_line_of, validate

        node = load_yaml(yaml_text, rel, line_offset=1)
        cfg = validate(ChapterConfig, {} if node is None else node, rel, "front matter",
                       line_offset=1).model_dump()
        cfg["headnote_line"] = text_line_of(node, ("headnote",), line_offset=1)
        cfg["language_line"] = line_of(node, ("language",), line_offset=1) if cfg["language"] else None
        return cfg

    cfg = checked(root, rel, yaml_text, compute, part="#front-matter")
    body_line = text[: m.end()].count("\n") + 1
    return cfg, text[m.end():], body_line


def read_chapter(root: Path, rel: str, listed_at: int | None) -> RawChapter:
    path = root / "chapters" / rel
    shown = f"chapters/{rel}"
    if not path.exists() and not path.is_symlink():
        raise BookError(_err("book.yaml", listed_at, f"chapter '{rel}' is listed but {shown} does not exist",
                             "book.chapter-missing"))
    real = checked_path(path, shown, root)  # no link out of the project, no FIFO, no loop
    if real.stat().st_size > MAX_CHAPTER_BYTES:
        raise BookError(_err(shown, None, f"chapter is larger than {MAX_CHAPTER_BYTES // (1024 * 1024)} MiB; "
                             "split it into several chapters", "chapter.too-large"))
    text = read_text(path, shown, root)
    data, body, body_line = split_front_matter(text, shown, root)
    if not body.strip():
        raise BookError(_err(shown, body_line, "chapter has no text after its front matter",
                             "chapter.empty"))
    headnote, headnote_line = data.pop("headnote"), data.pop("headnote_line", None)
    meta = ChapterMeta(**data)
    return RawChapter(path, shown, meta, headnote, headnote_line, body, body_line, listed_at)


def read_model(root: Path, rel: str, schema: str, what: str,
               extract: Callable[[Any, Any], Any]) -> Any:
    """An optional YAML file of the project, validated against the model ``schema`` (a
    class name in ``schema.py``): ``extract(model, tree)`` makes the plain data kept (the
    tree gives line numbers, ``yamlio.line_of``).  None when the file is absent or empty."""
    path = root / rel
    if not path.exists() and not path.is_symlink():
        return None
    text = read_text(path, rel, root)

    def compute() -> Any:
        from . import schema as schemas
        from .yamlio import load_yaml, validate

        node = load_yaml(text, rel)
        if node is None:
            return None
        return extract(validate(getattr(schemas, schema), node, rel, what), node)

    return checked(root, rel, text, compute)


def _text_lines(node: Any, path: tuple[Any, ...], keys: tuple[str, ...]) -> dict[str, int]:
    """key -> the line on which its (Markdown) text begins, for the keys present."""
    from .yamlio import text_line_of

    lines = {k: text_line_of(node, (*path, k)) for k in keys}
    return {k: ln for k, ln in lines.items() if ln is not None}


def read_glossary(root: Path) -> list[GlossaryEntry]:
    """glossary.yaml's entries (``read_glossary_file`` for the rest)."""
    return read_glossary_file(root)[0]


def read_glossary_file(root: Path) -> tuple[list[GlossaryEntry], str | None, dict[str, str]]:
    """glossary.yaml: the entries, the introduction and the source labels.  An entry's
    ``source`` other than ``editor`` must be an id of sources/sources.yaml
    (``glossary.unknown-source`` at the entry's line)."""
    from .yamlio import line_of

    rel = "glossary.yaml"
    data = read_model(root, rel, "GlossaryFile", "glossary.yaml", lambda gl, node: {
        "items": [(item.model_dump(), line_of(node, ("entries", i)),
                   _text_lines(node, ("entries", i), ("definition", "note")))
                  for i, item in enumerate(gl.entries)],
        "introduction": gl.introduction, "source_labels": gl.source_labels,
        "label_lines": {k: line_of(node, ("source_labels", k)) for k in gl.source_labels}}) or {}
    entries = [GlossaryEntry(**fields, location=Location(rel, line), text_lines=text_lines)
               for fields, line, text_lines in data.get("items", [])]
    wanted = {e.source for e in entries if e.source != "editor"} | set(data.get("source_labels", {}))
    known = source_ids(root) if wanted else set()
    diags = [_err(rel, e.location.line, f"glossary entry “{e.id}”: source '{e.source}' is neither "
                  "'editor' nor a source id of sources/sources.yaml", "glossary.unknown-source")
             for e in entries if e.source != "editor" and e.source not in known]
    diags += [_err(rel, data["label_lines"].get(k), f"source_labels: '{k}' is not a source id of "
                   "sources/sources.yaml", "glossary.unknown-source")
              for k in data.get("source_labels", {}) if k not in known]
    if diags:
        raise BookError(diags)
    return entries, data.get("introduction"), dict(data.get("source_labels", {}))


def source_ids(root: Path) -> set[str]:
    """The ids of sources/sources.yaml (none when there is no such file)."""
    from .yamlio import load_yaml

    rel = "sources/sources.yaml"
    path = root / rel
    if not path.exists() and not path.is_symlink():
        return set()
    text = read_text(path, rel, root)

    def compute() -> list[str]:
        node = load_yaml(text, rel)
        items = node.get("sources") if isinstance(node, dict) else None
        return sorted({str(i["id"]) for i in items or [] if isinstance(i, dict) and "id" in i})

    return set(checked(root, rel, text, compute, part="#ids"))  # memo: a rebuild parses no YAML


def read_apparatus(root: Path) -> dict[str, Apparatus]:
    from .yamlio import line_of, text_line_of

    def extract(app: Any, node: Any) -> list:
        return [(slug, item.model_dump(), line_of(node, ("chapters", slug)),
                 text_line_of(node, ("chapters", slug, "headnote")),
                 [text_line_of(node, ("chapters", slug, "questions", i)) for i in range(len(item.questions))])
                for slug, item in app.chapters.items()]

    items = read_model(root, "apparatus.yaml", "ApparatusFile", "apparatus.yaml", extract)
    return {slug: Apparatus(**fields, line=line, headnote_line=hline, question_lines=qlines)
            for slug, fields, line, hline, qlines in items or []}


def git_version(root: Path) -> tuple[str, int | None]:
    """The checkout's tag or commit and its commit time, read from .git without running git
    (a stranger's .git/config may name a command git would run: ``gitread``)."""
    from .gitread import version

    return version(root)


def read_persons_file(root: Path) -> tuple[list[Person], str | None, dict | None]:
    """persons.yaml (a sibling of glossary.yaml): the register of persons, with line numbers,
    its introduction and its family tree."""
    from .yamlio import line_of

    rel = "persons.yaml"

    def extract(data: Any, node: Any) -> dict:
        out = []
        for i, item in enumerate(data.persons):
            form_lines = {f: line_of(node, ("persons", i, "forms", j)) for j, f in enumerate(item.forms)}
            form_lines.update({f: line_of(node, ("persons", i, "ambiguous", f)) for f in item.ambiguous})
            out.append((item.model_dump(), line_of(node, ("persons", i)),
                        {f: ln for f, ln in form_lines.items() if ln is not None},
                        _text_lines(node, ("persons", i), ("identification",))))
        family = None
        if data.family is not None:
            family = {**data.family.model_dump(), "line": line_of(node, ("family",))}
        return {"items": out, "introduction": data.introduction, "family": family,
                "index": data.index.model_dump() if data.index else None}

    data = read_model(root, rel, "PersonsFile", "persons.yaml", extract) or {}
    out = []
    for fields, line, form_lines, text_lines in data.get("items", []):
        entry = fields.pop("glossary_entry")
        out.append(Person(**fields, glossary_entry=entry, location=Location(rel, line),
                          form_lines=form_lines, text_lines=text_lines))
    return out, data.get("introduction"), data.get("family")


def read_index_rules(root: Path) -> dict | None:
    """persons.yaml ``index:`` (titles, given_name_endings, nicknames), or None."""
    rel = "persons.yaml"
    return (read_model(root, rel, "PersonsFile", "persons.yaml",
                       lambda data, node: {"index": data.index.model_dump() if data.index else None})
            or {}).get("index")


def read_persons(root: Path) -> list[Person]:
    """persons.yaml: the persons of the register (``read_persons_file`` for the rest)."""
    return read_persons_file(root)[0]


def read_abbreviations(root: Path) -> tuple[list[dict], str | None]:
    """abbreviations.yaml (optional): the entries, each with its line, and the introduction."""
    from .yamlio import line_of

    rel = "abbreviations.yaml"
    data = read_model(root, rel, "AbbreviationsFile", "abbreviations.yaml", lambda ab, node: {
        "items": [{**item.model_dump(), "line": line_of(node, ("abbreviations", i))}
                  for i, item in enumerate(ab.abbreviations)],
        "introduction": ab.introduction}) or {}
    return data.get("items", []), data.get("introduction")


def source_date_epoch(root: Path, git_epoch: int | None) -> int:
    env = os.environ.get("SOURCE_DATE_EPOCH")
    if env and env.strip().isdigit():
        return int(env.strip())
    return git_epoch if git_epoch is not None else 0


def load_project(root: Path) -> Project:
    root = root.resolve()
    if not (root / "book.yaml").is_file():
        raise BookError(_err("book.yaml", None, f"no book.yaml in {root}: not a book project",
                             "book.missing"))
    meta = read_book_config(root)
    lines: dict[int, int] = getattr(meta, "_chapter_lines", {})
    seen: dict[str, int | None] = {}
    diags: list[Diagnostic] = []
    chapters: list[RawChapter] = []
    for i, rel in enumerate(meta.chapters):
        line = lines.get(i)
        if rel in seen:
            diags.append(_err("book.yaml", line, f"chapter '{rel}' is listed twice "
                              f"(first on line {seen[rel]})", "book.chapter-duplicate"))
            continue
        seen[rel] = line
        if "/" in rel or "\\" in rel or rel.startswith("."):
            diags.append(_err("book.yaml", line, f"chapter '{rel}' must be a file name inside chapters/",
                              "book.chapter-path"))
            continue
        try:
            chapters.append(read_chapter(root, rel, line))
        except BookError as exc:
            diags.extend(exc.diagnostics)
    try:
        glossary, glossary_intro, glossary_sources = read_glossary_file(root)
    except BookError as exc:
        diags.extend(exc.diagnostics)
        glossary, glossary_intro, glossary_sources = [], None, {}
    if diags:
        raise BookError(diags)
    version, git_epoch = git_version(root)
    if meta.date:  # book.yaml `date:` (which `edition new` writes) dates the editions
        import datetime

        day = datetime.date.fromisoformat(meta.date)
        git_epoch = int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp())
    apparatus = read_apparatus(root)
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return Project(root, meta, chapters, glossary, version, source_date_epoch(root, git_epoch),
                   apparatus=apparatus, dated=env.isdigit() or git_epoch is not None,
                   glossary_intro=glossary_intro, glossary_sources=glossary_sources)
