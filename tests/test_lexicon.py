import time

import pytest

from stance import lexicon


def test_means_are_found_with_offsets():
    text = "Officials ruled out ground troops but offered logistical support and intelligence."
    found = lexicon.find_means(text)
    assert {"ground_troops", "logistics", "intelligence"} <= set(found)
    s, e, words = found["ground_troops"][0]
    assert text[s:e] == words == "ground troops"


@pytest.mark.parametrize("text, means", [  # the codebook's examples of each means, hyphenated or not
    ("Berlin sends air-defence systems, armoured vehicles and spare parts.",
     {"arms": ["air-defence", "armoured vehicles", "spare parts"]}),
    ("Sealift, medevac flights and overflight rights were offered.",
     {"logistics": ["Sealift", "medevac", "overflight rights"]}),
    ("A naval blockade holds.", {"sanctions": ["blockade"]}),
    ("Naval gunfire hit the coastal batteries.", {"air_strikes": ["Naval gunfire"]}),
    ("Convoys are evacuating civilians under a promise of safe passage.",
     {"humanitarian_aid": ["evacuating civilians", "safe passage"]}),
    ("They delivered an ultimatum.", {"diplomacy": ["ultimatum"]}),
])
def test_means_named_in_the_codebook(text, means):
    assert {k: [w for *_, w in v] for k, v in lexicon.find_means(text).items()} == means


def test_cue_categories():
    cues = lexicon.find_cues("We must act now, but the minister said she would rule out air strikes.")
    assert "must act" in [w for _, _, w in cues["recommend"]]
    assert any(w == "rule out" for _, _, w in cues["reject"])
    assert any(w == "said" for _, _, w in cues["attribution"])


def test_cues_respect_word_boundaries():
    assert lexicon.find_means("The troupe performed.") == {}
    assert not lexicon.find_cues("A bombastic speech.")["reject"]


def test_matching_is_linear_on_long_text():
    text = "the council should not send troops and " * 20000  # ~800 KB
    start = time.perf_counter()
    lexicon.find_cues(text)
    assert time.perf_counter() - start < 20  # catastrophic backtracking would take far longer


def test_typographic_apostrophes_and_contractions_count():
    text = "We don\u2019t want it, they can\u2018t pay, we oughtn't stay and won\u02bct."
    assert [w for _, _, w in lexicon.find_cues(text)["negation"]] == ["don\u2019t", "can\u2018t", "oughtn't", "won\u02bct"]


def test_word_forms_of_stems_match():
    harm = lexicon.find_cues("A catastrophic war would radicalise a generation and destabilize the region.")["harm"]
    assert [w for _, _, w in harm] == ["catastrophic", "radicalise", "destabilize"]
    assert [w for _, _, w in lexicon.find_cues("We stand with Kyiv.")["recommend"]] == ["stand with"]
    assert [w for _, _, w in lexicon.find_cues("A waste of money.")["reject"]] == ["waste of"]


def test_text_that_lower_casing_lengthens_matches_the_same():
    plain = "Ministers ruled out ground troops but said sanctions must stay."
    odd = plain + " \u0130"  # lower-cases to two characters: kept as it is, the rest lower-cased
    assert lexicon.find_cues(odd) == lexicon.find_cues(plain)
    assert lexicon.find_means(odd) == lexicon.find_means(plain)


def test_directives_tell_calls_to_act_from_calls_to_undo():
    assert lexicon.directives("Britain should join the air strikes.") == (1, 0)
    assert lexicon.directives("NATO should withdraw, and it is time to lift the embargo.") == (0, 2)
    assert lexicon.directives("We should step back; they must not keep out.") == (1, 1)  # "keep out", negated


def test_a_negator_between_modal_and_verb_swaps_the_direction():
    assert lexicon.directives("The alliance should never withdraw.") == (1, 0)
    assert lexicon.directives("Donors should no longer fund the army.") == (0, 1)


def test_imperatives_need_an_object_to_count():
    assert lexicon.directives("Arm the rebels. Stop the bombing now.") == (1, 1)
    assert lexicon.directives("Support for the mission fell. End of story.") == (0, 0)


def test_a_judged_course_of_action_counts_by_what_is_judged_and_how():
    assert lexicon.directives("Intervening would be a grave mistake.") == (0, 1)
    assert lexicon.directives("Lifting the sanctions would be a mistake.") == (1, 0)
    assert lexicon.directives("Sending troops is not the right thing to do.") == (0, 1)
    assert lexicon.directives("The troops were tired. Sanctions are not working.") == (0, 0)


@pytest.mark.parametrize("text, calls", [
    ("Britain should not only send troops but also arm the rebels.", (1, 0)),  # "not only" negates nothing
    ("We must not give up on Ukraine.", (1, 0)),
    ("Europe must scale up production of shells.", (1, 0)),
    ("We should not lift a finger for Kyiv.", (0, 1)),
    ("We should drop bombs.", (1, 0)),
    ("We should support the withdrawal.", (0, 1)),  # the object turns the call
    ("Halt the invasion.", (1, 0)),
    ("NATO shouldn\u2019t withdraw. Don't send troops.", (1, 1)),
    ("We should also send troops, and troops should stay.", (2, 0)),
    ("Intervention is no mistake. Sanctions are hardly necessary.", (1, 1)),
    # phrasal verbs and judgements of another verb are no calls
    ("We must pull out all the stops. The arms should end up with the army. We must strike a deal.", (0, 0)),
    ("Troops would be wrong to withdraw. Troops are right at the border.", (0, 0)),
    ("Sanctions are the only way to stop Moscow.", (1, 0)),  # only right/wrong judge a following verb
    ("We must not ignore the genocide. We must avoid another invasion.", (1, 1)),  # only stopping turns on harm
    ("We should not just send troops. Intervention is no doubt necessary.", (1, 0)),
    ("We should support the U.S. withdrawal.", (0, 1)),
    ("Troops should stay in Kabul. Any help must stay strictly non-combat.", (1, 0)),  # a limit, not a call
    ("We don't need to send troops. Now is not the time to arm them.", (0, 2)),  # a negator before the modal
    ('He said: "Send the troops." Headline\nArm the rebels', (2, 0)),  # sentences after quotes and line breaks
    ("We must launch air strikes. It is not time to withdraw.", (2, 0)),
    ("There is no choice but to intervene. We are not obliged to send troops.", (1, 1)),
    ("It is necessary to impose sanctions. It is vital to end the mission.", (1, 1)),
    ("I don't think we should intervene. I do not believe that they should withdraw.", (1, 1)),  # denied opinions
    ("I don't think the UK should send troops.", (0, 1)),
    ("Those who don't agree anymore should leave. People who don't think twice should stop.", (0, 2)),  # no opinion
    ("It is not necessary to send troops. It isn't right to withdraw now.", (1, 1)),  # a denied frame swaps
    ("It would be a mistake to send troops. It would be wrong to abandon them.", (1, 1)),  # so does a bad one
    ("It's not wrong to intervene.", (1, 0)),
    ("They must launch an inquiry. We must mount pressure. They carried out a survey.", (0, 0)),  # no military object
    ("NATO must mount a rescue operation. We should launch a humanitarian intervention.", (2, 0)),
    ("Is it not time to send troops? Whether or not it is time to withdraw is unclear.", (1, 1)),  # not negations
    # a call for a means by name, or for its withdrawal; someone urged or called on to act
    ("The EU called for new sanctions on Moscow. Lawmakers demanded troops.", (2, 0)),
    ("Protesters called for the withdrawal of French troops. The party did not call for sanctions.", (0, 2)),
    ("Ministers urged the European Union to impose sanctions. They urged the Commission to scrap them.", (1, 1)),
    ("Critics called for restraint. She called for an end to the talks.", (0, 0)),  # not a means
    ("Ministers urged Washington not to send troops. The EU called on NATO never to intervene.", (0, 2)),
    ("Protesters demanded the troops leave. Exporters called for sanctions to be lifted.", (0, 0)),  # removal
    ("The party did not explicitly call for sanctions.", (0, 1)),
    ("The dockers' union called for strikes. Senators called for strikes on the camps.", (1, 0)),  # labour
    ("The union called for strikes in the public sector.", (0, 0)),
])
def test_calls_with_particles_objects_contractions_and_negators(text, calls):
    assert lexicon.directives(text) == calls


def test_against_is_a_rejection_only_where_it_takes_a_side():
    rejections = lambda text: [w for _, _, w in lexicon.find_cues(text)["reject"]]
    assert rejections("We are against the war. She spoke against any intervention.") == ["against the", "against any"]
    assert rejections("They launched a campaign against the war.") == ["against the"]
    assert rejections("The army pulled out of Gao after the withdrawal.") == ["pulled out", "withdrawal"]
    assert rejections("The coalition kept up air strikes against the militants and sanctions against the junta, "
                      "and armed the rebels fighting against the regime.") == []


def test_calls_in_text_whose_lower_case_is_longer_keep_their_offsets():
    text = "US jets flew from \u0130ncirlik. It would be a mistake to withdraw them. Send more troops now."
    assert lexicon.directives(text) == (2, 0)
    assert [text[a:b] for a, b, _ in lexicon.calls(text)] == ["It would be a mistake to withdraw", "Send more"]


def test_directives_are_linear_on_long_text():
    text = "should not quickly " * 40000
    start = time.perf_counter()
    assert lexicon.directives(text) == (0, 0)
    assert time.perf_counter() - start < 20
