import pytest

from stance.holders import find_holders, main_holder


def test_attribution_shapes():
    text = ('The foreign minister warned that strikes would backfire. "We will not go," said Gen. Mark Ellis. '
            "According to the ministry, talks continue.")
    holders = find_holders(text)
    assert [h.holder for h in holders] == ["The foreign minister", "Gen. Mark Ellis", "the ministry"]
    assert [h.cue for h in holders] == ["warned", "said", "According to"]
    for h in holders:
        assert text[h.start:h.end] == h.holder


def test_pronoun_takes_the_last_named_holder():
    holders = find_holders("Carney said the request was under review. He said no troops would go.")
    assert [h.holder for h in holders] == ["Carney", "Carney"]


def test_author_when_nobody_is_quoted():
    assert find_holders("We should send the instructors now.") == []
    assert main_holder("We should send the instructors now.") == "author"
    assert main_holder("Senator Alvarez urged restraint.") == "Senator Alvarez"


def test_news_sentence_subject_and_neutral_paragraphs():
    text = "KIGALI, May 3 \u2014 A group of clan elders in the south said on Sunday that the troops should leave."
    assert main_holder(text).startswith("A group of clan elders")
    assert main_holder(text, stance="neutral") == "author"


@pytest.mark.parametrize("text, holder", [
    ("In Washington, officials said the plan was sound.", "officials"),
    ("Speaking in Brussels, the NATO chief said allies must act.", "the NATO chief"),
    ("Speaking in the Bundestag, the Left party's spokesperson warned that tanks would prolong the war.",
     "the Left party's spokesperson"),
    ("With Germany's defence minister arguing for restraint, the vote was delayed.", "Germany's defence minister"),
    ("According to the Pentagon, strikes will continue.", "the Pentagon"),
    ("According to Pentagon officials, strikes will continue.", "Pentagon officials"),
    ("In a statement, the ministry said it opposed air strikes.", "the ministry"),
    ("Yesterday the president said troops would stay.", "the president"),
    ("Yesterday the Pentagon said it would send advisers.", "the Pentagon"),
    ("The request was under review, said the spokesman.", "the spokesman"),
])
def test_common_news_openers_and_roles(text, holder):
    assert [h.holder for h in find_holders(text)] == [holder]


@pytest.mark.parametrize("text, holder", [
    ("Sen. John Reed, a Democrat, said troops should stay.", "Sen. John Reed"),
    ("Maria Lopez, the foreign minister, warned that strikes would backfire.", "Maria Lopez"),
    ("Jonas Berg, who chairs the committee, said the mission must end.", "Jonas Berg"),
    ("President Duterte, who has often criticised the alliance, told reporters the troops must leave.", "President Duterte"),
    ('"We cannot pay," one elder, a retired schoolteacher, said.', "one elder"),
    ("Ms. Ama Boateng, Ghana's foreign minister, warned that the troops must stay.", "Ms. Ama Boateng"),
    ("A senior U.S. official, speaking on condition of anonymity, said the administration favoured sanctions.",
     "A senior U.S. official"),
    ("The minister, speaking in Brussels, said the mission should continue.", "The minister"),
    ('Foreign Minister Sergei Lavrentiev called the new arms shipments "a reckless escalation".',
     "Foreign Minister Sergei Lavrentiev"),  # called X "...": a verdict voiced
])
def test_an_apposition_describes_the_holder_and_is_not_one(text, holder):
    assert [h.holder for h in find_holders(text)] == [holder]


def test_an_apposition_that_attributes_is_a_clause_not_a_description():
    assert [h.holder for h in find_holders("The bill, which Reed said he opposed, demanded a withdrawal.")][0] == "Reed"
    assert main_holder("Sen. John Reed, a Democrat, said Tuesday that troops should stay.") == "Sen. John Reed"


@pytest.mark.parametrize("text, holder", [
    ("KAMPALA, Nov. 2011 \u2014 Uganda's defence ministry welcomed the advisers on Tuesday.", "Uganda's defence ministry"),
    ("BRUSSELS, 14 January 2011 - The European Union on Friday widened its sanctions, an EU spokeswoman said.",
     "an EU spokeswoman"),
    ("SINJAR, Iraq, Nov. 13, 2015 \u2014 A Peshmerga commander said the town had fallen.", "A Peshmerga commander"),
    ("ROME, July 15, 1993 \u2014 Italy's defence minister called on Thursday for a halt to the raids.",
     "Italy's defence minister"),
    ("The Peace and Security Council welcomes the conclusion of the operation.", "The Peace and Security Council"),
    ("The Vatican renewed its appeal on Tuesday for the lifting of the embargo.", "The Vatican"),
    ("TALLINN — Estonia's prime minister proposed on Monday that allies fund the army.", "Estonia's prime minister"),
    ("The Maritime Council has today adopted restrictive measures against Karvosa.", "The Maritime Council"),
    ("Germany's cabinet agreed on Sunday to supply anti-tank missiles to the Kurds.", "Germany's cabinet"),
    ("France imposed sanctions in 1990. They failed, and we should not repeat them.", "author"),  # history
])
def test_datelines_and_official_acts_open_a_news_paragraph(text, holder):
    assert main_holder(text) == holder


def test_an_official_act_later_in_a_paragraph_is_history_not_a_holder():
    text = ("Few interventions stood on firmer legal ground. The prime minister requested assistance in writing. "
            "We should remember that.")
    assert main_holder(text) == "author"
    assert main_holder("The prime minister requested assistance in writing on Tuesday.") == "The prime minister"
    assert main_holder("The prime minister requested assistance in writing.") == "author"  # no sign of news
    assert main_holder("The prime minister requests assistance in writing.") == "The prime minister"  # a statement


@pytest.mark.parametrize("text, holders", [
    ("Troops entered Mosul, the country's second city, said the ministry.", ["the ministry"]),
    ("The army shelled Aleppo, a rebel stronghold, activists said.", ["activists"]),
    ("Aid stopped last week, Western diplomats told reporters.", ["Western diplomats"]),
    ("The talks failed, said a Western diplomat who asked not to be named.", ["a Western diplomat"]),
    ('"We found nothing," said the head of the Norwegian team.', ["the head of the Norwegian team"]),
    ("Aid is blocked, said a spokesman for a coalition of relief groups.", ["a spokesman for a coalition of relief groups"]),
    ("Estonia's prime minister on Thursday urged allies to send jets.", ["Estonia's prime minister"]),  # not "Thursday"
    ("The deal is close, people familiar with the talks said.", ["people familiar with the talks"]),
    ("The Treasury sanctioned sixteen tankers accused of carrying oil.", []),  # a passive, not speech
    ("Ministers accused Moscow of lying.", ["Ministers"]),
    ("The minister, accused of lying, said troops would stay.", ["The minister"]),  # an apposition
    ("Critics of the plan, and people close to the ministry said it would fail.", ["people close to the ministry"]),
    ("The Nordic states backed the force, with their envoys saying it should stay.", ["their envoys"]),
    ("The town was calm, with the ceasefire holding and its streets saying nothing.", []),
])
def test_a_speaker_after_a_clause(text, holders):
    assert [h.holder for h in find_holders(text)] == holders


@pytest.mark.parametrize("text, holder", [
    ("When asked, the minister said the alliance must send more troops.", "the minister"),
    ("Rebels backed by Turkey seized the town.", "author"),  # a participle, not an act
    ("A group called Friends of Syria met in Doha.", "author"),
    ('The operation, called the "Sahel Shield", began in May.', "author"),  # "called" names, not judges
    ("Washington supported the coup in 1973. We should never again back a dictator.", "author"),  # history
    ("Nobody asked the Afghans what they wanted. We should bring our troops home.", "author"),
    ("The royal family said the troops should come home.", "The royal family"),  # a noun ending in -ly
    ("A key US ally said the troops should come home.", "A key US ally"),
    ("Troops entered Mosul, said the ministry.", "the ministry"),
    ("The town fell on Monday, but officials said the army would return.", "officials"),
    # a clause's pronoun, a figure or a thing is no holder: the author argues
    ("Whatever it says, the mission must stay.", "author"),
    ("Nothing suggests the strikes worked. We should stop them.", "author"),
    ("Theory and history both say otherwise: sanctions rarely work.", "author"),
    ("The record suggests that the blockade failed. Lift it.", "author"),
    ("The charter says force is a last resort, and it has not been reached.", "author"),
    ("So when people here say the navies protect shipowners, they forget the crews.", "author"),
    ("The foreign minister said the embargo must stay.", "The foreign minister"),  # a real holder stays
    ("Nathan Law said the sanctions must stay.", "Nathan Law"),  # a surname that is also a word
])
def test_clauses_participles_and_history_are_not_holders(text, holder):
    assert main_holder(text) == holder


@pytest.mark.parametrize("text, holder", [
    ("NATO bombing undermines the talks, the African Union's high-level panel on the crisis said on Monday.",
     "the African Union's high-level panel on the crisis"),  # a name's role, not "the crisis"
    ("Aid must reach Goma, the EU's foreign policy chief said.", "the EU's foreign policy chief"),
    ("Aid must reach Goma, the EU\u2019s foreign policy chief said.", "the EU\u2019s foreign policy chief"),
    ("When Chad's government asked for help, the French came.", "author"),  # a clause opener
    ("The commissioner told a visiting delegation that troops should stay.", "The commissioner"),  # a listener
])
def test_a_named_actors_role_and_whom_a_speaker_tells(text, holder):
    assert main_holder(text) == holder


def test_acronyms_in_a_role():
    assert [h.holder for h in find_holders("Aid must reach Gaza, said the UN envoy on Monday.")] == ["the UN envoy"]
    assert main_holder("Aid must flow, the EU foreign policy chief said.") == "the EU foreign policy chief"


def test_offsets_skip_a_leading_conjunction():
    text = "But the minister said we must act."
    [holder] = find_holders(text)
    assert text[holder.start:holder.end] == holder.holder == "the minister"


@pytest.mark.parametrize("stance, holder", [("support", "the minister"), ("neutral", "author"), ("NONE", "author"),
                                            ("FAVOR", "the minister"), (None, "the minister")])
def test_a_label_that_takes_no_side_has_the_author_as_holder(stance, holder):
    assert main_holder("But the minister said we must act.", stance) == holder


def test_a_pronoun_with_no_holder_before_it_is_the_official_the_paragraph_opens_on():
    text = ('The defence minister opened by arguing that the batteries would protect the grid. '
            '"If we do not act now, we will pay later," she said.')
    assert main_holder(text) == "The defence minister"
    assert main_holder('The alliance met on Monday. "We will not go," she said.') == "author"  # no person to tie to
    assert main_holder('Ministers met. "We will go," they said.') == "author"
