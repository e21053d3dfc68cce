"""The record of the sources: ``sources/sources.yaml`` and ``sources/corrections/<id>.yaml``.

* ``load_sources(root)``            every SourceEntry, validated (errors carry file:line).
* ``load_corrections(root, id)``    the recorded emendations of one source.
* ``apply_corrections(draft)``      applies ``draft.corrections`` at their recorded source
                                    line; a correction that matches nothing is *unused* and
                                    reported, never silently ignored.
* ``sha256_of(path)``               the fingerprint checked by ``edition check``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from ..diagnostics import BookError, Diagnostic, Severity
from ..project import checked, read_model, read_text
from ..userregex import compile_user
from .base import Correction, Draft, Line, SourceEntry

SOURCES_YAML = "sources/sources.yaml"


def _err(file: str, line: int | None, msg: str, code: str) -> Diagnostic:
    return Diagnostic(file, line, Severity.ERROR, msg, code)


def sha256_of(path: Path) -> str:
    from ..gate import read_input  # a FIFO, a device or a huge file is an error, not a hang

    parts = path.parts
    at = len(parts) - 1 - parts[::-1].index("sources") if "sources" in parts else len(parts) - 1
    return hashlib.sha256(read_input(path, "/".join(parts[at:]))).hexdigest()


def load_sources(root: Path) -> dict[str, tuple[SourceEntry, int | None]]:
    """id -> (record, line in sources.yaml).  Duplicate ids and missing files are errors."""
    text = read_text(root / SOURCES_YAML, SOURCES_YAML)

    def compute() -> list:
        from ..schema import SourcesFile
        from ..yamlio import line_of, load_yaml, validate

        node = load_yaml(text, SOURCES_YAML)
        data = validate(SourcesFile, node, SOURCES_YAML, "sources.yaml")
        return [(item.model_dump(), line_of(node, ("sources", i))) for i, item in enumerate(data.sources)]

    out: dict[str, tuple[SourceEntry, int | None]] = {}
    diags: list[Diagnostic] = []
    from .registry import names

    known = names()
    for fields, line in checked(root, SOURCES_YAML, text, compute):
        try:
            options = load_options(root, fields["id"])
        except BookError as exc:
            diags.extend(exc.diagnostics)
            options = {}
        fields = dict(fields, strip=tuple(fields.get("strip") or ()),
                      options=options)
        item = SourceEntry(**fields)
        if item.importer not in known:
            diags.append(_err(SOURCES_YAML, line, f"source '{item.id}': no importer "
                              f"'{item.importer}' (known: {', '.join(known)}; others plug in "
                              "through the entry-point group 'edition.importers')", "source.importer"))
        for key, pat in [("strip", p) for p in item.strip] + [
                (k, getattr(item, k)) for k in ("separator", "start_after", "end_before")]:
            try:
                compile_user(pat or "")  # the engine the import runs it with (userregex.py)
            except ValueError as exc:
                diags.append(_err(SOURCES_YAML, line, f"source '{item.id}': {key} pattern "
                                  f"{pat!r} is not a regular expression ({exc})", "source.strip"))
        if item.id in out:
            diags.append(_err(SOURCES_YAML, line, f"source id '{item.id}' is listed twice "
                              f"(first on line {out[item.id][1]})", "source.duplicate"))
            continue
        if "/" in item.file or item.file.startswith("."):
            diags.append(_err(SOURCES_YAML, line, f"'{item.file}' must be a file name inside sources/",
                              "source.path"))
            continue
        if not (root / "sources" / item.file).is_file():
            diags.append(_err(SOURCES_YAML, line, f"sources/{item.file} does not exist",
                              "source.missing"))
        out[item.id] = (item, line)
    if diags:
        raise BookError(diags)
    return out


def pattern_lines(root: Path) -> dict[tuple[str, str, int], int]:
    """(source id, key, index) -> the line of a pattern in sources.yaml: key "strip" (index
    the pattern's place in the list), "separator", "start_after", "end_before" (index 0)."""
    from ..yamlio import line_of, load_yaml

    text = read_text(root / SOURCES_YAML, SOURCES_YAML)
    node = load_yaml(text, SOURCES_YAML)
    out: dict[tuple[str, str, int], int] = {}
    items = node.get("sources") if isinstance(node, dict) else None
    for i, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        for j, _pat in enumerate(item.get("strip") or []):
            if (ln := line_of(node, ("sources", i, "strip", j))) is not None:
                out[(item["id"], "strip", j)] = ln
        for key in ("separator", "start_after", "end_before"):
            if key in item and (ln := line_of(node, ("sources", i, key))) is not None:
                out[(item["id"], key, 0)] = ln
    return out


def options_path(source_id: str) -> str:
    return f"sources/importers/{source_id}.yaml"


def load_options(root: Path, source_id: str) -> dict[str, Any]:
    """sources/importers/<id>.yaml: the importer's data about this one source (its word
    lists, reviewed doubts, front matter); {} when there is none."""
    data = read_model(root, options_path(source_id), "ImporterOptionsFile", "importer options",
                      lambda model, node: model.model_dump(exclude_defaults=True))
    return data or {}


def corrections_path(source_id: str) -> str:
    return f"sources/corrections/{source_id}.yaml"


def load_corrections(root: Path, source_id: str) -> list[tuple[Correction, int | None]]:
    """The recorded corrections of one source, with their line in the YAML file.

    A missing file means no corrections.  The file is a mapping with one key,
    ``corrections``: a list of {line, read, edition, reason, note?}.
    """
    from ..yamlio import line_of

    def extract(data: Any, node: Any) -> list:
        return [(item.model_dump(), line_of(node, ("corrections", i)))
                for i, item in enumerate(data.corrections)]

    items = read_model(root, corrections_path(source_id), "CorrectionsFile", "corrections file", extract)
    return [(Correction(**fields), line) for fields, line in items or []]


def _pattern(read: str) -> re.Pattern[str]:
    """``read`` matched exactly, but never inside a longer word ("hd" not in "shde")."""
    head = r"(?<!\w)" if read[:1].isalnum() else ""
    tail = r"(?!\w)" if read[-1:].isalnum() else ""
    return re.compile(head + re.escape(read) + tail)


def apply_correction(lines: list[Line], c: Correction) -> bool:
    """Apply one correction at its source line; True if it matched.

    The reading must occur on a draft line that came from source line ``c.line``
    (a reading with ``\\n`` spans that line and the following ones).  One
    correction replaces one occurrence: the first on that line.
    """
    span = c.read.count("\n")
    pat = _pattern(c.read)
    for i, ln in enumerate(lines):
        if ln.src != c.line:
            continue
        group = lines[i : i + span + 1]
        if len(group) != span + 1:
            return False
        joined = "\n".join(g.text for g in group)
        m = pat.search(joined)
        if not m:
            continue
        new = joined[: m.start()] + c.edition + joined[m.end():]
        parts = new.split("\n")
        if len(parts) == len(group):
            for g, part in zip(group, parts, strict=True):
                g.text = part
        else:
            group[0].text = new.replace("\n", " ")
            del lines[i + 1 : i + span + 1]
        return True
    return False


def apply_corrections(draft: Draft) -> Draft:
    """The step every importer runs on the raw lines: recorded corrections, in file order.

    Matched corrections go to ``draft.applied``; the rest stay in ``draft.meta['unused']``.
    """
    unused: list[Correction] = list(draft.meta.get("unused", []))
    for c in draft.corrections:
        if apply_correction(draft.lines, c):
            draft.applied.append(c)
        else:
            unused.append(c)
    draft.meta["unused"] = unused
    return draft
