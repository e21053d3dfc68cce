"""Pure ``str -> str`` typography applied while writing XHTML text.

Text reaching here is already XML-escaped.
"""

from __future__ import annotations

import re

# Initialisms set in small caps: GPU, NKVD, U.S.S.R., G.P.U., S.R.'s — two or
# more capitals, optionally with periods.  Roman numerals (XLIII) are left alone.
_ACRONYM = re.compile(r"(?<![\w&;])((?:[A-Z]\.){2,}|[A-Z]{2,}(?:\.[A-Z])*\.?)(?![a-z])")
_ROMAN = re.compile(r"^[IVXLCDM]+\.?$")


def small_caps(escaped: str) -> str:
    def repl(m: re.Match[str]) -> str:
        word = m.group(1)
        if _ROMAN.match(word):
            return word
        return f'<abbr class="sc">{word}</abbr>'

    return _ACRONYM.sub(repl, escaped)
