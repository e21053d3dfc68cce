"""The words the tool itself prints: labels, headings and boilerplate, per language.

Every label of the editions (note labels, "Contents", the glossary's and the register's
headings and introductions, the colophon's sentences, the accessibility summary …) comes
from a terms file, ``edition/data/terms/<language>.yaml`` (as pandoc keeps its own in
``data/translations/``), chosen by ``book.yaml`` ``language``: the whole tag (``pt-br``),
else its primary subtag (``pt``), with English under all of them, so that a term a
language lacks is still printed.  A language with no terms file is a warning
(``terms.language``).  A book overrides any term in its own ``terms.yaml`` (a mapping of
term -> text); a key no terms file knows is an error at its line (``terms.unknown``).

A term is plain text (escaped where it is set), with ``{name}`` fields filled by the code
that uses it (``{editor}``, ``{year}``, ``{number}`` …).
"""

from __future__ import annotations

import functools
from pathlib import Path

from .diagnostics import BookError, Diagnostic, Reporter, Severity

TERMS_DIR = Path(__file__).resolve().parent / "data" / "terms"
BOOK_TERMS = "terms.yaml"


@functools.lru_cache(maxsize=16)
def _shipped(lang: str, root: Path | None = None) -> dict[str, str] | None:
    """The terms file of ``lang`` (None when there is none); with the book's ``root``, through
    its memo (``step_memo.json_value``), so a rebuild neither imports nor runs the YAML parser."""
    path = TERMS_DIR / f"{lang}.yaml"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")

    def compute() -> dict[str, str]:
        import yaml

        data = yaml.safe_load(text) or {}
        return {str(k): str(v) for k, v in data.items()}

    from . import step_memo

    if root is None:
        return step_memo.json_value_uncached(compute)  # type: ignore[no-any-return]
    return step_memo.json_value(root, step_memo.kind_for(f"terms-{lang}"), [lang, text], compute)  # type: ignore[no-any-return]


def default_terms(root: Path | None = None) -> dict[str, str]:
    """The English terms, the base of every language (``root``: through the book's memo)."""
    base = _shipped("en", root)
    assert base is not None, "edition/data/terms/en.yaml is missing from the package"
    return dict(base)


def language_terms(language: str, root: Path | None = None) -> tuple[dict[str, str], bool]:
    """(terms, found): the language's terms over the English ones; ``found`` is False when
    neither the whole tag nor its primary subtag has a terms file."""
    terms = default_terms(root)
    tag = language.strip().lower().replace("_", "-")
    from .langtag import well_formed

    if not well_formed(tag):  # never a path: "../../x" names no terms file (#27)
        return terms, False
    for cand in dict.fromkeys([tag, tag.split("-", 1)[0]]):
        own = _shipped(cand, root)
        if own is not None:
            terms.update(own)
            return terms, True
    return terms, False


def load_terms(root: Path, language: str, reporter: Reporter) -> dict[str, str]:
    """The terms of the book at ``root``: its language's, then its own ``terms.yaml``."""
    terms, found = language_terms(language, root)
    if not found:
        primary = language.strip().lower().split("-", 1)[0]
        reporter.warning("book.yaml", None, f"no terms for the language '{language}': the labels "
                         f"of the editions are in English (give them in {BOOK_TERMS}, or add "
                         f"edition/data/terms/{primary}.yaml)", "terms.language")
    path = root / BOOK_TERMS
    if not path.exists() and not path.is_symlink():
        if found:
            _warn_missing(language, set(), root, reporter)
        return terms
    from .gate import read_text
    from .yamlio import line_of, load_yaml

    node = load_yaml(read_text(path, BOOK_TERMS, root), BOOK_TERMS)
    if node is None:
        _warn_missing(language, set(), root, reporter)
        return terms
    if not isinstance(node, dict):
        raise BookError(Diagnostic(BOOK_TERMS, line_of(node, ()), Severity.ERROR,
                                   "must be a mapping of term -> text", "yaml.type"))
    errors = []
    for key, value in node.items():
        line = line_of(node, (key,))
        if key not in terms:
            errors.append(Diagnostic(BOOK_TERMS, line, Severity.ERROR, f"unknown term '{key}' "
                                     "(the terms are those of edition/data/terms/en.yaml)",
                                     "terms.unknown"))
        elif not isinstance(value, str):
            errors.append(Diagnostic(BOOK_TERMS, line, Severity.ERROR,
                                     f"term '{key}' must be a text", "yaml.type"))
        elif problem := placeholder_problem(value, terms[key]):
            errors.append(Diagnostic(BOOK_TERMS, line, Severity.ERROR, f"term '{key}': {problem}",
                                     "terms.placeholder"))
        else:
            terms[key] = value
    if errors:
        raise BookError(errors)
    _warn_missing(language, set(node), root, reporter)
    return terms


MAX_TERM = 5000


def placeholder_problem(value: str, default: str) -> str | None:
    """None if ``value`` is a term the tool may fill with ``str.format``: its ``{fields}`` are
    plain names the default term of that key uses, with no attribute, index, conversion or
    format spec (``{n.__class__}``, ``{n:>999999999}``), and it is not too long (#27)."""
    import string

    if len(value) > MAX_TERM:
        return f"longer than {MAX_TERM} characters"
    try:
        allowed = {f for _, f, _, _ in string.Formatter().parse(default) if f}
        fields = list(string.Formatter().parse(value))
    except ValueError as exc:
        return f"not a valid text with {{fields}} ({exc}; write a brace as {{{{ or }}}})"
    for _, name, spec, conv in fields:
        if name is None:
            continue
        if name not in allowed or spec or conv:
            names = ", ".join(f"{{{n}}}" for n in sorted(allowed)) or "none"
            return f"'{{{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}' is not " \
                   f"a field of this term (its fields: {names})"
    return None


def language_keys(language: str, root: Path | None = None) -> set[str] | None:
    """The keys the language's own terms file gives (None: English, or no file)."""
    tag = language.strip().lower().replace("_", "-")
    for cand in dict.fromkeys([tag, tag.split("-", 1)[0]]):
        if cand == "en":
            return None
        own = _shipped(cand, root)
        if own is not None:
            return set(own)
    return None


def _warn_missing(language: str, given: set[str], root: Path, reporter: Reporter) -> None:
    """A term the book's language lacks (neither its terms file nor the book's terms.yaml
    gives it) would be printed in English: a warning naming each (``terms.missing``)."""
    own = language_keys(language, root)
    if own is None:
        return
    missing = sorted(set(default_terms(root)) - own - given)
    if missing:
        reporter.warning(BOOK_TERMS if given else "book.yaml", None,
                         f"{len(missing)} term(s) have no text in '{language}' and are printed in "
                         f"English: {', '.join(missing)} (give them in {BOOK_TERMS})", "terms.missing")


def term(book: object, key: str, **fields: object) -> str:
    """The book's text for ``key`` (plain text, not yet escaped), its ``{fields}`` filled;
    ``book`` is a Book, or a renderer's env (which carries the terms)."""
    terms: dict[str, str] = (book.get("terms") if isinstance(book, dict)  # a renderer's env
                             else getattr(book, "terms", None)) or default_terms()
    text = terms[key] if key in terms else default_terms()[key]
    return text.format_map(fields) if fields else text


def paragraphs(text: str) -> str:
    """A term or a book's introduction as XHTML paragraphs: split at blank lines, lines joined,
    escaped; ``*words*`` in italics (a title)."""
    import html
    import re

    out = []
    for para in text.split("\n\n"):
        para = " ".join(para.split())
        if para:
            para = re.sub(r"\*([^*\s][^*]*?)\*", r"<i>\1</i>", html.escape(para, quote=False))
            out.append(f"<p>{para}</p>")
    return "".join(out)
