import pytest
from hypothesis import given, settings, strategies as st

from stance.segment import (BOILERPLATE, BYLINE, HEADING, PROSE, TITLE, _plain_sentence_spans, _sentence_tokenizer,
                            rejoin_hyphenated, sentence_spans, split_paragraphs, split_sentences)


def test_blank_lines_separate_paragraphs_with_offsets():
    text = "Title of the piece\n\nFirst paragraph here. It goes on.\n\n\nSecond paragraph.\n"
    paras = split_paragraphs(text)
    assert [p.kind for p in paras] == [TITLE, PROSE, PROSE]
    for p in paras:
        assert text[p.start:p.end] == p.text


def test_crlf_and_stray_whitespace():
    text = "  Headline here  \r\n\r\n   Body sentence one. Body two.   \r\n \t \r\nLast one ends.\r\n"
    paras = split_paragraphs(text)
    assert [p.text for p in paras] == ["Headline here", "Body sentence one. Body two.", "Last one ends."]
    assert all(text[p.start:p.end] == p.text for p in paras)


def test_single_line_paragraphs_without_blank_lines():
    text = "The ministers met in Rome on Monday.\nThey agreed to send instructors.\nCritics objected to the cost."
    assert len(split_paragraphs(text)) == 3


def test_hard_wrapped_prose_is_joined():
    text = ("This is a long hard wrapped paragraph that goes on and on about\n"
            "the intervention in some country and whether the troops should\n"
            "go or stay there for a long time.\n"
            "Second paragraph starts here and it also wraps around the\n"
            "line because it is long enough to do so in this text.")
    paras = split_paragraphs(text)
    assert len(paras) == 2
    assert paras[0].text.endswith("long time.")


def test_a_word_hyphenated_at_a_line_end_is_made_whole():
    text = ("Title of the piece\n\nThe government said on Tuesday that it had with-\n"
            "drawn its soldiers from the north\nand that the long-\nterm deploy-\r\nment would end, pre-\nand post-war.\n\nNext.")
    title, prose, last = split_paragraphs(text)
    assert (title.kind, prose.kind, last.text) == (TITLE, PROSE, "Next.")  # short lines that end in a hyphen carry on
    assert "had withdrawn its soldiers" in prose.text and "term deployment would" in prose.text
    assert "long-\nterm" in prose.text and "pre-\nand" in prose.text  # a compound's hyphen and a shared one stay
    assert text[prose.start:prose.end].startswith("The government") and text[prose.start:prose.end].endswith("war.")
    assert rejoin_hyphenated("a cross-\nborder raid by Anti-\nAmerican mili-\ntias") == \
        "a cross-\nborder raid by Anti-\nAmerican militias"
    kept = "a no-\nfly zone, the Saudi-\nled coalition must de-\nescalate in war-\ntorn Yemen"
    assert rejoin_hyphenated(kept) == kept
    title, byline, prose = split_paragraphs("Airlift for the Sahel\nby Mara Delgado\nThe alliance should send more "
                                            "aircraft to the region this year, ministers said\non Monday after a long "
                                            "meeting in Lisbon that ran late into the evening hours.")
    assert (title.kind, byline.kind, prose.kind) == (TITLE, BYLINE, PROSE)
    assert split_paragraphs("<p>The alliance has with-\n  drawn its troops.</p><p>Two.</p>")[0].text == \
        "The alliance has withdrawn its troops."


def test_a_pages_menu_sidebar_and_footer_are_its_frame_but_their_prose_is_read():
    page = ('<html><body><nav><ul><li><a href="/">Home</a></li><li>World news</li></ul></nav>'
            '<h1>Allies weigh an airlift</h1><p>The alliance should send aircraft, ministers said.</p>'
            '<aside><h3>Related</h3><ul><li>Sanctions '
            'tighten on junta</li></ul><p>The mission began in 2013 and has cost the allies billions.</p></aside>'
            '<footer><p>Copyright 2026 The Paper</p></footer></body></html>')
    kinds = [(p.kind, p.text) for p in split_paragraphs(page)]
    assert kinds == [(BOILERPLATE, "Home"), (BOILERPLATE, "World news"), (TITLE, "Allies weigh an airlift"),
                     (PROSE, "The alliance should send aircraft, ministers said."), (BOILERPLATE, "Related"),
                     (BOILERPLATE, "Sanctions tighten on junta"),
                     (PROSE, "The mission began in 2013 and has cost the allies billions."),
                     (BOILERPLATE, "Copyright 2026 The Paper")]


def test_html_paragraphs_are_cleaned():
    text = "<h1>War &amp; peace</h1><p>One <b>two</b> three.</p>\n<p>Four five.</p>"
    paras = split_paragraphs(text)
    assert [(p.kind, p.text) for p in paras] == [(TITLE, "War & peace"), (PROSE, "One two three."),
                                                  (PROSE, "Four five.")]
    assert text[paras[1].start:paras[1].end] == "One <b>two</b> three."


def test_html_is_found_after_a_long_head_and_what_a_browser_hides_is_not_text():
    head = "<html><head><script>" + "var a = '<p>not a paragraph</p>';\n" * 3000 + "</script>"
    text = (head + "<style>.x { color: red }</style></head><body><!-- <p>old draft</p> --><h1>Airlift</h1>"
            "<p>The alliance should send aircraft.<script>track(1)</script> Critics disagree.</p>"
            "<template><p>hidden</p></template></body></html>")
    paras = split_paragraphs(text)
    assert [(p.kind, p.text) for p in paras] == [(TITLE, "Airlift"),
                                                  (PROSE, "The alliance should send aircraft. Critics disagree.")]
    assert text[paras[1].start:paras[1].end].startswith("The alliance should send aircraft.<script>")


def test_custom_elements_and_a_mentioned_tag_are_not_mistaken_for_html_parts():
    page = "<h1>Airlift</h1><template-card><p>Card</p></template-card><p>Ministers met.</p><p>Critics warned.</p>"
    assert [p.text for p in split_paragraphs(page)] == ["Airlift", "Card", "Ministers met.", "Critics warned."]
    plain = "Title\n\n" + "\n\n".join(f"Paragraph {i} is plain." for i in range(50)) + "\n\nWrap it in <p> and </p>."
    assert len(split_paragraphs(plain)) == 52
    assert [p.text for p in split_paragraphs("Ministers met.<p>Critics said no.<p>They want more.")] == \
        ["Critics said no.", "They want more."]


def test_a_sentence_wrapped_onto_two_lines_is_one_paragraph():
    text = ("Airlift talks\n\nThe minister said the alliance should send instructors and transport\n"
            "aircraft, but ruled out combat troops.")
    assert [p.kind for p in split_paragraphs(text)] == [TITLE, PROSE]
    assert [p.kind for p in split_paragraphs("Airlift talks\nA subtitle over the story\n\nBody text.")] == \
        [TITLE, HEADING, PROSE]
    assert [p.kind for p in split_paragraphs("NATO Debates Baltic Air Policing\nby Mara Delgado\n\nBody.")] == \
        [TITLE, BYLINE, PROSE]
    assert [p.kind for p in split_paragraphs("T\n\nMinisters agreed on Tuesday to fund\nthe mission for a year.")] == \
        [TITLE, PROSE]


@pytest.mark.parametrize("text", ["We should arm the rebels!", "NATO should impose a no-fly zone",
                                  "Should we really send troops to die for this?",
                                  "By Tuesday, Congress must vote to arm Ukraine.",
                                  "Sign up more allies to the sanctions."])
def test_a_text_of_one_paragraph_is_prose(text):
    assert [p.kind for p in split_paragraphs(text)] == [PROSE]


@pytest.mark.parametrize("text", [
    "The minister said Britain would not follow us into a war it could not win.",
    "Several governments refused to sign up to the sanctions regime.",
    "The report, published March 3, said the troops should stay.",
    "Peacekeepers must be protected at all times, the council said.",
    "A senator who argued for copyright reform said troops should come home.",
    "Few officials subscribe to the idea that air strikes alone will work.",
    "Air strikes sometimes are the only option left, the general argued.",
    "Many Republicans subscribe to a more cautious approach to the war.",
    "Countries that sign up for the coalition will be expected to send troops.",
    "Soldiers handed out cookies to children in Kabul.", "This story is not over: the alliance must act."])
def test_notice_words_inside_prose_keep_it_prose(text):
    assert split_paragraphs("Title\n\n" + text)[1].kind == PROSE


@pytest.mark.parametrize("text", ["Follow us on Twitter", "Copyright 2026 The Daily Courier", "All times are GMT.",
                                  "Subscribe to our podcast", "Updated: March 3, 2026", "Our site uses cookies.",
                                  "To continue reading, subscribe today.", "Want more? Sign up for our daily briefing.",
                                  "You can follow us on Twitter @example.", "This article is more than 2 months old.",
                                  "Click to share this story"])
def test_notices_that_open_the_line_are_boilerplate(text):
    assert split_paragraphs("Title\n\n" + text)[1].kind == BOILERPLATE


def test_invisible_decorative_and_unicode_break_lines():
    text = "\ufeffTitle\n\nBy \u00c9mile Durand\n\n\u200b\n\n* * *\n\nOne, across\fa page break.\u2029Two."
    paras = split_paragraphs(text)
    assert [(p.kind, p.text) for p in paras] == [(TITLE, "Title"), (BYLINE, "By \u00c9mile Durand"),
                                                  (BOILERPLATE, "* * *"), (PROSE, "One, across\fa page break."),
                                                  (PROSE, "Two.")]
    assert all(text[p.start:p.end] == p.text for p in paras)


def test_title_byline_and_boilerplate_are_marked():
    text = ("Allies weigh an airlift\n\nBy Mara Delgado\n\nMinisters met on Thursday to discuss it.\n\n"
            "This article is from the archive of our partner .\n\nSign up for our newsletter.")
    kinds = [p.kind for p in split_paragraphs(text)]
    assert kinds == [TITLE, BYLINE, PROSE, BOILERPLATE, BOILERPLATE]


def test_seed_article(shared):
    text = (shared / "seed" / "mali_article.txt").read_text(encoding="utf-8")
    kinds = [p.kind for p in split_paragraphs(text)]
    assert kinds == [TITLE, BOILERPLATE, PROSE, PROSE, PROSE, BOILERPLATE]


def test_sentences_respect_abbreviations():
    got = split_sentences("Mr. Smith went to the U.S. on Jan. 5. He met Gen. Jones there. Then the U.N. voted.")
    assert got == ["Mr. Smith went to the U.S. on Jan. 5.", "He met Gen. Jones there.", "Then the U.N. voted."]


def test_empty_and_whitespace():
    assert split_paragraphs("") == []
    assert split_paragraphs(" \n\t\r\n ") == []
    assert split_sentences("   ") == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("ab .?\n\r\t<p>/é😀\x00-") + ["U.S.", "\n\n", "By Al", "Mr."]), max_size=120).map("".join))
def test_segmentation_never_loses_or_reorders_text(text):
    paras = split_paragraphs(text)
    last = 0
    for p in paras:
        assert p.start >= last and p.end > p.start
        last = p.end
    if "<p" not in text.lower():
        for p in paras:  # the source, but for a word hyphenated at a line end, made whole
            assert rejoin_hyphenated(text[p.start:p.end]) == p.text
        kept = "".join(text[p.start:p.end] for p in paras)
        assert "".join(kept.split()) == "".join(text.split())  # nothing lost, nothing reordered


def _punkt(text):
    return tuple(_sentence_tokenizer().span_tokenize(text))


def test_plain_sentence_ends_skip_punkt_with_its_answer(corpus):
    texts = [r["text"] for r in corpus[::4]]
    plain = [(t, _plain_sentence_spans(t)) for t in texts]
    assert sum(s is not None for _, s in plain) > len(texts) / 2  # else the shortcut buys nothing
    assert all(s == _punkt(t) for t, s in plain if s is not None)
    assert _plain_sentence_spans("Talks with Mr. Smith failed. Troops went in.") is None


_TOKENS = ["troops", "Mali", "said", "Mr", "U.S.", "etc", "2011", "3.5", "I", "We", "no", "self-defence", "d'Ivoire",
           "Côte", "(", ")", '"', "\u201c", "'", "--", "...", ",", '"The', "\u201cWe", "(Paris", "x-gen", "_mr", "3am"]
_GAPS = [" ", " ", " ", "  ", "\n", "\t", "\r\n", "\xa0", "\u2009", "\x1c"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_TOKENS), st.booleans(),
                          st.sampled_from(["", "", ".", ".", "?", "!", "?!", '."', ".)"]), st.sampled_from(_GAPS)),
                min_size=1, max_size=20),
       st.sampled_from(["", " ", "  \n"]))
def test_plain_sentence_spans_agree_with_punkt(words, tail):
    text = "".join((w.capitalize() if up else w) + mark + gap for w, up, mark, gap in words).rstrip(" ") + tail
    spans = _plain_sentence_spans(text)
    if text.strip() and spans is not None:
        assert spans == _punkt(text)


def test_plain_sentence_spans_take_plain_text_and_leave_odd_spaces_to_punkt():
    assert _plain_sentence_spans("We left. \u201cThey came,\u201d he said.\nThen it rained!") == \
        _punkt("We left. \u201cThey came,\u201d he said.\nThen it rained!")
    assert len(_plain_sentence_spans("We left. They came? Yes!")) == 3
    # Punkt finds the word before a mark by ASCII whitespace: these sentences it merges, so we must not split
    for text in ["Go now.\xa0Stop. Wait.", "We left.\u2009Then.\u2009They came.", "We left.\x1cThey came."]:
        assert _plain_sentence_spans(text) is None
        assert sentence_spans(text) == _punkt(text)


def test_a_run_of_marks_stays_with_its_sentence():
    assert split_sentences("This is terrible!!!") == ["This is terrible!!!"]
    assert split_sentences("Stop the war!!! Bring them home?!?") == ["Stop the war!!!", "Bring them home?!?"]
    assert _punkt("Really?!?") == ((0, 8), (8, 9))  # what Punkt alone does
    assert sentence_spans("Wait... what?! Really?!?") == ((0, 7), (8, 14), (15, 24))


def test_a_long_block_of_plain_text_is_cut_at_sentence_ends():
    sentence = "Sending more troops would only deepen a war nobody can win, and the bill would fall on us. "
    text = "A title\n\n" + sentence * 30 + "\n\nA short closing paragraph."
    paragraphs = split_paragraphs(text)
    prose = [p for p in paragraphs if p.kind == PROSE]
    assert len(prose) == 5 and prose[-1].text == "A short closing paragraph."
    assert all(60 <= len(p.text.split()) <= 250 for p in prose[:-1])
    assert all(p.text == text[p.start:p.end] and p.text.endswith("us.") for p in prose[:-1])
    assert "".join(p.text for p in prose[:-1]).replace(" ", "") == (sentence * 30).replace(" ", "")
    no_full_stop = "word " * 300 + "end"  # a transcript: cut between words into even pieces
    pieces = split_paragraphs(no_full_stop)
    assert [len(p.text.split()) for p in pieces] == [101, 101, 99]
    assert " ".join(p.text for p in pieces) == no_full_stop and all(p.text == no_full_stop[p.start:p.end] for p in pieces)
    for html_page in ("<p>" + sentence * 30 + "</p>", "<p>" + sentence * 29 + "Troops &amp; tanks.</p>"):
        assert len(split_paragraphs(html_page)) == 1  # a page's own paragraph is kept whole, entities or not


def test_html_headings_and_old_style_breaks_inside_one_element():
    body = ["NATO should send more troops to protect the town before winter comes.",
            "Others say the mission has no exit and the bill falls on taxpayers."]
    page = "<ul><li>Home</li><li>World</li></ul><h1>Should Europe act?</h1><div>" + "<br><br>\n".join(body) + "</div>"
    paragraphs = split_paragraphs(page)
    assert [(p.kind, p.text) for p in paragraphs][2:] == [("title", "Should Europe act?"), ("prose", body[0]),
                                                          ("prose", body[1])]
    assert [p.kind for p in paragraphs][:2] == ["heading", "heading"]  # a menu before the <h1> is no title
    assert all(page[p.start:p.end] == p.text for p in paragraphs)  # offsets point into the page
    article = split_paragraphs("<article>\n" + "\n\n".join(body) + "\n</article>")
    assert [p.text for p in article] == body
    assert split_paragraphs("<h2>Why the alliance must decide now, and what it costs</h2><p>" + body[0] + "</p>")[0].kind \
        == "heading"  # a heading by its tag
    standfirst = "The government said on Tuesday that it would send 500 more troops, ending months of speculation."
    assert split_paragraphs(f"<h2>{standfirst}</h2><p>{body[0]}</p>")[0].kind == "prose"  # a sentence of prose
    assert [p.text for p in split_paragraphs(f"<p>{body[0]}\n\n   {body[1]}</p><p>x</p>")][0] == " ".join(body)


def test_short_lines_with_no_other_prose_are_answers_not_headings():
    answers = split_paragraphs("Send troops\n\nNo more wars\n\nWe should stay out of it")
    assert [p.kind for p in answers] == [PROSE] * 3
    article = split_paragraphs("A Title\n\nA Heading\n\nThe council met on Monday and agreed to send aid.")
    assert [p.kind for p in article] == [TITLE, HEADING, PROSE]


def test_html_text_in_divs_and_table_cells_is_read_not_lost():
    page = ("<html><body><p>Ministers met in Lisbon.</p><div>The alliance should send aircraft now.</div>"
            "<table><tr><td>Bring them home, said the minister.</td></tr></table>"
            "<li><div>Inside a list item, read once.</div></li></body></html>")
    paras = split_paragraphs(page)
    assert [p.text for p in paras] == ["Ministers met in Lisbon.", "The alliance should send aircraft now.",
                                       "Bring them home, said the minister.", "Inside a list item, read once."]
    assert all(page[p.start:p.end] == p.text for p in paras[:3])  # offsets point into the page
    divs_only = "<html><body><div>We should send troops now.</div><div>No, bring them home.</div></body></html>"
    assert [p.text for p in split_paragraphs(divs_only)] == ["We should send troops now.", "No, bring them home."]


def test_a_wrapped_last_sentence_is_not_a_heading_over_a_fragment():
    from stance.segment import split_paragraphs

    text = ("Ministers agreed to extend the sanctions on the\njunta for another six months.\n\n"
            "A review is due in\nJune.\n\nWhy the mission failed\nA look back at ten years in Mali.\n")
    kinds = [(p.kind, p.text.replace("\n", " ")) for p in split_paragraphs(text)]
    assert ("prose", "A review is due in June.") in kinds
    assert kinds[-2:] == [("heading", "Why the mission failed"), ("prose", "A look back at ten years in Mali.")]
    for title in ("A war worth fighting for", "Sanctions: what comes after", "This is who we are"):
        pieces = split_paragraphs(f"{title}\nWhy NATO must stay in Afghanistan.\n")
        assert [p.kind for p in pieces] == ["title", "prose"]
