import numpy as np
import pytest
from sklearn.base import clone

from stance import StanceClassifier
from stance.features import (CharNgramTfidf, LexiconFeatures, SentimentFeatures, TextNormalizer, WordNgramTfidf,
                             make_features, normalize)


def test_negation_scope_and_stemming():
    out = normalize("We should not send troops, but we must act.")
    assert "send_neg" in out.split() and "troop_neg" in out.split()
    assert "act" in out.split() and "act_neg" not in out.split()  # scope ends at the comma / "but"
    assert "_neg" not in normalize("Impose a no-fly zone now.")  # a hyphenated "no" negates nothing


def test_normalizer_rejects_a_bare_string():
    with pytest.raises(TypeError, match="single str"):
        TextNormalizer().transform("one text")
    with pytest.raises(TypeError, match="text #1"):
        TextNormalizer().transform(["fine", 3])
    pd = pytest.importorskip("pandas")
    with pytest.raises(TypeError, match=r"2-D DataFrame; pass one column, e.g. df\['text'\]"):
        TextNormalizer().transform(pd.DataFrame({"text": ["one", "two"]}))
    assert TextNormalizer().transform(pd.Series(["Not one", "two"])) == ["not one_neg", "two"]


def test_lexicon_features_shape_names_and_signal():
    lex = LexiconFeatures()
    X = lex.fit_transform(["The alliance must send air strikes now.", "We rule out air strikes and oppose it."])
    names = list(lex.get_feature_names_out())
    assert X.shape == (2, len(names))
    assert X[0, names.index("recommend_means")] > 0 and X[1, names.index("recommend_means")] == 0
    assert X[1, names.index("reject_means")] > 0
    assert X[0, names.index("means_air_strikes")] > 0
    assert lex.transform([]).shape == (0, len(names))


def test_sentiment_features():
    sf = SentimentFeatures()
    X = sf.transform(["A wonderful, peaceful success.", "A horrible massacre."])
    assert X.shape == (2, len(sf.get_feature_names_out())) and X[0, 0] > 0 > X[1, 0]
    assert list(sf.get_feature_names_out())[0] == "vader_compound"


def test_union_has_feature_names_and_clones(tiny):
    texts, _ = tiny
    union = make_features(min_df=1)
    X = union.fit_transform(texts)
    names = union.get_feature_names_out()
    assert X.shape[1] == len(names)
    assert any(n.startswith("words__") for n in names) and any(n.startswith("chars__") for n in names)
    assert any(n.startswith("lexicon__") for n in names) and any(n.startswith("sentiment__") for n in names)
    assert clone(union).get_params().keys() == union.get_params().keys()


def test_parts_can_be_switched_off(tiny):
    texts, _ = tiny
    names = make_features(char_ngrams=None, sentiment_features=False, min_df=1).fit(texts).get_feature_names_out()
    assert not any(n.startswith(("chars__", "sentiment__")) for n in names)
    assert np.all([n.startswith(("words__", "lexicon__")) for n in names])


def test_char_ngrams_match_sklearns_char_wb_vectorizer(corpus):
    """CharNgramTfidf only changes how transform is computed (word by word, cached)."""
    import pickle

    from stance.features import split_hashtags

    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [r["text"] for r in corpus[:1500]]
    unseen = [r["text"] for r in corpus[1500:2000]] + ["a", "", "I  am\tHERE\n ok", "\u00e9 \u00fc \U0001F642 x", "ab"]
    texts += ["#NoFlyZoneNow over #Kestria", "Send the #AirliftNow crews"]
    unseen += ["More #NoFlyZoneNow talk", "#nato"]
    params = dict(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, dtype=np.float32)
    ours = CharNgramTfidf(**params).fit(texts)
    theirs = TfidfVectorizer(**params, preprocessor=lambda t: split_hashtags(t).lower()).fit(texts)
    for batch in (unseen, unseen[::-1]):  # the second pass reads the word cache
        A, B = ours.transform(batch), theirs.transform(batch)
        assert A.shape == B.shape and A.dtype == B.dtype
        assert abs(A - B).max() < 1e-6 and A.nnz == B.nnz
    assert "_word_columns" not in pickle.loads(pickle.dumps(ours)).__dict__
    assert (ours.get_feature_names_out() == theirs.get_feature_names_out()).all()
    assert clone(ours).get_params() == ours.get_params()


def test_hashtags_are_split_into_words_for_the_word_ngrams():
    from stance.features import split_hashtags

    assert split_hashtags("Yes #NoFlyZoneNow and #G20Summit, #nato") == "Yes No Fly Zone Now and G 20 Summit, nato"
    assert split_hashtags("no tags here") == "no tags here"
    assert "zone_neg" in normalize("#NotANoFlyZone").split()  # negation inside a hashtag still scopes


def test_char_ngrams_forget_the_old_vocabulary_on_refit_and_fall_back_when_binary():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from stance.features import split_hashtags

    a = ["troops and tanks", "tanks and planes", "aid and food"] * 2
    b = ["sanctions bite", "sanctions and embargoes", "embargoes bite hard"] * 2
    for binary in (False, True):
        params = dict(analyzer="char_wb", ngram_range=(2, 4), binary=binary, dtype=np.float32)
        ours, theirs = CharNgramTfidf(**params), TfidfVectorizer(**params, preprocessor=lambda t: split_hashtags(t).lower())
        ours.fit(a).transform(a)  # fills the cache for the first vocabulary
        for fit in (ours.fit, ours.fit_transform):
            fit(b)
            theirs.fit(b)
            assert abs(ours.transform(b + a) - theirs.transform(b + a)).max() < 1e-6


def test_lexicon_weight_scales_the_lexicon_and_sentiment_columns():
    texts = ["The alliance must send air strikes now.", "We oppose sanctions; they hurt the poor."] * 3
    plain = make_features(char_ngrams=None, min_df=1, lexicon_weight=1.0).fit(texts)
    half = make_features(char_ngrams=None, min_df=1, lexicon_weight=0.5).fit(texts)
    names = list(plain.get_feature_names_out())
    A, B = plain.transform(texts).toarray(), half.transform(texts).toarray()
    dense = [i for i, n in enumerate(names) if n.startswith(("lexicon__", "sentiment__"))]
    words = [i for i, n in enumerate(names) if n.startswith("words__")]
    np.testing.assert_allclose(B[:, dense], 0.5 * A[:, dense])
    np.testing.assert_allclose(B[:, words], A[:, words])
    clf = StanceClassifier(char_ngrams=None, lexicon_weight=0.25, cv=2).fit(texts, ["support", "oppose"] * 3)
    assert clf.pipeline_.named_steps["features"].transformer_weights == {"lexicon": 0.25, "sentiment": 0.25}


def test_sentences_about_intervening_come_from_the_lexicon_matches():
    from stance.features import _about_intervening

    text = "The weather was calm. NATO launched air strikes at dawn. Markets fell. The intervention failed."
    assert _about_intervening(text) == [False, True, False, True]


@pytest.mark.parametrize("ngrams", [(1, 1), (1, 2), (2, 3)])
def test_word_ngrams_transform_as_sklearn_does(corpus, ngrams):
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [normalize(r["text"]) for r in corpus[:1200]]
    unseen = [normalize(r["text"]) for r in corpus[1200:1500]] + ["", "a", "UPPER case  words\there", "\u00e9t\u00e9 x\xa0y"]
    params = dict(token_pattern=r"\S+", ngram_range=ngrams, min_df=2, sublinear_tf=True, dtype=np.float32)
    ours, theirs = WordNgramTfidf(**params).fit(texts), TfidfVectorizer(**params).fit(texts)
    A, B = ours.transform(unseen), theirs.transform(unseen)
    assert A.shape == B.shape and A.dtype == B.dtype and A.nnz == B.nnz and abs(A - B).max() < 1e-6
    plain = WordNgramTfidf(**{**params, "binary": True}).fit(texts)  # a setting the fast path does not cover
    assert abs(plain.transform(unseen) - TfidfVectorizer(**{**params, "binary": True}).fit(texts).transform(unseen)).max() < 1e-6
