import re

import pytest

from stance import lexicon
from stance.phrases import PhraseMatcher, bounded_regex, spell_out


@pytest.mark.parametrize("pattern, phrases", [
    ("air ?strikes?", ["air strikes", "air strike", "airstrikes", "airstrike"]),
    ("(?:the )?mission", ["the mission", "mission"]),
    ("no[- ]fly", ["no-fly", "no fly"]),
    ("stabili[sz](?:e|ed)", ["stabilise", "stabilised", "stabilize", "stabilized"]),
    (r"\?", ["?"]),
])
def test_spell_out_lists_phrases_in_the_order_the_regex_tries_them(pattern, phrases):
    assert spell_out(pattern) == phrases
    assert all(re.fullmatch(pattern, p) for p in phrases)


@pytest.mark.parametrize("pattern", [r"\w+n't", "troops*", "a{2}", "[a-z]x", "(?:a|b", "x??"])
def test_spell_out_refuses_what_is_not_a_small_finite_set(pattern):
    assert spell_out(pattern) is None


LISTS = {
    "means": ("ground troops", "troops?", "(?:send|sending) (?:more )?troops", "boots on the ground", "anti[- ]tank"),
    "short": ("no", "not", "arm", "arms"),
    "free": (r"\w+n't", "never"),  # not finite: stays a regex
    "quote": ("let's", "regime'?s? air force"),
}
TRICKY = [
    "Ground troops, troops and sending more troops; sending troops - not paratroopers.",
    "No-fly? no. Not now, arms-length arms; the arm, not the army. We won't, can't, never.",
    "anti-tank and anti tank and antitank; boots on the ground-level boots on the ground",
    "Let's see: the regime's air force, the regimes air force, the regime' air force.",
    "ÉTATS troops İstanbul send troops",
    "",
]


@pytest.mark.parametrize("text", TRICKY)
def test_matcher_finds_what_the_regex_finds(text):
    matcher = PhraseMatcher(LISTS)
    low = text.lower()
    assert matcher.find(low) == {k: [m.span() for m in bounded_regex(v).finditer(low)] for k, v in LISTS.items()}


@pytest.mark.parametrize("flags", [re.IGNORECASE, re.ASCII])
def test_flags_keep_the_regex(flags):
    matcher = PhraseMatcher(LISTS, flags)
    text = "\u00e9arms Arms-length ARMS, let's go"
    assert not matcher._tabled
    assert matcher.find(text) == {k: [m.span() for m in bounded_regex(v, flags).finditer(text)] for k, v in LISTS.items()}


def test_spell_out_gives_up_early_on_huge_sets():
    assert spell_out("(?:" + "[abcdefghij]" * 6 + ")") is None  # a million: refused before it is built
    assert len(spell_out("[abcdefghij]" * 3)) == 1000


def test_matcher_uses_the_table_for_finite_lists_only():
    matcher = PhraseMatcher(LISTS)
    assert [matcher.names[i] for i in matcher._tabled] == ["means", "short", "quote"]


def test_our_lexicon_matches_as_its_regexes_do_on_the_corpus(corpus):
    lists = {**{k: v for k, v in lexicon.CUES.items() if k != "rhetorical"}, **lexicon.MEANS}
    matcher = PhraseMatcher(lists)
    regexes = {k: bounded_regex(v) for k, v in lists.items()}
    assert len(matcher._tabled) >= 15  # else the speed-up is gone
    for row in corpus[::3]:
        low = row["text"].lower()
        assert matcher.find(low) == {k: [m.span() for m in r.finditer(low)] for k, r in regexes.items()}
