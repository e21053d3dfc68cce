"""The one place that knows the order of the stages.

read (project) -> parse -> transforms -> renderers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .anchors import check_anchors
from .atomic import write_all
from .creators import compute_creators
from .diagnostics import BookError, Diagnostic, Reporter, Severity
from .import_record import load_import_records
from .lint.integrity import check_integrity
from .model import Book, Chapter, Location
from .parse import make_chapter, make_fragment, parse_entries
from .project import (
    Project,
    load_project,
    read_abbreviations,
    read_index_rules,
    read_persons_file,
    read_text,
)
from .terms import default_terms
from .transforms.abbreviations import check_abbreviations
from .transforms.figures import place_figures
from .transforms.glossary import link_glossary
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
    place_figures,  # images read through the gate, figures marked (transforms/figures.py)
    number_notes,
    resolve_xrefs,  # quoted cross-references (#slug:phrase) get their anchors
    index_persons,  # before the glossary: a glossary term is the longest match, names inside it
    #                 are the term's; a name is, place names inside it are not (transforms/persons.py)
    link_glossary,
    check_abbreviations,  # abbreviations.yaml: glossary ids exist, each is in the documents
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
        reporter.warning("book.yaml", None, "no date for the editions: SOURCE_DATE_EPOCH is not set "
                         "and the book is not in a git repository with a commit, so they are dated "
                         "1 January 1970 (set SOURCE_DATE_EPOCH, or commit the book)", "build.no-date")
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
    return book


@dataclass
class BuildResult:
    outputs: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


from .build_manifest import PACKAGE_STYLES  # noqa: E402  the defaults, shipped


def styles_dir(root: Path) -> Path:
    """The book's own ``styles/`` (which may be absent: the package's defaults serve)."""
    return root / "styles"


def style_file(root: Path, name: str) -> tuple[Path, Path]:
    """(path, the folder the gate keeps it inside) of ``styles/<name>``: the book's own file
    if it has one, else the package's default (per file: a book may override print.css
    alone and keep the shipped fonts)."""
    own = styles_dir(root) / name
    if own.exists() or own.is_symlink():
        return own, root
    return PACKAGE_STYLES / name, PACKAGE_STYLES


def read_font_credit(root: Path) -> str | None:
    """The credit line of the print faces, kept beside them (styles/fonts/CREDIT.txt)."""
    path, inside = style_file(root, "fonts/CREDIT.txt")
    if not path.is_file():
        return None
    return " ".join(read_text(path, "styles/fonts/CREDIT.txt", inside).split()) or None


def read_style(root: Path, name: str) -> tuple[str, Path]:
    """A style sheet, through the gate, and the folder its relative references start from;
    a reference to anything outside the project (or, for the EPUB's, which is shipped alone,
    to any other file) is an error at its line."""
    rel = f"styles/{name}"
    path, inside = style_file(root, name)
    text = read_text(path, rel, inside)
    errors = [Diagnostic(rel, line, Severity.ERROR, msg, "css.reference")
              for line, msg in css_references(text, local_ok=name != "epub.css")]
    if errors:
        raise BookError(errors)
    return text, path.parent


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.S)
_CSS_REF = re.compile(r"@import\s*(?:url\(\s*)?[\"']?\s*([^\"')\s;]*)|\burl\(\s*[\"']?\s*([^\"')\s]*)", re.I)


def css_references(css: str, local_ok: bool) -> list[tuple[int, str]]:
    """(line, problem) for every @import and url() that leads out of the project (a scheme,
    ``//host``, an absolute path, ``..``); with ``local_ok`` False, for every one but ``data:``."""

    def unescape(m: re.Match[str]) -> str:
        if m.group(1):
            try:
                return chr(int(m.group(1), 16))
            except (ValueError, OverflowError):
                return "?"
        return m.group(2)

    text = _CSS_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), css)
    text = _CSS_ESCAPE.sub(unescape, text)  # u\72l( is url(
    out = []
    for m in _CSS_REF.finditer(text):
        target = (m.group(1) if m.group(1) is not None else m.group(2)) or ""
        line = text.count("\n", 0, m.start()) + 1
        if target.lower().startswith("data:"):
            continue
        remote = bool(re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//|/|\\", target)) or ".." in target.split("/")
        if remote:
            out.append((line, f"'{target}' is outside the project: the editions load nothing from "
                              "elsewhere"))
        elif not local_ok:
            out.append((line, f"'{target}': the e-book's style sheet is shipped alone and may "
                              "refer to no other file"))
    return out


def build(root: Path, targets: list[str], reporter: Reporter, out_dir: Path | None = None,
          page_size: str | None = None, progress: Callable[[str], None] | None = None,
          print_shop: bool = False, force: bool = False) -> BuildResult:
    from . import build_manifest  # skip outputs whose inputs are unchanged

    manifest = build_manifest.plan(root, out_dir, targets, page_size, print_shop, force)
    if "pdf" in manifest.stale:
        manifest.fresh.pop("epub", None)  # a new PDF, a new page list for the EPUB
        manifest.fresh.pop("kepub", None)
    elif ("epub" in manifest.stale or "kepub" in manifest.stale) and "pdf" in manifest.fresh:  # its page map?
        from .render import pagemap

        if pagemap.cached(manifest.out_dir, pagemap.inputs_key(root)) is None:
            manifest.fresh.pop("pdf")  # gone: lay the PDF out again, for the EPUB's page list
    if not manifest.stale:  # every output up to date: nothing is loaded, imported or rendered
        build_manifest.replay(manifest, reporter)
        return BuildResult(skipped=[f.path for f in manifest.fresh.values()])
    targets = manifest.stale
    from .render.epub import build_epub

    book = load_book(root, reporter)
    root = book.root
    if page_size:
        book.meta.page_size = page_size
    if reporter.failed():
        raise BookError(reporter.errors or reporter.warnings)
    before, n = list(reporter.items), len(reporter.items)  # diagnostics, kept with the outputs
    during: dict[str, list[Diagnostic]] = {}  # target -> what its renderer reported
    out_dir = out_dir or root / "build"
    result = BuildResult()
    say = progress or (lambda s: None)
    # All or nothing: every edition is rendered in memory first and written (each to a
    # temporary file renamed into place) only when all have succeeded, so a failed or
    # interrupted PDF stage leaves the previous EPUB and PDF in build/ as they were.
    pending: list[tuple[Path, bytes]] = []
    # The PDF first: its page map gives the EPUB the print edition's page list
    # (render/pagemap.py, render/epub_pages.py); an EPUB already beside it is refreshed.
    from .render import pagemap

    beside = [t for t, suffix in (("epub", ".epub"), ("kepub", ".kepub.epub"))
              if t not in targets and (out_dir / f"{book.meta.slug}{suffix}").is_file()]
    if "pdf" in targets and beside:
        manifest = build_manifest.plan(root, out_dir, [*targets, *beside], page_size, print_shop, force=True)
        targets = manifest.stale
    map_key = pagemap.inputs_key(root) if {"epub", "kepub", "pdf"} & set(targets) else ""
    new_map: dict | None = None
    if "pdf" in targets:
        from .render.pdf import PdfError, geometry_css, render_pdf, stylesheet_location

        css, css_dir = read_style(root, "print.css")
        own_lines = len(css.splitlines())
        css += geometry_css(book.meta.page_size, print_shop)

        def pdf_warning(message: str, where: Location | None, code: str) -> None:
            # a layout warning at the text that caused it; WeasyPrint's own (bad CSS, a
            # file it could not load) at the style sheet's line, or the sheet itself
            if where is None and (where := stylesheet_location(message, "styles/print.css", css,
                                                               own_lines)):
                code = "pdf.css"
            for prefix in (root.resolve().as_uri() + "/", str(root.resolve()) + "/"):
                message = message.replace(prefix, "")  # project paths as the editor writes them
            reporter.warning(where.file if where else "styles/print.css",
                             where.line if where else None, message, code)

        from . import layout_seed

        seed_variant = build_manifest.variant("pdf", book.meta.page_size, print_shop)
        try:
            laid = render_pdf(book, css_dir, css, progress=say, warn=pdf_warning,
                              seed=layout_seed.load(root, seed_variant))
        except PdfError as exc:
            raise BookError(Diagnostic("book.yaml", None, Severity.ERROR, f"PDF: {exc}", "build.pdf")) from None
        suffix = "-print-shop" if print_shop else ""
        pending.append((out_dir / f"{book.meta.slug}{suffix}.pdf", laid.data))
        during["pdf"], n = reporter.items[n:], len(reporter.items)
        new_map = pagemap.make(book, pending[-1][0].name, laid.data, laid.page_map, map_key, print_shop)
    if "epub" in targets or "kepub" in targets:
        from .render.epub import LinkError

        say("writing EPUB")
        page_map = new_map or pagemap.cached(out_dir, map_key)  # the page list, if the PDF is current
        try:
            data = build_epub(book, read_style(root, "epub.css")[0], page_map=page_map)
        except LinkError as exc:
            raise BookError(Diagnostic("book.yaml", None, Severity.ERROR, f"EPUB: {exc}", "build.epub")) from None
        if "epub" in targets:
            pending.append((out_dir / f"{book.meta.slug}.epub", data))
            during["epub"], n = reporter.items[n:], len(reporter.items)
        if "kepub" in targets:  # the Kobo edition: the EPUB as kepubify makes it (render/kepub.py)
            from .render.kepub import build_kepub

            pending.append((out_dir / f"{book.meta.slug}.kepub.epub", build_kepub(data, book.meta.language)))
            during["kepub"], n = reporter.items[n:], len(reporter.items)
    outputs = list(pending)
    if new_map is not None:  # beside the PDF: `edition build epub` reuses it while current
        outputs.append((out_dir / pagemap.FILENAME, pagemap.to_bytes(new_map)))
    try:  # all aside first, then moved into place together (atomic.write_all)
        write_all(outputs)
    except OSError as exc:
        raise BookError(Diagnostic(str(out_dir), None, Severity.ERROR, f"cannot write: {exc.strerror}",
                                   "build.write")) from None
    if new_map is not None:  # the next build's layout starts from these numbers
        layout_seed.save(root, seed_variant, laid.seed)
    result.outputs += [path for path, _ in pending]
    for target, (path, data) in zip(during, pending, strict=True):
        manifest.remember(target, path, data, before, during[target])
    manifest.save()
    build_manifest.replay(manifest, reporter)
    result.skipped = [f.path for f in manifest.fresh.values()]
    return result
