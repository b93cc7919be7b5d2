import numpy as np
import pytest
from sklearn.base import clone

from stance import StanceClassifier, load_model
from stance.features import MeanWordVectors
from stance.vectors import read_word_vectors

# Three directions: words near "welcome" mean support, near "reject" oppose, the rest neutral filler.
VECTORS = {"welcome": [1, 0, 0], "applaud": [0.9, 0.1, 0], "reject": [0, 1, 0], "condemn": [0.1, 0.9, 0],
           "the": [0, 0, 1], "plan": [0, 0.1, 1], "mission": [0.1, 0, 1], "today": [0, 0, 0.9]}


def _corpus():
    """Support texts say "welcome", oppose texts "reject"; their near words never occur in training."""
    fillers = ["the plan", "the mission", "the plan today", "the mission today", "today the plan"]
    texts, labels = [], []
    for i in range(30):
        texts += [f"we welcome {fillers[i % 5]} {i}", f"we reject {fillers[i % 5]} {i}"]
        labels += ["support", "oppose"]
    return texts, labels


def _write(path, rows, header=True):
    lines = [f"{len(rows)} {len(next(iter(rows.values())))}"] if header else []
    lines += [" ".join([w, *map(str, v)]) for w, v in rows.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_read_word_vectors_with_and_without_header(tmp_path):
    for header in (True, False):
        words, matrix = read_word_vectors(_write(tmp_path / f"v{header}.txt", VECTORS, header))
        assert words == list(VECTORS)
        assert matrix.dtype == np.float32 and matrix.shape == (len(VECTORS), 3)
        np.testing.assert_allclose(matrix[words.index("condemn")], [0.1, 0.9, 0], rtol=1e-6)


@pytest.mark.parametrize("body, problem", [
    ("a 1 2 3\nb 1 2\n", "line 2: 'b' has 2 numbers, the lines before it 3"),
    ("a 1 2 3\nb 1 x 3\n", "line 2: the vector of 'b' holds something that is not a number"),
    ("a 1 2\nlonely\n", "line 2: 'lonely' has no vector"),
    ("\n", "no word vectors"),
])
def test_read_word_vectors_names_the_bad_line(tmp_path, body, problem):
    path = tmp_path / "bad.txt"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match="bad.txt") as err:
        read_word_vectors(path)
    assert problem in str(err.value)


def test_tabs_and_crlf_are_read_and_non_finite_values_refused(tmp_path):
    path = tmp_path / "tabs.txt"
    path.write_text("troops\t1\t2\r\narms\t3 4\r\n", encoding="utf-8")
    words, matrix = read_word_vectors(path)
    assert words == ["troops", "arms"] and matrix.tolist() == [[1, 2], [3, 4]]
    path.write_text("troops 1 2\narms nan 4\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"tabs.txt, line 2: the vector of 'arms' holds a value that is not finite"):
        read_word_vectors(path)


def test_binary_or_missing_file_is_a_clear_error(tmp_path):
    binary = tmp_path / "vectors.bin"
    binary.write_bytes(b"2 3\nab\xff\xfe\x00\x01")
    with pytest.raises(ValueError, match="not UTF-8 text.*convert them with gensim"):
        read_word_vectors(binary)
    with pytest.raises(ValueError, match="cannot read word vectors from .*nowhere.txt"):
        read_word_vectors(tmp_path / "nowhere.txt")


def test_mean_vector_of_known_words():
    out = MeanWordVectors(VECTORS).fit().transform(["We WELCOME #Applaud!", "nothing known here", ""])
    expected = np.array([1.9, 0.1, 0]) / np.linalg.norm([1.9, 0.1, 0])  # case folded, hashtag sign dropped
    np.testing.assert_allclose(out[0], expected, rtol=1e-3)  # stored in half precision
    assert not out[1].any() and not out[2].any()  # no known word: zeros, not NaN
    assert list(MeanWordVectors(VECTORS).fit().get_feature_names_out()) == ["dim0", "dim1", "dim2"]


@pytest.mark.parametrize("mapping, problem", [
    ({"a": [1, 2], "b": [1, 2, 3]}, "'b' has 3 numbers, the words before it 2"),
    ({"a": [1, 2], "b": ["x", 2]}, "the vector of 'b' holds something that is not a number"),
    ({"a": []}, "'a' has no vector"),
    ({"a": [1, 2], "b": [float("inf"), 0]}, "the vector of 'b' holds a value that is not finite"),
    ({}, "empty mapping"),
])
def test_a_bad_mapping_is_refused_naming_the_word(mapping, problem):
    with pytest.raises(ValueError, match="word_vectors") as err:
        MeanWordVectors(mapping).fit()
    assert problem in str(err.value)


def test_a_failed_refit_keeps_the_vectors_it_had():
    fitted = MeanWordVectors(VECTORS).fit()
    before = fitted.transform(["we welcome the plan"])
    with pytest.raises(ValueError, match="line break"):
        fitted.set_params(vectors={"a\nb": [1, 0, 0]}).fit()
    np.testing.assert_array_equal(fitted.transform(["we welcome the plan"]), before)


def test_wrong_type_is_refused():
    with pytest.raises(TypeError, match="path to a word2vec/GloVe text file or a mapping"):
        MeanWordVectors(42).fit()


def test_words_with_spaces_as_in_glove_840b_and_a_header_that_disagrees(tmp_path):
    path = tmp_path / "glove.txt"
    path.write_text("the 0.1 0.2\n. . . 0.3 0.4\nat&t 0.5 0.6\n", encoding="utf-8")
    words, matrix = read_word_vectors(path)
    assert words == ["the", ". . .", "at&t"] and matrix.shape == (3, 2)
    path.write_text("the 0.1 0.2\nlong 1 0.3 0.4\n", encoding="utf-8")  # numbers, not a word: too long
    with pytest.raises(ValueError, match="line 2: 'long' has 3 numbers, the lines before it 2"):
        read_word_vectors(path)
    path.write_text("2 3\nthe 0.1 0.2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: 'the' has 2 numbers, the header says 3"):
        read_word_vectors(path)


def test_vectors_carry_a_model_to_words_it_never_saw(tmp_path):
    X, y = _corpus()
    unseen = ["we applaud the plan", "we condemn the plan"]  # "applaud" and "condemn" are not in X
    plain = StanceClassifier(char_ngrams=None, lexicon_features=False, sentiment_features=False).fit(X, y)
    assert len(set(plain.predict(unseen))) == 1  # without vectors both look alike
    path = _write(tmp_path / "v.txt", VECTORS)
    clf = StanceClassifier(char_ngrams=None, lexicon_features=False, sentiment_features=False,
                           word_vectors=path).fit(X, y)
    assert list(clf.predict(unseen)) == ["support", "oppose"]
    assert clf.get_params()["word_vectors"] == path and clone(clf).word_vectors == path
    why = dict(clf.explain("we applaud the plan"))
    assert why["vectors__mean_word_vector"] > 0  # the dimensions are named together
    assert not any(name.startswith("vectors__dim") for name in why)
    # the fitted model carries its vectors: it predicts the same once the file is gone
    saved = clf.save(tmp_path / "m.skops")
    path.unlink()
    again = load_model(saved)
    np.testing.assert_allclose(again.predict_proba(unseen), clf.predict_proba(unseen))


def test_a_saved_model_keeps_one_copy_of_the_vectors_and_a_path_as_text(tmp_path):
    import pickle
    from pathlib import PurePosixPath

    X, y = _corpus()
    many = {f"w{i}": [float(i % 7), 1.0, float(i % 3)] for i in range(5000)}
    many.update(VECTORS)
    clf = StanceClassifier(char_ngrams=None, lexicon_features=False, sentiment_features=False,
                           word_vectors=many).fit(X, y)
    again = pickle.loads(pickle.dumps(clf))
    assert again.word_vectors == "<a mapping of 5,008 words, not saved: the fitted model keeps its own copy>"
    assert clf.word_vectors is many  # the model in memory keeps what it was given
    np.testing.assert_allclose(again.predict_proba(X[:4]), clf.predict_proba(X[:4]))
    with pytest.raises(ValueError, match="pass them again to refit it"):
        again.fit(X, y)
    path = _write(tmp_path / "v.txt", VECTORS)
    by_path = StanceClassifier(char_ngrams=None, lexicon_features=False, sentiment_features=False,
                               word_vectors=path).fit(X, y)
    loaded = load_model(by_path.save(tmp_path / "p.skops"))
    assert loaded.word_vectors == str(path) and not isinstance(loaded.word_vectors, PurePosixPath)


def test_one_unchanged_file_is_read_once_across_fits(tmp_path, monkeypatch):
    import os

    import stance.vectors

    path = _write(tmp_path / "v.txt", VECTORS)
    reads = []
    real = stance.vectors.read_word_vectors
    monkeypatch.setattr(stance.vectors, "read_word_vectors", lambda p: reads.append(p) or real(p))
    first, second = MeanWordVectors(path).fit(), MeanWordVectors(str(path)).fit()
    assert len(reads) == 1 and second.matrix_ is first.matrix_  # a grid search's folds share one table
    _write(path, {**VECTORS, "welcome": [0, 0, 1]})  # the same size: only the time tells the change
    os.utime(path, ns=(1, 1))
    third = MeanWordVectors(path).fit()
    assert len(reads) == 2 and not np.array_equal(third.transform(["welcome"]), first.transform(["welcome"]))
