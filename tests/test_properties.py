"""Property-based tests (hypothesis): generated chapters — random Markdown with notes,
glossary forms, quotes, headings, HTML fragments, links — never crash the pipeline.
A problem in the book is a BookError or a diagnostic; any other exception is a bug.
A few of the generated EPUBs are checked with EPUBCheck."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from conftest import ROOT, epubcheck_messages, run_epubcheck
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from edition.check import check
from edition.diagnostics import BookError, Reporter
from edition.pipeline import load_book, read_style
from edition.render.epub import build_epub

GLOSSARY = """\
entries:
  - id: kadets
    headword: Kadets
    category: organisation
    forms: [Kadet, Kadets]
    definition: Constitutional Democrats, see [Thermidor]{gl=thermidor}.
    see: [thermidor]
  - id: thermidor
    headword: Thermidor
    category: event
    forms: [Thermidor, S.R.’s]
    definition: The reaction.
"""

WORDS = st.sampled_from(
    ["the", "Leon", "Sedoff", "Sedoff’s", "’17", "S.R.’s", "G.P.U.", "1905–1906", "Kadet", "Kadets",
     "Thermidor", "Thermidorian", "exile", "and", "a", "XLIII", "Ninochka", "—", "–", "…", "&", "&amp;",
     "<", ">", "*", "_", "`", "\\", "#", "|", "~", "{", "}", "[", "]", "(", ")", "é", "Ж", "ﬁ", "\u00a0",
     "\u200b", "😀", "\u202e", "x\u0301", "\t"])
QUOTES = st.sampled_from(["“", "”", "‘", "’", '"', "'", "«", "»"])
HTML = st.sampled_from(
    ["<b>bold</b>", "<i>", "</i>", "<span class=\"sc\">GPU</span>", "<br>", "<br/>", "<sup>1</sup>",
     "<script>alert(1)</script>", "<iframe src=x>", "<span onclick=\"x()\">y</span>",
     "<a href=\"javascript:x()\">z</a>", "<img src=/etc/passwd>", "<!-- comment -->", "<", "</", "<b",
     "<span title='a\"b'>t</span>", "<style>p{}</style>", "<div>block</div>", "&nbsp;", "&#0;", "&bogus;"])
INLINE = st.one_of(
    WORDS, QUOTES, HTML,
    st.builds(lambda w: f"*{w}*", WORDS), st.builds(lambda w: f"**{w}**", WORDS),
    st.builds(lambda w: f"`{w}`", WORDS),
    st.builds(lambda lab: f"[^{lab}]", st.sampled_from(["1", "2", "ed-a", "tr-b", "x", "1"])),
    st.builds(lambda w, t: f"[{w}]{{gl={t}}}", WORDS, st.sampled_from(["kadets", "thermidor", "nowhere"])),
    st.builds(lambda w: f"[{w}]{{.nogl}}", WORDS),
    st.builds(lambda w, h: f"[{w}]({h})", WORDS,
              st.sampled_from(["#ch-one", "#nowhere", "http://example.com", "file:///etc/passwd",
                               "javascript:alert(1)", "02-two.md", "../x", "", "<>"])),
    st.builds(lambda w, s: f"![{w}]({s})", WORDS, st.sampled_from(["x.png", "/etc/passwd", "http://e/x.png"])),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8),
)
LINE = st.lists(INLINE, min_size=1, max_size=12).map(" ".join)
BLOCK = st.one_of(
    LINE, LINE, LINE,
    st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 7), LINE),
    st.builds(lambda k, t: f"::: {k}\n{t}\n:::", st.sampled_from(["letter", "extract", "verse", "epigraph",
                                                                   "headnote", "unknown"]), LINE),
    st.builds(lambda k, t: f"::: {k}\n{t}", st.sampled_from(["letter", "verse"]), LINE),  # never closed
    st.just("* * *"), st.just("---"), st.just(":::"),
    st.builds(lambda t: "> " + t, LINE), st.builds(lambda t: "- " + t + "\n- " + t, LINE),
    st.builds(lambda t: "1. " + t, LINE), st.builds(lambda t: "    " + t, LINE),
    st.builds(lambda t: "```\n" + t + "\n```", LINE), st.builds(lambda t: "| a | b |\n|---|---|\n| " + t + " | x |", LINE),
    st.builds(lambda lab, t: f"[^{lab}]: {t}", st.sampled_from(["1", "2", "ed-a", "tr-b", "y"]), LINE),
    st.builds(lambda t: f"<div>\n{t}\n</div>", LINE),
)
BODY = st.lists(BLOCK, min_size=1, max_size=10).map("\n\n".join)
PLAIN_INLINE = st.one_of(
    WORDS, QUOTES, st.builds(lambda w: f"*{w}*", WORDS), st.builds(lambda w: f"`{w}`", WORDS),
    st.sampled_from(["<b>bold</b>", "<i>it</i>", "<br/>", "<span class=\"sc\">GPU</span>", "[^1]", "[^ed-a]",
                     "[the Kadets]{gl=kadets}", "[Kadet]{.nogl}", "[up](#ch-one)", "Kadets", "Thermidor"]))
PLAIN_LINE = st.lists(PLAIN_INLINE, min_size=1, max_size=12).map(" ".join)
PLAIN_BLOCK = st.one_of(
    PLAIN_LINE, PLAIN_LINE,
    st.builds(lambda n, t: "#" * n + " " + t, st.integers(2, 6), PLAIN_LINE),
    st.builds(lambda k, t: f"::: {k}\n{t}\n:::", st.sampled_from(["letter", "extract", "verse"]), PLAIN_LINE),
    st.just("* * *"), st.builds(lambda t: "> " + t, PLAIN_LINE), st.builds(lambda t: "- " + t, PLAIN_LINE))
PLAIN_BODY = st.lists(PLAIN_BLOCK, min_size=1, max_size=8).map(
    lambda bs: "\n\n".join(bs) + "\n\nEnd.[^1][^ed-a]\n\n[^1]: The author’s note.\n\n[^ed-a]: The editor’s note.")

SAMPLES: list[Path] = []


def write_book(root: Path, body: str, second: str) -> None:
    (root / "chapters").mkdir(parents=True)
    shutil.copytree(ROOT / "edition" / "data" / "styles", root / "styles")
    (root / "book.yaml").write_text("title: Generated\nslug: generated\neditor: E\n"
                                    "chapters:\n  - 01-one.md\n  - 02-two.md\n", encoding="utf-8")
    (root / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    front = '---\ntitle: {}\nauthor: A\ndate: "1938"\nsource: s\n---\n'
    (root / "chapters" / "01-one.md").write_text(front.format(json.dumps("One")) + body + "\n", encoding="utf-8")
    (root / "chapters" / "02-two.md").write_text(front.format(json.dumps("Two")) + second + "\n",
                                                 encoding="utf-8")


def build_in_process(root: Path) -> tuple[Reporter, bytes | None]:
    """What `edition build epub` does, in this process; returns the EPUB if the book is good."""
    reporter = Reporter()
    try:
        book = load_book(root, reporter)
    except BookError as exc:
        assert exc.diagnostics and all(d.file for d in exc.diagnostics)
        return reporter, None
    for d in reporter.items:
        assert d.file and d.code and d.message, d
    if reporter.failed():
        return reporter, None
    return reporter, build_epub(book, read_style(root, "epub.css")[0])


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          database=None)
@given(body=st.one_of(BODY, PLAIN_BODY), second=st.one_of(BODY, PLAIN_BODY, st.just("Plain text.")))
@example(body="[the](#nowhere)", second="Plain text.")  # refused at its line by load_book (edition/anchors.py)
def test_generated_chapters_never_crash_the_pipeline(body, second):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "book"
        write_book(root, body, second)
        reporter, epub = build_in_process(root)
        event("EPUB built" if epub is not None else "refused with diagnostics")
        if epub is not None:
            assert epub[:2] == b"PK" and b"mimetype" in epub[:100]
        # and the lint over the same book: diagnostics, never an exception
        lint_reporter = Reporter()
        try:
            check(root, lint_reporter)
        except BookError:
            pass
        for d in lint_reporter.items:
            assert d.file and d.code


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(bodies=st.lists(PLAIN_BODY, min_size=3, max_size=3))
def test_a_sample_of_generated_epubs_pass_epubcheck(bodies, tmp_path_factory):
    """Two generated books of three generated chapters each (one EPUBCheck run per book)."""
    root = tmp_path_factory.mktemp("gen") / "book"
    write_book(root, bodies[0], bodies[1])
    (root / "chapters" / "03-three.md").write_text(
        '---\ntitle: Three\nauthor: C\ndate: "1941"\nsource: s\n---\n' + bodies[2] + "\n", encoding="utf-8")
    (root / "book.yaml").write_text((root / "book.yaml").read_text() + "  - 03-three.md\n", encoding="utf-8")
    reporter, epub = build_in_process(root)
    assert epub is not None, [d.format() for d in reporter.items]
    path = root / "generated.epub"
    path.write_bytes(epub)
    report = run_epubcheck(path)
    assert epubcheck_messages(report) == [], bodies
