"""``edition import PATH``: a file in ``sources/`` that ``sources/sources.yaml`` does not list
gets its entry, then is imported like any other.

The entry says what can be known without guessing:

``id``        the file name without its extension, lower case, every run of other characters
              than a–z and 0–9 one ``-`` (``-2``, ``-3`` … when the id is taken)
``file``      the file name; ``sha256`` its SHA-256 (``edition check`` compares it ever after)
``importer``  ``html`` for ``.html``/``.htm``/``.xhtml``, ``text`` for anything else
              (``.md``/``.markdown`` is read as Markdown); ``kind`` says the same in words
``title``     a page's first ``<h1>``, else its ``<title>``; a Markdown file's front matter
              ``title`` or first ``#`` heading; a plain text's ``Title:`` line (a Project
              Gutenberg header) — else the file name
``author``    a page's ``<meta name="author">``; the front matter's ``author``; an ``Author:``
              line — else "not stated"; ``date`` and ``rights``: "not stated"
``start_after``, ``end_before``  the markers of a Project Gutenberg text, when it has them
``separator``, ``lines``  ``^%$`` and ``keep`` for a fortune file (two or more lines ``%``)
``chapter``   ``NN-<id>.md``, NN one more than the highest number in chapters/ and sources.yaml

The entry is appended to the end of ``sources.yaml`` as text (its comments and layout stay;
every value a JSON string, which YAML reads as a double-quoted scalar), and the new file is
parsed before it is written: when the new entry would not be the last item of ``sources:``
(a file that does not end with that list), nothing is written and the entry is printed to be
added by hand.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..diagnostics import BookError, Diagnostic, Severity
from .sources import SOURCES_YAML, sha256_of

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
_KEY_LINE = re.compile(r"^(\s*)-\s+id:", re.M)
_CHAPTER_NO = re.compile(r"^(\d{2})-")


def looks_like_path(arg: str) -> bool:
    """An id is ``[a-z0-9-]+``: an argument with a ``/`` or a ``.`` names a file."""
    return "/" in arg or "." in arg


def slug(stem: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return s or "source"


def _err(msg: str, code: str, file: str = SOURCES_YAML, line: int | None = None) -> BookError:
    return BookError(Diagnostic(file, line, Severity.ERROR, msg, code))


def _listed(root: Path) -> tuple[str, list[dict[str, Any]]]:
    """sources.yaml's text and its items as plain data ("" and [] when there is none)."""
    path = root / SOURCES_YAML
    if not path.is_file():
        return "", []
    from ..project import read_text
    from ..yamlio import load_yaml

    text = read_text(path, SOURCES_YAML)
    data = _plain(load_yaml(text, SOURCES_YAML)) if text.strip() else None
    items = data.get("sources") if isinstance(data, dict) else None
    return text, [i for i in items or [] if isinstance(i, dict)]


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def describe_file(path: Path) -> dict[str, str]:
    """Title and author where the file says them (see the module's docstring)."""
    from .readable import text_of  # not a text (a binary file): import.not-text, nothing written

    data = path.read_bytes()
    name = path.name.lower()
    rel = f"sources/{path.name}"
    if name.endswith(HTML_SUFFIXES):
        from .encoding import decode_html
        from .html import page_info

        return page_info(text_of(data, rel, decode_html)[0], rel)
    from .encoding import decode_text

    text = text_of(data, rel, decode_text)[0].replace("\r\n", "\n")
    lines = text.split("\n")
    out: dict[str, str] = {}
    if name.endswith((".md", ".markdown")):
        from .text import front_matter_of

        n, fields = front_matter_of(lines)
        out.update({k: v for k, v in fields.items() if k in ("title", "author") and v.strip()})
        if "title" not in out:
            head = next((ln for ln in lines[n:] if ln.startswith("# ")), None)
            if head:
                out["title"] = head[2:].strip().strip("#").strip()
        return out
    for ln in lines[:80]:  # a Project Gutenberg-style header
        m = re.match(r"^\s*(Title|Author):\s+(\S.*)$", ln)
        if m and m.group(1).lower() not in out:
            out[m.group(1).lower()] = m.group(2).strip()
    for key, pat in GUTENBERG.items():
        if any(re.search(pat, " ".join(ln.split())) for ln in lines):
            out[key] = pat
    if sum(1 for ln in lines if ln.strip() == "%") >= 2:  # a fortune file: pieces, lines kept
        out.update(FORTUNE)
    return out


#: the form of a fortune file: pieces divided by a line "%", each laid out in lines
FORTUNE = {"separator": "^%$", "lines": "keep"}


#: the markers of a Project Gutenberg text: header and licence leave the text, on record
GUTENBERG = {"start_after": r"^\*\*\* ?START OF (THE|THIS) PROJECT GUTENBERG",
             "end_before": r"^\*\*\* ?END OF (THE|THIS) PROJECT GUTENBERG"}


def _next_chapter(root: Path, items: list[dict[str, Any]], sid: str) -> str:
    numbers = [int(m.group(1)) for p in (root / "chapters").glob("*.md")
               if (m := _CHAPTER_NO.match(p.name))]
    numbers += [int(m.group(1)) for i in items if (m := _CHAPTER_NO.match(str(i.get("chapter") or "")))]
    return f"{(max(numbers) if numbers else 0) + 1:02d}-{sid}.md"


def entry_for(root: Path, path: Path, items: list[dict[str, Any]]) -> dict[str, str]:
    taken = {str(i.get("id")) for i in items}
    base = slug(path.stem)
    sid, k = base, 2
    while sid in taken:
        sid, k = f"{base}-{k}", k + 1
    info = describe_file(path)
    is_html = path.name.lower().endswith(HTML_SUFFIXES)
    is_md = path.name.lower().endswith((".md", ".markdown"))
    return {
        "id": sid,
        "file": path.name,
        "sha256": sha256_of(path),
        "author": info.get("author") or "not stated",
        "title": info.get("title") or path.stem,
        "date": "not stated",
        "rights": "not stated",
        "kind": "web page" if is_html else "Markdown text" if is_md else "plain text",
        "importer": "html" if is_html else "text",
        "chapter": _next_chapter(root, items, sid),
        **{k: info[k] for k in (*GUTENBERG, *FORTUNE) if k in info},
    }


def entry_text(entry: dict[str, str], indent: str) -> str:
    lines = [f"{indent}- id: {entry['id']}"]
    lines += [f"{indent}  {k}: {json.dumps(v, ensure_ascii=False)}" for k, v in entry.items() if k != "id"]
    return "\n".join(lines) + "\n"


def register(root: Path, arg: str, say: Any) -> str:
    """The id of the source ``arg`` names: a file of sources/ (listed or not: a file not yet
    listed gets its entry in sources.yaml first)."""
    from ..yamlio import load_yaml

    src_dir = (root / "sources").resolve()
    candidates = [Path(arg), root / arg, root / "sources" / arg]
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        raise _err(f"no file {arg!r} (nor sources/{Path(arg).name}): name a file in sources/ "
                   "or a source id", "import.unknown-source")
    path = path.resolve()
    if path.parent != src_dir:
        raise _err(f"{arg}: a source is a file directly in sources/ (kept there byte for byte "
                   f"as received): copy it to sources/{path.name} and import that",
                   "import.not-in-sources")
    text, items = _listed(root)
    for item in items:
        if item.get("file") == path.name and isinstance(item.get("id"), str):
            return str(item["id"])
    entry = entry_for(root, path, items)
    m = _KEY_LINE.search(text)
    indent = m.group(1) if m else "  "
    if not text.strip():
        new = ("# The sources of the book: provenance and fingerprint (edition check compares "
               "the SHA-256).\nsources:\n")
    else:
        new = text if text.endswith("\n") else text + "\n"
        new += "\n"
    new += entry_text(entry, indent)
    try:
        data = _plain(load_yaml(new, SOURCES_YAML))
        ok = data["sources"][-1]["id"] == entry["id"]
    except (BookError, KeyError, IndexError, TypeError):
        ok = False
    if not ok:
        raise _err(f"sources/{path.name} is not listed and its entry cannot be appended to "
                   f"{SOURCES_YAML} (the file does not end with the list 'sources:'); add it "
                   "by hand:\n" + entry_text(entry, "  "), "import.register")
    write_atomic(root / SOURCES_YAML, new.encode("utf-8"))
    first = new.count("\n", 0, len(new) - len(entry_text(entry, indent))) + 1
    say(f"{SOURCES_YAML}:{first}: added source '{entry['id']}' (importer {entry['importer']}, "
        f"title {entry['title']!r}, author {entry['author']!r}, chapter {entry['chapter']}): "
        "check its date, rights and title")
    return entry["id"]
