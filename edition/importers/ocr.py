"""The OCR importer: a scanned, OCR'd printed text -> a chapter.

The steps, in order (each a ``Draft -> Draft`` function, tested with fixture files in
``tests/fixtures/import/ocr/<step>/``):

1. ``apply_corrections``     the recorded corrections (``sources/corrections/<id>.yaml``),
                             on the raw source lines, exactly where recorded;
2. ``split_title``           the opening block becomes the chapter's title;
3. ``rejoin_letter_spaced``  "i t" -> "it", "t h i s" -> "this" (recorded as spacing);
4. ``drop_marginalia``       page debris lines removed (recorded);
5. ``mark_paragraphs``       page breaks dropped (recorded); paragraph ends kept;
6. ``normalise_spaces``      runs of spaces -> one;
7. ``dehyphenate``           line-end hyphens removed, real compounds kept, doubts reported;
8. ``join_paragraphs``       lines -> paragraphs;
9. ``extract_glossary``      the text's own GLOSSARY taken out as data;
10. ``bind_initialisms``     spaces inside G. P. U. -> U+202F;
11. ``curl_quotes``          straight quotes -> typographic (``quotes.curl``), doubts reported.

``run_import`` returns the final Draft (the glossary export reads it);
``import_source`` is the contract of ``base.py``.
"""

from __future__ import annotations

from .base import (
    Correction,
    Draft,
    ImportResult,
    Line,
    SourceEntry,
    Step,
    Suspicious,
    run_steps,
)
from .ocr_glossary import extract_glossary
from .ocr_layout import drop_marginalia, mark_paragraphs, normalise_spaces, split_lines, split_title
from .ocr_words import (
    bind_initialisms,
    dehyphenate,
    join_paragraphs,
    rejoin_letter_spaced,
    src_at,
)
from .quotes import curl
from .sources import apply_corrections


def curl_quotes(draft: Draft) -> Draft:
    for k, para in enumerate(draft.lines):
        para.text, doubts = curl(para.text)
        for d in doubts:
            line = src_at(draft, k, d.offset) if "srcmap" in draft.meta else para.src
            draft.suspicious.append(Suspicious(line, d.token, d.why))
    for entry in draft.meta.get("glossary", []):
        for key in ("headword", "text"):
            entry[key], doubts = curl(entry[key])
            draft.suspicious.extend(Suspicious(entry["line"], d.token, d.why) for d in doubts)
    return draft


def bind_glossary_initialisms(draft: Draft) -> Draft:
    """The initialism rule of ``bind_initialisms``, applied to the exported glossary."""
    entries = draft.meta.get("glossary", [])
    if entries:
        tmp = Draft(draft.record, [Line(e[k], e["line"]) for e in entries for k in ("headword", "text")])
        bind_initialisms(tmp)
        for i, e in enumerate(entries):
            e["headword"], e["text"] = tmp.lines[2 * i].text, tmp.lines[2 * i + 1].text
    return draft


STEPS: list[Step] = [
    apply_corrections,
    split_title,
    rejoin_letter_spaced,
    drop_marginalia,
    mark_paragraphs,
    normalise_spaces,
    dehyphenate,
    join_paragraphs,
    extract_glossary,
    bind_initialisms,
    bind_glossary_initialisms,
    curl_quotes,
]


def run_import(text: str, record: SourceEntry, corrections: list[Correction]) -> Draft:
    draft = Draft(record, split_lines(text.replace("\r\n", "\n")), corrections=list(corrections))
    return run_steps(draft, STEPS)


def import_source(text: str, record: SourceEntry, corrections: list[Correction]) -> ImportResult:
    from .front import front_matter_for

    draft = run_import(text, record, corrections)
    front = front_matter_for(record)
    front["role"] = "body"
    front["kind"] = "document"
    body = "\n\n".join(p.text for p in draft.lines) + "\n"
    return ImportResult(front, body, draft.applied, draft.removed,
                        sorted(draft.suspicious, key=lambda s: s.line),
                        unused=list(draft.meta.get("unused", [])))
