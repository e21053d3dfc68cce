"""The biography importer (edition/importers/biography*.py): each step on small fixture
files (tests/fixtures/import/biography/<step>/NAME.in -> NAME.out [+ NAME.removed]),
then the real source: its record of removals and corrections, the structure of the
chapter, Markdown safety read back by the project's parser, and the chapter built into
an EPUB that EPUBCheck (-u) passes and whose headings come out in order."""

from __future__ import annotations

import re
import zipfile
from functools import partial
from pathlib import Path

import pytest
from conftest import ROOT, epubcheck_messages, run_epubcheck

from edition.importers import biography
from edition.importers.base import Draft, SourceEntry, run_steps
from edition.importers.biography_structure import (
    CAPTION,
    drop_title,
    headings_and_captions,
    primary_sources,
)
from edition.importers.biography_text import (
    NNBSP,
    assemble,
    curl_quotes,
    escape,
    escape_markdown,
    flag_suspicious,
    spaced_initialisms,
)
from edition.importers.fidelity import account, check_chapter
from edition.importers.sources import apply_corrections, load_corrections, load_sources
from edition.parse import parse_markdown

FIX = ROOT / "tests" / "fixtures" / "import" / "biography"
SOURCE_ID = "biography-leon-trotsky"
RECORD = SourceEntry(id="fixture", file="fixture.txt", sha256="0" * 64, author="not stated",
                      title="Leon Trotsky", date="not stated", kind="web transcription",
                      importer="biography", rights="not stated")

STRUCTURE = {
    "drop_title": [drop_title],
    "headings_and_captions": [headings_and_captions],
    "primary_sources": [primary_sources],
}
LINEWISE = {
    "spaced_initialisms": spaced_initialisms,
    "curl_quotes": curl_quotes,
    "escape_markdown": escape_markdown,
}


def cases(step: str) -> list[Path]:
    found = sorted((FIX / step).glob("*.in"))
    assert found, f"no fixtures for {step}"
    return found


def draft(text: str, corrections=()) -> Draft:
    return biography.draft_of(text, RECORD, list(corrections))


def removed_lines(step: str, d: Draft) -> str:
    return "".join(f"{step}: {r.line}-{r.end}: {r.reason}: {r.text.replace(chr(10), '⏎')}\n"
                   for r in d.removed)


# ------------------------------------------------------------------ steps on fixtures

@pytest.mark.parametrize("step", sorted(STRUCTURE))
def test_structure_step_fixtures(step):
    for case in cases(step):
        d = run_steps(draft(case.read_text(encoding="utf-8")), STRUCTURE[step])
        assert assemble(d) == case.with_suffix(".out").read_text(encoding="utf-8"), case.name
        assert removed_lines(step, d) == case.with_suffix(".removed").read_text(encoding="utf-8"), case.name


@pytest.mark.parametrize("step", sorted(LINEWISE))
def test_linewise_step_fixtures(step):
    for case in cases(step):
        d = LINEWISE[step](draft(case.read_text(encoding="utf-8")))
        got = "\n".join(ln.text for ln in d.lines)
        assert got == case.with_suffix(".out").read_text(encoding="utf-8"), case.name


def test_corrections_step_fixture_and_unused_reported():
    case = FIX / "corrections" / "sample.in"
    from edition.importers.base import Correction
    from edition.schema import CorrectionsFile
    from edition.yamlio import load_yaml, validate

    node = load_yaml(case.with_suffix(".yaml").read_text(encoding="utf-8"), "sample.yaml")
    recorded = [Correction(**c.model_dump()) for c in validate(CorrectionsFile, node, "sample.yaml", "c").corrections]
    d = apply_corrections(draft(case.read_text(encoding="utf-8"), recorded))
    got = "\n".join(ln.text for ln in d.lines if ln.text) + "\n"
    assert got == case.with_suffix(".out").read_text(encoding="utf-8")
    assert len(d.applied) == 6
    assert [c.read for c in d.meta["unused"]] == ["a word not on this line"]


def test_heading_rule_needs_a_line_standing_alone():
    # a single bare line is a heading; the same line printed twice is a caption;
    # a bare line ending in punctuation is text, a line in lower case runs on
    text = "Para one is long enough to be text.\n\nA Heading\n\nA Heading\nA Heading\n\nEnds with a stop.\n"
    d = headings_and_captions(draft(text))
    assert d.meta["kinds"] == {3: "h2"}
    assert [(r.line, r.end, r.reason) for r in d.removed] == [(5, 6, CAPTION)]
    assert "Ends with a stop." in assemble(d)


def test_extract_numbers_out_of_sequence_are_reported():
    text = "Primary Sources\n\n(1) A, B (1930)\n\nText one.\n\n(3) C, D (1931)\n\nText three.\n\n(4) E\n"
    d = primary_sources(draft(text))
    body = assemble(d)
    assert [(s.line, s.token) for s in d.suspicious] == [(7, "(3)"), (11, "(extract)")]
    assert body.count("::: extract") == 2 and body.count("### ") == 3


def test_flag_suspicious_finds_debris_and_respects_review():
    text = "It was was there.This One , Igo6 and `How and 0...0... and MI6 and hat.. end 1940.: x"
    d = flag_suspicious(draft(text), reviewed=frozenset({(1, "MI6")}))
    whys = sorted({s.why for s in d.suspicious})
    toks = [s.token for s in d.suspicious]
    assert "was was" in toks and "Igo6" in toks and "`" in toks and ".." in toks and "MI6" not in toks
    assert whys == ["digit 0 for a letter", "doubled punctuation", "letters and digits mixed",
                    "no space after punctuation", "space before punctuation", "stray character",
                    "word printed twice"]
    assert flag_suspicious(draft("And so... it was. He said.... No.")).suspicious == []


def test_curl_quotes_reports_unpaired_double_quotes():
    d = curl_quotes(draft('He said "one thing and "another" and left.'))
    assert any(s.why == "double quotation marks do not pair up" for s in d.suspicious)


# ------------------------------------------------------------------ Markdown safety, read back

def _text_of(tokens) -> list[str]:
    out = []
    for t in tokens:
        if t.type == "inline":
            out.append("".join(c.content for c in t.children if c.type in ("text", "softbreak")))
    return out


def test_escaped_text_reads_back_as_the_same_text_not_markup():
    raw = (FIX / "escape_markdown" / "escape.in").read_text(encoding="utf-8").splitlines()
    body = "\n\n".join(escape(line) for line in raw) + "\n"
    tokens, _ = parse_markdown(body)
    kinds = {t.type for t in tokens} | {c.type for t in tokens if t.children for c in t.children}
    assert kinds <= {"paragraph_open", "paragraph_close", "inline", "text"}, kinds
    assert _text_of(tokens) == raw


def test_unescaped_text_would_have_been_markup():
    # the test above can fail: without escaping, the same lines do become markup
    raw = (FIX / "escape_markdown" / "escape.in").read_text(encoding="utf-8").splitlines()
    tokens, _ = parse_markdown("\n\n".join(raw) + "\n")
    kinds = {t.type for t in tokens} | {c.type for t in tokens if t.children for c in t.children}
    assert {"ordered_list_open", "heading_open", "blockquote_open", "bullet_list_open", "fence"} <= kinds
    tokens, _ = parse_markdown("Stars *like this*, a `tick` and [x](y) <b>tag</b>\n")
    inline = {c.type for t in tokens if t.children for c in t.children}
    assert {"em_open", "code_inline", "link_open", "html_inline"} <= inline


# ------------------------------------------------------------------ the real source

@pytest.fixture(scope="module")
def real():
    record, _ = load_sources(ROOT)[SOURCE_ID]
    text = (ROOT / "sources" / record.file).read_text(encoding="utf-8")
    recorded = [c for c, _ in load_corrections(ROOT, SOURCE_ID)]
    return record, text, recorded, biography.import_source(text, record, recorded)


EXPECTED_REMOVED = [(1, 1), (3, 3), (13, 13), (14, 15), (61, 62), (130, 131), (143, 144),
                    (165, 166), (172, 173), (191, 191), (192, 192), (202, 203), (300, 301)]


def test_real_removals_are_the_title_and_every_orphaned_caption(real):
    _, text, _, res = real
    assert [(r.line, r.end) for r in res.removed] == EXPECTED_REMOVED
    assert [r.reason for r in res.removed[2:]] == [CAPTION] * 11
    src = text.split("\n")
    for r in res.removed:  # the record quotes the source exactly
        assert r.text == "\n".join(src[r.line - 1 : r.end])
    paragraphs = set(res.body.split("\n\n"))
    for cap in ("Leon Trotsky", "Evgenia Shelepina", "Kronstadt Uprising"):
        assert cap not in paragraphs
    assert "Leon Trotsky by Clare Sheridan" not in res.body and "Red Army soldiers attack" not in res.body


def test_real_corrections_all_apply_and_nothing_is_unaccounted(real):
    record, text, recorded, res = real
    assert len(recorded) == 74 and len(res.applied) == 74 and res.unused == []
    assert account(text, record, res) == []


def test_real_suspicious_are_only_readings_kept_as_printed(real):
    record, _, _, res = real
    assert res.suspicious, "the readings kept as printed are reported"
    assert all(s.why.startswith("as printed, for an editor's note") for s in res.suspicious)
    assert len(res.suspicious) == len(record.options["as_printed"]) == 21


def test_real_without_corrections_the_checks_find_the_debris(real):
    record, text, _, _ = real
    res = biography.import_source(text, record, [])
    flagged = {s.line for s in res.suspicious if not s.why.startswith("as printed")}
    assert {84, 90, 104, 179, 246, 490, 492, 510, 577, 635, 647, 732} <= flagged


def test_real_structure(real):
    _, _, _, res = real
    body = res.body
    h2 = re.findall(r"^## (.+)$", body, re.M)
    h3 = re.findall(r"^### \((\d+)\) ", body, re.M)
    assert h2[0] == "Bolsheviks and Mensheviks" and h2[-1] == "Primary Sources" and len(h2) == 25
    assert "Sergei Sedov" in h2 and "Kronstadt Uprising" not in h2
    assert [int(n) for n in h3] == list(range(1, 45))
    assert body.count("::: extract\n") == 44 and body.count("\n:::\n") == 44
    assert "### (1) Leon Trotsky, My Life: An Attempt at an Autobiography (1930)\n\n::: extract\n" in body
    assert "\n\n(a) Trotsky was fanatically determined" in body and "\n\n(d) Opportunities" in body
    assert f"(16) J.{NNBSP}T. Murphy" in body and f"C.{NNBSP}L.{NNBSP}R. James" in body
    assert '"' not in body and "'" not in body and "`" not in body
    assert "program \\[the idea\\]" in body


def test_real_front_matter(real):
    _, _, _, res = real
    fm = res.front_matter
    assert fm["title"] == "Leon Trotsky" and fm["source"] == SOURCE_ID
    assert "modern web biography" in fm["subtitle"] and "primary sources" in fm["subtitle"]
    assert fm["author"].startswith("Anonymous")
    assert "after 2013" in fm["date"]  # Giles Milton (2013) is the latest work cited
    assert fm["rights"].startswith("not stated") and "not in the public domain" in fm["rights"]


def test_real_import_is_deterministic(real):
    record, text, recorded, res = real
    again = biography.import_source(text, record, recorded)
    assert again.body == res.body and again.front_matter == res.front_matter


def test_chapter_file_agrees_with_a_fresh_import(real):
    record, _, _, res = real
    assert check_chapter(ROOT, f"chapters/{record.chapter}", record, res) == []


# ------------------------------------------------------------------ built, checked by EPUBCheck

def test_chapter_builds_into_a_valid_epub_with_headings_in_order(small_book, real):
    record, _, _, res = real
    # the import's own output: the committed chapter also carries editor's notes that
    # point into the other documents, which this one-chapter book does not have
    from edition.importers.run import render_chapter

    small_book.write("chapters/05-biography.md", render_chapter(res))
    small_book.book(["05-biography.md"])
    proc = small_book.run("build", "epub", "-o", str(small_book.root / "out"))
    assert proc.returncode == 0, proc.stderr
    epub = next((small_book.root / "out").glob("*.epub"))
    with zipfile.ZipFile(epub) as z:
        # the chapter that holds the heading; the contents (nav.xhtml, two levels deep) list it too
        names = [n for n in z.namelist() if n.endswith(".xhtml") and "Primary Sources" in z.read(n).decode()]
        chapters = [n for n in names if not n.endswith("nav.xhtml")]
        assert len(chapters) == 1, names
        names = chapters
        html = z.read(names[0]).decode()
    # a heading that heads one extract is that extract's caption (<figure><figcaption>, see
    # docs/decisions.md "Contents"), so the 44 extracts' headings are captions, not h3s
    heads = re.findall(r"<(h[1-6]|figcaption)[^>]*>(.*?)</\1>", html, re.S)
    kinds = [k for k, _ in heads]
    assert kinds[0] == "h1" and kinds.count("h1") == 1
    assert kinds.count("h2") == 25 and kinds.count("figcaption") == 44 and len(kinds) == 70
    first_cap = kinds.index("figcaption")
    assert all(k == "h2" for k in kinds[1:first_cap]) and all(k == "figcaption" for k in kinds[first_cap:])
    assert re.sub(r"<[^>]+>", "", heads[first_cap - 1][1]).strip() == "Primary Sources"
    # every caption is followed by its extract
    assert len(re.findall(r'</figcaption>\s*<blockquote class="extract">', html)) == 44
    assert html.count('<blockquote class="extract">') == 44
    msgs = [m for m in epubcheck_messages(run_epubcheck(epub)) if not m.startswith("INFO")]
    assert msgs == [], "\n".join(msgs)


def test_step_list_is_the_documented_order():
    steps = biography.steps(RECORD)
    names = [n for n, _ in steps]
    assert names == ["corrections", "drop_title", "headings_and_captions", "primary_sources",
                     "flag_suspicious", "as_printed", "spaced_initialisms", "curl_quotes",
                     "escape_markdown"]
    assert isinstance(dict(steps)["flag_suspicious"], partial)
