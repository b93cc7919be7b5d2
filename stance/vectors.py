"""Word vectors a user brings: knowledge from outside the training texts.

A few hundred labelled texts cannot teach that "refugees" and "asylum" are near, or that a word
never seen in training leans one way; pretrained vectors can. We ship none (the library never
fetches or bundles third-party models), so this is opt-in: ``StanceClassifier(word_vectors=...)``
takes a word2vec/GloVe text file (GloVe, fastText ``.vec``, gensim's ``save_word2vec_format``) or any
mapping of word -> vector. Each text becomes the unit-length mean of its known words' vectors.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from .features import _as_list

_WORD = re.compile(r"[#@]?(\w[\w'\u2019]*)")


def read_word_vectors(path: str | os.PathLike) -> tuple[list[str], np.ndarray]:
    """Words and their vectors (float32, one row each) from a word2vec/GloVe text file; the
    word2vec header line ("400000 300") is optional. A malformed line is an error naming it."""
    path = Path(path)
    words: list[str] = []
    rows: list[np.ndarray] = []
    try:
        handle = path.open(encoding="utf-8", errors="strict")
    except OSError as err:
        raise ValueError(f"cannot read word vectors from {path}: {err.strerror or err}") from None
    with handle:
        try:
            for number, line in enumerate(handle, 1):
                fields = line.rstrip("\n").rstrip().split(" ")
                if number == 1 and len(fields) == 2 and all(f.isdigit() for f in fields):
                    continue  # word2vec's "count dimensions" header
                if fields == [""]:
                    continue
                try:
                    vector = np.array(fields[1:], dtype=np.float32)
                except ValueError:
                    raise ValueError(f"{path}, line {number}: the vector of {fields[0]!r} holds something "
                                     f"that is not a number") from None
                if not len(vector):
                    raise ValueError(f"{path}, line {number}: {fields[0]!r} has no vector")
                if rows and len(vector) != len(rows[0]):
                    raise ValueError(f"{path}, line {number}: {fields[0]!r} has {len(vector)} numbers, "
                                     f"the lines before it {len(rows[0])}")
                words.append(fields[0])
                rows.append(vector)
        except UnicodeDecodeError as err:
            raise ValueError(f"{path}: not UTF-8 text ({err.reason}); word vectors must be a text file "
                             f"(binary word2vec files: convert them with gensim first)") from None
    if not rows:
        raise ValueError(f"{path}: no word vectors in the file")
    return words, np.vstack(rows)


class MeanWordVectors(TransformerMixin, BaseEstimator):
    """Text -> the unit-length mean vector of its words found in `vectors` (a path or a mapping).

    A word is looked up as written, then lower-cased; a hashtag or handle without its sign. A text
    with no known word gets zeros. ``fit`` copies the vectors into ``words_`` and ``matrix_``, so a
    saved model carries them (and predicts the same if the file changes or goes away)."""

    def __init__(self, vectors: str | os.PathLike | Mapping | None = None):
        self.vectors = vectors

    def fit(self, X=None, y=None) -> "MeanWordVectors":
        if isinstance(self.vectors, (str, os.PathLike)):
            words, matrix = read_word_vectors(self.vectors)
        elif isinstance(self.vectors, Mapping):
            if not self.vectors:
                raise ValueError("word_vectors is an empty mapping")
            words = [str(w) for w in self.vectors]
            try:
                matrix = np.vstack([np.asarray(v, dtype=np.float32).ravel() for v in self.vectors.values()])
            except ValueError as err:
                raise ValueError(f"word_vectors: every vector must hold the same count of numbers ({err})") from None
        else:
            raise TypeError(f"word_vectors must be a path to a word2vec/GloVe text file or a mapping of "
                            f"word -> vector, got {type(self.vectors).__name__}")
        self.words_ = np.array(words, dtype=object)
        self.matrix_ = matrix
        self.__dict__.pop("_rows", None)
        return self

    def _index(self) -> dict[str, int]:
        """Built on first use, never saved: the words are saved once, in ``words_``."""
        if "_rows" not in self.__dict__:
            index: dict[str, int] = {}
            for i, word in enumerate(self.words_):
                index.setdefault(word, i)  # a repeated word: its first vector, as gensim reads it
            self.__dict__["_rows"] = index
        return self.__dict__["_rows"]

    def __getstate__(self):
        state = dict(super().__getstate__())
        state.pop("_rows", None)
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
                mean = self.matrix_[found].mean(axis=0)
                norm = float(np.linalg.norm(mean))
                if norm > 0:
                    out[row] = mean / norm
        return out

    def get_feature_names_out(self, input_features=None):
        return np.array([f"dim{i}" for i in range(self.matrix_.shape[1])], dtype=object)
