"""Text steps of the biography importer: initialisms, quotes, Markdown safety, assembly.

* ``spaced_initialisms``  the project's one rule for initialisms: keep them as printed,
  but a *spaced* initialism (``G. P. U.``, ``C. L. R. James``, ``L. D.``) gets U+202F
  NARROW NO-BREAK SPACE for its inner spaces, so it never breaks across lines.
  Mechanical and documented: not a correction.
* ``curl_quotes``  straight quotation marks and apostrophes to typographic ones with
  the project's curler (``edition/importers/quotes.py``); its doubts, and a paragraph
  whose double quotation marks do not pair up afterwards, are reported, never guessed at.
* ``escape_markdown``  backslash-escapes what Markdown would read as markup (see
  ``escape``): the text must come out as text.
* ``assemble``  the Markdown body: ``##`` sections, ``###`` numbered extracts whose
  text is a ``::: extract`` container, one paragraph per source line.
"""

from __future__ import annotations

import re

from .base import Draft, Suspicious
from .quotes import curl

NNBSP = "\u202f"
_INITIAL = re.compile(r"(?<![\w.])([A-Z])\. (?=[A-Z]\.)")


def spaced(text: str) -> str:
    """``G. P. U.`` -> ``G.\u202fP.\u202fU.``; ``J. T. Murphy`` -> ``J.\u202fT. Murphy``."""
    return _INITIAL.sub(lambda m: m.group(1) + "." + NNBSP, text)


def spaced_initialisms(draft: Draft) -> Draft:
    for ln in draft.lines:
        ln.text = spaced(ln.text)
    return draft


# -- quotes ------------------------------------------------------------------

def curl_quotes(draft: Draft, reviewed: frozenset[tuple[int, str]] = frozenset()) -> Draft:
    """Curl straight quotes with the project's one curler (``quotes.curl``); its doubts
    (unless reviewed: source line and token), and any paragraph whose double quotation
    marks do not pair up, are reported."""
    for ln in draft.lines:
        if not ln.text:
            continue
        ln.text, doubts = curl(ln.text)
        for d in doubts:
            if (ln.src, d.token) not in reviewed:
                draft.suspicious.append(Suspicious(ln.src, d.token, d.why))
        if ln.text.count("“") != ln.text.count("”"):
            draft.suspicious.append(Suspicious(ln.src, "“ ”", "double quotation marks do not pair up"))
    return draft


# -- Markdown safety -----------------------------------------------------------

_INLINE = re.compile(r"([\\`*_\[\]<])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^(\s*)([#>+\-=|~:]|\d+(?=[.)]))")


def escape(text: str) -> str:
    """Escape what Markdown would take for markup, and nothing else.

    Anywhere: ``\\ ` * _ [ ] <`` and an ``&`` that starts an entity.  At the start of a
    line: ``# > + - = | ~ :`` (headings, quotes, lists, setext underlines, fences,
    containers) and the ``.``/``)`` after leading digits (``1905.`` would start a list).
    A heading's closing ``#`` sequence is escaped too.
    """
    text = _INLINE.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    m = _LINE_START.match(text)
    if m:
        lead, tok = m.group(1), m.group(2)
        if tok[0].isdigit():
            rest = text[m.end():]
            text = lead + tok + "\\" + rest
        else:
            text = lead + "\\" + text[len(lead):]
    if text.endswith("#"):
        text = text[:-1] + "\\#"
    return text


def escape_markdown(draft: Draft) -> Draft:
    for ln in draft.lines:
        if ln.text:
            ln.text = escape(ln.text.strip())
    return draft


# -- suspicious tokens ----------------------------------------------------------

_CHECKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(?![0-9]+(?:st|nd|rd|th|s)\b)(?=\w*\d)(?=\w*[A-Za-z])\w+\b"), "letters and digits mixed"),
    (re.compile(r"\w [,;:!?]|\w \.(?!\.)"), "space before punctuation"),
    (re.compile(r"[a-z0-9][.?!;,][A-Z][a-z]"), "no space after punctuation"),
    (re.compile(r"\.[:;]|[,;:]\."), "doubled punctuation"),
    (re.compile(r"(?i)\b(\w+) \1\b"), "word printed twice"),
    (re.compile(r"`|(?<!\.)\.\.(?!\.)"), "stray character"),
    (re.compile(r"\b0\b(?=\.)"), "digit 0 for a letter"),
)


def flag_suspicious(draft: Draft, reviewed: frozenset[tuple[int, str]] = frozenset()) -> Draft:
    """Tokens that look like debris, unless reviewed and found correct as printed."""
    for ln in draft.lines:
        for pat, why in _CHECKS:
            for m in pat.finditer(ln.text):
                tok = m.group(0)
                if (ln.src, tok) not in reviewed:
                    draft.suspicious.append(Suspicious(ln.src, tok, why))
    return draft


# -- assembly ---------------------------------------------------------------------

def assemble(draft: Draft) -> str:
    """The Markdown body: headings, extracts, one paragraph per source line."""
    kinds: dict[int, str] = draft.meta.get("kinds", {})
    parts: list[str] = []
    in_extract = False
    pending: int | None = None  # source line of an extract heading awaiting its text
    for ln in draft.lines:
        if not ln.text:
            continue
        kind = kinds.get(ln.src)
        if kind in ("h2", "h3"):
            if in_extract:
                parts[-1] += "\n:::"
                in_extract = False
            if pending is not None:
                draft.suspicious.append(Suspicious(pending, "(extract)", "numbered extract without text"))
            parts.append(("## " if kind == "h2" else "### ") + ln.text)
            pending = ln.src if kind == "h3" else None
            continue
        if pending is not None:
            parts.append("::: extract\n" + ln.text)
            in_extract, pending = True, None
        else:
            parts.append(ln.text)
    if in_extract:
        parts[-1] += "\n:::"
    if pending is not None:
        draft.suspicious.append(Suspicious(pending, "(extract)", "numbered extract without text"))
    return "\n\n".join(parts) + "\n"
