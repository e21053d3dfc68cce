"""Ties for the print edition: what WeasyPrint must not part at a line end.

A glossary term's mark (the small circle after its first mention, docs/glossary.md) is an
inline box; a line may end before it, or between it and the full stop that follows, and
the mark, or the stop, then starts the next line alone.  Here the term's last word, the
mark and the punctuation after it are set as one unbreakable run
(``<span class="gl-tie">`` in print.css), the mark an empty ``<span class="gl-mark">``
drawn by the style sheet: copying or searching the text meets no character.
"""

from __future__ import annotations

import re

_GL = re.compile(r'(<a [^>]*\bclass="gl"[^>]*>)(.*?)</a>([.,;:!?…’”»)\]]*)', re.S)
_LAST_SPACE = re.compile(r"\s(?=[^\s]*\Z)")

MARK = '<span class="gl-mark"></span>'


def tie_glossary_marks(html: str) -> str:
    def tie(m: re.Match[str]) -> str:
        start, inner, punct = m.group(1), m.group(2), m.group(3)
        cut = _LAST_SPACE.search(inner)
        head, last = (inner[:cut.end()], inner[cut.end():]) if cut else ("", inner)
        if "<" in last or ">" in last or not last:  # markup at the term's end: mark it only
            return f"{start}{inner}{MARK}</a>{punct}"
        return f'{start}{head}<span class="gl-tie">{last}{MARK}{punct}</span></a>'

    return _GL.sub(tie, html)
