"""YAML with line numbers, validated by pydantic models.

The text is parsed by libyaml (PyYAML's C parser, ``CSafeLoader``) into nodes that
carry their positions; :func:`load_yaml` builds plain dicts and lists from them
(:class:`LineMap` and :class:`LineSeq`, which remember the line of every key and
item) under the YAML 1.2 core schema, so ``yes`` and ``on`` stay strings and
``1:20`` is not a number.  A key given twice is an error, not a silent overwrite.
pydantic validates types and unknown keys; a validation error is mapped back to
the line of the offending key, so the user reads ``glossary.yaml:41: error: ...``.

(Until 2026-11 this used ruamel.yaml's pure-Python round-trip loader, about 25x
slower on persons.yaml; see docs/decisions.md.)
"""

from __future__ import annotations

import datetime
import functools
import re
from typing import TYPE_CHECKING, Any, TypeVar

from .diagnostics import BookError, Diagnostic, Severity

if TYPE_CHECKING:
    from pydantic import BaseModel

M = TypeVar("M", bound="BaseModel")

# The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution) plus
# timestamps and merge keys, as ruamel.yaml resolved them; not YAML 1.1's yes/no/on/off,
# 0777 or 1:20.
_IMPLICIT = (
    ("tag:yaml.org,2002:merge", r"^<<$", ["<"]),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$",
     list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+.0123456789")),
    ("tag:yaml.org,2002:timestamp",
     r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
     r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
     r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?)$", list("0123456789")),
)


def _construct_int(loader: Any, node: Any) -> int:
    text = node.value
    if text.startswith("0o"):
        return int(text[2:], 8)
    return int(text, 0) if text.startswith("0x") else int(text)


@functools.lru_cache(maxsize=1)
def _loader() -> type:
    """libyaml's parser with the YAML 1.2 core schema's implicit types (PyYAML is imported
    here, on the first YAML text parsed: a rebuild reads its configuration from the memo)."""
    import yaml

    try:  # libyaml ships in PyYAML's wheels; the pure-Python parser is the same, slower
        base: type = yaml.CSafeLoader
    except AttributeError:  # pragma: no cover
        base = yaml.SafeLoader

    class Loader(base):  # type: ignore[valid-type, misc]
        yaml_implicit_resolvers: dict = {}

    for tag, regexp, first in _IMPLICIT:
        Loader.add_implicit_resolver(tag, re.compile(regexp), first)
    Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    return Loader


class LineMap(dict):  # type: ignore[type-arg]
    """A YAML mapping: a dict that knows its own line and the line of each key (1-based)."""

    line: int
    key_lines: dict[Any, int]
    value_lines: dict[Any, int]  # where each value's text begins (a block scalar: the line after '|')


class LineSeq(list):  # type: ignore[type-arg]
    """A YAML sequence: a list that knows its own line and the line of each item (1-based)."""

    line: int
    item_lines: list[int]
    value_lines: list[int]


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int, first: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first = key, line, first


def _text_line(node: Any) -> int:
    """The line on which a value's text begins (1-based): a block scalar's (``|``, ``>``)
    begins on the line after its indicator."""
    return node.start_mark.line + 1 + (1 if getattr(node, "style", None) in ("|", ">") else 0)


MAX_NODES = 200_000  # values once aliases are expanded: far above any book's files
MAX_DEPTH = 100  # nested mappings and lists


class _TooBig(Exception):
    def __init__(self, line: int, why: str) -> None:
        super().__init__(why)
        self.line, self.why = line, why


def _check_size(root: Any, mapping: Any, sequence: Any) -> None:
    """Refuse a tree that aliases would expand past MAX_NODES values (a "billion laughs"
    bomb: nine aliases of nine aliases ... take minutes and gigabytes to expand), one nested
    deeper than MAX_DEPTH, and an alias inside its own anchor (a cycle)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: Any, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        line = node.start_mark.line + 1
        if key in active:
            raise _TooBig(line, "an alias refers to the value that contains it")
        if depth > MAX_DEPTH:
            raise _TooBig(line, f"values nested more than {MAX_DEPTH} deep")
        total = 1
        if isinstance(node, mapping | sequence):
            active.add(key)
            children = ([n for pair in node.value for n in pair] if isinstance(node, mapping)
                        else node.value)
            for child in children:
                total += size(child, depth + 1)
                if total > MAX_NODES:
                    raise _TooBig(line, f"aliases expand this file past {MAX_NODES:,} values")
            active.discard(key)
        sizes[key] = total
        return total

    size(root, 0)


def _build_node(loader: Any, node: Any, memo: dict[int, Any], mapping: Any, sequence: Any,
                error: Any) -> Any:
    """Plain data from a composed node: ``mapping``/``sequence`` are PyYAML's node classes,
    ``error`` its ConstructorError (passed in: PyYAML is imported only when YAML is read)."""
    if id(node) in memo:  # an alias: the anchored value, shared
        return memo[id(node)]
    if isinstance(node, mapping):
        out = LineMap()
        out.line, out.key_lines, out.value_lines = node.start_mark.line + 1, {}, {}
        memo[id(node)] = out
        loader.flatten_mapping(node)  # merge keys (<<)
        for key_node, value_node in node.value:
            key = _build_node(loader, key_node, memo, mapping, sequence, error)
            if not isinstance(key, str | int | float | bool | datetime.date) and key is not None:
                raise error(
                    None, None, "a key must be a plain value, not a list or mapping",
                    key_node.start_mark)
            line = key_node.start_mark.line + 1
            if key in out:
                raise _DuplicateKey(key, line, out.key_lines[key])
            out.key_lines[key] = line
            out.value_lines[key] = _text_line(value_node)
            out[key] = _build_node(loader, value_node, memo, mapping, sequence, error)
        return out
    if isinstance(node, sequence):
        seq = LineSeq()
        seq.line, seq.item_lines, seq.value_lines = node.start_mark.line + 1, [], []
        memo[id(node)] = seq
        for item in node.value:
            seq.item_lines.append(item.start_mark.line + 1)
            seq.value_lines.append(_text_line(item))
            seq.append(_build_node(loader, item, memo, mapping, sequence, error))
        return seq
    value = loader.construct_object(node, deep=True)
    if isinstance(value, str):
        bad = _CONTROL.search(value)
        if bad:  # "a\fb": an escape made a character no e-book may hold
            raise _BadChar(node.start_mark.line + 1, f"U+{ord(bad.group()):04X}")
    memo[id(node)] = value
    return value


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


class _BadChar(Exception):
    def __init__(self, line: int, char: str) -> None:
        super().__init__(char)
        self.line, self.char = line, char


def load_yaml(text: str, file: str, line_offset: int = 0) -> Any:
    """Parse YAML text; a syntax error becomes a BookError with file and line."""
    import yaml

    loader = _loader()(text)
    try:
        root = loader.get_single_node()
        if root is not None:
            _check_size(root, yaml.MappingNode, yaml.SequenceNode)
        return None if root is None else _build_node(loader, root, {}, yaml.MappingNode,
                                                     yaml.SequenceNode, yaml.constructor.ConstructorError)
    except _DuplicateKey as exc:
        raise BookError(
            Diagnostic(file, exc.line + line_offset, Severity.ERROR,
                       f"malformed YAML: key '{exc.key}' is given twice "
                       f"(first on line {exc.first + line_offset})", "yaml.syntax")
        ) from None
    except _TooBig as exc:
        raise BookError(Diagnostic(file, exc.line + line_offset, Severity.ERROR,
                                   f"YAML refused: {exc.why}", "yaml.limit")) from None
    except RecursionError:
        raise BookError(Diagnostic(file, None, Severity.ERROR, "YAML refused: nested too deeply",
                                   "yaml.limit")) from None
    except _BadChar as exc:
        raise BookError(
            Diagnostic(file, exc.line + line_offset, Severity.ERROR,
                       f"control character {exc.char} in a value: not allowed in a text",
                       "yaml.control-char")
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise BookError(
            Diagnostic(file, line, Severity.ERROR, f"malformed YAML: {problem}", "yaml.syntax")
        ) from None
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        raise BookError(
            Diagnostic(file, None, Severity.ERROR, f"malformed YAML: {exc}", "yaml.syntax")
        ) from None
    finally:
        loader.dispose()


def line_of(node: Any, path: tuple[Any, ...], line_offset: int = 0) -> int | None:
    """Best line for a pydantic error location inside a loaded YAML tree."""
    line: int | None = None
    cur = node
    for key in path:
        if isinstance(cur, LineMap) and key in cur:
            line = cur.key_lines[key]
            cur = cur[key]
        elif isinstance(cur, LineSeq) and isinstance(key, int) and 0 <= key < len(cur):
            line = cur.item_lines[key]
            cur = cur[key]
        else:
            break
    if line is None and isinstance(node, LineMap | LineSeq):
        line = node.line
    return None if line is None else line + line_offset


def text_line_of(node: Any, path: tuple[Any, ...], line_offset: int = 0) -> int | None:
    """The line on which the value at ``path`` begins (for a Markdown text: its first line)."""
    *parents, last = path
    cur = node
    for key in parents:
        if isinstance(cur, LineMap | LineSeq):
            try:
                cur = cur[key]
            except (KeyError, IndexError, TypeError):
                return None
        else:
            return None
    if isinstance(cur, LineMap) and last in cur.value_lines:
        return cur.value_lines[last] + line_offset
    if isinstance(cur, LineSeq) and isinstance(last, int) and 0 <= last < len(cur.value_lines):
        return cur.value_lines[last] + line_offset
    return None


def to_plain(node: Any) -> Any:
    if isinstance(node, datetime.date):
        return node.isoformat()
    if isinstance(node, dict):
        return {str(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    return node


def validate(model: type[M], node: Any, file: str, what: str, line_offset: int = 0) -> M:
    """Validate a YAML tree against a model; all problems reported at once."""
    from pydantic import ValidationError

    if not isinstance(node, dict):
        raise BookError(
            Diagnostic(
                file,
                1 + line_offset,
                Severity.ERROR,
                f"{what} must be a mapping of keys to values",
                "yaml.type",
            )
        )
    try:
        return model.model_validate(to_plain(node))
    except ValidationError as exc:
        diags = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            dotted = ".".join(str(p) for p in loc) or what
            if err["type"] == "extra_forbidden":
                msg, code = f"unknown key '{dotted}' in {what}", "yaml.unknown-key"
                if len(loc) == 1:  # a hint: the key meant, when one is close ("autor")
                    import difflib

                    near = difflib.get_close_matches(str(loc[0]), list(model.model_fields), n=1,
                                                     cutoff=0.75)
                    msg += f" (did you mean '{near[0]}'?)" if near else ""
            elif err["type"] == "missing":
                msg, code = f"missing required key '{dotted}' in {what}", "yaml.missing-key"
            else:
                msg, code = f"'{dotted}': {err['msg']}", "yaml.type"
            diags.append(
                Diagnostic(file, line_of(node, loc, line_offset), Severity.ERROR, msg, code)
            )
        raise BookError(diags) from None
