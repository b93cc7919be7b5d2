import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import stance
from stance.analysis import analyze_batch

ARTICLE = ("Allies weigh an airlift\n\nBy Mara Delgado\n\n"
           "The minister said the alliance should provide the airlift without delay to save lives.\n\n"
           "Critics warned that sending aircraft would drag the country into a war with no exit.\n\n"
           "Sign up for our weekly newsletter.")


@pytest.fixture(scope="module")
def result(small_model):
    return stance.analyze(ARTICLE, model=small_model)


def test_paragraph_results(result):
    kinds = [p.kind for p in result.paragraphs]
    assert kinds == ["title", "byline", "prose", "prose", "boilerplate"]
    for p in result.paragraphs:
        assert ARTICLE[p.start:p.end] == p.text
        if p.kind != "prose":
            assert p.stance is None and p.probabilities == {} and p.sentiment is None
        else:
            assert p.stance in stance.LABELS
            assert abs(sum(p.probabilities.values()) - 1) < 1e-3
            assert p.confidence == max(p.probabilities.values())
            assert p.sentiment.label in ("positive", "negative", "neutral")
            assert all(isinstance(f, str) and w > 0 for f, w in p.evidence)


def test_summary(result):
    assert sum(result.counts.values()) == 2
    assert result.stance == max(result.probabilities, key=result.probabilities.get)
    assert -1 <= result.sentiment <= 1


def test_means_and_holders_in_results(result, small_model):
    first = result.prose[0]
    assert any(m.means == "logistics" and m.stance == "support" for m in first.means)
    assert [h.holder for h in first.holders] == ["The minister"]
    assert first.holder == "The minister" == first.to_dict()["holder"] == result.to_records()[2]["holder"]
    assert result.paragraphs[0].holder is None  # a title voices nothing
    assert [p.holder for p in stance.analyze("Troops left.\n\nWe should stay out.", model=small_model).prose] \
        == ["author", "author"]


def test_means_speak_our_labels_whatever_the_models(corpus):
    rows = [r for r in corpus if r["split"] == "train"][:300]
    to_theirs = {"support": "pro", "oppose": "anti", "neutral": "none"}
    model = stance.StanceClassifier(char_ngrams=None).fit([r["text"] for r in rows],
                                                          [to_theirs[r["stance"]] for r in rows])
    texts = ["The alliance should send troops and impose sanctions, but rule out air strikes.",
             "Officials said sanctions and arms were discussed on Monday."]
    for p in stance.analyze("\n\n".join(texts), model=model).prose:
        assert p.stance in ("pro", "anti", "none") and p.means
        assert {m.stance for m in p.means} <= {"support", "oppose", "neutral"}
    import copy

    import numpy as np

    says_none = copy.deepcopy(model)  # a paragraph labelled "none", although its words call for sanctions
    assert list(says_none.classes_) == ["anti", "none", "pro"]
    says_none.predict_proba_explained = lambda texts, top=5: (np.tile([0.1, 0.8, 0.1], (len(texts), 1)),
                                                               [[] for _ in texts])
    (p,) = stance.analyze("The alliance should impose sanctions on the junta.", model=says_none).prose
    assert p.stance == "none" and [(m.means, m.stance) for m in p.means] == [("sanctions", "neutral")]


def test_the_articles_relevance_weighs_its_paragraphs_by_length(default_model):
    home = "The city council approved the budget for road repairs and new street lights on Tuesday evening."
    abroad = "The alliance should send troops to protect civilians in the north, the minister said."
    a = stance.analyze(f"{home}\n\n{abroad}", model=default_model)
    (p, q) = a.prose
    assert p.relevance < 0.5 < q.relevance
    words = [len(home.split()), len(abroad.split())]
    assert a.relevance == pytest.approx((words[0] * p.relevance + words[1] * q.relevance) / sum(words), abs=1e-4)
    assert a.to_dict()["relevance"] == a.relevance
    assert stance.analyze("Title only", model=default_model).relevance is not None  # one line is prose
    assert stance.analyze("", model=default_model).relevance is None


def test_serialisation(result):
    d = json.loads(result.to_json())
    assert d["paragraphs"][2]["stance"] == result.prose[0].stance
    assert d["paragraphs"][2]["sentiment"]["compound"] == result.prose[0].sentiment.compound
    assert d["paragraphs"][2]["means"][0]["means"]
    records = result.to_records()
    assert len(records) == 5 and records[2]["p_support"] == result.prose[0].probabilities["support"]
    df = result.to_dataframe()
    assert list(df["kind"]) == [p.kind for p in result.paragraphs]
    assert list(records[0]) == result.record_fields() == list(df.columns)
    empty = stance.analyze("")
    assert empty.to_records() == [] and list(empty.to_dataframe().columns) == result.record_fields()


def test_results_are_frozen(result):
    with pytest.raises(Exception):
        result.paragraphs[0].stance = "support"


def test_default_model_is_used(default_model):
    a = stance.analyze("The council must send peacekeepers now to stop the massacres.")
    assert a.prose[0].stance in stance.LABELS


@pytest.mark.parametrize("bad, message", [(None, "NoneType"), (b"bytes", "decode"), (42, "int"), (["x"], "list")])
def test_bad_input_is_named(bad, message, small_model):
    with pytest.raises(TypeError, match=message):
        stance.analyze(bad, model=small_model)


def test_model_may_be_a_path_or_a_search_but_not_a_pipeline(small_model, tmp_path):
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    text = "The council must send peacekeepers now."
    expected = stance.analyze(text, model=small_model).to_dict()
    assert stance.analyze(text, model=small_model.save(tmp_path / "m.skops")).to_dict() == expected
    search = GridSearchCV(small_model, {"C": [1.0]}, cv=2)
    search.best_estimator_ = small_model  # as a fitted search holds it
    assert stance.analyze(text, model=search).to_dict() == expected
    with pytest.raises(TypeError, match="got Pipeline"):
        stance.analyze(text, model=Pipeline([("clf", small_model)]))
    with pytest.raises(stance.ModelError, match="no such model file"):
        stance.analyze(text, model=str(tmp_path / "missing.skops"))


def test_the_model_analyze_uses_is_not_the_one_users_get(default_model):
    text = "The council must send peacekeepers now to stop the massacres."
    before = stance.analyze(text).to_dict()
    mine = stance.load_default_model()
    mine.fit(["send troops now", "never send troops", "troops arrived", "arm them", "do not arm them", "aid came"],
             ["support", "oppose", "neutral"] * 2)
    assert stance.analyze(text).to_dict() == before


def test_empty_and_odd_text(small_model):
    assert stance.analyze("", model=small_model).paragraphs == ()
    assert stance.analyze("   \n\n\t", model=small_model).stance is None
    odd = stance.analyze("Troops 🚁 should go\x07 now. مرحبا. 部队应该去。\n\nA second paragraph here.", model=small_model)
    assert len(odd.paragraphs) == 2


def test_json_of_text_with_a_lone_surrogate_can_be_written_as_utf8(small_model, tmp_path):
    text = "We should send troops \udcff now, the minister said."  # a bad byte read with surrogateescape
    out = stance.analyze(text, model=small_model).to_json()
    (tmp_path / "a.json").write_text(out, encoding="utf-8")
    assert json.loads(out)["paragraphs"][0]["text"] == text
    assert "Caf\u00e9" in stance.analyze("Caf\u00e9 owners said troops should stay.", model=small_model).to_json()


def test_megabyte_text_is_handled(small_model):
    para = "The alliance should send instructors and money, the minister said, but not combat troops. "
    text = "\n\n".join([para * 3] * 4000)  # ~1 MB
    result = stance.analyze(text, model=small_model, evidence=0)
    assert len(result.prose) == 4000


def test_batch_matches_single(small_model):
    texts = [ARTICLE, "Another short piece that argues troops must leave now."]
    one = [stance.analyze(t, model=small_model) for t in texts]
    many = analyze_batch(texts, model=small_model)
    assert [a.to_dict() for a in one] == [a.to_dict() for a in many]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_analyze_returns_valid_results_for_any_string(small_model, text):
    result = stance.analyze(text, model=small_model, evidence=2)
    for p in result.paragraphs:
        assert 0 <= p.start < p.end <= len(text)
        assert p.kind != "prose" or abs(sum(p.probabilities.values()) - 1) < 1e-3
