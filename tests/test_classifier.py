import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score

from stance import LABELS, StanceClassifier


def test_fit_predict_proba(tiny):
    X, y = tiny
    clf = StanceClassifier().fit(X, y)
    assert set(clf.classes_) == set(LABELS)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1, atol=1e-6)
    assert (clf.predict(X) == np.asarray(y)).mean() > 0.8  # it learns its training data
    assert clf.predict_proba([]).shape == (0, 3) and clf.predict([]).shape == (0,)  # no texts, no rows
    empty, why = clf.predict_proba_explained([])
    assert empty.shape == (0, 3) and why == []


def test_sklearn_contract(tiny):
    X, y = tiny
    clf = StanceClassifier(C=0.5, char_ngrams=None)
    assert clf.get_params()["C"] == 0.5 and clf.get_params()["char_ngrams"] is None
    twin = clone(clf)
    assert twin.get_params() == clf.get_params() and not hasattr(twin, "pipeline_")
    assert not hasattr(clf, "classes_")  # nothing learned in __init__
    clf.set_params(C=2.0)
    assert clf.C == 2.0
    scores = cross_val_score(StanceClassifier(char_ngrams=None, cv=2), X, y, cv=2)
    assert len(scores) == 2
    grid = GridSearchCV(StanceClassifier(char_ngrams=None, cv=2), {"C": [0.5, 2.0]}, cv=2).fit(X, y)
    assert grid.best_params_["C"] in (0.5, 2.0)


def test_other_label_sets(tiny):
    X, y = tiny
    mapped = [{"support": "FAVOR", "oppose": "AGAINST", "neutral": "NONE"}[v] for v in y]
    clf = StanceClassifier(char_ngrams=None).fit(X, mapped)
    assert set(clf.predict(X)) <= {"FAVOR", "AGAINST", "NONE"}


def test_integer_labels_and_proba_cross_val_predict(tiny):
    from sklearn.model_selection import cross_val_predict

    X, y = tiny
    codes = [{"support": 1, "oppose": -1, "neutral": 0}[v] for v in y]
    clf = StanceClassifier(char_ngrams=None, cv=2).fit(X, codes)
    assert set(clf.predict(X)) <= {-1, 0, 1}
    proba = cross_val_predict(StanceClassifier(char_ngrams=None, cv=2), X, y, cv=2, method="predict_proba")
    assert proba.shape == (len(X), 3)


def test_explain_names_features_that_push_the_decision(tiny):
    X, y = tiny
    clf = StanceClassifier(char_ngrams=None).fit(X, y)
    text = "The alliance must send troops to protect civilians."
    expl = clf.explain(text, top=5)
    assert 0 < len(expl) <= 5
    assert all(w > 0 for _, w in expl) and expl == sorted(expl, key=lambda e: -e[1])
    assert all(name.removesuffix(" (absent)") in set(clf.feature_names()) for name, _ in expl)
    with pytest.raises(ValueError, match="unknown label"):
        clf.explain(text, label="maybe")
    assert clf.explain(text, top=0) == []
    for top in (-1, 2.5, True):  # -1 would have listed every feature but the last, 2.5 failed inside numpy
        with pytest.raises(ValueError, match="whole number, 0 or more"):
            clf.explain(text, top=top)


def test_bad_training_input():
    with pytest.raises(ValueError, match="two classes"):
        StanceClassifier().fit(["a b c", "d e f"], ["support", "support"])
    with pytest.raises(ValueError, match="2 texts but 1 labels"):
        StanceClassifier().fit(["a b c", "d e f"], ["support"])
    with pytest.raises(ValueError, match="at least 2 examples"):
        StanceClassifier().fit(["a b", "c d", "e f"], ["support", "support", "oppose"])
    with pytest.raises(TypeError, match="single str"):
        StanceClassifier().fit("just one text", ["support"])


@pytest.mark.parametrize("params, message", [
    ({"C": 0}, "C must be a number above 0"), ({"cv": 1}, "cv .calibration folds. must be an integer of at least 2"),
    ({"n_jobs": 0}, "n_jobs must be None"), ({"class_weight": "even"}, "class_weight must be None"),
    ({"class_weight": {"support": 2, "maybe": 1}}, r"class_weight names label\(s\) \['maybe'\]"),
])
def test_bad_parameters_are_named_at_fit(tiny, params, message):
    X, y = tiny
    with pytest.raises(ValueError, match=message):
        StanceClassifier(**params).fit(X, y)
    with pytest.raises(ValueError, match="mix strings and other values"):
        StanceClassifier().fit(X[:4], [1, "n", 1, "n"])


def test_a_failed_refit_leaves_the_model_as_it_was(tiny):
    X, y = tiny
    clf = StanceClassifier(char_ngrams=None).fit(X, y)
    before = clf.predict_proba(X)
    with pytest.raises(ValueError):
        clf.set_params(class_weight={"nobody": 1.0}).fit(X, y)
    assert np.array_equal(clf.predict_proba(X), before)


def test_class_weight_by_label(tiny):
    X, y = tiny
    plain = StanceClassifier(char_ngrams=None, class_weight=None).fit(X, y)
    heavy = StanceClassifier(char_ngrams=None, class_weight={"support": 20.0}).fit(X, y)
    k = list(plain.classes_).index("support")
    assert heavy.predict_proba(X)[:, k].mean() > plain.predict_proba(X)[:, k].mean()


def test_pandas_output_set_by_a_notebook_changes_nothing(tiny):
    import sklearn

    X, y = tiny
    expected = StanceClassifier(char_ngrams=None).fit(X, y).predict_proba(X)
    with sklearn.config_context(transform_output="pandas"):
        got = StanceClassifier(char_ngrams=None).fit(X, y).predict_proba(X)
    assert np.allclose(got, expected)


def test_explanations_add_up_to_the_decision_in_a_binary_model(tiny):
    X, y = tiny
    two = [(t, v) for t, v in zip(X, y) if v != "neutral"]
    clf = StanceClassifier(char_ngrams=None, calibration=None).fit([t for t, _ in two], [v for _, v in two])
    text = "We must not send troops; it would be a costly mistake."
    features = clf._features([text])
    up, down = ({n.removesuffix(" (absent)"): v for n, v in clf.explain(text, top=10**6, label=lab)}
                for lab in clf.classes_[::-1])
    dense = [n for n in set(up) | set(down) if n.startswith(("lexicon__", "sentiment__"))]
    columns = list(clf.feature_names())
    # an absent cue (value 0) is evidence too when the average text has it, and is named so
    absent = [n for n, _ in clf.explain(text, top=10**6, label=clf.classes_[0]) if n.endswith(" (absent)")]
    assert absent and all(features[0, columns.index(n.removesuffix(" (absent)"))] == 0 for n in absent)
    assert not any("minus" in n or n.startswith("sentiment__") for n in absent)  # a zero there is no absence
    x = features.toarray()[0]
    for name in dense:
        j = columns.index(name)
        expected = (x[j] - clf.feature_means_[j]) * clf.pipeline_.named_steps["model"].coef_[0][j]
        assert up.get(name, 0) - down.get(name, 0) == pytest.approx(expected, abs=1e-3)


def test_unfitted_model_says_so():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        StanceClassifier().predict(["text"])


def test_training_is_deterministic(tiny):
    X, y = tiny
    a = StanceClassifier().fit(X, y).predict_proba(X)
    b = StanceClassifier().fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_explanations_name_columns_as_feature_names_does(tiny):
    texts, labels = tiny
    clf = StanceClassifier(min_df=1).fit(texts, labels)
    names = clf.feature_names()
    assert [clf._feature_name(i) for i in range(0, len(names), 7)] == list(names[::7])
    first = clf.explain(texts[0])
    clf.fit(texts[:-6], labels[:-6])  # fewer texts, another vocabulary: names must follow
    assert all(name.removesuffix(" (absent)") in set(clf.feature_names()) for name, _ in clf.explain(texts[0]))
    assert pickle.loads(pickle.dumps(clf)).explain(texts[0]) == clf.explain(texts[0]) and first


@pytest.mark.slow
def test_n_jobs_gives_the_same_probabilities(tiny):
    texts, labels = tiny
    clf = StanceClassifier(min_df=1, char_ngrams=None).fit(texts, labels)
    many = [f"{t} ({i})" for i, t in enumerate(texts * 45)]  # over 2 x BLOCK texts: two workers
    one = clf.predict_proba(many)
    clf.set_params(n_jobs=2)
    assert np.array_equal(clf.predict_proba(many), one)
    assert clf.predict_proba_explained(many[:3])[1] == clf.set_params(n_jobs=None).predict_proba_explained(many[:3])[1]
