import json

import numpy as np
import pytest

from stance import StanceClassifier
from stance.evaluation import (bootstrap_ci, cross_validate, evaluate, expected_calibration_error, f_avg,
                               learning_curve, plot_confusion, plot_learning_curve, plot_reliability, score)

GOLD = ["support", "support", "oppose", "oppose", "neutral", "neutral"]
PRED = ["support", "oppose", "oppose", "oppose", "support", "neutral"]


def test_f_avg_by_hand():
    # support: P=1/2, R=1/2 -> F1 .5 ; oppose: P=2/3, R=1 -> F1 .8 ; F_avg = .65
    assert f_avg(GOLD, PRED) == pytest.approx(0.65)
    sem = {"support": "FAVOR", "oppose": "AGAINST", "neutral": "NONE"}
    assert f_avg([sem[g] for g in GOLD], [sem[p] for p in PRED]) == pytest.approx(0.65)


def test_f_avg_averages_only_the_polar_classes_in_use():
    assert f_avg(["support", "support", "neutral"], ["support", "support", "neutral"]) == 1.0  # not 0.5
    assert f_avg(["support", "neutral"], ["oppose", "neutral"]) == 0.0  # both used, both wrong
    assert f_avg(["neutral"], ["neutral"]) is None
    assert f_avg([0, 1, 2, 2], [0, 1, 2, 1], labels=(1, 2)) == pytest.approx((2 / 3 + 2 / 3) / 2)  # integer labels


def test_f_avg_finds_its_classes_in_any_case_or_says_it_cannot():
    assert f_avg(["Favor", "Against", "None"], ["Favor", "Against", "Against"]) == pytest.approx((1 + 2 / 3) / 2)
    assert f_avg([0, 1, 2], [0, 1, 1]) is None
    report = score(["pro", "con"], ["pro", "con"])
    assert report.f_avg is None and report.macro_f1 == 1.0
    assert "F_avg" not in report.to_text() and "F_avg" not in report.to_markdown()


def test_bootstrap_averages_over_the_reports_classes():
    gold = ["support"] * 50 + ["oppose"] * 49 + ["neutral"]
    pred = ["support"] * 50 + ["oppose"] * 49 + ["support"]
    r = score(gold, pred)
    lo, hi = r.macro_f1_ci
    assert lo <= r.macro_f1 <= hi < 1.0  # a resample without the one neutral item still scores neutral (0)


def test_evaluate_refuses_gold_labels_the_model_cannot_predict(tiny):
    X, y = tiny
    model = StanceClassifier(char_ngrams=None, cv=2).fit(X, y)
    with pytest.raises(ValueError, match=r"gold label\(s\) \['0', '1'\] are not among the model's labels"):
        evaluate(model, X[:4], [0, 1, 0, 1])


def test_cross_validation_with_integer_labels_and_a_class_missing_from_a_fold(tiny):
    X, y = tiny
    codes = {"support": 0, "oppose": 1, "neutral": 2}
    as_int = cross_validate(X, [codes[v] for v in y], StanceClassifier(char_ngrams=None, cv=2), k=2)
    as_str = cross_validate(X, [str(codes[v]) for v in y], StanceClassifier(char_ngrams=None, cv=2), k=2)
    assert as_int.to_dict() == as_str.to_dict() and json.loads(as_int.to_json())["errors"]
    # every neutral text in one group: the fold that holds it out trained on two classes only
    groups = ["N" if v == "neutral" else f"g{i % 3}" for i, v in enumerate(y)]
    grouped = cross_validate(X, y, StanceClassifier(char_ngrams=None, cv=2), k=10, groups=groups)
    assert grouped.per_class["neutral"]["recall"] == 0.0 and grouped.n == len(X)
    assert grouped.extra["folds"] == 4  # as many folds as groups, not the 10 asked for


def test_learning_curve_samples_a_label_sorted_file(tiny):
    from sklearn.dummy import DummyClassifier

    seen = []

    class Recording(DummyClassifier):
        def fit(self, X, y, sample_weight=None):
            seen.append(len(set(y)))
            return super().fit(X, y, sample_weight)

    X, y = tiny
    rows = sorted(zip(X * 2, y * 2), key=lambda r: r[1])
    learning_curve([t for t, _ in rows], [v for _, v in rows], Recording(), sizes=(0.3, 1.0), k=2)
    assert min(seen) >= 2  # the first rows of a sorted file are one class; a random subset is not


def test_score_by_hand():
    r = score(GOLD, PRED)
    assert r.accuracy == pytest.approx(4 / 6, abs=1e-4)
    assert r.per_class["neutral"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(0.6667, abs=1e-4),
                                      "support": 2}
    assert r.macro_f1 == pytest.approx((0.5 + 0.8 + 2 / 3) / 3, abs=1e-4)
    assert r.labels == ["support", "oppose", "neutral"]
    assert r.confusion == [[1, 1, 0], [0, 2, 0], [1, 0, 1]]
    lo, hi = r.macro_f1_ci
    assert lo <= r.macro_f1 <= hi
    assert "| F_avg | 0.650 |" in r.to_markdown()
    assert json.loads(r.to_json())["f_avg"] == pytest.approx(0.65)


def test_ece_by_hand():
    proba = np.array([[0.9, 0.1], [0.9, 0.1], [0.6, 0.4], [0.6, 0.4]])
    # bin (0.8, 0.9]: conf .9, accuracy .5 ; bin (0.5, 0.6]: conf .6, accuracy 1 ; ECE = .5*.4 + .5*.4 = .4
    ece, bins = expected_calibration_error(["a", "b", "a", "a"], proba, ["a", "b"])
    assert ece == pytest.approx(0.4)
    assert [b["n"] for b in bins] == [2, 2]


def test_bootstrap_narrows_with_more_data():
    rng = np.random.default_rng(1)
    gold = rng.choice(["support", "oppose"], 400)
    pred = np.where(rng.random(400) < 0.8, gold, rng.choice(["support", "oppose"], 400))
    lo_small, hi_small = bootstrap_ci(gold[:40], pred[:40], n=300)
    lo, hi = bootstrap_ci(gold, pred, n=300)
    assert hi - lo < hi_small - lo_small


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="3 gold labels but 2"):
        score(["a", "b", "c"], ["a", "b"])


def test_evaluate_and_errors(tiny):
    X, y = tiny
    model = StanceClassifier(char_ngrams=None).fit(X[::2] + X[1::4], y[::2] + y[1::4])
    report = evaluate(model, X, y, errors=3)
    assert report.n == len(X) and report.ece is not None
    assert len(report.errors) <= 3
    confs = [e["confidence"] for e in report.errors]
    assert confs == sorted(confs, reverse=True)
    assert all(e["gold"] != e["predicted"] for e in report.errors)
    first = report.errors[0]
    assert f"{first['gold']} -> {first['predicted']}, {first['confidence']:.2f}" in report.to_text()
    assert first["item"] == first["index"] + 1  # a reader counts from 1
    assert f"| {first['item']} | {first['gold']} | {first['predicted']} |" in report.to_markdown()
    named = evaluate(model, X, y, errors=3, ids=[f"line {i + 2}" for i in range(len(X))])
    assert [e["item"] for e in named.errors] == [f"line {e['index'] + 2}" for e in named.errors]
    assert f"{named.errors[0]['item']:>5}: {first['gold']}" in named.to_text()
    odd = evaluate(model, X, y, errors=3, ids=[("doc", i) for i in range(len(X))])
    assert str(odd.errors[0]["item"]) in odd.to_text() and str(odd.errors[0]["item"]) in odd.to_markdown()
    with pytest.raises(ValueError, match="texts but 1 ids"):
        evaluate(model, X, y, ids=["only one"])


def test_cross_validation_stratified_and_grouped(tiny):
    X, y = tiny
    strat = cross_validate(X, y, StanceClassifier(char_ngrams=None, cv=2), k=2)
    assert strat.n == len(X) and strat.extra["cv"] == "stratified"
    groups = [i % 4 for i in range(len(X))]
    grouped = cross_validate(X, y, StanceClassifier(char_ngrams=None, cv=2), k=2, groups=groups)
    assert grouped.extra["cv"] == "grouped" and sum(map(sum, grouped.confusion)) == len(X)


def test_learning_curve_and_plots(tiny, tmp_path):
    X, y = tiny
    curve = learning_curve(X * 2, y * 2, StanceClassifier(char_ngrams=None, cv=2), sizes=(0.5, 1.0), k=2)
    assert [c["n_train"] for c in curve] == sorted(c["n_train"] for c in curve)
    report = score(GOLD, PRED, np.full((6, 3), 1 / 3), ["support", "oppose", "neutral"])
    for fn, arg in ((plot_confusion, report), (plot_reliability, report), (plot_learning_curve, curve)):
        out = fn(arg, str(tmp_path / f"{fn.__name__}.png"))
        assert open(out, "rb").read(4) == b"\x89PNG"


def test_a_file_of_one_class_scores_without_sklearn_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = score(["support", "support"], ["support", "support"])
    assert report.macro_f1 == 1.0 and report.f_avg == 1.0 and report.confusion == [[2]]


def test_min_relevance_counts_off_topic_text_as_neutral(tiny):
    X, y = tiny
    model = StanceClassifier(char_ngrams=None).fit(X, y)
    off = ["The bakery raised the price of bread again this week.", "Our football club signed a new goalkeeper."]
    texts, gold = X + off, list(y) + ["neutral", "neutral"]
    plain = evaluate(model, texts, gold)
    kept = evaluate(model, texts, gold, min_relevance=0.5)
    assert kept.extra["min_relevance"] == 0.5 and kept.extra["below_min_relevance"] >= 2
    assert kept.per_class["neutral"]["recall"] >= plain.per_class["neutral"]["recall"]
    assert "counted neutral, relevance below 0.5" in kept.to_text()
    assert "| counted neutral: relevance below 0.5 |" in kept.to_markdown()
    assert evaluate(model, texts, gold, min_relevance=0).extra["below_min_relevance"] == 0
    assert evaluate(model, texts, gold, min_relevance=np.float32(0.5)).extra == kept.extra
    favor = StanceClassifier(char_ngrams=None).fit(X, ["FAVOR" if v == "support" else "AGAINST" for v in y])
    with pytest.raises(ValueError, match="needs a neutral label .* have none"):
        evaluate(favor, X[:2], ["FAVOR", "FAVOR"], min_relevance=0.5)
    with pytest.raises(ValueError, match="from 0 to 1"):
        evaluate(model, X, y, min_relevance=1.5)
