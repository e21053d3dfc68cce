"""The form matcher shared by the glossary and the register (edition/transforms/matching.py)."""

from __future__ import annotations

from edition.parse import parse_markdown
from edition.transforms.matching import Matcher, normalize, scan

GPU = [("gpu", "GPU"), ("gpu", "G.P.U."), ("gpu", "G. P. U."), ("gpu", "O.G.P.U."),
       ("sr", "S.R.'s"), ("sr", "S. R.'s"), ("sr", "S.R."), ("sr", "Left S. R.'s"),
       ("thermidor", "Thermidor"), ("thermidor", "Thermidorian"), ("thermidor", "9th of Thermidor"),
       ("kremlin", "Kremlin")]


def keys(text: str, pairs=GPU) -> list[tuple[str, str]]:
    m = Matcher(pairs)
    return [(h.key, text[h.start:h.end]) for h in m.find(text)]


def test_normalize_keeps_length():
    s = "S.\u202fR.\u2019s and\u00a0G. P. U."
    assert len(normalize(s)) == len(s)
    assert normalize(s) == "S. R.'s and G. P. U."


def test_longest_form_first():
    assert keys("the 9th of Thermidor and the Thermidorian reaction") == [
        ("thermidor", "9th of Thermidor"), ("thermidor", "Thermidorian")]
    assert keys("the O.G.P.U. and the G.P.U.") == [("gpu", "O.G.P.U."), ("gpu", "G.P.U.")]
    assert keys("the Left S. R.'s split") == [("sr", "Left S. R.'s")]


def test_whole_word_and_case():
    assert keys("Kremlinology, kremlin, the Kremlin's walls, GPUs") == [("kremlin", "Kremlin")]
    assert keys("THERMIDOR thermidor") == []


def test_apostrophes_and_spaces_are_folded():
    assert keys("Kadets, S.\u202fR.\u2019s and Mensheviks") == [("sr", "S.\u202fR.\u2019s")]
    assert keys("the G.\u202fP.\u202fU. arrived") == [("gpu", "G.\u202fP.\u202fU.")]
    assert keys("the S.R.\u2019s and S.R.") == [("sr", "S.R.\u2019s"), ("sr", "S.R.")]


def test_conflicting_forms_are_reported():
    m = Matcher([("a", "Party"), ("b", "Party"), ("a", "Kremlin"), ("a", "Kremlin")])
    assert m.conflicts == [("Party", ["a", "b"])]


def _scan(md: str, **kw):
    tokens, _ = parse_markdown(md)
    occ = scan(tokens, Matcher(GPU), **kw)
    return tokens, occ


def test_scan_wraps_matches_and_skips_contexts():
    md = ("# The GPU in a heading\n\n"
          "The GPU and [the GPU link](#x) and [GPU]{.nogl} and [Terror]{gl=thermidor}.[^1]\n\n"
          "[^1]: A note on the GPU.\n")
    tokens, occ = _scan(md)
    assert [(o.key, o.text, o.explicit) for o in occ] == [
        ("gpu", "GPU", False), ("thermidor", "Terror", True)]
    inline = [t for t in tokens if t.type == "inline"][1]
    kinds = [c.type for c in inline.children]
    assert kinds[:4] == ["text", "span_open", "text", "span_close"]
    assert inline.children[2].content == "GPU"
    assert occ[0].token is inline.children[1]
    # the heading and the note are untouched
    assert [t for t in tokens if t.type == "inline"][0].children[0].content == "The GPU in a heading"


def test_scan_across_a_line_break_and_line_offset():
    tokens, occ = _scan("first line\nthe G. P.\nU. came; also Kremlin\n")
    assert [(o.key, o.text, o.line_offset) for o in occ] == [("gpu", "G. P. U.", 1),
                                                             ("kremlin", "Kremlin", 2)]
    inline = [t for t in tokens if t.type == "inline"][0]
    assert [c.type for c in inline.children] == [
        "text", "softbreak", "text", "span_open", "text", "softbreak", "text", "span_close",
        "text", "span_open", "text", "span_close"]


def test_scan_skips_spans_already_linked_and_named_containers():
    tokens, _ = parse_markdown("::: letter\nThe GPU.\n:::\n\nThe Kremlin.\n")
    first = scan(tokens, Matcher(GPU), skip_containers=("letter",))
    assert [o.key for o in first] == ["kremlin"]
    again = scan(tokens, Matcher(GPU))  # a second linker does not nest inside the first one's spans
    assert [o.key for o in again] == ["gpu"]


def test_hyphen_joins_words():
    pairs = [("b", "Bolshevik"), ("a", "Alma-Ata"), ("k", "Kerensky-Tseretelli")]
    assert keys("Bolshevik-baiting, anti-Bolshevik, a Bolshevik, Alma-Ata, Kerensky-Tseretelli",
                pairs) == [("b", "Bolshevik"), ("a", "Alma-Ata"), ("k", "Kerensky-Tseretelli")]
    assert keys("the Bolshevik—a dash is not a hyphen", pairs) == [("b", "Bolshevik")]
