"""Quote curling (edition/importers/quotes.py): fixture files, one paragraph per line,
``tests/fixtures/import/quotes/<case>.in.txt`` -> ``<case>.out.txt``; and the doubtful
cases, which must be reported rather than guessed silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from edition.importers.quotes import curl

FIX = Path(__file__).resolve().parent / "fixtures" / "import" / "quotes"
CASES = sorted(p.name[: -len(".in.txt")] for p in FIX.glob("*.in.txt"))


@pytest.mark.parametrize("case", CASES)
def test_fixture(case: str) -> None:
    src = (FIX / f"{case}.in.txt").read_text(encoding="utf-8").splitlines()
    want = (FIX / f"{case}.out.txt").read_text(encoding="utf-8").splitlines()
    assert len(src) == len(want)
    for line, expected in zip(src, want, strict=True):
        got, doubts = curl(line)
        assert got == expected
        assert doubts == [], doubts


def test_fixture_cases_exist() -> None:
    assert len(CASES) >= 7


@pytest.mark.parametrize("text", [
    "in '17 we", "'tis true", "S.R.'s", "the S. R.'s",
])
def test_markdown_it_typographer_cases(text: str) -> None:
    """Cases markdown-it's smartquotes sets as an opening quote; here: apostrophes."""
    got, _ = curl(text)
    assert "\u2018" not in got and "\u2019" in got


def test_length_is_kept() -> None:
    text = 'a "b" \'c\' d\'s "\'e\'"'
    assert len(curl(text)[0]) == len(text)


def test_no_straight_quote_survives() -> None:
    got, _ = curl('x"y \'z "a" b\' c\'d "')
    assert '"' not in got and "'" not in got


@pytest.mark.parametrize(("text", "token"), [
    ('the city of F"runze', 'F"runze'),            # letters on both sides
    ("a quote 'never closed in the paragraph", "'never"),
    ('an "opened quote never closed', '"opened'),
])
def test_doubts_are_reported(text: str, token: str) -> None:
    _, doubts = curl(text)
    assert doubts, text
    assert any(token in d.token for d in doubts)
    assert all(0 <= d.offset < len(text) for d in doubts)


def test_doubt_offset_points_at_the_quote() -> None:
    text = 'the city of F"runze'
    _, doubts = curl(text)
    assert text[doubts[0].offset] == '"'
