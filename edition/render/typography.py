"""Pure ``str -> str`` typography applied while writing XHTML text.

Text reaching here is already XML-escaped.
"""

from __future__ import annotations

import re

# Initialisms set in small caps: NATO, UNESCO, USSR (two or more capitals), dotted ones of
# three or more letters (U.S.A., U.S.S.R., and spaced with U+202F: U. S. A.), and dotted
# pairs before ’s (S.R.’s, K.D.’s).  Personal initials (A.A. Milne, T.S., J. R. R. Tolkien)
# and Roman numerals (XLIII) are left alone.
_ACRONYM = re.compile(
    "(?<![\\w&;.])("
    "(?:[A-Z]\\.[\u202f\u00a0]?){2,}[A-Z]\\."
    "|(?:[A-Z]\\.[\u202f\u00a0]?)[A-Z]\\.(?=[’']s\\b)"
    "|[A-Z]{2,}"
    ")(?![a-z])"
)
_ROMAN = re.compile(r"^[IVXLCDM]+\.?$")


def small_caps(escaped: str) -> str:
    def repl(m: re.Match[str]) -> str:
        word = m.group(1)
        if _ROMAN.match(word):
            return word
        return f'<abbr class="sc">{word}</abbr>'

    return _ACRONYM.sub(repl, escaped)
