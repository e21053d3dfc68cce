"""The YAML reader: libyaml's parser, YAML 1.2 core types, line numbers, errors."""

from __future__ import annotations

import datetime

import pytest

from edition.diagnostics import BookError
from edition.yamlio import line_of, load_yaml, to_plain

DOC = """\
title: A book
entries:
  - term: Thermidor
    forms: [Thermidor, Thermidorian]
  - term: "yes"
    forms:
      - on
      - off
flags: [yes, no, true, FALSE, ~, null, 0777, 0o17, 0x1f, 1:20, 1.5e3, .inf]
when: 1941-08-20
"""


def test_yaml_12_core_schema():
    data = to_plain(load_yaml(DOC, "t.yaml"))
    # yes/no/on/off are words, 0777 is decimal, 1:20 is not sexagesimal (YAML 1.1 would differ)
    assert data["flags"] == ["yes", "no", True, False, None, None, 777, 15, 31, "1:20", 1500.0,
                             float("inf")]
    assert data["entries"][1]["forms"] == ["on", "off"]
    assert data["when"] == "1941-08-20"


def test_line_numbers_of_keys_and_items():
    node = load_yaml(DOC, "t.yaml")
    assert line_of(node, ("entries",)) == 2
    assert line_of(node, ("entries", 1)) == 5
    assert line_of(node, ("entries", 1, "forms", 1)) == 8
    assert line_of(node, ("entries", 0, "forms", 1)) == 4
    assert line_of(node, ("entries", 0, "missing")) == 3  # the deepest known place
    assert line_of(node, ("entries", 9)) == 2
    assert line_of(node, ("when",), line_offset=10) == 20
    assert isinstance(load_yaml(DOC, "t.yaml")["when"], datetime.date)


def test_empty_and_scalar_documents():
    assert load_yaml("", "t.yaml") is None
    assert load_yaml("# only a comment\n", "t.yaml") is None
    assert load_yaml("just text", "t.yaml") == "just text"


@pytest.mark.parametrize("text, line, message", [
    ("a: 1\nb: [1, 2\n", 3, "malformed YAML"),
    ("a: 1\nb: 2\na: 3\n", 3, "key 'a' is given twice (first on line 1)"),
    ("x:\n  - {a: 1, a: 2}\n", 2, "key 'a' is given twice"),
    ("a: *nowhere\n", 1, "malformed YAML"),
    ("? [1, 2]\n: x\n", 1, "a key must be a plain value"),
    ("a: !!python/object:os.system x\n", 1, "malformed YAML"),
])
def test_errors_carry_file_and_line(text, line, message):
    with pytest.raises(BookError) as exc:
        load_yaml(text, "t.yaml", line_offset=0)
    (d,) = exc.value.diagnostics
    assert (d.file, d.line, d.code) == ("t.yaml", line, "yaml.syntax")
    assert message in d.message


def test_anchors_and_merge_keys():
    data = to_plain(load_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "t.yaml"))
    assert data == {"base": {"x": 1}, "other": {"x": 1, "y": 2}}
