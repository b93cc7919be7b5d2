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
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from threadpoolctl import threadpool_limits

from . import lexicon
from .segment import sentence_spans

_CLAUSE = re.compile(r"[,;:\u2014()]|\s(?:but|while|whereas|although|though|yet)\s", re.IGNORECASE)
_NEGATOR = re.compile(r"\b(?:not(?! only)|no(?![-\w])|never|won't|wouldn't|will not|would not|cannot|can't|don't|doesn't|didn't|"
                      r"without|refus\w*|against)\b[^,;.]{0,25}$", re.IGNORECASE)
_POLARITY = {"reject": "oppose", "recommend": "support", "provide": "support"}
_NOT_ONLY = re.compile(r"\s+only\b", re.IGNORECASE)
# Cues for a means that the paragraph-level lexicon leaves out, because they only say something next
# to a named means: arguing for undoing it in the passive ("sanctions should be lifted"; "must never
# be lifted" argues the other way; "the siege was lifted" reports, and argues nothing), and a
# speaker's plain backing ("I support sanctions", "backed training"; not "Russian-backed", "backed by",
# nor the noun in "logistical support").
_UNDO = re.compile(r"\b(?:should|must|ought to|needs? to|ha(?:s|ve) to)\s+(?:(not|never)\s+)?(?:\w+\s+)?be\s+"
                   r"(?:\w+ly\s+)?(?:lifted|eased|ended|withdrawn|scrapped|dropped|relaxed|suspended|halted|stopped|"
                   r"called off|pulled out|scaled back|wound down|phased out|cut(?! off))\b", re.IGNORECASE)
_BACKING = re.compile(r"\b(?:(?:i|we|you|they|he|she|who)\s+(?:also\s+|still\s+|strongly\s+)?"
                      r"(?:support|back|favou?r|endorse)s?|(?<![-\w])(?:backed|endorsed|favou?red)(?! by))\b",
                      re.IGNORECASE)


def _means_cues(text: str) -> tuple[list, list, list]:
    """(passive calls, plain backings, active calls) in `text`, each (start, end, words, cue category).
    An active call's verb decides its direction ("must end the operation", "time to stop arming",
    "should not lift the sanctions"), which a modal alone would get wrong."""
    lower = text.lower()  # most paragraphs have neither: skip the regexes (a third of means_stances' time)
    passive = [(m.start(), m.end(), m.group(0), "recommend" if m.group(1) else "reject")
               for m in _UNDO.finditer(text)] if " be " in lower else []
    backing = [(m.start(), m.end(), m.group(0), "recommend") for m in _BACKING.finditer(text)] \
        if "back" in lower or "support" in lower or "endorse" in lower or "favo" in lower else []
    active = [(a, b, text[a:b], "recommend" if act else "reject") for a, b, act in lexicon.calls(text)]
    return passive, backing, active


@dataclass(frozen=True)
class MeansStance:
    """One form of intervention and the stance a paragraph takes toward it."""

    means: str
    stance: str
    trigger: str
    start: int  # -1 when the means was detected from the whole paragraph, not from a cue
    end: int

    def to_dict(self) -> dict:
        return {"means": self.means, "stance": self.stance, "trigger": self.trigger,
                "start": self.start, "end": self.end}


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    cuts = [start] + [start + m.end() for m in _CLAUSE.finditer(text[start:end])] + [end]
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _nearest(cues: list, starts: list[int], at: int, lo: int, hi: int):
    """The first of the cues starting nearest to `at` within [lo, hi), found by bisection, so that a
    long sentence full of cues and mentions (a transcript with no full stops) stays linear."""
    a, b = bisect_left(starts, lo), bisect_left(starts, hi)
    if a >= b:
        return None
    k = bisect_left(starts, at, a, b)
    before = bisect_left(starts, starts[k - 1], a, b) if k > a else None  # the first of its start
    candidates = [cues[j] for j in (before, k) if j is not None and j < b]
    return min(candidates, key=lambda c: abs(c[0] - at))


def _polarity(text: str, cues: tuple[list, list[int], list, list[int]], at: int, ranges: list[tuple[int, int]],
              lo: int):
    """Polarity of the cue nearest to `at` within `ranges`, negation-aware (looking back no further
    than `lo`). A rejection anywhere in them wins over a recommendation ("troops should come home",
    "ruled out sending troops"). `cues` holds all cues and the rejections alone, each sorted with
    their start offsets."""
    every, starts, rejections, rejection_starts = cues

    def nearest(found_in, found_starts):
        found = [c for a, b in ranges if (c := _nearest(found_in, found_starts, at, a, b))]
        return min(found, key=lambda c: abs(c[0] - at)) if found else None

    near = nearest(rejections, rejection_starts) or nearest(every, starts)
    if near is None:
        negated = _NEGATOR.search(text[max(lo, at - 30):at])
        return ("oppose", negated.group(0).split()[0]) if negated else None
    start, end, words, category = near
    polarity = _POLARITY[category]
    if category != "reject" and _NEGATOR.search(text[max(lo, start - 30):start]):
        polarity = "oppose"
    return polarity, words


_RELATIVE = re.compile(r"that|which|who", re.IGNORECASE)  # "we oppose sanctions that should ...": not the subject
# A verdict that closes a sentence about one means: "Aid for the refugees, yes. Sanctions, no." An undoing
# verb before the means turns it: "Lifting the sanctions, yes." is against them.
_YES_NO = re.compile(r"[^.!?;:,]{0,40},\s*(?:(yes)|no)\b(?=\s*(?:[.!]|$))", re.IGNORECASE)
_UNDOING_BEFORE = re.compile(r"\b(?:lift|eas|end|withdraw|cut|scrap|drop|stop|halt|suspend|pull|abandon)\w*\b",
                             re.IGNORECASE)


def _passive_subjects(text: str, passive: list, mentions: list) -> dict[int, tuple[str, str]]:
    """Mentions that are the subject of a passive call right after them ("sanctions on Moscow should not
    be lifted"), by start offset, with that call's polarity: it speaks of them, so it outranks a
    rejection elsewhere in the clause ("... until Moscow withdraws")."""
    ends = sorted((he, hs) for _, _, hs, he, _, _ in mentions)
    subjects = {}
    for start, _, words, category in passive:
        k = bisect_right(ends, (start, start)) - 1
        between = text[ends[k][0]:start] if k >= 0 else ""
        if k >= 0 and len(between) <= 40 and not _CLAUSE.search(between) \
                and not _RELATIVE.fullmatch(between.strip()) and not any(mark in between for mark in ".!?"):
            subjects[ends[k][1]] = (_POLARITY[category], words)
    return subjects


def means_stances(text: str, paragraph_stance: str | None = None,
                  detected: set[str] | frozenset[str] | None = None) -> list[MeansStance]:
    """Each means `text` discusses, with the stance taken toward it and the words that set it.

    A means with no cue of its own takes `paragraph_stance` (the classifier's label for the whole
    paragraph) when given: a paragraph that argues for intervening mostly argues for the means it
    names. In a neutral paragraph every means is neutral, whatever verbs it reports, and an oppose
    paragraph backs none (the codebook's checks).
    `detected` (from a trained MeansDetector) decides which means are discussed: lexicon hits outside
    it are dropped, and a detected means with no lexicon hit is reported without offsets."""
    found = lexicon.find_means(text)
    if detected is not None:
        found = {k: v for k, v in found.items() if k in detected}
    if not found and not detected:
        return []
    all_cues = lexicon.find_cues(text)
    passive, backing, active = _means_cues(text)
    # A call decides for the words inside it: "should not be lifted", "should not lift the sanctions".
    judged = [(s, e) for s, e, _, cat in passive if cat == "recommend"] + [(s, e) for s, e, _, _ in active]
    every = sorted([(s, e, w, cat) for cat in _POLARITY for s, e, w in all_cues[cat]
                    if not (cat == "reject" and _NOT_ONLY.match(text, e))  # "should not only ... but also"
                    and not any(a <= s < b for a, b in judged)] + passive + backing + active)
    rejections = [c for c in every if c[3] == "reject"]
    cues = (every, [c[0] for c in every], rejections, [c[0] for c in rejections])
    votes: dict[str, list[tuple[str, str, int, int, bool]]] = {}  # stance, trigger, start, end, own cue?
    spans = sentence_spans(text) or [(0, len(text))]
    # Mentions by sentence, then by means, then by place: each found by bisection, so that a long
    # paragraph with many mentions costs their number, not their number times its sentences.
    sentence_starts = [a for a, _ in spans]
    mentions = []
    for order, (name, hits) in enumerate(found.items()):
        for hs, he, words in hits:
            i = bisect_right(sentence_starts, hs) - 1
            if i >= 0 and hs < spans[i][1]:
                mentions.append((i, order, hs, he, words, name))
    clauses_of: dict[int, list[tuple[int, int]]] = {}
    free_of: dict[tuple[int, str], list[tuple[int, int]]] = {}  # clauses naming no other means
    named_in: dict[int, list[tuple[int, str]]] = {}  # sentence -> (start, means) of its mentions
    for i, _, hs, _, _, name in mentions:
        named_in.setdefault(i, []).append((hs, name))
    subjects = _passive_subjects(text, passive, mentions)
    for i, _, hs, he, words, name in sorted(mentions):
        s0, e0 = spans[i]
        clauses = clauses_of.get(i) or clauses_of.setdefault(i, _clauses(text, s0, e0))
        clause = next(((a, b) for a, b in clauses if a <= hs < b), (s0, e0))
        said = _YES_NO.match(text, he)
        if said:
            yes = bool(said.group(1)) != bool(_UNDOING_BEFORE.search(text, clause[0], hs))
            got = ("support" if yes else "oppose", said.group(0).rsplit(",", 1)[1].strip())
        else:
            got = subjects.get(hs) or _polarity(text, cues, hs, [clause], clause[0])
        if got is None:  # borrow from the sentence, but not a cue that sits with another means
            free = free_of.get((i, name))
            if free is None:  # once per sentence and means: a sentence of many mentions stays linear
                others = sorted(at for at, other in named_in[i] if other != name)
                free = free_of[(i, name)] = [(a, b) for a, b in clauses if bisect_left(others, a) == bisect_left(others, b)]
            got = _polarity(text, cues, hs, free, s0)
        stance, trigger = got if got else (paragraph_stance or "neutral", words)
        if paragraph_stance == "neutral":
            stance = "neutral"
        votes.setdefault(name, []).append((stance, trigger, hs, he, got is not None))
    results = []
    for name, vs in votes.items():
        # Mentions with a cue of their own decide; the paragraph's label only fills in when none has one.
        decided = [v for v in vs if v[0] != "neutral" and v[4]] or [v for v in vs if v[0] != "neutral"]
        pick = _majority(decided) if decided else vs[0]
        results.append(MeansStance(name, pick[0], pick[1], pick[2], pick[3]))
    for name in sorted(set(detected or ()) - set(votes)):
        results.append(MeansStance(name, paragraph_stance or "neutral", "", -1, -1))
    return sorted(_consistent(results, text, paragraph_stance), key=lambda m: (m.start < 0, m.start))


def _consistent(results: list[MeansStance], text: str, paragraph_stance: str | None) -> list[MeansStance]:
    """The codebook's check that an oppose paragraph backs no means. Where a cue says it does, the cue
    was misread more often than not ("Keeping sanctions punishes ordinary people. Lift them." is no
    call to keep them): on our test split this lifts means+stance micro-F1 from 0.559 to 0.580. (Its
    mirror, a support paragraph about one means backs it, added only 0.003, and a cue of one's own
    against a mislabelled paragraph is worth keeping there.) The trigger becomes the mention itself,
    as for a means that takes the paragraph's label."""
    if paragraph_stance != "oppose":
        return results
    return [MeansStance(m.means, "oppose", text[m.start:m.end], m.start, m.end) if m.stance == "support" else m
            for m in results]  # a support here has offsets: a means with none takes the paragraph's oppose


class MeansDetector(ClassifierMixin, BaseEstimator):
    """Which forms of intervention a paragraph discusses, learned from annotated paragraphs.

    Word n-grams catch what a cue list misses ("the 82nd Airborne", "boots", "a naval task force");
    on our corpus's test split it lifts detection micro-F1 from 0.58 (lexicon alone) to about 0.73.
    The n-grams are hashed rather than kept in a vocabulary: the model then loads in milliseconds
    instead of a tenth of a second (a vocabulary is a large Python dict), for about 0.015 of F1.
    A means the lexicon finds named in the text needs only `mentioned_threshold` probability, one it
    does not find the usual 0.5: a named means is usually discussed (5-fold CV on our train split:
    micro-F1 0.694 at 0.5, 0.723 at 0.3, 0.717 at 0.4); raising the bar for means guessed from context
    alone cost more than it saved (0.60: 0.706).
    """

    def __init__(self, C: float = 3.0, n_features: int = 2**15, mentioned_threshold: float = 0.3):
        self.C = C
        self.n_features = n_features
        self.mentioned_threshold = mentioned_threshold

    def __setstate__(self, state):
        state.setdefault("mentioned_threshold", 0.5)  # saved before the parameter existed: one threshold
        super().__setstate__(state)

    def fit(self, X, y) -> "MeansDetector":
        from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import MultiLabelBinarizer

        self.binarizer_ = MultiLabelBinarizer()
        Y = self.binarizer_.fit_transform([list(means) for means in y])
        self.classes_ = self.binarizer_.classes_
        self.pipeline_ = make_pipeline(
            HashingVectorizer(ngram_range=(1, 2), n_features=self.n_features, alternate_sign=False, norm=None,
                              dtype=np.float32),
            TfidfTransformer(sublinear_tf=True),
            OneVsRestClassifier(LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced")))
        with threadpool_limits(limits=1, user_api="blas"):
            self.pipeline_.fit(list(X), Y)
        return self

    #: Means too rare in our corpus for the model to learn well: an explicit mention always counts
    #: (this keeps detection micro-F1 level and stops misses such as "airlift" for logistics).
    ALWAYS_FROM_LEXICON = ("logistics", "no_fly_zone", "intelligence")

    def predict(self, X) -> list[frozenset[str]]:
        texts = list(X)
        if not texts:
            return []
        proba = self.pipeline_.predict_proba(texts)
        out = []
        for text, p in zip(texts, proba):
            hits = lexicon.find_means(text)
            found = {name for name, q in zip(self.classes_, p) if q >= (self.mentioned_threshold if name in hits else 0.5)}
            out.append(frozenset(found | {m for m in self.ALWAYS_FROM_LEXICON if m in hits}))
        return out


def _majority(votes):
    support = [v for v in votes if v[0] == "support"]
    oppose = [v for v in votes if v[0] == "oppose"]
    if len(support) == len(oppose):
        return votes[0]
    return (support if len(support) > len(oppose) else oppose)[0]
