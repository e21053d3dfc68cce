"""The one place that knows the order of the stages.

read (project) -> parse -> transforms -> renderers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import build_manifest, outputs
from .anchors import check_anchors
from .atomic import write_all
from .creators import compute_creators
from .diagnostics import BookError, Diagnostic, Reporter, Severity
from .import_record import load_import_records
from .lint.integrity import check_integrity
from .model import Book, Chapter
from .parse import make_chapter, make_fragment, parse_entries
from .project import (
    Project,
    load_project,
    read_abbreviations,
    read_index_rules,
    read_persons_file,
)
from .style import (  # noqa: F401
    css_references,
    layered_style,
    read_font_credit,
    read_style,
    style_file,
    styles_dir,
)
from .terms import default_terms
from .transforms.abbreviations import check_abbreviations
from .transforms.credits import check_credits
from .transforms.figures import place_figures
from .transforms.glossary import link_glossary
from .transforms.house_style import apply_house_style
from .transforms.languages import check_languages
from .transforms.notes import number_notes
from .transforms.persons import index_persons
from .transforms.sanitize import sanitize
from .transforms.structure import check_structure
from .transforms.xref import resolve_xrefs

Transform = Callable[[Book, Reporter], Book]

# The ordered list of transforms.  Each is a plain function Book -> Book.
TRANSFORMS: list[Transform] = [
    check_integrity,  # chapter slugs, glossary see-cycles: errors that stop a build
    check_structure,  # unclosed or unknown ::: containers, nesting the parser would drop
    sanitize,
    check_credits,  # the editor's cover and choice of back matter (transforms/credits.py)
    check_languages,  # BCP 47 tags of the book, chapters and passages (transforms/languages.py)
    place_figures,  # images read through the gate, figures marked (transforms/figures.py)
    number_notes,
    resolve_xrefs,  # quoted cross-references (#slug:phrase) get their anchors
    index_persons,  # before the glossary: a glossary term is the longest match, names inside it
    #                 are the term's; a name is, place names inside it are not (transforms/persons.py)
    link_glossary,
    check_abbreviations,  # abbreviations.yaml: glossary ids exist, each is in the documents
    apply_house_style,  # book.yaml house_style: dashes, ranges, ellipses, initials, calls; on record
    check_anchors,  # every #anchor link lands: else an error at the link's file and line
]


def slug_of(rel: str) -> str:
    """"03-letters.md" -> "letters": the number orders files, the slug names the chapter.  The
    slug names the e-book file and the ids, so it is kept to a-z, 0-9 and '-' ("99-my
    chapter's text.md" -> "my-chapter-s-text"); "chapter" if nothing is left."""
    import unicodedata

    stem = rel.rsplit(".", 1)[0]
    parts = stem.split("-", 1)
    if len(parts) == 2 and parts[0].isdigit():
        stem = parts[1]
    ascii_ = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-") or "chapter"


def parse_project(project: Project) -> Book:
    chapters: list[Chapter] = []
    for n, raw in enumerate(project.chapters, 1):
        ch = make_chapter(slug_of(raw.rel.split("/")[-1]), raw.rel, raw.path, raw.meta, raw.body,
                          raw.body_line)
        ch.number = n
        if raw.headnote:
            ch.meta.headnote = make_fragment(raw.headnote, raw.rel, raw.headnote_line)
        app = (project.apparatus or {}).get(ch.slug)
        if app is not None:  # apparatus.yaml: the editor's headnote and questions
            rel = "apparatus.yaml"
            if app.headnote:
                ch.meta.headnote = make_fragment(app.headnote, rel, app.headnote_line or app.line)
            if app.short_title:
                ch.meta.short_title = app.short_title
            lines = app.question_lines + [None] * (len(app.questions) - len(app.question_lines))
            ch.meta.questions = [make_fragment(q, rel, ln or app.line)
                                 for q, ln in zip(app.questions, lines, strict=True)]
        chapters.append(ch)
    unknown = sorted(set(project.apparatus or {}) - {c.slug for c in chapters})
    if unknown:
        raise BookError([Diagnostic("apparatus.yaml",
                                    (project.apparatus or {})[u].line,
                                    Severity.ERROR, f"no chapter with slug '{u}' in book.yaml",
                                    "apparatus.unknown-chapter") for u in unknown])
    return Book(root=project.root, meta=project.meta, chapters=chapters, glossary=project.glossary,
                version=project.version, source_date_epoch=project.source_date_epoch,
                glossary_intro=project.glossary_intro, glossary_sources=project.glossary_sources,
                terms=default_terms(project.root))  # through the memo (load_book sets the book's own)


def load_book(root: Path, reporter: Reporter) -> Book:
    """Read, parse and transform.  Raises BookError on a problem that stops everything."""
    project = load_project(root)
    reporter.silenced |= set(project.meta.silence)
    if not project.dated:  # said, not hidden: the copyright page would say 1970 silently
        reporter.warning("book.yaml", None, "no date for the editions: SOURCE_DATE_EPOCH is not set, "
                         "book.yaml has no `date:` and the book is not in a git repository with a "
                         "commit, so they are dated 1 January 1970 (give `date: YYYY-MM-DD` in "
                         "book.yaml)", "build.no-date")
    book = parse_project(project)
    from .terms import load_terms  # the labels of the editions, in the book's language

    book.terms = load_terms(project.root, project.meta.language, reporter)
    # the register of persons (persons.yaml): persons, introduction, family tree
    book.persons, book.persons_intro, book.family = read_persons_file(project.root)
    from .render.index import index_rules

    book.index_rules = index_rules(book.terms, read_index_rules(project.root))
    book.abbreviations, book.abbreviations_intro = read_abbreviations(project.root)
    book.font_credit = read_font_credit(project.root)
    book.meta.creators = compute_creators(book)  # authors, translators, editor (edition/creators.py)
    parse_entries(book)  # their Markdown, and the glossary's, parsed once like the chapters
    for transform in TRANSFORMS:
        book = transform(book, reporter)
    # what `edition import` recorded of each source (sources/records/): data, no importer runs
    book.import_records = load_import_records(book.root, [(ch.path.name, ch.meta.title, ch.anchor)
                                                          for ch in book.chapters])
    from .render.backmatter import mark_corrections

    mark_corrections(book)  # the Textual Notes' pages: an anchor at each correction
    return book


@dataclass
class BuildResult:
    outputs: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    notes: dict[Path, str] = field(default_factory=dict)  # said after "wrote <path>"


def build(root: Path, targets: list[str], reporter: Reporter, out_dir: Path | None = None,
          page_size: str | None = None, progress: Callable[[str], None] | None = None,
          print_shop: bool = False, force: bool = False, profile: str | None = None,
          options: dict | None = None) -> BuildResult:
    """Build ``targets`` (names in ``outputs.OUTPUTS``): each output after what it needs, all
    rendered in memory first and written together, or none (``atomic.write_all``).
    ``profile``: a print layout's variant (``render/profiles.py``; its PDF has no page map);
    ``options``: the outputs' own (``Output.options``: the booklet's signature and creep)."""
    options = options or {}
    targets = outputs.with_needs(targets)  # the booklet's PDF, the web edition's
    manifest = _plan(root, out_dir, targets, page_size, print_shop, force, profile, options)
    if not manifest.stale:  # every output up to date: nothing is loaded, imported or rendered
        build_manifest.replay(manifest, reporter)
        return BuildResult(skipped=[f.path for f in manifest.fresh.values()])
    book = load_book(root, reporter)
    root = book.root
    if page_size:
        book.meta.page_size = page_size
    if reporter.failed():
        raise BookError(reporter.errors or reporter.warnings)
    before, n = list(reporter.items), len(reporter.items)  # diagnostics, kept with the outputs
    if not profile:  # a profile's pages are not the e-books' page list
        manifest = _beside(manifest, book.meta.slug, page_size, print_shop, out_dir, options)
    out_dir = out_dir or root / "build"
    targets = manifest.stale
    # All or nothing: every edition is rendered in memory first and written (each to a
    # temporary file renamed into place) only when all have succeeded, so a failed or
    # interrupted PDF stage leaves the previous EPUB and PDF in build/ as they were.
    made: dict[str, bytes] = {}
    written: list[tuple[outputs.Output, Path, list[Diagnostic]]] = []  # what its renderer reported
    extra: list[tuple[Path, bytes]] = []
    after: list[Callable[[], None]] = []
    shared: dict[str, object] = {}
    memo: dict[str, object] = {}
    notes: dict[Path, str] = {}
    for output in outputs.order(targets):
        fresh = manifest.fresh.get(output.name)
        if output.name not in targets and fresh is not None:  # needed, and up to date on disk
            data = fresh.read()
            if data is not None:
                made[output.name] = data
                continue
        job = outputs.Job(output, root, out_dir, book, reporter, progress or (lambda s: None),
                          page_size, print_shop, profile, options, made, shared, memo)
        made[output.name] = output.run(job)
        extra += job.extra
        after += job.after
        if job.note:
            notes[job.path] = job.note
        if output.name in targets:  # (an output only needed by another is not written)
            written.append((output, job.path, reporter.items[n:]))
            n = len(reporter.items)
    from .render.backmatter import RECORD_SUFFIX, machine_record

    if record := machine_record(book):  # file names, patterns, checksums: for machines, not the book
        extra.append((out_dir / f"{book.meta.slug}{RECORD_SUFFIX}", record))
    try:  # all aside first, then moved into place together (atomic.write_all)
        write_all([(path, made[o.name]) for o, path, _ in written if not o.folder] + extra)
        for step in after:  # a folder swapped in; the next build's layout starts from these numbers
            step()
    except OSError as exc:
        raise BookError(Diagnostic(str(out_dir), None, Severity.ERROR, f"cannot write: {exc.strerror}",
                                   "build.write")) from None
    result = BuildResult(outputs=[path for _, path, _ in written], notes=notes)
    for o, path, during in written:
        if not o.folder:  # a folder is built again each time (not in the manifest)
            manifest.remember(o.name, path, made[o.name], before, during)
    manifest.save()
    build_manifest.replay(manifest, reporter)
    result.skipped = [f.path for f in manifest.fresh.values()]
    return result


def _plan(root: Path, out_dir: Path | None, targets: list[str], page_size: str | None,
          print_shop: bool, force: bool, profile: str | None, options: dict) -> build_manifest.Plan:
    """The manifest's plan, with what outputs provide each other (``Output.provides``): a
    provider made again makes again the outputs that need its product (a new PDF, a new page
    list for the EPUB); a provider whose product is gone is made again for them."""
    manifest = build_manifest.plan(root, out_dir, targets, page_size, print_shop, force, profile,
                                   options=options)
    for name in list(manifest.keys):
        provider = outputs.by_name()[name]
        if not provider.provides:
            continue
        users = outputs.consumers(provider)
        if name in manifest.stale:
            for o in users:
                manifest.fresh.pop(o.name, None)
        elif any(o.name in manifest.stale for o in users) and not outputs.kept(provider, root,
                                                                               manifest.out_dir):
            manifest.fresh.pop(name)  # gone: made again, for the outputs that need it
    for o in outputs.OUTPUTS:  # an output made from another that is made again is made again
        if o.name in manifest.fresh and any(p.name in manifest.stale and o.after(p)
                                            for p in outputs.OUTPUTS if p.name in manifest.keys):
            manifest.fresh.pop(o.name)
    return manifest


def _beside(manifest: build_manifest.Plan, slug: str, page_size: str | None, print_shop: bool,
            out_dir: Path | None, options: dict) -> build_manifest.Plan:
    """The outputs not asked for that need what a provider made again provides, and whose
    files are beside it, are refreshed too (an EPUB beside a new PDF: its page list)."""
    beside = [o.name for name in manifest.stale if outputs.by_name()[name].provides
              for o in outputs.consumers(outputs.by_name()[name])
              if o.name not in manifest.keys and not o.folder and not o.writes_needs
              and (manifest.out_dir / o.file(slug, print_shop)).is_file()]
    if not beside:
        return manifest
    return build_manifest.plan(manifest.root, out_dir, [*manifest.stale, *dict.fromkeys(beside)],
                               page_size, print_shop, force=True, keep_reads=True, options=options)
