import numpy as np
import pytest

import stance
from stance.relevance import RelevanceDetector

ON = ["The alliance should send more troops to the border.", "Sanctions on the junta must stay in place.",
      "Air strikes killed dozens of fighters near the town.", "Peacekeepers will leave the province next year."] * 3
OFF = ["The bakery on Main Street now sells rye bread.", "Rain is expected over the weekend in the north.",
       "The striker scored twice in the second half.", "Ticket prices for the tram rise in January."] * 3


def test_fit_and_probabilities():
    model = RelevanceDetector().fit(ON + OFF, [True] * len(ON) + [False] * len(OFF))
    proba = model.predict_proba(["Troops should stay in the province.", "The tram was late again."])
    assert proba.shape == (2, 2) and np.allclose(proba.sum(axis=1), 1)
    assert proba[0, 1] > 0.5 > proba[1, 1]
    assert list(model.predict(["Sanctions must stay."])) == [True]
    assert model.predict_proba([]).shape == (0, 2)


def test_needs_both_kinds_of_text():
    with pytest.raises(ValueError, match="both about intervention and not"):
        RelevanceDetector().fit(ON, [True] * len(ON))


def test_analyze_reports_relevance_and_off_topic_text_scores_low():
    text = ("The alliance should send more peacekeepers to protect civilians in the north.\n\n"
            "The recipe calls for two eggs, a cup of flour and a pinch of salt.")
    on, off = stance.analyze(text).prose
    assert 0 <= off.relevance < 0.5 < on.relevance <= 1
    assert stance.analyze(text).to_records()[1]["relevance"] == off.relevance


def test_a_text_not_about_intervention_names_no_means():
    off = stance.analyze("The hospital strike entered its third day as nurses walked out.").prose[0]
    on = stance.analyze("NATO should launch air strikes on the regime's artillery.").prose[0]
    assert off.relevance < 0.5 and off.means == ()  # a labour strike is no air strike
    assert on.relevance >= 0.5 and [m.means for m in on.means] == ["air_strikes"]


def test_a_default_model_rebuilt_from_older_bundled_data_has_no_relevance(monkeypatch):
    from stance import persistence

    bundle = dict(persistence._default_bundle())
    del bundle["relevance"]  # as _train_bundle leaves it when the bundled rows carry no "about"
    monkeypatch.setattr(persistence, "_default_bundle", lambda: bundle)
    (paragraph,) = stance.analyze("The alliance should send more troops.").prose
    assert paragraph.relevance is None and paragraph.stance is not None


def test_the_bundle_trains_relevance_only_from_rows_that_say_whether_they_are_about_intervention():
    from stance.persistence import _train_bundle

    texts = ON + OFF
    labels = ["support", "oppose"] * (len(ON) // 2) + [None] * len(OFF)  # off-topic rows train no stance
    means = [["ground_troops"], ["sanctions"]] * (len(ON) // 2) + [None] * len(OFF)
    with_about = _train_bundle(texts, labels, means, [True] * len(ON) + [False] * len(OFF), params={"cv": 2})
    assert with_about["relevance"].predict(["The tram was late again."]).tolist() == [False]
    assert len(with_about["stance"].classes_) == 2  # the None labels were left out
    older = _train_bundle(texts, labels, means, [None] * len(texts), params={"cv": 2})
    assert "relevance" not in older
