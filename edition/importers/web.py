"""Importer for web transcriptions in the Marxists Internet Archive style.

The chain (each step a small ``Draft -> Draft`` function, tested with fixture files in
``tests/fixtures/import/<step>/``):

``apply_corrections``  the recorded emendations, at their source line (sources.py)
``escape_markdown``    characters Markdown would read as markup are escaped
``strip_footer``       "Last updated on…", navigation bars, "return" runs, button
                       labels: removed, each recorded as a Removal
``read_header``        the author/title/credit block: removed into ``draft.meta`` (the
                       facts are kept in sources/sources.yaml) and recorded
``lead_in``            a periodical's editorial lead-in (the first paragraph, set off
                       from the text by two blank lines) becomes ``::: headnote`` in italics
``notes_to_footnotes`` ``[1]`` calls and the closing "Notes" list -> ``[^1]`` footnotes;
                       a note signed "– Trans." is labelled ``tr-N`` (the translator's)
``subheadings``        a bare title-case line standing alone -> ``## heading``
``hard_breaks``        lines of one paragraph (a signature under a letter) keep their break
``spaced_initialisms`` "L. D." -> "L.\u202fD." (narrow no-break space, never split)
``find_suspicious``    tokens that look wrong and are not corrected are reported
"""

from __future__ import annotations

import re
from typing import Any

from .base import (
    Correction,
    Draft,
    ImportResult,
    Line,
    Removal,
    SourceEntry,
    Suspicious,
    blocks,
    run_steps,
)
from .front import front_matter_for
from .sources import apply_corrections
from .suspicious import find_suspicious

NNBSP = "\u202f"

# ---------------------------------------------------------------------------- helpers


def draft_from_text(text: str, record: SourceEntry, corrections: list[Correction] | None = None) -> Draft:
    lines = [Line(t, i + 1) for i, t in enumerate(text.split("\n"))]
    return Draft(record, lines, list(corrections or []))


def draft_text(draft: Draft) -> str:
    """The draft as text: what the fixture goldens hold."""
    return "\n".join(ln.text for ln in draft.lines).strip("\n") + "\n"


def _remove(draft: Draft, idx: list[int], reason: str) -> None:
    for i in idx:
        ln = draft.lines[i]
        if ln.text.strip():
            draft.removed.append(Removal(ln.src, ln.src, ln.text.strip(), reason))
    keep = set(range(len(draft.lines))) - set(idx)
    draft.lines = [ln for i, ln in enumerate(draft.lines) if i in keep]


def paragraphs(draft: Draft) -> list[list[int]]:
    """Indices of the lines of each paragraph (runs of non-blank lines)."""
    return blocks(draft.lines)


# ---------------------------------------------------------------------------- steps

_ESCAPES = re.compile(r"([\\*_`<])")
_LINE_START = re.compile(r"^(\s*)(#|>|[-+](?=\s)|\d+(?=[.)]\s))")


def escape_markdown(draft: Draft) -> Draft:
    """Characters that Markdown would take as markup are escaped (``*`` -> ``\\*``).

    Runs before the structural steps, so the markup they add stays markup.  Note
    lists ("1. …") are left for ``notes_to_footnotes`` and escaped after it.
    """
    for ln in draft.lines:
        t = _ESCAPES.sub(r"\\\1", ln.text)
        ln.text = t.replace("[^", "[\\^")
    return draft


_FOOTER = [
    (re.compile(r"^Last updated on\b", re.I), "boilerplate: footer"),
    (re.compile(r"^Last Chapter\b.*\|.*\bNext Chapter$", re.I), "navigation"),
    (re.compile(r"^.*\|.*\bIndex\b.*\|.*$", re.I), "navigation"),
    (re.compile(r"^(return\s*)+$", re.I), "navigation: return links"),
    (re.compile(r"\bbutton$", re.I), "navigation: button label"),
    (re.compile(r"^Marxist Writers’?$", re.I), "navigation: link label"),
]


def _footer_reason(text: str) -> str | None:
    t = " ".join(text.replace("\u00a0", " ").split())
    for pat, reason in _FOOTER:
        if pat.search(t):
            return reason
    return None


def strip_footer(draft: Draft) -> Draft:
    """Web boilerplate at the end of the page goes, each line recorded as a Removal.

    From the end: blank lines and boilerplate lines are taken; a short label without
    sentence punctuation between button lines ("Marie Curie") is a link label too.
    """
    taken: list[tuple[int, str]] = []
    buttons = False
    i = len(draft.lines) - 1
    while i >= 0:
        text = draft.lines[i].text.strip()
        reason = _footer_reason(text) if text else "blank"
        if reason is None and buttons and len(text) <= 30 and not re.search(r"[.!?:;”]$", text):
            reason = "navigation: link label"
        if reason is None:
            break
        buttons = buttons or "button" in reason
        taken.append((i, reason))
        i -= 1
    by_reason: dict[str, list[int]] = {}
    for idx, reason in taken:
        by_reason.setdefault(reason, []).append(idx)
    for idx, reason in sorted(taken):
        if reason != "blank":
            ln = draft.lines[idx]
            draft.removed.append(Removal(ln.src, ln.src, ln.text.strip(), reason))
    cut = {idx for idx, _ in taken}
    draft.lines = [ln for j, ln in enumerate(draft.lines) if j not in cut]
    return draft


_CREDIT = re.compile(r"^(Source:|From |Transcri|Public Domain|Copyright|Marked up|HTML)", re.I)
_DATE = re.compile(r"^\((?P<date>[^()]*\d{4})\)$")
_CHAPTER = re.compile(r"^CHAPTER\s+[IVXLC\d]+$")
_BODY_END = re.compile(r"[.:!?…”’;,]$")


def _is_body(text: str) -> bool:
    return not _CREDIT.match(text) and (len(text) > 80 or bool(_BODY_END.search(text)))


def read_header(draft: Draft) -> Draft:
    """The header block (author, title lines, date, credit lines) leaves the text.

    It runs from the top to the first line that reads as text (ends with sentence
    punctuation or is long) and is not a credit line.  What it says is kept in
    ``draft.meta['header']`` and checked against the record: a header author the
    record does not name is reported as suspicious.
    """
    end = 0
    while end < len(draft.lines):
        t = draft.lines[end].text.strip()
        if t and _is_body(t):
            break
        end += 1
    header: dict[str, Any] = {"title": [], "credit": []}
    first = True
    for ln in draft.lines[:end]:
        t = ln.text.strip()
        if not t:
            continue
        if _CREDIT.match(t):
            header["credit"].append(t)
            reason = "header: credit and rights (in Sources and Acknowledgements)"
        elif first:
            header["author"] = t
            first = False
            if t != draft.record.author:
                draft.suspicious.append(Suspicious(ln.src, t, "header names an author sources.yaml "
                                                   f"does not ({draft.record.author})"))
            reason = "header: author (in Sources and Acknowledgements)"
        elif m := _DATE.match(t):
            header["date"] = m.group("date")
            reason = "header: date (in Sources and Acknowledgements)"
        elif _CHAPTER.match(t):
            header["chapter"] = t
            reason = "header: chapter number (in Sources and Acknowledgements)"
        else:
            reason = "header: title (in Sources and Acknowledgements)"
            header["title"].append(t)
        draft.removed.append(Removal(ln.src, ln.src, t, reason))
    # credit lines directly after the header block are header too
    i = end
    while i < len(draft.lines):
        t = draft.lines[i].text.strip()
        if t and not _CREDIT.match(t):
            break
        if t:
            header["credit"].append(t)
            draft.removed.append(Removal(draft.lines[i].src, draft.lines[i].src, t,
                                         "header: credit and rights (in Sources and Acknowledgements)"))
        i += 1
    if header["credit"]:
        end = i
    draft.meta["header"] = header
    draft.lines = draft.lines[end:]
    while draft.lines and not draft.lines[0].text.strip():
        draft.lines.pop(0)
    return draft


def lead_in(draft: Draft) -> Draft:
    """A periodical's lead-in: the first paragraph, followed by two or more blank lines,
    of a document whose header credits a periodical ("From …").  It is the paper's, not
    the author's: set as ``::: headnote`` in italics, as the paper printed it."""
    credits = draft.meta.get("header", {}).get("credit", [])
    if not any(c.startswith("From ") for c in credits):
        return draft
    paras = paragraphs(draft)
    if len(paras) < 2 or len(paras[0]) != 1:
        return draft
    gap = paras[1][0] - paras[0][-1] - 1
    if gap < 2:
        return draft
    i = paras[0][0]
    ln = draft.lines[i]
    new = [Line("::: headnote", ln.src), Line(f"*{ln.text.strip()}*", ln.src), Line(":::", ln.src),
           Line("", ln.src)]
    draft.lines[i : paras[1][0]] = new
    draft.meta["lead_in"] = ln.src
    return draft


_CALL = re.compile(r" ?\[(\d+)\]")
_NOTE = re.compile(r"^(\d+)\.\s+(.*)$")
_TRANS = re.compile(r"\s*[–—-]\s*Trans\.$")


def notes_to_footnotes(draft: Draft) -> Draft:
    """``[N]`` calls and the "Notes" list at the end become footnotes.

    The list is the paragraphs after a line reading "Notes"; each "N. text" becomes
    ``[^N]: text``, or ``[^tr-N]: text`` when the note is signed "– Trans." (the signature
    goes, recorded as a Removal: the renderer marks the note as the translator's).  A call
    without a note, or a note without a call, is reported as suspicious.
    """
    head = next((i for i in range(len(draft.lines) - 1, -1, -1)
                 if draft.lines[i].text.strip() == "Notes"), None)
    if head is None:
        return draft
    labels: dict[str, str] = {}
    for ln in draft.lines[head + 1 :]:
        m = _NOTE.match(ln.text.strip())
        if ln.text.strip() and not m:
            draft.suspicious.append(Suspicious(ln.src, ln.text[:40], "not a note in the Notes list"))
            continue
        if m:
            n, body = m.groups()
            label = n
            if sig := _TRANS.search(body):
                label = f"tr-{n}"
                draft.removed.append(Removal(ln.src, ln.src, sig.group(0), "translator’s "
                                             "signature: the note is labelled the translator’s"))
                body = body[: sig.start()].rstrip()
            labels[n] = label
            ln.text = f"[^{label}]: {body}"
    _remove(draft, [head], "notes heading: the notes became footnotes")
    called: set[str] = set()

    def repl(m: re.Match[str], src: int) -> str:
        n = m.group(1)
        if n not in labels:
            draft.suspicious.append(Suspicious(src, m.group(0).strip(), "note call without a note"))
            return m.group(0)
        called.add(n)
        return f"[^{labels[n]}]"

    for ln in draft.lines:
        if not ln.text.startswith("[^"):
            ln.text = _CALL.sub(lambda m, s=ln.src: repl(m, s), ln.text)  # type: ignore[misc]
    for n in labels:
        if n not in called:
            draft.suspicious.append(Suspicious(0, n, "note never called"))
    return draft


_HEADING_END = re.compile(r"[.,;:!?…]$|[.,;:!?…][”’]$")


_MINOR = {"a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "by", "with", "at", "from",
          "as", "but"}


def _is_heading(text: str) -> bool:
    words = text.split()
    if not words or len(words) > 10 or len(text) > 70 or _HEADING_END.search(text):
        return False
    if text.startswith(("::: ", "[^", "*", "#")) or text == ":::":
        return False
    content = [w for w in words if w.lower() not in _MINOR] or words
    caps = sum(1 for w in content if w.lstrip("“‘(")[:1].isupper())
    return caps / len(content) >= 0.75


def subheadings(draft: Draft) -> Draft:
    """A paragraph of one short line, title case, without closing punctuation -> ``##``."""
    for para in paragraphs(draft):
        if len(para) == 1 and _is_heading(draft.lines[para[0]].text.strip()):
            ln = draft.lines[para[0]]
            ln.text = "## " + ln.text.strip()
    return draft


def hard_breaks(draft: Draft) -> Draft:
    """Lines of one paragraph (a signature under a telegram) keep their line break."""
    for para in paragraphs(draft):
        if draft.lines[para[0]].text.startswith(("::: ", ":::")):
            continue
        for i in para[:-1]:
            draft.lines[i].text = draft.lines[i].text.rstrip() + "\\"
    return draft


_SPACED = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")


def spaced_initialisms(draft: Draft) -> Draft:
    """The edition's one rule: a spaced initialism (L. D., G. P. U.) keeps its spaces
    as printed, but as U+202F narrow no-break spaces so it never breaks across lines."""
    for ln in draft.lines:
        prev = None
        while prev != ln.text:
            prev = ln.text
            ln.text = _SPACED.sub(lambda m: m.group(1) + "." + NNBSP, ln.text)
    return draft


def escape_list_starts(draft: Draft) -> Draft:
    """A paragraph that begins like Markdown block syntax is escaped: ``1917. …`` ->
    ``1917\\. …``, ``# …`` -> ``\\# …`` (runs after the steps that add such markup)."""
    for para in paragraphs(draft):
        ln = draft.lines[para[0]]
        if ln.text.startswith(("## ", "[^", "::: ", "*")) or ln.text == ":::":
            continue
        m = _LINE_START.match(ln.text)
        if m:
            mark = m.group(2)
            esc = mark + "\\" if mark[0].isdigit() else "\\" + mark
            ln.text = ln.text[: m.start(2)] + esc + ln.text[m.end(2):]
    return draft


STEPS = [apply_corrections, escape_markdown, strip_footer, read_header, lead_in,
         notes_to_footnotes, subheadings, escape_list_starts, hard_breaks, spaced_initialisms,
         find_suspicious]


def body_of(draft: Draft) -> str:
    out: list[str] = []
    for para in paragraphs(draft):
        out.append("\n".join(draft.lines[i].text.rstrip() for i in para))
    return "\n\n".join(out) + "\n"


def import_source(text: str, record: SourceEntry, corrections: list[Correction]) -> ImportResult:
    draft = run_steps(draft_from_text(text, record, corrections), STEPS)
    return ImportResult(front_matter=front_matter_for(record), body=body_of(draft),
                        applied=draft.applied, removed=draft.removed,
                        suspicious=draft.suspicious, unused=draft.meta.get("unused", []))
