"""A printed text's own GLOSSARY: not chapter text, exported as data.

``extract_glossary`` (a step, after paragraphs are joined) takes every paragraph
after the ``GLOSSARY`` heading out of the body, records it as a Removal and keeps it
in ``meta['glossary']`` as ``{headword, text, line, person}``.  The headword is what
the text prints before the dash that opens the definition (the last dash whose
left side is still the capitalised headword); the text is the definition, verbatim
after the recorded corrections and the same mechanical rules as the chapter.

A book's own tool (in its ``tools/`` folder) writes the entries as YAML with
``glossary_yaml`` from a fresh import (same input, same bytes).
"""

from __future__ import annotations

import json
import re
from typing import Any

from .base import Draft, Removal, Suspicious

HEADING = "GLOSSARY"

#: headwords (as printed, quotes straightened, upper-cased) of entries about persons

_SEP = re.compile(r"\s*(?:\u2014|--|-)\s*")


def split_entry(text: str) -> tuple[str, str] | None:
    """(headword, definition): split at the last dash whose left side has no two
    lower-case letters in a row (the headword is printed in capitals) and whose right
    side begins with a capital, a quote or a digit."""
    best = None
    for m in _SEP.finditer(text):
        left, right = text[: m.start()], text[m.end():]
        if re.search(r"[a-z]{2}", left):
            break
        if right[:1].isupper() or right[:1] in "\"\u201c'" or right[:1].isdigit():
            best = (left.strip(), right.strip())
    return best


def _key(headword: str) -> str:
    return re.sub(r"[\"\u201c\u201d\s\u202f]+", " ", headword).strip().upper()


def extract_glossary(draft: Draft) -> Draft:
    paras = draft.lines
    srcmaps = draft.meta["srcmap"]
    at = next((i for i, p in enumerate(paras) if p.text.strip() == HEADING), None)
    if at is None:
        draft.meta["glossary"] = []
        return draft
    entries: list[dict[str, Any]] = []
    persons = frozenset(draft.record.options.get("glossary_persons", ()))  # the source's data
    draft.removed.append(Removal(paras[at].src, paras[at].src, HEADING,
                                 "the glossary heading (its entries are in the "
                                 "glossary and the register of persons)"))
    for k in range(at + 1, len(paras)):
        para = paras[k]
        end = srcmaps[k][-1][1]
        split = split_entry(para.text)
        if split is None:
            draft.suspicious.append(Suspicious(para.src, para.text[:40],
                                               "glossary paragraph without a headword"))
            continue
        headword, text = split
        entries.append({"headword": headword, "text": text, "line": para.src,
                        "person": _key(headword) in persons})
        draft.removed.append(Removal(para.src, end, para.text,
                                     "glossary entry (in the glossary or the register of persons)"))
    draft.lines = paras[:at]
    draft.meta["srcmap"] = srcmaps[:at]
    draft.meta["glossary"] = entries
    return draft


def glossary_yaml(entries: list[dict[str, Any]], header: list[str]) -> str:
    """The entries as YAML, after ``header`` (comment lines naming the source, given by the
    book's tool) and a comment saying what the fields are."""
    out = [*header,
           "# headword: as printed; text: the definition, verbatim after the recorded corrections;",
           "# line: source line; person: the entry is about a person."]
    for e in entries:
        out.append(f"- headword: {json.dumps(e['headword'], ensure_ascii=False)}")
        out.append(f"  text: {json.dumps(e['text'], ensure_ascii=False)}")
        out.append(f"  line: {e['line']}")
        out.append(f"  person: {'true' if e['person'] else 'false'}")
    return "\n".join(out) + "\n"
