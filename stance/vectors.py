"""Word vectors a user brings: knowledge from outside the training texts.

A few hundred labelled texts cannot teach that "refugees" and "asylum" are near, or that a word
never seen in training leans one way; pretrained vectors can. We ship none (the library never
fetches or bundles third-party models), so this is opt-in: ``StanceClassifier(word_vectors=...)``
takes a word2vec/GloVe text file (GloVe, fastText ``.vec``, gensim's ``save_word2vec_format``) or any
mapping of word -> vector. Each text becomes the unit-length mean of its known words' vectors
(``features.MeanWordVectors``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np

_FIELD_SEP = re.compile(r"[ \t]")  # spaces as word2vec and GloVe write them; tabs as some exports do
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)", re.IGNORECASE)
#: What a saved model keeps of a mapping given as `word_vectors` (its fitted features keep the vectors).
SAVED_MAPPING = "<a mapping of {} words, not saved: the fitted model keeps its own copy>"


def read_word_vectors(path: str | os.PathLike) -> tuple[list[str], np.ndarray]:
    """Words and their vectors (float32, one row each) from a word2vec/GloVe text file; the
    word2vec header line ("400000 300") is optional, and a word may hold spaces (GloVe 840B has
    ". . ."). A malformed line is an error naming it."""
    path = Path(path)
    words: list[str] = []
    rows: list[np.ndarray] = []
    size = None  # numbers per vector: from the header, else from the first vector
    try:
        handle = path.open(encoding="utf-8", errors="strict")
    except OSError as err:
        raise ValueError(f"cannot read word vectors from {path}: {err.strerror or err}") from None
    with handle:
        try:
            for number, line in enumerate(handle, 1):
                fields = [f for f in _FIELD_SEP.split(line.strip(" \t\r\n")) if f]
                if number == 1 and len(fields) == 2 and all(f.isdigit() for f in fields):
                    size = int(fields[1])  # word2vec's "count dimensions" header
                    continue
                if not fields:
                    continue
                word, values = _split_line(fields, size)
                if not values:
                    raise ValueError(f"{path}, line {number}: {word!r} has no vector")
                try:
                    vector = np.array(values, dtype=np.float32)
                except ValueError:
                    raise ValueError(f"{path}, line {number}: the vector of {word!r} holds something "
                                     f"that is not a number") from None
                if not np.isfinite(vector).all():
                    raise ValueError(f"{path}, line {number}: the vector of {word!r} holds a value that is "
                                     f"not finite (nan or inf)")
                if size is not None and len(vector) != size:
                    raise ValueError(f"{path}, line {number}: {word!r} has {len(vector)} numbers, "
                                     f"{'the header says' if not rows else 'the lines before it'} {size}")
                size = len(vector)
                words.append(word)
                rows.append(vector)
        except UnicodeDecodeError as err:
            raise ValueError(f"{path}: not UTF-8 text ({err.reason}); word vectors must be a text file "
                             f"(binary word2vec files: convert them with gensim first)") from None
    if not rows:
        raise ValueError(f"{path}: no word vectors in the file")
    return words, np.vstack(rows)


def _split_line(fields: list[str], size: int | None) -> tuple[str, list[str]]:
    """The word and its numbers. Once the vectors' size is known, leading fields beyond it that are
    not numbers belong to the word; numbers there mean a line too long, which the caller names."""
    if size is not None and len(fields) > size + 1 and not any(_NUMBER.fullmatch(f) for f in fields[1:-size]):
        return " ".join(fields[:-size]), fields[-size:]
    return fields[0], fields[1:]


def as_word_vectors(vectors) -> tuple[list[str], np.ndarray]:
    """Words and vectors from what a user passes as `word_vectors`: a file path or a mapping."""
    if isinstance(vectors, str) and vectors.startswith(SAVED_MAPPING.split("{")[0]):
        raise ValueError("this model was given its word vectors as a mapping, which a saved model does not keep; "
                         "pass them again to refit it: set_params(word_vectors=...)")
    if isinstance(vectors, (str, os.PathLike)):
        return read_word_vectors(vectors)
    if not isinstance(vectors, Mapping):
        raise TypeError(f"word_vectors must be a path to a word2vec/GloVe text file or a mapping of "
                        f"word -> vector, got {type(vectors).__name__}")
    if not vectors:
        raise ValueError("word_vectors is an empty mapping")
    words, rows = [str(w) for w in vectors], []
    for word, value in zip(words, vectors.values()):
        try:
            row = np.asarray(value, dtype=np.float32).ravel()
        except (TypeError, ValueError):
            raise ValueError(f"word_vectors: the vector of {word!r} holds something that is not a number") from None
        if not len(row):
            raise ValueError(f"word_vectors: {word!r} has no vector")
        if rows and len(row) != len(rows[0]):
            raise ValueError(f"word_vectors: {word!r} has {len(row)} numbers, the words before it {len(rows[0])}")
        if not np.isfinite(row).all():
            raise ValueError(f"word_vectors: the vector of {word!r} holds a value that is not finite (nan or inf)")
        rows.append(row)
    return words, np.vstack(rows)


def saved_form(vectors):
    """What a saved or pickled model keeps of `word_vectors`: a path as a str (a pathlib type would tie
    the file to one system and Python version), a mapping as a note of its size (the fitted features
    hold the vectors, and a second copy made saving a 50,000-word model take 70 s)."""
    if isinstance(vectors, os.PathLike):
        return os.fspath(vectors)
    if isinstance(vectors, Mapping):
        return SAVED_MAPPING.format(f"{len(vectors):,}")
    return vectors
