from hypothesis import given, settings, strategies as st

from stance.segment import BOILERPLATE, BYLINE, PROSE, TITLE, split_paragraphs, split_sentences


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


def test_html_paragraphs_are_cleaned():
    text = "<h1>War &amp; peace</h1><p>One <b>two</b> three.</p>\n<p>Four five.</p>"
    paras = split_paragraphs(text)
    assert [(p.kind, p.text) for p in paras] == [(TITLE, "War & peace"), (PROSE, "One two three."),
                                                  (PROSE, "Four five.")]
    assert text[paras[1].start:paras[1].end] == "One <b>two</b> three."


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
@given(st.lists(st.sampled_from(list("ab .?\n\r\t<p>/é😀\x00") + ["U.S.", "\n\n", "By Al", "Mr."]), max_size=120).map("".join))
def test_segmentation_never_loses_or_reorders_text(text):
    paras = split_paragraphs(text)
    last = 0
    for p in paras:
        assert p.start >= last and p.end > p.start
        last = p.end
    if "<p" not in text.lower():
        for p in paras:
            assert text[p.start:p.end] == p.text
        kept = "".join(text[p.start:p.end] for p in paras)
        assert "".join(kept.split()) == "".join(text.split())  # nothing lost, nothing reordered
