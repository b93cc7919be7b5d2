"""Stance toward each form of intervention a paragraph discusses.

One paragraph often backs one means and rules out another ("logistics yes, troops no").
We read it clause by clause: a means takes the polarity of the nearest stance cue in its
own clause (a rejection, a recommendation, or a verb of giving such as "provide" or
"considering a request for"), a negator just before that cue flips it, and a clause with
no cue borrows its sentence's polarity. Rules, not a model, so every call comes with the
words that triggered it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon
from .segment import sentence_spans

_CLAUSE = re.compile(r"[,;:\u2014()]|\s(?:but|while|whereas|although|though|yet)\s", re.IGNORECASE)
_NEGATOR = re.compile(r"\b(?:not|no|never|won't|wouldn't|will not|would not|cannot|can't|don't|doesn't|didn't|"
                      r"without|refus\w*|against)\b[^,;.]{0,25}$", re.IGNORECASE)
_POLARITY = {"reject": "oppose", "recommend": "support", "provide": "support"}


@dataclass(frozen=True)
class MeansStance:
    """One form of intervention and the stance a paragraph takes toward it."""

    means: str
    stance: str
    trigger: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {"means": self.means, "stance": self.stance, "trigger": self.trigger,
                "start": self.start, "end": self.end}


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [start] + [start + m.end() for m in _CLAUSE.finditer(text[start:end])] + [end]
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _polarity(text: str, cues: list[tuple[int, int, str, str]], at: int, lo: int, hi: int):
    """Polarity of the cue nearest to `at` within [lo, hi), negation-aware. A rejection anywhere in
    the span wins over a recommendation ("troops should come home", "ruled out sending troops")."""
    near = [c for c in cues if lo <= c[0] < hi]
    if not near:
        negated = _NEGATOR.search(text[max(lo, at - 30):at])
        return ("oppose", negated.group(0).split()[0]) if negated else None
    start, end, words, category = min(near, key=lambda c: (c[3] != "reject", abs(c[0] - at)))
    polarity = _POLARITY[category]
    if category != "reject" and _NEGATOR.search(text[max(lo, start - 30):start]):
        polarity = "oppose"
    return polarity, words


def means_stances(text: str, paragraph_stance: str | None = None) -> list[MeansStance]:
    """Each means named in `text`, with the stance taken toward it and the words that set it.

    A means with no cue of its own takes `paragraph_stance` (the classifier's label for the whole
    paragraph) when given: a paragraph that argues for intervening mostly argues for the means it
    names. In a neutral paragraph every means is neutral, whatever verbs it reports."""
    found = lexicon.find_means(text)
    if not found:
        return []
    all_cues = lexicon.find_cues(text)
    cues = sorted((s, e, w, cat) for cat in _POLARITY for s, e, w in all_cues[cat])
    votes: dict[str, list[tuple[str, str, int, int]]] = {}
    for s0, e0 in sentence_spans(text) or [(0, len(text))]:
        clauses = _clauses(text, s0, e0)
        for name, hits in found.items():
            for hs, he, words in hits:
                if not s0 <= hs < e0:
                    continue
                lo, hi = next(((a, b) for a, b in clauses if a <= hs < b), (s0, e0))
                got = _polarity(text, cues, hs, lo, hi) or _polarity(text, cues, hs, s0, e0)
                stance, trigger = got if got else (paragraph_stance or "neutral", words)
                if paragraph_stance == "neutral":
                    stance = "neutral"
                votes.setdefault(name, []).append((stance, trigger, hs, he))
    results = []
    for name, vs in votes.items():
        decided = [v for v in vs if v[0] != "neutral"]
        pick = _majority(decided) if decided else vs[0]
        results.append(MeansStance(name, pick[0], pick[1], pick[2], pick[3]))
    return sorted(results, key=lambda m: m.start)


def _majority(votes):
    support = [v for v in votes if v[0] == "support"]
    oppose = [v for v in votes if v[0] == "oppose"]
    if len(support) == len(oppose):
        return votes[0]
    return (support if len(support) > len(oppose) else oppose)[0]
