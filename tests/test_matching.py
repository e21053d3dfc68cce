"""The form matcher shared by the glossary and the register (edition/transforms/matching.py)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from edition.parse import parse_markdown
from edition.transforms.matching import Hit, Matcher, _initials, normalize, proper_compound, scan

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


def test_a_sentence_end_is_not_an_initial():
    # "good-by." ends a sentence; the "y." is no initial, so "F.A. Guetier" after it is found
    assert [h.form for h in Matcher([("g", "F.A. Guetier")]).find("to say good-by. F.A. Guetier, our")] \
        == ["F.A. Guetier"]
    assert Matcher([("s", "S. R.")]).find("the U. S. S. R. and") == []


def test_an_initialism_is_not_found_inside_a_longer_one():
    pairs = [("sr", "S. R.'s"), ("sr", "S. R."), ("sr", "S.R."), ("us", "U. S.")]
    narrow = "\u202f"
    # the pamphlet's spacing, with narrow no-break spaces, and the closed-up spelling
    assert keys(f"U.{narrow}S.{narrow}S.{narrow}R. and U.S.S.R. and U. S. S. R.", pairs) == []
    assert keys(f"the coalition of Kadets, S.{narrow}R.\u2019s and Mensheviks", pairs) == [
        ("sr", f"S.{narrow}R.\u2019s")]
    assert keys("an S. R. leader; the S.R. party", pairs) == [("sr", "S. R."), ("sr", "S.R.")]
    # a form ending in an initial does not stop before another one
    assert keys("the U. S. government, not the U. S. S. R.", pairs) == [("us", "U. S.")]


def test_a_lower_case_form_is_not_found_in_a_proper_compound():
    pairs = [("cw", "civil war"), ("cw", "Civil War"), ("cap", "capitulators")]
    assert keys("a dead Loyalist veteran in the Spanish civil war, made", pairs) == []
    assert keys("the civil war ended; during the Civil War; the American Civil War", pairs) == [
        ("cw", "civil war"), ("cw", "Civil War"), ("cw", "Civil War")]
    # a capitalised word that begins a sentence or a quotation, or a possessive, is no compound
    assert keys("Again. Russian civil war was over. “Bloody civil war” said Stalin’s capitulators",
                pairs) == [("cw", "civil war"), ("cw", "civil war"), ("cap", "capitulators")]
    assert keys("civil war at the start of the text", pairs) == [("cw", "civil war")]
    assert not proper_compound("the Spanish civil war", 4)  # "Spanish" itself is not lower-case


# -- the fast matcher against its definition ---------------------------------------

def _pattern(form: str) -> str:
    """The definition of a match of one form."""
    body = re.escape(form).replace(r"\ ", " ")
    body = re.sub(" +", " +", body)
    # a hyphen joins words: "Bolshevik" is not matched in "Bolshevik-baiting" or "anti-Bolshevik"
    pre = r"(?<!\w)(?<!\w-)" if re.match(r"\w", form) else ""
    post = r"(?!\w)(?!-\w)" if re.search(r"\w$", form) else ""
    # no "S. R." in "U. S. S. R."
    return pre + _initials(form, body) + post


def reference_find(pairs: list[tuple[str, str]], text: str) -> list[Hit]:
    """The definition: one alternation of every form's ``_pattern``, longest first, tried
    at every position (what Matcher did before it was made fast)."""
    key_of: dict[str, str] = {}
    for key, form in pairs:
        f = normalize(form.strip())
        if f:
            key_of.setdefault(f, key)
    forms = sorted(key_of, key=lambda f: (-len(f), f))
    if not forms:
        return []
    big = re.compile("|".join(f"(?P<f{i}>{_pattern(f)})" for i, f in enumerate(forms)))
    folded, hits, pos = normalize(text), [], 0
    while pos <= len(folded):
        m = big.match(folded, pos)
        if m is None or proper_compound(folded, pos):  # no "civil war" in "Spanish civil war"
            pos += 1
            continue
        form = forms[int(m.lastgroup[1:])]
        hits.append(Hit(m.start(), m.end(), key_of[form], form))
        pos = m.end()
    return hits


ALPHABET = "abAB-.' \u2019\u00a0s1"
FORM = st.text(alphabet=ALPHABET, min_size=1, max_size=6)


@st.composite
def forms_and_text(draw):
    """Forms, and a text made mostly of those forms and pieces of them, so that matches,
    near misses, overlaps and word boundaries are all common."""
    pairs = draw(st.lists(st.tuples(st.sampled_from("xyz"), FORM), min_size=1, max_size=8))
    spaced = [f for _, f in pairs if " " in f.strip()]
    if spaced and draw(st.booleans()):  # a twin whose runs of spaces are longer: the same pattern
        pairs.append(("w", draw(st.sampled_from(spaced)).replace(" ", "  ", 1)))
    forms = [f for _, f in pairs]
    piece = st.one_of(st.sampled_from(forms), st.sampled_from(forms).map(lambda f: f[: len(f) // 2 + 1]),
                      st.text(alphabet=ALPHABET, max_size=3))
    return pairs, "".join(draw(st.lists(piece, max_size=12)))


@settings(max_examples=500, deadline=None)
@given(case=forms_and_text())
def test_matcher_finds_what_its_definition_finds(case):
    pairs, text = case
    assert Matcher(pairs).find(text) == reference_find(pairs, text)
