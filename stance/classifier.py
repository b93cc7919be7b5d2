"""StanceClassifier: a scikit-learn estimator for stance toward intervention.

A linear model over the feature union, wrapped in ``CalibratedClassifierCV`` so that
``predict_proba`` means what it says (a 0.8 is right about 80% of the time on data
like the training data). Linear weights also make ``explain`` honest: the
contribution of each feature is just its value times its weight.
"""

from __future__ import annotations

import os
import uuid
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping
from numbers import Integral, Real
from pathlib import Path
from typing import Iterable

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from .features import _as_list, make_features

LABELS = ("support", "oppose", "neutral")


def _plain_output():
    """Our transformers pass lists and sparse matrices between them, whatever a notebook set with
    ``sklearn.set_config(transform_output="pandas")``."""
    from sklearn import config_context

    return config_context(transform_output="default")


def _one_blas_thread():
    """Sparse linear models gain nothing from threaded BLAS and lose a lot to it on small machines
    (measured: a fit on 600 paragraphs took 1.2 s with one thread, 5.3 s with two)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


_SENT: dict[str, object] = {}  # in an n_jobs worker: the features it was sent last, caches warm


def _featurise(union, texts: list[str], block: int, key: str | None = None):
    import scipy.sparse as sp

    if key is not None:  # a worker keeps the first copy of these features, whose per-word caches fill
        if key not in _SENT:
            _SENT.clear()
            _SENT[key] = union
        union = _SENT[key]
    with _plain_output():
        blocks = [union.transform(texts[i:i + block]) for i in range(0, len(texts), block)]
    return sp.vstack(blocks, format="csr") if len(blocks) != 1 else blocks[0].tocsr()


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Paragraph -> support / oppose / neutral, with calibrated probabilities.

    Any label set works (e.g. SemEval's FAVOR/AGAINST/NONE); ours is ``LABELS``. `lexicon_weight`
    scales our lexicon and sentiment features against the n-grams. Under 5-fold CV grouped by crisis
    on our train split, 1.0 / 0.5 / 0.25 gave macro-F1 0.801 / 0.805 / 0.812, and on the third-party
    dev set 0.565 / 0.574 / 0.555; 0.5 is the compromise (SemEval-2016: 68.9 / 69.1 / 68.2).
    `n_jobs` processes featurise large batches in ``predict``/``predict_proba`` (joblib's convention:
    None one, -1 all cores; measured 1.8x faster on 2 cores); each worker is sent a copy of the fitted
    features (2.5 MB pickled for the shipped model), so it pays only from about a thousand texts on.
    `min_df` (the fewest texts a word must appear in) applies from 51 training texts on; below that
    every word counts, or a small fixture would have almost no vocabulary.
    Calibration folds are contiguous blocks of the training rows in the order given (as sklearn's
    integer `cv`), so neighbours, often one article or one batch, are held out together and the
    probabilities are calibrated on text unlike the rest. Shuffling the rows first changed little in
    accuracy but made the shipped model overconfident on the third-party dev set (expected calibration
    error 0.086 -> 0.120), and SemEval-2016 F_avg 69.9 -> 69.4 (mean of five shuffles).
    `word_vectors` (a word2vec/GloVe text file or a mapping of word -> vector; none by default, as we
    ship none) adds the mean vector of each text's words: knowledge from outside the training texts,
    about unseen words in particular (see ``stance.vectors``; benchmarks/RESULTS.md measures it).
    """

    def __init__(self, C: float = 1.0, *, loss: str = "logistic", word_ngrams: tuple[int, int] = (1, 2),
                 char_ngrams: tuple[int, int] | None = (2, 5), lexicon_features: bool = True,
                 sentiment_features: bool = True, lexicon_weight: float = 0.5, min_df: int = 2,
                 max_features: int | None = None, class_weight: str | dict | None = "balanced",
                 calibration: str | None = "sigmoid", cv: int = 5, random_state: int = 0,
                 n_jobs: int | None = None, word_vectors: str | os.PathLike | Mapping | None = None):
        self.C = C
        self.loss = loss
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.lexicon_features = lexicon_features
        self.sentiment_features = sentiment_features
        self.lexicon_weight = lexicon_weight
        self.min_df = min_df
        self.max_features = max_features
        self.class_weight = class_weight
        self.calibration = calibration
        self.cv = cv
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.word_vectors = word_vectors

    def __setstate__(self, state):
        state.setdefault("lexicon_weight", 1.0)  # saved before the parameter existed: unweighted
        state.setdefault("n_jobs", None)
        state.setdefault("word_vectors", None)
        super().__setstate__(state)

    def _linear_model(self):
        weight = None if isinstance(self.class_weight, dict) else self.class_weight  # a dict: sample weights
        if self.loss == "logistic":
            return LogisticRegression(C=self.C, class_weight=weight, max_iter=2000, random_state=self.random_state)
        if self.loss == "hinge":
            return LinearSVC(C=self.C, class_weight=weight, random_state=self.random_state)
        raise ValueError(f"loss must be 'logistic' or 'hinge', got {self.loss!r}")

    def fit(self, X: Iterable[str], y: Iterable[str]) -> "StanceClassifier":
        """Learn from texts and their labels (any label set, two classes or more, two examples each).
        A failed fit leaves the model as it was."""
        texts = _as_list(X)
        raw = list(y)
        if len({isinstance(v, str) for v in raw}) > 1:
            raise ValueError("labels mix strings and other values (e.g. 1 and '1'); use one type")
        labels = np.asarray(raw)
        if labels.dtype.kind in "US":  # strings stay Python str, as users wrote them
            labels = labels.astype(object)
        if len(texts) != len(labels):
            raise ValueError(f"got {len(texts)} texts but {len(labels)} labels")
        self._check_params()
        counts = Counter(labels.tolist())
        if len(counts) < 2:
            raise ValueError(f"need at least two classes to learn from, got only {sorted(map(str, counts))}")
        folds = min(self.cv, min(counts.values()))
        if folds < 2:
            rare = [str(k) for k, v in counts.items() if v < 2]
            raise ValueError(f"each class needs at least 2 examples (the calibration folds, and the word counts "
                             f"that drop rarer words, need them); too few: {rare}")
        weights = None
        # A dict becomes sample weights (calibration re-encodes the labels, so the linear model cannot take
        # it), and these weigh the calibration too: probabilities lean to the heavier classes, as asked,
        # unlike "balanced", which only reweighs the linear model.
        if isinstance(self.class_weight, dict):
            unknown = sorted(map(str, set(self.class_weight) - set(counts)))
            if unknown:
                raise ValueError(f"class_weight names label(s) {unknown} that are not in y "
                                 f"({sorted(map(str, counts))})")
            weights = np.array([float(self.class_weight.get(v, 1.0)) for v in labels.tolist()])
        features = make_features(word_ngrams=self.word_ngrams, char_ngrams=self.char_ngrams,
                                 lexicon_features=self.lexicon_features, sentiment_features=self.sentiment_features,
                                 min_df=self.min_df if len(texts) > 50 else 1, max_features=self.max_features,
                                 lexicon_weight=self.lexicon_weight, word_vectors=self.word_vectors)
        if self.calibration is None and self.loss == "logistic":
            model = self._linear_model()  # logistic regression's own probabilities
        else:
            model = CalibratedClassifierCV(self._linear_model(), method=self.calibration or "sigmoid", cv=folds,
                                           ensemble=False)
        with _one_blas_thread(), _plain_output():
            X = features.fit_transform(texts)
            model.fit(X, labels, sample_weight=weights)
        for cached in ("_parts", "_dense", "_features_key"):  # of the old features
            self.__dict__.pop(cached, None)
        self.pipeline_ = Pipeline([("features", features), ("model", model)])
        self.classes_ = model.classes_
        self.n_features_ = X.shape[1]
        # Evidence is measured against the average training paragraph, so that features every
        # paragraph has (its length, its sentence count) do not crowd out what is particular to it.
        self.feature_means_ = np.asarray(X.mean(axis=0)).ravel()
        return self

    def _check_params(self) -> None:
        """The parameters that would otherwise fail deep in scikit-learn, or only at predict time."""
        if isinstance(self.C, bool) or not isinstance(self.C, Real) or not self.C > 0:
            raise ValueError(f"C must be a number above 0, got {self.C!r}")
        if isinstance(self.cv, bool) or not isinstance(self.cv, Integral) or self.cv < 2:
            raise ValueError(f"cv (calibration folds) must be an integer of at least 2, got {self.cv!r}")
        if self.n_jobs is not None and (isinstance(self.n_jobs, bool) or not isinstance(self.n_jobs, Integral)
                                        or self.n_jobs == 0):
            raise ValueError(f"n_jobs must be None, -1 or a positive integer, got {self.n_jobs!r}")
        if not (self.class_weight in (None, "balanced") or isinstance(self.class_weight, dict)):
            raise ValueError(f"class_weight must be None, 'balanced' or a dict of label -> weight, "
                             f"got {self.class_weight!r}")

    #: Texts featurised at a time: the per-text caches (sentences, lexicon matches) that the feature
    #: parts share then hold a whole block, and memory stays flat however many texts come in.
    BLOCK = 512

    def _features(self, texts: list[str]):
        from joblib import Parallel, delayed, effective_n_jobs

        union = self.pipeline_.named_steps["features"]
        workers = min(effective_n_jobs(self.n_jobs), len(texts) // self.BLOCK)
        if workers < 2:
            return _featurise(union, texts, self.BLOCK)
        import scipy.sparse as sp

        size = -(-len(texts) // workers)  # one contiguous share each: the features travel once per worker
        key = self.__dict__.setdefault("_features_key", uuid.uuid4().hex)  # these fitted features, this process
        parts = Parallel(n_jobs=workers)(delayed(_featurise)(union, texts[i:i + size], self.BLOCK, key)
                                         for i in range(0, len(texts), size))
        return sp.vstack(parts, format="csr")

    def predict_proba(self, X: Iterable[str]) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in ``classes_`` order."""
        check_is_fitted(self, "pipeline_")
        texts = _as_list(X)
        if not texts:  # no texts, no rows: a filtered-out batch needs no special case
            return np.empty((0, len(self.classes_)))
        with _one_blas_thread():
            return self.pipeline_.named_steps["model"].predict_proba(self._features(texts))

    def predict(self, X: Iterable[str]) -> np.ndarray:
        """The most probable label of each text. An empty text gets whatever the model makes of no words;
        ``analyze()`` never asks, as it labels only paragraphs with prose."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def feature_names(self) -> np.ndarray:
        """Every column's name, prefixed by its part (words__, chars__, lexicon__, sentiment__, vectors__)."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.named_steps["features"].get_feature_names_out()

    def _feature_name(self, column: int) -> str:
        """The name `feature_names()` gives `column`, without building all of them: explanations name
        a few columns, and the full array is 140,000 new strings (9 MB held for the process's life)."""
        parts = self.__dict__.get("_parts")
        if parts is None:
            parts, start = [], 0
            for name, transformer in self.pipeline_.named_steps["features"].transformer_list:
                names = transformer.get_feature_names_out()  # the vocabulary's own strings, not copies
                parts.append((start, name, names))
                start += len(names)
            self.__dict__["_parts"] = parts
        start, name, names = parts[bisect_right([p[0] for p in parts], column) - 1]
        return f"{name}__{names[column - start]}"

    def __getstate__(self):
        from .vectors import saved_form

        state = dict(super().__getstate__())
        state["word_vectors"] = saved_form(self.word_vectors)  # the fitted features hold the vectors
        state.pop("_parts", None)  # rebuilt on demand
        state.pop("_dense", None)
        state.pop("_features_key", None)
        return state

    def _weights(self) -> np.ndarray:
        """Linear weights averaged over the calibration folds, one row per class."""
        model = self.pipeline_.named_steps["model"]
        fitted = [c.estimator for c in model.calibrated_classifiers_] if hasattr(model, "calibrated_classifiers_") \
            else [model]
        coef = np.mean([m.coef_ for m in fitted], axis=0)
        if coef.shape[0] == 1:  # binary: one row, the log-odds of the second class; split between the two
            coef = np.vstack([-coef[0], coef[0]]) / 2
        return coef

    def _dense_columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Columns of the lexicon, sentiment and word-vector parts, whose zeros are evidence too (no
        negation found, in a model where negation marks one side), unlike an n-gram's, which are most of
        the vocabulary: their indices, a mask over all columns, which of them count a lexicon cue (so
        that a zero means the text lacks it; a signed balance or a sentiment score at zero means
        something else), and which are word-vector dimensions (named together: one dimension alone
        means nothing to a reader). Built once per fitted model."""
        if "_dense" not in self.__dict__:
            self._feature_name(0)  # fills _parts
            dense, counts, vector = [], [], []
            for start, name, names in self.__dict__["_parts"]:
                if name in ("lexicon", "sentiment", "vectors"):
                    dense.extend(range(start, start + len(names)))
                    counts.extend(name == "lexicon" and "_minus_" not in n for n in names)
                    vector.extend([name == "vectors"] * len(names))
            is_dense = np.zeros(self.n_features_, dtype=bool)
            is_dense[dense] = True
            self.__dict__["_dense"] = (np.array(dense, dtype=int), is_dense, np.array(counts, dtype=bool),
                                       np.array(vector, dtype=bool))
        return self.__dict__["_dense"]

    def explain(self, text: str, top: int = 8, label: str | None = None) -> list[tuple[str, float]]:
        """The features that pushed `text` toward `label` (default: the predicted one) most,
        as (feature name, contribution) pairs, largest first. A lexicon cue the text lacks, where the
        average training text has it, is named with " (absent)"."""
        if not isinstance(text, str):
            raise TypeError(f"explain() takes one text as str, got {type(text).__name__}")
        if label is not None and label not in self.classes_:
            raise ValueError(f"unknown label {label!r}; the model knows {list(self.classes_)}")
        return self.predict_proba_explained([text], top=top, label=label)[1][0]

    def predict_proba_explained(self, X: Iterable[str], top: int = 5,
                                label: str | None = None) -> tuple[np.ndarray, list[list[tuple[str, float]]]]:
        """predict_proba and, for each text, the top features behind its predicted label,
        from one pass of feature extraction (the expensive part)."""
        check_is_fitted(self, "pipeline_")
        if label is not None and label not in self.classes_:
            raise ValueError(f"unknown label {label!r}; the model knows {list(self.classes_)}")
        if not isinstance(top, Integral) or isinstance(top, bool) or top < 0:
            raise ValueError(f"the number of features to explain must be a whole number, 0 or more; got {top!r}")
        texts = _as_list(X)
        if not texts:
            return np.empty((0, len(self.classes_))), []
        with _one_blas_thread():
            features = self._features(texts)
            proba = self.pipeline_.named_steps["model"].predict_proba(features)
        coef = self._weights()
        margins = [coef[k] - np.delete(coef, k, axis=0).mean(axis=0) for k in range(len(self.classes_))]
        rows = features.tocsr()
        dense, is_dense, counts, vector = self._dense_columns()
        dense_values = rows[:, dense].toarray()
        explained = []
        for i in range(rows.shape[0]):
            k = list(self.classes_).index(label) if label is not None else int(np.argmax(proba[i]))
            lo, hi = rows.indptr[i], rows.indptr[i + 1]
            sparse = ~is_dense[rows.indices[lo:hi]]
            idx = np.concatenate([rows.indices[lo:hi][sparse], dense])
            vals = np.concatenate([rows.data[lo:hi][sparse], dense_values[i]])
            absent = np.concatenate([np.zeros(len(idx) - len(dense), dtype=bool), counts & (dense_values[i] == 0)])
            in_vector = np.concatenate([np.zeros(len(idx) - len(dense), dtype=bool), vector])
            contrib = (vals - self.feature_means_[idx]) * margins[k][idx]
            order = np.argsort(-np.where(in_vector, -np.inf, contrib))[:top]
            named = [(self._feature_name(idx[j]) + (" (absent)" if absent[j] else ""), float(contrib[j]))
                     for j in order if contrib[j] > 0 and not in_vector[j]]
            if vector.any():
                named.append(("vectors__mean_word_vector", float(contrib[-len(dense):][vector].sum())))
                named.sort(key=lambda pair: -pair[1])
            explained.append([(n, round(c, 4)) for n, c in named[:top] if c > 0])
        return proba, explained

    def save(self, path) -> Path:
        """Save to `path` (skops by default; .joblib/.pkl for a faster file that loads only with trust=True)."""
        from .persistence import save_model

        return save_model(self, path)
