"""Regular expressions the book supplies (``strip:`` patterns in sources/sources.yaml) run
with a time limit: a pattern such as ``(a+)+$`` backtracks for ever on a long line, and a
book folder from anyone may carry one.  The ``regex`` package (a superset of ``re``'s
syntax) stops a match after ``TIMEOUT`` seconds; the caller reports it at the pattern's line.
"""

from __future__ import annotations

from typing import Any

TIMEOUT = 0.25  # seconds for one search of one line
MAX_PATTERN = 1000  # characters


class TooSlow(Exception):
    """A user pattern did not finish within the time limit."""


def compile_user(pattern: str) -> Any:
    """The compiled pattern; ValueError with the reason if it is not a regular expression."""
    import regex

    if len(pattern) > MAX_PATTERN:
        raise ValueError(f"longer than {MAX_PATTERN} characters")
    try:
        return regex.compile(pattern, flags=regex.VERSION0)
    except (regex.error, RecursionError, OverflowError) as exc:
        raise ValueError(str(exc)) from None


def search(compiled: Any, text: str) -> Any:
    """``compiled.search(text)`` within ``TIMEOUT`` seconds, else TooSlow."""
    try:
        return compiled.search(text, timeout=TIMEOUT)
    except TimeoutError:
        raise TooSlow(compiled.pattern) from None
