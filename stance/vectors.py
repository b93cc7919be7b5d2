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
from pathlib import Path

import numpy as np

_FIELD_SEP = re.compile(r"[ \t]")  # spaces as word2vec and GloVe write them; tabs as some exports do


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
                fields = [f for f in _FIELD_SEP.split(line.strip(" \t\r\n")) if f]
                if number == 1 and len(fields) == 2 and all(f.isdigit() for f in fields):
                    continue  # word2vec's "count dimensions" header
                if not fields:
                    continue
                try:
                    vector = np.array(fields[1:], dtype=np.float32)
                except ValueError:
                    raise ValueError(f"{path}, line {number}: the vector of {fields[0]!r} holds something "
                                     f"that is not a number") from None
                if not len(vector):
                    raise ValueError(f"{path}, line {number}: {fields[0]!r} has no vector")
                if not np.isfinite(vector).all():
                    raise ValueError(f"{path}, line {number}: the vector of {fields[0]!r} holds a value that is "
                                     f"not finite (nan or inf)")
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
