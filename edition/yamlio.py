"""YAML with line numbers, validated by pydantic models.

ruamel.yaml keeps the position of every key and item; pydantic validates
types and unknown keys.  A validation error is mapped back to the line of the
offending key, so the user reads ``glossary.yaml:41: error: ...``.
"""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .diagnostics import BookError, Diagnostic, Severity

M = TypeVar("M", bound=BaseModel)


def load_yaml(text: str, file: str, line_offset: int = 0) -> Any:
    """Parse YAML text; a syntax error becomes a BookError with file and line."""
    yaml = YAML(typ="rt", pure=True)
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise BookError(
            Diagnostic(file, line, Severity.ERROR, f"malformed YAML: {problem}", "yaml.syntax")
        ) from None
    except YAMLError as exc:
        raise BookError(
            Diagnostic(file, None, Severity.ERROR, f"malformed YAML: {exc}", "yaml.syntax")
        ) from None


def line_of(node: Any, path: tuple[Any, ...], line_offset: int = 0) -> int | None:
    """Best line for a pydantic error location inside a ruamel tree."""
    line: int | None = None
    cur = node
    for key in path:
        try:
            if isinstance(cur, CommentedMap) and key in cur:
                line = cur.lc.key(key)[0] + 1
                cur = cur[key]
            elif isinstance(cur, CommentedSeq) and isinstance(key, int) and key < len(cur):
                line = cur.lc.item(key)[0] + 1
                cur = cur[key]
            else:
                break
        except (AttributeError, KeyError, TypeError, IndexError):
            break
    if line is None and isinstance(node, CommentedMap | CommentedSeq):
        line = node.lc.line + 1
    return None if line is None else line + line_offset


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
            elif err["type"] == "missing":
                msg, code = f"missing required key '{dotted}' in {what}", "yaml.missing-key"
            else:
                msg, code = f"'{dotted}': {err['msg']}", "yaml.type"
            diags.append(
                Diagnostic(file, line_of(node, loc, line_offset), Severity.ERROR, msg, code)
            )
        raise BookError(diags) from None
