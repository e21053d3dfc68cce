"""Find and read a book project: book.yaml, chapters/, glossary.yaml.

This module (with the importers) is the only place that reads the user's
files.  Everything it returns is plain data with locations; every problem is
a Diagnostic with file and line.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from .diagnostics import BookError, Diagnostic, Severity
from .model import BookMeta, ChapterMeta, GlossaryEntry, Location, Person
from .yamlio import line_of, load_yaml, validate

MAX_CHAPTER_BYTES = 8 * 1024 * 1024  # refuse a chapter larger than this, clearly
PAGE_SIZES = ("A5", "A4", "Letter")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class BookConfig(_Strict):
    title: StrictStr
    slug: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    language: StrictStr = "en"
    subtitle: StrictStr | None = None
    short_title: StrictStr | None = None
    editor: StrictStr | None = None
    publisher: StrictStr | None = None
    description: StrictStr | None = None
    subjects: list[StrictStr] = []
    rights: StrictStr | None = None
    identifier: StrictStr | None = None
    page_size: Literal["A5", "A4", "Letter"] = "A5"
    chapters: list[StrictStr] = Field(min_length=1)
    silence: list[StrictStr] = []


class ChapterConfig(_Strict):
    title: StrictStr
    subtitle: StrictStr | None = None
    short_title: StrictStr | None = None
    author: StrictStr | None = None
    date: StrictStr | None = None
    original_publication: StrictStr | None = None
    source: StrictStr | None = None
    translator: StrictStr | None = None
    rights: StrictStr | None = None
    role: Literal["front", "body", "back"] = "body"
    kind: Literal["document", "editorial"] = "document"
    headnote: StrictStr | None = None


class GlossaryItem(_Strict):
    id: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    headword: StrictStr
    category: Literal["term", "organisation", "event", "periodical", "place"]
    forms: list[StrictStr] = []
    definition: StrictStr
    see: list[StrictStr] = []
    source: Literal["pamphlet", "editor"] = "editor"
    note: StrictStr | None = None
    explicit_only: list[StrictStr] = []

    @field_validator("forms")
    @classmethod
    def _nonblank(cls, v: list[str]) -> list[str]:
        for f in v:
            if not f.strip():
                raise ValueError("a form may not be blank")
        return v


class ChapterApparatus(_Strict):
    headnote: StrictStr | None = None
    short_title: StrictStr | None = None  # for running heads, when the title is long
    questions: list[StrictStr] = []


class ApparatusFile(_Strict):
    """apparatus.yaml: the editor's additions to each document, kept apart from its text."""

    chapters: dict[str, ChapterApparatus] = {}


class GlossaryFile(_Strict):
    entries: list[GlossaryItem] = []


class GlossaryEntryText(_Strict):
    source: StrictStr
    headword: StrictStr
    text: StrictStr


class PersonItem(_Strict):
    id: StrictStr = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    sort_name: StrictStr = Field(min_length=1)
    name: StrictStr = Field(min_length=1)
    dates: StrictStr | None = None
    identification: StrictStr = Field(min_length=1)
    forms: list[StrictStr] = []
    ambiguous: dict[StrictStr, list[StrictStr]] = {}
    sources: list[StrictStr] = []
    glossary_entry: GlossaryEntryText | None = None

    @field_validator("forms")
    @classmethod
    def _nonblank_forms(cls, v: list[str]) -> list[str]:
        for f in v:
            if not f.strip():
                raise ValueError("a form may not be blank")
        return v


class PersonsFile(_Strict):
    """persons.yaml: the register of persons (docs/persons.md)."""

    persons: list[PersonItem] = []


@dataclass
class RawChapter:
    path: Path
    rel: str
    meta: ChapterMeta
    headnote: str | None
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
    apparatus: dict[str, ChapterApparatus] | None = None


def _err(file: str, line: int | None, msg: str, code: str) -> Diagnostic:
    return Diagnostic(file, line, Severity.ERROR, msg, code)


def read_text(path: Path, rel: str) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BookError(_err(rel, None, "file not found", "file.missing")) from None
    except OSError as exc:
        raise BookError(_err(rel, None, f"cannot read: {exc.strerror}", "file.unreadable")) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BookError(
            _err(rel, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
                 "file.encoding")
        ) from None


def read_book_config(root: Path) -> BookMeta:
    rel = "book.yaml"
    text = read_text(root / rel, rel)
    node = load_yaml(text, rel)
    cfg = validate(BookConfig, node, rel, "book.yaml")
    seq = node.get("chapters")
    lines = {i: line_of(node, ("chapters", i)) for i in range(len(seq))} if isinstance(seq, list) else {}
    meta = BookMeta(**cfg.model_dump(), location=Location(rel))
    meta._chapter_lines = lines  # type: ignore[attr-defined]
    return meta


FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str, rel: str) -> tuple[ChapterConfig, str, int]:
    m = FRONT_MATTER.match(text)
    if not m:
        raise BookError(
            _err(rel, 1, "a chapter must begin with YAML front matter between '---' lines "
                 "(at least a title)", "chapter.front-matter")
        )
    node = load_yaml(m.group(1) or "", rel, line_offset=1)
    if node is None:
        node = {}
    cfg = validate(ChapterConfig, node, rel, "front matter", line_offset=1)
    body_line = text[: m.end()].count("\n") + 1
    return cfg, text[m.end():], body_line


def read_chapter(root: Path, rel: str, listed_at: int | None) -> RawChapter:
    path = root / "chapters" / rel
    shown = f"chapters/{rel}"
    try:  # a symbolic link may not lead out of the project (no file outside it is read)
        path.resolve().relative_to(root.resolve())
    except ValueError:
        raise BookError(_err(shown, None, "chapter is a link to a file outside the project",
                             "book.chapter-path")) from None
    if not path.is_file():
        raise BookError(_err("book.yaml", listed_at, f"chapter '{rel}' is listed but {shown} does not exist",
                             "book.chapter-missing"))
    if path.stat().st_size > MAX_CHAPTER_BYTES:
        raise BookError(_err(shown, None, f"chapter is larger than {MAX_CHAPTER_BYTES // (1024 * 1024)} MiB; "
                             "split it into several chapters", "chapter.too-large"))
    text = read_text(path, shown)
    cfg, body, body_line = split_front_matter(text, shown)
    if not body.strip():
        raise BookError(_err(shown, body_line, "chapter has no text after its front matter",
                             "chapter.empty"))
    data = cfg.model_dump()
    headnote = data.pop("headnote")
    meta = ChapterMeta(**data)
    return RawChapter(path, shown, meta, headnote, body, body_line, listed_at)


M = TypeVar("M", bound=BaseModel)


def read_model(root: Path, rel: str, model: type[M], what: str) -> tuple[M, Any] | None:
    """An optional YAML file of the project, validated against ``model``: the model and the
    YAML tree (for line numbers), or None when the file is absent or empty."""
    path = root / rel
    if not path.exists():
        return None
    node = load_yaml(read_text(path, rel), rel)
    if node is None:
        return None
    return validate(model, node, rel, what), node


def read_glossary(root: Path) -> list[GlossaryEntry]:
    rel = "glossary.yaml"
    read = read_model(root, rel, GlossaryFile, "glossary.yaml")
    if read is None:
        return []
    gl, node = read
    return [GlossaryEntry(**item.model_dump(), location=Location(rel, line_of(node, ("entries", i))))
            for i, item in enumerate(gl.entries)]


def read_apparatus(root: Path) -> dict[str, ChapterApparatus]:
    read = read_model(root, "apparatus.yaml", ApparatusFile, "apparatus.yaml")
    if read is None:
        return {}
    app, node = read
    for slug, item in app.chapters.items():
        item.__dict__["_line"] = line_of(node, ("chapters", slug))
    return dict(app.chapters)


def git_version(root: Path) -> tuple[str, int | None]:
    """Describe the checkout (tag/commit) and its last commit time, if git knows it."""
    try:
        desc = subprocess.run(["git", "describe", "--always", "--tags", "--dirty"], cwd=root,
                              capture_output=True, text=True, timeout=10)
        when = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root,
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unversioned", None
    version = desc.stdout.strip() if desc.returncode == 0 and desc.stdout.strip() else "unversioned"
    epoch = int(when.stdout.strip()) if when.returncode == 0 and when.stdout.strip().isdigit() else None
    return version, epoch


def read_persons(root: Path) -> list[Person]:
    """persons.yaml (a sibling of glossary.yaml): the register of persons, with line numbers."""
    rel = "persons.yaml"
    read = read_model(root, rel, PersonsFile, "persons.yaml")
    if read is None:
        return []
    data, node = read
    out = []
    for i, item in enumerate(data.persons):
        form_lines = {f: line_of(node, ("persons", i, "forms", j)) for j, f in enumerate(item.forms)}
        form_lines.update({f: line_of(node, ("persons", i, "ambiguous", f)) for f in item.ambiguous})
        fields = item.model_dump()
        entry = fields.pop("glossary_entry")
        out.append(Person(**fields, glossary_entry=entry,
                          location=Location(rel, line_of(node, ("persons", i))),
                          form_lines={f: ln for f, ln in form_lines.items() if ln is not None}))
    return out


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
        glossary = read_glossary(root)
    except BookError as exc:
        diags.extend(exc.diagnostics)
        glossary = []
    if diags:
        raise BookError(diags)
    version, git_epoch = git_version(root)
    apparatus = read_apparatus(root)
    return Project(root, meta, chapters, glossary, version, source_date_epoch(root, git_epoch),
                   apparatus=apparatus)
