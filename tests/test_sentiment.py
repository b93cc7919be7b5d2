from stance import sentiment


def test_vader_works_without_nltk_data(monkeypatch, tmp_path):
    import nltk

    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    sentiment.analyzer.cache_clear()
    try:
        s = sentiment.score("The rescue was a wonderful success. Everyone is happy.")
        assert s.compound > 0.5 and s.label == "positive"
    finally:
        sentiment.analyzer.cache_clear()


def test_labels_use_vader_thresholds():
    assert sentiment.label_for(0.05) == "positive"
    assert sentiment.label_for(-0.05) == "negative"
    assert sentiment.label_for(0.049) == "neutral"


def test_long_paragraph_does_not_saturate():
    mild = "The plan has some good points. "
    whole = sentiment.analyzer().polarity_scores(mild * 30)["compound"]
    per_sentence = sentiment.score(mild * 30).compound
    assert whole > 0.99  # VADER on the whole text saturates
    assert abs(per_sentence - sentiment.score(mild).compound) < 1e-6


def test_scores_are_consistent():
    s = sentiment.score("War is terrible. Peace is good.")
    assert abs(s.pos + s.neu + s.neg - 1) < 0.01
    assert sentiment.score("").label == "neutral"
