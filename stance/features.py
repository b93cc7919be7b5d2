"""scikit-learn transformers that turn paragraphs into features, and their union.

Word and character n-grams see the surface; the normaliser folds inflections and
marks negation scope so "should not send" and "should send" differ; the lexicon
features count our cues per sentence and where they meet a form of intervention;
the sentiment features add VADER; opt-in, the mean of a user's word vectors adds what the training
texts cannot teach. Each transformer is stateless or learns only in
``fit`` (the character n-grams also memoise the words they have cut, never pickled), so the
whole union clones, pickles and grid-searches like any sklearn step.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Mapping
from functools import lru_cache
from typing import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import normalize as scale_rows

from . import lexicon, sentiment
from .segment import sentence_spans
from .vectors import as_word_vectors, saved_form

# A token, and the hyphen right after it if any (a hyphen belongs to no token, so taking it changes none).
_TOKEN_AND_HYPHEN = re.compile(r"([a-z0-9]+(?:['\u2019][a-z]+)?|[.,;:!?])(-?)")
_NEGATORS = frozenset("not no never nor neither without cannot hardly nobody nothing".split())
_SCOPE_END = frozenset(".,;:!?") | {"but", "yet", "however", "although", "though", "while"}


def _as_list(X: Iterable[str]) -> list[str]:
    if isinstance(X, str):
        raise TypeError("expected a list of texts, got a single str; wrap it in a list")
    if hasattr(X, "columns") or getattr(X, "ndim", 1) != 1:  # a DataFrame would give its column names
        raise TypeError(f"expected a list of texts, got a 2-D {type(X).__name__}; pass one column, e.g. df['text']")
    texts = list(X)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"text #{i} is {type(t).__name__}, expected str")
    return texts


@lru_cache(maxsize=50_000)
def _stem(token: str) -> str:
    return _stemmer().stem(token)


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.snowball import SnowballStemmer

    return SnowballStemmer("english")


_HASHTAG = re.compile(r"#(\w+)")
_CAMEL_CUT = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")


def split_hashtags(text: str) -> str:
    """"#WhyImNotVotingForX" -> "Why Im Not Voting For X": the words, and the negation, in a
    hashtag carry a social post's stance (SemEval-2016 tweets, F_avg 69.1 -> 69.5 for the word
    n-grams, -> 69.9 with the character n-grams too)."""
    return _HASHTAG.sub(lambda m: _CAMEL_CUT.sub(" ", m.group(1)), text) if "#" in text else text


def normalize(text: str, stem: bool = True, negation: bool = True, scope: int = 4) -> str:
    """Lower-cased tokens (hashtags split into words), stemmed with nltk's Snowball stemmer, with
    ``_neg`` marking up to `scope` tokens after a negator (until punctuation or a contrast word)."""
    out = []
    left = 0
    for tok, hyphen in _TOKEN_AND_HYPHEN.findall(split_hashtags(text).lower()):
        if tok in _SCOPE_END:
            left = 0
            if tok in ".,;:!?":
                continue
        word = _stem(tok) if stem else tok
        if negation and left > 0:
            word += "_neg"
            left -= 1
        out.append(word)
        if negation and not hyphen and (tok in _NEGATORS or tok[-1] == "t" and tok.endswith(("n't", "n\u2019t"))):
            left = scope  # but "a no-fly zone" negates nothing
    return " ".join(out)


class TextNormalizer(TransformerMixin, BaseEstimator):
    """Text -> normalised text (stems, negation scope) for the word n-grams."""

    def __init__(self, stem: bool = True, negation: bool = True):
        self.stem = stem
        self.negation = negation

    def fit(self, X, y=None):
        return self

    def transform(self, X) -> list[str]:
        return [normalize(t, self.stem, self.negation) for t in _as_list(X)]

    def get_feature_names_out(self, input_features=None):
        return np.array(["normalized_text"], dtype=object)


_CUE_NAMES = tuple(lexicon.CUES)
_MEANS_NAMES = tuple(lexicon.MEANS)
#: Pairs of cues counted when they meet in one sentence ("_means": any form of intervention).
_COMBOS = {"recommend_means": ("recommend", "_means"), "reject_means": ("reject", "_means"),
           "recommend_attributed": ("recommend", "attribution"), "reject_attributed": ("reject", "attribution"),
           "negated_recommend": ("recommend", "negation"), "question_means": ("rhetorical", "_means"),
           "gain_recommend": ("gain", "recommend"), "harm_reject": ("harm", "reject")}
_SUMMARY = ("n_means", "n_sentences", "log_words", "recommend_minus_reject", "gain_minus_harm", "act_minus_undo")


class LexiconFeatures(TransformerMixin, BaseEstimator):
    """Counts of our cue categories, the forms of intervention named, where the two meet in one
    sentence (a recommendation next to "air strikes" says more than either), and calls to act or to
    undo ("should join", "should withdraw"), which "should" alone cannot tell apart. `calls` is False
    only in models saved by stance 0.1.0, which had no call columns: they keep predicting as they did."""

    def __init__(self, calls: bool = True):
        self.calls = calls

    def __setstate__(self, state):
        state.setdefault("calls", False)  # saved before the call columns existed
        super().__setstate__(state)

    def fit(self, X, y=None):
        return self

    def transform(self, X) -> np.ndarray:
        rows = [self._row(t, self.calls) for t in _as_list(X)]
        return np.vstack(rows) if rows else np.zeros((0, len(self.get_feature_names_out())))

    def get_feature_names_out(self, input_features=None):
        names = [f"cue_{c}" for c in _CUE_NAMES] + [f"means_{m}" for m in _MEANS_NAMES]
        names += ["call_act", "call_undo"] if self.calls else []
        summary = list(_SUMMARY) if self.calls else [n for n in _SUMMARY if n != "act_minus_undo"]
        return np.array(names + list(_COMBOS) + summary, dtype=object)

    @staticmethod
    def _row(text: str, calls: bool = True) -> np.ndarray:
        cues = lexicon.find_cues(text)
        means = lexicon.find_means(text)
        spans = sentence_spans(text) or [(0, len(text))]
        found = _by_sentence(spans, [*cues.items(), *(("_means", h) for h in means.values())])
        combos = [sum(a in has and b in has for has in found) for a, b in _COMBOS.values()]
        acting, undoing = lexicon.directives(text) if calls else (0, 0)
        counts = [len(cues[c]) for c in _CUE_NAMES] + [len(means.get(m, ())) for m in _MEANS_NAMES]
        counts += [acting, undoing] if calls else []
        row = np.log1p(np.array(counts + combos + [len(means), len(spans), len(text.split())], dtype=float))
        row[-1] /= 5
        balances = [len(cues["recommend"]) - len(cues["reject"]), len(cues["gain"]) - len(cues["harm"])]
        return np.concatenate([row, np.tanh(balances + ([acting - undoing] if calls else []))])


class SentimentFeatures(TransformerMixin, BaseEstimator):
    """VADER scores of the paragraph (from its sentences), its most extreme sentences, and the
    sentiment of sentences that talk about intervening versus those that do not: "sanctions hurt
    the poor" (negative, about a means) argues against, "the regime shelled the city" (negative,
    about something else) argues for."""

    def fit(self, X, y=None):
        return self

    def transform(self, X) -> np.ndarray:
        return np.array([_sentiment_row(t) for t in _as_list(X)], dtype=float).reshape(-1, len(_SENTIMENT_NAMES))

    def get_feature_names_out(self, input_features=None):
        return np.array(_SENTIMENT_NAMES, dtype=object)


_SENTIMENT_NAMES = ("vader_compound", "vader_pos", "vader_neu", "vader_neg", "vader_min", "vader_max",
                    "vader_target", "vader_other", "target_share", "target_pos", "target_neg")


def _sentiment_row(text: str) -> tuple[float, ...]:
    scored = sentiment.sentence_scores(text)
    compounds = [v["compound"] for _, v in scored] or [0.0]
    whole = sentiment.score(text)
    targeted = _about_intervening(text) or [False]
    on = [c for c, t in zip(compounds, targeted) if t]
    off = [c for c, t in zip(compounds, targeted) if not t]
    return (whole.compound, whole.pos, whole.neu, whole.neg, min(compounds), max(compounds),
            float(np.mean(on)) if on else 0.0, float(np.mean(off)) if off else 0.0, float(np.mean(targeted)),
            float(sum(c >= 0.05 for c in on)), float(sum(c <= -0.05 for c in on)))


def _by_sentence(spans, named_hits) -> list[set[str]]:
    """The names whose matches start in each sentence, from (name, [(start, end, words), ...]) pairs."""
    starts = [a for a, _ in spans]
    found = [set() for _ in spans]
    for name, hits in named_hits:
        for at, _, _ in hits:
            i = bisect_right(starts, at) - 1
            if i >= 0 and at < spans[i][1]:
                found[i].add(name)
    return found


def _about_intervening(text: str) -> list[bool]:
    """For each sentence VADER scored, whether it names a form of intervention or intervening as such,
    from the lexicon matches the lexicon features already found (cached, so no second scan)."""
    spans = [(a, b) for a, b in sentence_spans(text) if text[a:b].strip()]
    hits = [*lexicon.find_means(text).items(), ("intervention", lexicon.find_cues(text)["intervention"])]
    return [bool(names) for names in _by_sentence(spans, hits)]


def _counts_weighted_plainly(vectorizer: TfidfVectorizer) -> bool:
    """Whether `vectorizer` weights counts the way `_weighted_counts` does (else its own transform runs)."""
    return (vectorizer.input == "content" and not vectorizer.binary and vectorizer.norm == "l2"
            and vectorizer.use_idf)


def _weighted_counts(vectorizer: TfidfVectorizer, indices: np.ndarray, indptr: list[int]):
    """What a fitted TfidfVectorizer's ``transform`` returns (l2-normed, with idf), from the vocabulary
    column of every n-gram occurrence in each text, repeats included."""
    # Repeats summed into sorted columns, as scipy's sum_duplicates leaves them, but by sorting one int64
    # key (row, column) per entry with numpy's vectorised sort: 3x faster on a block's 700,000 entries.
    rows, width = len(indptr) - 1, len(vectorizer.vocabulary_)
    keys = np.repeat(np.arange(rows, dtype=np.int64) * width, np.diff(indptr)) + indices
    keys.sort()
    first = np.empty(len(keys), dtype=bool)
    first[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    row_of, columns = np.divmod(keys[starts], width)
    counts = sp.csr_matrix((np.diff(starts, append=len(keys)).astype(vectorizer.dtype), columns.astype(np.int32),
                            np.searchsorted(row_of, np.arange(rows + 1))), shape=(rows, width))
    counts.has_canonical_format = True
    if vectorizer.sublinear_tf:
        np.log(counts.data, counts.data)
        counts.data += 1
    counts.data *= vectorizer.idf_[counts.indices].astype(vectorizer.dtype, copy=False)
    return scale_rows(counts, copy=False)


class WordNgramTfidf(TfidfVectorizer):
    """sklearn's ``TfidfVectorizer(token_pattern=r"\\S+")`` for our normalised text, whose ``transform``
    looks each n-gram up directly instead of through sklearn's general analyzer: same output (tests
    compare), in 0.13 s instead of 0.21 s per 4,000 paragraphs."""

    def transform(self, raw_documents):
        if (self.analyzer != "word" or self.token_pattern != r"\S+" or self.tokenizer is not None
                or self.preprocessor is not None or self.stop_words is not None or self.strip_accents is not None
                or not _counts_weighted_plainly(self)):
            return super().transform(raw_documents)
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "vocabulary_")
        get = self.vocabulary_.get
        low, high = self.ngram_range
        columns, indptr = [], [0]
        for text in _as_list(raw_documents):
            tokens = (text.lower() if self.lowercase else text).split()  # what findall(r"\S+") finds
            for n in range(low, high + 1):
                grams = tokens if n == 1 else [a + " " + b for a, b in zip(tokens, tokens[1:])] if n == 2 \
                    else [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
                columns.extend(c for c in map(get, grams) if c is not None)
            indptr.append(len(columns))
        return _weighted_counts(self, np.array(columns, dtype=np.int32), indptr)


class CharNgramTfidf(TfidfVectorizer):
    """sklearn's ``TfidfVectorizer(analyzer="char_wb")`` over text with its hashtags split into words,
    whose ``transform`` works word by word: every n-gram of "char_wb" lies inside one padded word, so
    each distinct word (the first 20,000 an instance meets) is cut and looked up in the vocabulary once
    instead of once per occurrence. That made the character n-grams, our costliest features, 5x
    faster, with the same output (tests compare it with sklearn's)."""

    _CACHE_LIMIT = 20_000  # distinct words: the common ones cover almost every token, and memory stays flat

    def fit(self, raw_documents, y=None):
        self.__dict__.pop("_word_columns", None)  # columns of the old vocabulary
        return super().fit(raw_documents, y)

    def fit_transform(self, raw_documents, y=None):
        self.__dict__.pop("_word_columns", None)
        return super().fit_transform(raw_documents, y)

    def build_preprocessor(self):
        lower = super().build_preprocessor()
        return lambda doc: lower(split_hashtags(doc))

    def transform(self, raw_documents):
        if self.analyzer != "char_wb" or not _counts_weighted_plainly(self):
            return super().transform(raw_documents)
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "vocabulary_")
        texts = _as_list(raw_documents)
        preprocess = self.build_preprocessor()
        cache = self.__dict__.setdefault("_word_columns", {})
        pieces, indptr = [], [0]
        for text in texts:
            size = 0
            for word in preprocess(text).split():
                cols = cache.get(word)
                if cols is None:
                    cols = self._columns(word)
                    if len(cache) < self._CACHE_LIMIT:  # full: the words met first, mostly the common ones, stay
                        cache[word] = cols
                pieces.append(cols)
                size += len(cols)
            indptr.append(indptr[-1] + size // 4)
        indices = np.frombuffer(b"".join(pieces), dtype=np.int32)
        return _weighted_counts(self, indices, indptr)

    def _columns(self, word: str) -> bytes:
        """Vocabulary columns of the char_wb n-grams of one word, as sklearn cuts them: every
        n-gram of " word ", and a padded word no longer than n counted once, ending the cut.
        Kept as int32 bytes: a third of the memory of a small array, and joined in one call."""
        padded, vocab = f" {word} ", self.vocabulary_
        grams = []
        for n in range(self.ngram_range[0], self.ngram_range[1] + 1):
            if n >= len(padded):
                grams.append(padded)
                break
            grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
        return np.array([vocab[g] for g in grams if g in vocab], dtype=np.int32).tobytes()

    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: sklearn may hand back our own __dict__
        state.pop("_word_columns", None)
        return state


_WORD = re.compile(r"[#@]?(\w[\w'\u2019]*)")


def _table(words: list[str], matrix: np.ndarray) -> tuple[str, np.ndarray]:
    joined = "\n".join(words)  # one string: a saved model stores and loads it at once, unlike 400,000
    if joined.count("\n") != len(words) - 1:
        raise ValueError("word_vectors: a word holds a line break")
    # Half precision halves the saved model and its memory. Scaled to at most 1 first, so that no
    # value overflows or vanishes; each text's mean is scaled to unit length anyway.
    largest = float(np.abs(matrix).max())
    table = (matrix / largest if largest else matrix).astype(np.float16)
    table.flags.writeable = False  # shared by the models fitted on one file
    return joined, table


@lru_cache(maxsize=1)
def _table_of_file(path: str, mtime_ns: int, size: int) -> tuple[str, np.ndarray]:
    """The last file's table: the models fitted on it share one copy, and a grid search reads it once."""
    return _table(*as_word_vectors(path))


class MeanWordVectors(TransformerMixin, BaseEstimator):
    """Text -> the unit-length mean vector of its words found in `vectors`: a word2vec/GloVe text file
    or a mapping of word -> vector, knowledge from outside the training texts (see ``stance.vectors``).

    A word is looked up as written, then lower-cased; a hashtag or handle without its sign. A text
    with no known word gets zeros. ``fit`` keeps the vectors in ``words_`` and ``matrix_`` (half
    precision), so a saved model carries them and predicts the same if the file changes or goes away;
    it grows by about 2 bytes per number (400,000 words of 100 dimensions: 80 MB more). Models fitted
    in one process on one unchanged file share one table, and the last file's table stays in memory
    until another file is read."""

    def __init__(self, vectors: str | os.PathLike | Mapping | None = None):
        self.vectors = vectors

    def fit(self, X=None, y=None) -> "MeanWordVectors":
        if isinstance(self.vectors, (str, os.PathLike)) and os.path.isfile(self.vectors):
            info = os.stat(self.vectors)  # the same unchanged file again (a grid search's folds): read once
            self.words_, self.matrix_ = _table_of_file(os.path.abspath(self.vectors), info.st_mtime_ns, info.st_size)
        else:
            self.words_, self.matrix_ = _table(*as_word_vectors(self.vectors))
        self.__dict__.pop("_rows", None)
        return self

    def _index(self) -> dict[str, int]:
        """Built on first use, never saved: the words are saved once, in ``words_``."""
        if "_rows" not in self.__dict__:
            index: dict[str, int] = {}
            for i, word in enumerate(self.words_.split("\n")):
                index.setdefault(word, i)  # a repeated word: its first vector, as gensim reads it
            self.__dict__["_rows"] = index
        return self.__dict__["_rows"]

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_rows", None)
        state["vectors"] = saved_form(self.vectors)
        return state

    def transform(self, X) -> np.ndarray:
        index = self._index()
        texts = _as_list(X)
        out = np.zeros((len(texts), self.matrix_.shape[1]), dtype=np.float32)
        for row, text in enumerate(texts):
            found = []
            for word in _WORD.findall(text):
                i = index.get(word)
                if i is None:
                    i = index.get(word.lower())
                if i is not None:
                    found.append(i)
            if found:
                mean = self.matrix_[found].mean(axis=0, dtype=np.float32)
                norm = float(np.linalg.norm(mean))
                if norm > 0:
                    out[row] = mean / norm
        return out

    def get_feature_names_out(self, input_features=None):
        return np.array([f"dim{i}" for i in range(self.matrix_.shape[1])], dtype=object)


def make_features(word_ngrams: tuple[int, int] = (1, 2), char_ngrams: tuple[int, int] | None = (2, 5),
                  lexicon_features: bool = True, sentiment_features: bool = True,
                  min_df: int = 2, max_features: int | None = None, lexicon_weight: float = 0.5,
                  word_vectors=None) -> FeatureUnion:
    """The feature union used by StanceClassifier; each part can be switched off. `lexicon_weight`
    scales the lexicon and sentiment columns against the n-grams (one penalty fits all columns, so
    the weight sets how much the model may lean on our hand-made cues). `word_vectors` (a path or a
    mapping) adds the mean word vector at weight 1, the best of 0.5 / 1 / 2 on SemEval-2016 train CV."""
    word_ngrams = tuple(word_ngrams)  # a list (e.g. from JSON) is fine too
    char_ngrams = tuple(char_ngrams) if char_ngrams else None
    parts: list[tuple[str, object]] = [
        ("words", Pipeline([("normalize", TextNormalizer()),
                            ("tfidf", WordNgramTfidf(token_pattern=r"\S+", ngram_range=word_ngrams, min_df=min_df,
                                                     sublinear_tf=True, max_features=max_features,
                                                     dtype=np.float32))])),
    ]
    if char_ngrams:
        parts.append(("chars", CharNgramTfidf(analyzer="char_wb", ngram_range=char_ngrams, min_df=min_df,
                                               sublinear_tf=True, lowercase=True, max_features=max_features,
                                               dtype=np.float32)))
    if lexicon_features:
        parts.append(("lexicon", LexiconFeatures()))
    if sentiment_features:
        parts.append(("sentiment", SentimentFeatures()))
    if word_vectors is not None:
        parts.append(("vectors", MeanWordVectors(word_vectors)))
    weights = {name: lexicon_weight for name, _ in parts if name in ("lexicon", "sentiment")}
    return FeatureUnion(parts, transformer_weights=weights or None)
