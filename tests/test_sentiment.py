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


EDGE_CASES = ['"Peace," he said!!!', "WAR is BAD!?!", ":) great -- really?", "don't, won't; can't!", "'quoted' words...",
              "hello!!!! world??", "a", "", "!!! ... ,,,", '"Not good."', "kind of nice", "(brackets) [and] {braces}",
              "The strikes were, frankly, a disaster.", "NOT good at all, but the aid helped?", " ", "xx yy", "(:",
              "x :)", "GOOD!!!", "The convoy left at dawn."]


def _one_mark(sentence: str) -> bool:
    """Whether nltk finds every token's word: marks from its list at one end only, none typographic."""
    from nltk.sentiment.vader import VaderConstants

    def found(token):
        lead = token[:len(token) - len(token.lstrip(sentiment._MARKS))]
        trail = token[len(token.rstrip(sentiment._MARKS)):]
        return not (lead and trail) and (lead + trail in VaderConstants.PUNC_LIST or not lead + trail)
    return all(found(t) for t in sentence.split())


def test_a_hashtag_is_a_tag_not_its_word():  # as nltk's VADER has it; on SemEval stripping "#" cost 0.5 F_avg
    assert sentiment.analyzer().polarity_scores("#love this")["compound"] == 0
    assert sentiment.analyzer().polarity_scores("love this")["compound"] > 0


def test_quoted_words_keep_their_valence():
    for quoted, plain in [('The plan is "a disaster," he said.', "The plan is a disaster, he said."),
                          ('It was "excellent" news.', "It was excellent news."), ("It was (terrible).", "It was terrible."),
                          ("It was \u201cexcellent\u201d news.", "It was excellent news.")]:
        compound = sentiment.analyzer().polarity_scores(quoted)["compound"]
        assert compound == sentiment.analyzer().polarity_scores(plain)["compound"] != 0


def test_faster_vader_gives_nltks_scores_exactly(corpus):
    """Our analyzer changes only how nltk's SentiText finds words glued to punctuation: the same
    wherever nltk finds them (one mark at one end), and quoted words as well (above)."""
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    from stance.segment import split_sentences

    fast = sentiment.analyzer()
    assert type(fast) is not SentimentIntensityAnalyzer  # the faster path is in use with this nltk
    stock = SentimentIntensityAnalyzer(lexicon_file="vader_lexicon.txt")
    sentences = [s for r in corpus[::5] for s in split_sentences(r["text"])] + EDGE_CASES
    assert len(sentences) > 5000
    same = [s for s in sentences if _one_mark(s)]
    assert len(same) > 0.8 * len(sentences)
    mismatched = [s for s in same if fast.polarity_scores(s) != stock.polarity_scores(s)]
    assert mismatched == []
