"""A correction to WeasyPrint's line breaking (WeasyPrint 66–70), applied by the PDF renderer.

WeasyPrint fits a text box on a line with ``split_first_line``.  When the text of a box
ends with a space and fits the line only without that space (the space would hang past
the margin, which CSS allows), the function sees a line that is too wide, decides that it
"can't be split earlier" and returns *the first word alone*.  In justified text this leaves
one word stranded on a line in mid-paragraph ("… no brains in it.” / After / the
publication …") whenever a text box is followed by an inline element (a name, a glossary
term) that goes to the next line — the family of WeasyPrint's issue #1614.

``install()`` wraps ``split_first_line``: if the answer breaks a text that, without its
trailing spaces, fits the line whole, the text is laid out again without a width limit —
what WeasyPrint does for a text that fits — and the caller, which already lets trailing
spaces hang, places the next element on the next line.  Nothing else changes.
"""

from __future__ import annotations

from math import inf

_INSTALLED = False


def fixed(original):
    def split_first_line(text, style, context, max_width, justification_spacing,
                         is_line_start=True, minimum=False):
        result = original(text, style, context, max_width, justification_spacing,
                          is_line_start, minimum)
        if (result[2] is None or max_width is None or max_width == inf
                or style["white_space"] not in ("normal", "pre-line") or not text.endswith(" ")):
            return result
        stripped = text.rstrip(" ")
        if not stripped:
            return result
        whole = original(stripped, style, context, max_width, justification_spacing,
                         is_line_start, minimum)
        if whole[2] is not None:  # the words themselves do not fit: a real break
            return result
        return original(text, style, context, inf, justification_spacing, is_line_start, minimum)

    split_first_line.__wrapped__ = original  # type: ignore[attr-defined]
    return split_first_line


def install() -> None:
    """Patch WeasyPrint's ``split_first_line`` where the layout code looks it up (once)."""
    global _INSTALLED
    if _INSTALLED:
        return
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    original = line_break.split_first_line
    patched = fixed(original)
    line_break.split_first_line = patched
    if getattr(inline, "split_first_line", None) is original:
        inline.split_first_line = patched
    _INSTALLED = True
