"""The fidelity check run by ``edition check``.

(a) every source file still has the SHA-256 its record gives      [source.changed]
(b) every chapter imported from a source says what a fresh import says, word for word,
    once the editor's additions are taken out                     [fidelity.unrecorded]
(c) every import accounts for every word of its source            [import.unaccounted]
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import BookError, Diagnostic, Reporter, Severity
from ..project import read_text, split_front_matter
from .base import ImportResult, Line, SourceEntry
from .reading import import_one, source_text
from .sources import SOURCES_YAML, apply_correction, load_sources, pattern_lines, sha256_of

Imported = dict[str, tuple[ImportResult, list[Diagnostic]]]


def check_fidelity(root: Path, reporter: Reporter, imported: Imported | None = None,
                   sources: dict | None = None) -> None:
    """``imported``: source id -> an import already made in this process (the book's record),
    so that ``edition check`` runs each importer once; ``sources``: sources.yaml as
    ``load_sources`` read it, if the caller already has it."""
    if sources is None:
        if not (root / SOURCES_YAML).is_file():
            return
        try:
            sources = load_sources(root)
        except BookError as exc:
            reporter.extend(exc.diagnostics)
            return
    for record, line in sources.values():
        path = root / "sources" / record.file
        if path.is_file() and (digest := sha256_of(path)) != record.sha256:
            reporter.error(f"sources/{record.file}", None,
                           f"source file changed: its SHA-256 is {digest[:12]}…, "
                           f"{SOURCES_YAML}:{line} records {record.sha256[:12]}… "
                           "(sources are kept byte for byte as received)", "source.changed")
    check_imports(root, sources, reporter, imported or {})


# ---------------------------------------------------------------------------- words

SPACES = re.compile(r"[\u00a0\u202f\u2009\u2007]")
# the editor's additions: notes labelled ed-… or tr-… (calls and definitions, wherever they
# stand), spans and fenced divs of an editorial class, attribute spans
_NOTE_DEF = re.compile(r"^\[\^((?:ed|tr)-[^\]]*)\]:.*(?:\n(?:(?: {4}|\t).*|[ \t]*(?=\n(?: {4}|\t))))*", re.M)
_NOTE_CALL = re.compile(r"\[\^((?:ed|tr)-[^\]]*)\]")
#: classes that mark the editor's (or translator's) words: ``[words]{.ed}``, ``::: {.ed}``
EDITORIAL_CLASSES = ("ed", "editor", "editorial", "tr", "translator", "added")
_ED_CLASS = r"\{[^{}]*\.(?:" + "|".join(EDITORIAL_CLASSES) + r")(?![\w-])[^{}]*\}"
_ED_SPAN = re.compile(r"\[[^\[\]]*\]" + _ED_CLASS)
_ED_DIV = re.compile(r"^(:{3,})[ \t]*" + _ED_CLASS + r"[ \t]*\n(?:.*\n)*?\1[ \t]*$", re.M)
_SPAN = re.compile(r"\[([^\[\]]*)\]\{[^{}]*\}")
_ATTR = re.compile(r"\{(?:[.#][\w-]+|\w+=[^{}\s]*)(?:\s+(?:[.#][\w-]+|\w+=[^{}\s]*))*\}")
# Markdown that is not the author's words
_BLOCK = re.compile(r"^(?:#{1,6}\s+|>\s?|:::.*$)", re.M)
_EMPH = re.compile(r"(?<!\\)[*_]+")
_ESC = re.compile(r"\\(.)")
_HARD = re.compile(r"\\$", re.M)
_WORD = re.compile(r"\S+")


def strip_editorial(body: str, imported: frozenset[str] = frozenset()) -> str:
    """A chapter body without the editor's additions (same number of lines): notes labelled
    ``ed-…`` or ``tr-…`` (but not those of ``imported``, the labels the import itself makes
    of the source's notes: ``tr-3``), spans ``[…]{.ed}`` and fenced divs ``::: {.ed}`` of an
    EDITORIAL_CLASSES class with their words, and the attributes of any other span."""
    def blank(m: re.Match[str]) -> str:
        return "\n" * m.group(0).count("\n")

    body = _NOTE_DEF.sub(lambda m: m.group(0) if m.group(1) in imported else blank(m), body)
    body = _NOTE_CALL.sub(lambda m: m.group(0) if m.group(1) in imported else "", body)
    body = _ED_DIV.sub(blank, body)
    body = _ED_SPAN.sub("", body)
    body = _SPAN.sub(r"\1", body)
    return _ATTR.sub("", body)


def note_labels(body: str) -> frozenset[str]:
    """The labels of the notes a body defines (``[^label]:``)."""
    return frozenset(re.findall(r"^\[\^([^\]]+)\]:", body, re.M))


def markdown_words(body: str, first_line: int = 1) -> list[tuple[str, int]]:
    """The words of a Markdown body with their line numbers, markup taken out."""
    out: list[tuple[str, int]] = []
    for n, line in enumerate(body.split("\n"), start=first_line):
        line = _HARD.sub("", line)
        line = _BLOCK.sub("", line)
        line = _EMPH.sub("", line)
        line = _ESC.sub(r"\1", line)
        line = SPACES.sub(" ", line)
        out.extend((w, n) for w in _WORD.findall(line))
    return out


@dataclass(frozen=True)
class Difference:
    line: int  # line in the file the words are reported against
    kind: str  # "added", "dropped", "changed"
    ours: str  # the words on the side reported against
    theirs: str  # the words on the other side


def diff_words(ours: list[tuple[str, int]], theirs: list[tuple[str, int]],
               fold: Callable[[str], str] = lambda w: w) -> list[Difference]:
    """Word differences, each placed at a line of ``ours``."""
    a = [fold(w) for w, _ in ours]
    b = [fold(w) for w, _ in theirs]
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        line = ours[i1][1] if i1 < len(ours) else (ours[-1][1] if ours else 1)
        kind = {"replace": "changed", "delete": "added", "insert": "dropped"}[tag]
        out.append(Difference(line, kind, " ".join(w for w, _ in ours[i1:i2]),
                              " ".join(w for w, _ in theirs[j1:j2])))
    return out


def _diff(ours: list[tuple[str, int]], theirs: list[tuple[str, int]],
          fold: Callable[[str], str] = lambda w: w) -> list[Difference]:
    """``diff_words`` on the part between the common beginning and end (fast on long texts)."""
    a = [fold(w) for w, _ in ours]
    b = [fold(w) for w, _ in theirs]
    lo = 0
    while lo < len(a) and lo < len(b) and a[lo] == b[lo]:
        lo += 1
    hi = 0
    while hi < len(a) - lo and hi < len(b) - lo and a[-1 - hi] == b[-1 - hi]:
        hi += 1
    if lo == len(a) and lo == len(b):
        return []
    mid_a = ours[lo : len(ours) - hi]
    mid_b = theirs[lo : len(theirs) - hi]
    if not mid_a:  # words dropped: report them at the line where they would be
        at = ours[lo - 1][1] if lo else (ours[0][1] if ours else 1)
        return [Difference(at, "dropped", "", " ".join(w for w, _ in mid_b))]
    return diff_words(mid_a, mid_b, fold)


# ---------------------------------------------------------------------------- (b) chapters

def check_chapter(root: Path, rel: str, record: SourceEntry, result: ImportResult) -> list[Diagnostic]:
    """Chapter text (the editor's additions removed) against a fresh import, word by word."""
    text = read_text(root / rel, rel)
    cfg, body, body_line = split_front_matter(text, rel)
    diags = []
    if cfg.get("source") != record.id:
        diags.append(Diagnostic(rel, 1, Severity.WARNING, f"front matter names source "
                                f"'{cfg.get('source')}', sources.yaml imports '{record.id}' into it",
                                "fidelity.source"))
    ours = markdown_words(strip_editorial(body, note_labels(result.body)), body_line)
    theirs = markdown_words(result.body)
    for d in _diff(ours, theirs):
        diags.append(Diagnostic(rel, d.line, Severity.ERROR,
                                f"words {d.kind} without a record: the chapter reads "
                                f"{d.ours!r}, the import of sources/{record.file} reads "
                                f"{d.theirs!r}", "fidelity.unrecorded"))
    return diags


# ---------------------------------------------------------------------------- (c) imports

QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"'})
_DEF = re.compile(r"^\[\^(?:[a-z]+-)?(\d+)\]:\s?", re.M)
_CALL = re.compile(r"\[\^(?:[a-z]+-)?(\d+)\]")

#: the mechanical rules an import may apply without a record of each instance
RULES = {
    "markup": "Markdown markup (headings, emphasis, containers, escapes, hard breaks)",
    "notes": "[N] calls and the N. notes list become [^N] / [^tr-N] footnotes",
    "quotes": "straight quotes curled (' \" -> ‘ ’ “ ”)",
    "spaces": "spaced initialisms get U+202F; U+00A0 counts as a space",
    "joins": "a word broken by a line-end hyphen, or letter-spaced, is joined; spaces "
             "around a dash are closed up",
    "separators": "a line matching the source's separator pattern (sources.yaml) becomes a "
                  "paragraph or section break",
}


_DASHES = ("—", "–")


def _is_join(a: list[str], b: list[str]) -> bool:
    """Rule "joins": the same letters, re-spaced by a mechanical rule: a word broken by
    a line-end hyphen, a letter-spaced word, or spaces closed up around a dash."""
    if len(a) <= len(b) or not b:
        return False
    sa = "".join(a).translate(QUOTES)
    sb = "".join(b).translate(QUOTES)
    hyphen = any(w.endswith(("-", "\u00ad")) for w in a[:-1])
    spaced = sum(1 for w in a if len(w) == 1) >= len(a) - len(b)
    dash = any(w.startswith(_DASHES) or w.endswith(_DASHES) for w in a)
    if sa == sb:
        return hyphen or spaced or dash
    return hyphen and sa.replace("-", "") == sb.replace("-", "")


_BREAK = re.compile(r"^\s*(?:\*\s*){3,}$")


_SRC_CALL = re.compile(r"\s?\[(\d+)\]")


@dataclass
class Tally:
    """An import's word accounting: words of the source's readable text, words in the
    chapter the import makes, words removed on record, and what is left unaccounted for."""

    source: int
    chapter: int
    removed: int
    differences: list[Difference]

    @property
    def unaccounted(self) -> int:
        return sum(max(len(d.ours.split()), len(d.theirs.split())) for d in self.differences)

    def line(self, sid: str) -> str:
        return (f"{sid}: {self.source} word(s) in the source, {self.chapter} in the chapter, "
                f"{self.removed} removed on record, {self.unaccounted} unaccounted")


def _drop_words(by_src: dict[int, list[Line]], first: int, last: int, text: str) -> bool:
    """Take the words of ``text`` (a removal) out of the lines from source line ``first`` to
    ``last``, where they stand in a row (any white space between them); False when they do
    not.  A regular expression over the lines joined: fast on a page that is one long line."""
    want = _WORD.findall(SPACES.sub(" ", text))
    span = [ln for n in range(first, last + 1) for ln in by_src.get(n, [])]
    if not want or not span:
        return False
    joined = "\n".join(SPACES.sub(" ", ln.text) for ln in span)
    m = re.compile(r"(?<!\S)" + r"\s+".join(re.escape(w) for w in want) + r"(?!\S)").search(joined)
    if m is None:
        return False
    blanked = joined[: m.start()] + re.sub(r"\S", " ", m.group()) + joined[m.end():]
    for ln, part in zip(span, blanked.split("\n"), strict=True):
        ln.text = part
    return True


def account(text: str, record: SourceEntry, result: ImportResult) -> list[Difference]:
    """The source words the import neither keeps nor has on record (``tally``)."""
    return tally(text, record, result).differences


def tally(text: str, record: SourceEntry, result: ImportResult) -> Tally:
    """Source words vs imported words, after the record (removals, corrections) and the
    mechanical RULES: what is left is unaccounted for.  Reported at source lines.

    A source that is not plain text (an HTML page) is read through its importer's
    ``source_view``: its text as lines, each with the source line it stands on.  A removal
    takes its own words out of the lines it names (where they stand in a row); else, as
    before, the whole lines."""
    from .registry import load

    view = getattr(load(record.importer), "source_view", None)
    lines = view(text, record) if view is not None else [Line(t, i + 1) for i, t in enumerate(text.split("\n"))]

    def count() -> int:
        return sum(len(_WORD.findall(SPACES.sub(" ", ln.text))) for ln in lines)

    n_source = count()
    if record.separator:  # rule "separators": declared once in sources.yaml (text.separators)
        from ..userregex import compile_user, search

        sep = compile_user(record.separator)  # with a time limit (userregex.py)
        for ln in lines:
            if search(sep, " ".join(ln.text.replace("\u00a0", " ").split())):
                ln.text = ""
    by_src: dict[int, list[Line]] = {}
    by_text: dict[tuple[int, str], list[Line]] = {}  # a line by its text, found at once
    for ln in lines:
        by_src.setdefault(ln.src, []).append(ln)
        by_text.setdefault((ln.src, ln.text.strip()), []).append(ln)
    for r in result.removed:
        if r.line == r.end:
            group = by_src.get(r.line, [])
            whole = [ln for ln in by_text.get((r.line, r.text.strip()), [])
                     if ln.text.strip() == r.text.strip()]
            part = [] if whole else [ln for ln in group if r.text in ln.text]
            if whole:
                whole[0].text = ""
            elif part:
                part[0].text = part[0].text.replace(r.text, " ", 1)
            elif not _drop_words(by_src, r.line, r.end, r.text):
                for ln in group:
                    ln.text = ""
            continue
        if _drop_words(by_src, r.line, r.end, r.text):
            continue
        for n in range(r.line, r.end + 1):
            for ln in by_src.get(n, []):
                ln.text = ""
    n_removed = n_source - count()
    for c in result.applied:
        apply_correction(lines, c)
    for ln in lines:  # rule "markup": a section break "* * *" is Markdown's too
        if _BREAK.match(ln.text):
            ln.text = ""
    # rule "notes": a call right after a word or a full stop ("end.[1]") is a word of its own
    src_words = [(w, ln.src) for ln in lines  # a Markdown source's own [^N] notes: as the body's
                 for w in _WORD.findall(_SRC_CALL.sub(r" [\1]", SPACES.sub(
                     " ", _CALL.sub(r" [\1]", _DEF.sub(r"\1. ", ln.text)))))]
    body = _DEF.sub(r"\1. ", result.body)
    body = _CALL.sub(r" [\1]", body)
    imp_words = markdown_words(body)
    out = []
    for d in _diff(src_words, imp_words, fold=lambda w: w.translate(QUOTES)):
        if d.kind == "changed" and _is_join(d.ours.split(), d.theirs.split()):
            continue
        out.append(d)
    return Tally(n_source, len(imp_words), n_removed, out)


def pattern_warnings(record: SourceEntry, result: ImportResult, count: Tally,
                     lines: dict[tuple[str, str, int], int]) -> list[Diagnostic]:
    """A line pattern of the source's entry (strip, start_after, end_before, separator) that
    removes nothing, or more than half the source's words, is a warning at its line in
    sources.yaml: it is probably not the pattern meant."""
    out: list[Diagnostic] = []
    half = count.source / 2

    def words_of(reason_end: str) -> tuple[int, int]:
        hits = [r for r in result.removed if r.reason.endswith(reason_end)]
        return len(hits), sum(len(_WORD.findall(r.text)) for r in hits)

    checks = [("strip", j, p, f"the strip pattern {p!r}") for j, p in enumerate(record.strip)]
    checks += [(k, 0, getattr(record, k), f"{k} {getattr(record, k)!r}")
               for k in ("start_after", "end_before") if getattr(record, k)]
    for key, j, _pat, tail in checks:
        n, words = words_of(tail)
        where = lines.get((record.id, key, j))
        if n == 0:
            out.append(Diagnostic(SOURCES_YAML, where, Severity.WARNING, f"source '{record.id}': "
                                  f"{tail} removes nothing from sources/{record.file}",
                                  "source.pattern-unused"))
        elif words > half:
            out.append(Diagnostic(SOURCES_YAML, where, Severity.WARNING, f"source '{record.id}': "
                                  f"{tail} removes {words} of the {count.source} words of "
                                  f"sources/{record.file}: more than half the text",
                                  "source.pattern-greedy"))
    if record.separator and not result.separators:
        out.append(Diagnostic(SOURCES_YAML, lines.get((record.id, "separator", 0)), Severity.WARNING,
                              f"source '{record.id}': the separator {record.separator!r} matches "
                              f"no line of sources/{record.file}", "source.pattern-unused"))
    return out


def unaccounted(src: str, differences: list[Difference]) -> list[Diagnostic]:
    """One error per difference, at its source line, with the words as context."""
    out = []
    for d in differences:
        kind = {"added": "dropped", "dropped": "added"}.get(d.kind, d.kind)
        out.append(Diagnostic(src, d.line, Severity.ERROR, f"import {kind} words without a "
                              f"record: the source reads {_few(d.ours)!r}, the import "
                              f"{_few(d.theirs)!r}", "import.unaccounted"))
    return out


def _few(words: str, n: int = 12) -> str:
    w = words.split()
    return words if len(w) <= n else " ".join(w[:n]) + " …"


def check_imports(root: Path, sources: dict[str, tuple[SourceEntry, int | None]],
                  reporter: Reporter, imported: Imported | None = None) -> None:
    lines = pattern_lines(root)
    for record, line in sources.values():
        try:
            result, diags = (imported or {}).get(record.id) or import_one(root, record)
        except BookError as exc:
            if any(d.code == "import.importer" for d in exc.diagnostics):
                reporter.warning(SOURCES_YAML, line, f"no importer '{record.importer}' yet: "
                                 f"'{record.id}' is not checked", "fidelity.no-importer")
                continue
            reporter.extend(exc.diagnostics)
            continue
        reporter.extend(diags)
        src = f"sources/{record.file}"
        text, _how = source_text(root, record)
        count = tally(text, record, result)
        reporter.extend(unaccounted(src, count.differences))
        reporter.extend(pattern_warnings(record, result, count, lines))
        if record.chapter and (root / "chapters" / record.chapter).is_file():
            reporter.extend(check_chapter(root, f"chapters/{record.chapter}", record, result))
