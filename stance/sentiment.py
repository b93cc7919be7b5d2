"""VADER sentiment through nltk, with no nltk_data needed.

nltk 3.10 only loads resources from its search path, so we append the folder of the
``vaderSentiment`` package (which ships the same lexicon file) to that path instead of
passing a file name. A paragraph is scored from its sentences: VADER's compound score
is a squashed sum, so a long paragraph scored whole drifts to +/-1 however mild it is.
"""

from __future__ import annotations

import os
import string
import types
from dataclasses import dataclass
from functools import lru_cache

from .segment import split_sentences

#: VADER's customary thresholds on the compound score.
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05


@dataclass(frozen=True)
class Sentiment:
    """VADER scores for a paragraph, averaged over its sentences."""

    compound: float
    pos: float
    neu: float
    neg: float
    label: str

    def to_dict(self) -> dict:
        return {"compound": self.compound, "pos": self.pos, "neu": self.neu, "neg": self.neg, "label": self.label}


def label_for(compound: float) -> str:
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


# Marks stripped from a word's ends: ASCII punctuation and typographic quotes, but not a hashtag's or a
# handle's sign, which nltk's port never stripped either ("#love" is a tag; stripping "#" cost SemEval 0.5 F_avg).
_MARKS = string.punctuation.replace("#", "").replace("@", "") + "\u201c\u201d\u2018\u2019\u00ab\u00bb"


class _PunctuationStripper:
    """Answers what nltk's ``SentiText._words_plus_punc`` precomputes: the word inside a token with
    punctuation glued before or after it. nltk strips one mark of its list from one end only, so a
    quoted word (`"a disaster,"`, `"excellent"`), one in brackets or before an ellipsis lost its valence,
    and news puts its tone in quotes; we strip the whole run of marks at both ends, as the vaderSentiment
    package does. nltk also builds that as a dict of every word with every mark (about half of VADER's
    time); answering per token is faster."""

    def _word(self, token: str) -> str | None:
        if not token or (token[-1] not in _MARKS and token[0] not in _MARKS):
            return None  # most tokens: no mark at either end
        word = token.strip(_MARKS)
        return word if len(word) > 1 else None

    def __contains__(self, token) -> bool:
        return isinstance(token, str) and self._word(token) is not None

    def __getitem__(self, token: str) -> str:
        word = self._word(token)
        if word is None:
            raise KeyError(token)
        return word


def _fast_analyzer_class():
    """nltk's SentimentIntensityAnalyzer whose ``polarity_scores`` skips sentences with no VADER word
    and builds its SentiText with the lookup above. The scoring is nltk's own code, rebound to see our
    SentiText subclass, so the scores are nltk's but for words in quotes, brackets or other runs of
    marks (tests compare them on our corpus); if a future nltk changes shape we use it unchanged."""
    from nltk.sentiment import vader

    stock = vader.SentimentIntensityAnalyzer
    method = stock.polarity_scores
    if "SentiText" not in method.__code__.co_names or not hasattr(vader.SentiText, "_words_plus_punc"):
        return stock

    class SentiText(vader.SentiText):
        def _words_plus_punc(self):
            return _PunctuationStripper()

    scope = dict(method.__globals__, SentiText=SentiText)
    nltk_scores = types.FunctionType(method.__code__, scope, method.__name__, method.__defaults__, method.__closure__)

    def polarity_scores(self, text):
        # VADER gives a word a valence only if the word is in its lexicon, so a sentence with none of
        # them scores zero (a quarter of news sentences). A VADER token is a whitespace token or the
        # token without its outer punctuation, so checking both forms never skips a scored word.
        lexicon = self.lexicon
        if isinstance(text, str) and not any(t in lexicon or t.strip(_MARKS) in lexicon
                                             for t in text.lower().split()):
            has_tokens = any(len(t) > 1 for t in text.split())
            return {"neg": 0.0, "neu": 1.0 if has_tokens else 0.0, "pos": 0.0, "compound": 0.0}
        return nltk_scores(self, text)

    return type("SentimentIntensityAnalyzer", (stock,), {"polarity_scores": polarity_scores, "__module__": __name__})


@lru_cache(maxsize=1)
def analyzer():
    """The shared nltk SentimentIntensityAnalyzer (with the faster tokenisation), built once per process."""
    import nltk.data

    try:
        import vaderSentiment
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ImportError("stance needs the 'vadersentiment' package for its VADER lexicon: "
                          "pip install vadersentiment") from exc
    folder = os.path.dirname(vaderSentiment.__file__)
    if folder not in nltk.data.path:
        nltk.data.path.append(folder)
    return _fast_analyzer_class()(lexicon_file="vader_lexicon.txt")


@lru_cache(maxsize=768)  # a block of StanceClassifier.BLOCK texts, as the lexicon caches
def sentence_scores(text: str) -> tuple[tuple[str, dict], ...]:
    """(sentence, VADER scores) for each sentence of `text`; cached because both the classifier's
    features and the reported sentiment need them, and VADER is the slowest step we run."""
    sia = analyzer()
    return tuple((s, sia.polarity_scores(s)) for s in split_sentences(text) if s.strip())


def _mean(scored) -> Sentiment:
    """Mean of sentence scores, weighted by the square root of sentence length."""
    total = 0.0
    acc = {"compound": 0.0, "pos": 0.0, "neu": 0.0, "neg": 0.0}
    for sentence, scores in scored:
        weight = len(sentence.split()) ** 0.5
        for key in acc:
            acc[key] += weight * scores[key]
        total += weight
    if total == 0:
        return Sentiment(0.0, 0.0, 1.0, 0.0, "neutral")
    mean = {k: round(v / total, 4) for k, v in acc.items()}
    return Sentiment(mean["compound"], mean["pos"], mean["neu"], mean["neg"], label_for(mean["compound"]))


def score(text: str) -> Sentiment:
    """VADER sentiment of a paragraph, from its sentences."""
    return _mean(sentence_scores(text))
