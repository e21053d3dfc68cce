"""Language tags (BCP 47): is a tag well formed, is its language known, can print hyphenate it.

The book's ``language`` (book.yaml), a chapter's ``language:`` (front matter) and a
passage's ``{lang=xx}`` (the Markdown attribute syntax, on a span, a paragraph or a
``:::`` container) are checked by ``transforms/languages.py``:

* well formed as RFC 5646 ("BCP 47") describes a language tag: a primary language subtag,
  then optional extended language, script, region, variant, extension and private-use
  subtags (the grandfathered tags such as ``i-klingon`` are not accepted);
* its primary language subtag one of ISO 639-1/639-2 (``data/languages/tags.txt``,
  shipped from Debian's iso-codes) or private use (``qaa``–``qtz``);
* print hyphenates by the tag (WeasyPrint reads the ``lang`` attribute and asks pyphen,
  the LibreOffice hyphenation dictionaries); a language pyphen has no dictionary for is
  set without hyphenation, which is said (``lang.no-hyphenation``), never hyphenated by
  another language's patterns.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from .langtag import well_formed  # the one well-formedness rule (the sanitizer uses it too)

TAGS_FILE = Path(__file__).resolve().parent / "data" / "languages" / "tags.txt"

@functools.lru_cache(maxsize=1)
def known_languages() -> frozenset[str]:
    lines = TAGS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))


def tag_problem(tag: str) -> str | None:
    """What is wrong with ``tag`` as a BCP 47 language tag, or None."""
    if not well_formed(tag):
        return (f"'{tag}' is not a well-formed BCP 47 language tag (a language code, then "
                "optional script, region and variant subtags joined by hyphens: 'de', 'de-CH', "
                "'sr-Latn', 'de-1901')")
    primary = tag.split("-", 1)[0].lower()
    if primary == "x" or re.fullmatch(r"q[a-t][a-z]", primary):
        return None  # private use
    if primary not in known_languages():
        return (f"'{tag}': '{primary}' is not an ISO 639 language code (e.g. 'en', 'de', 'fr', "
                "'la', 'grc')")
    return None


def hyphenation_dictionary(tag: str) -> str | None:
    """The pyphen dictionary print hyphenates ``tag`` with (as WeasyPrint chooses it), or None."""
    import pyphen

    found = pyphen.language_fallback(tag)
    return str(found) if found else None


LANG_INFO = re.compile(r"\{([^{}]*)\}\s*$")
_LANG_PAIR = re.compile(r"""(?:^|\s)lang=(?:"([^"]*)"|'([^']*)'|([^\s"'}]+))""")


def info_lang(info: str) -> str | None:
    """The ``lang`` of a container's ``::: verse {lang=de}`` line, if it gives one."""
    m = LANG_INFO.search(info or "")
    if not m:
        return None
    pair = _LANG_PAIR.search(m.group(1))
    return next((g for g in pair.groups() if g is not None), None) if pair else None


def lang_attrs(tag: str | None) -> str:
    """`` lang="…" xml:lang="…"`` for an element (both: the EPUB is XHTML, the PDF HTML)."""
    if not tag:
        return ""
    import html

    v = html.escape(tag, quote=True)
    return f' lang="{v}" xml:lang="{v}"'
