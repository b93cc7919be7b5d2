import pytest
from hypothesis import given, settings, strategies as st

from stance.means import _polarity, means_stances


def stances(text):
    return {m.means: m.stance for m in means_stances(text)}


def test_limited_support_is_split_by_means():
    got = stances("While ruling out ground troops, the spokesman said they are considering a request for "
                  "logistical support.")
    assert got["ground_troops"] == "oppose" and got["logistics"] == "support"


@pytest.mark.parametrize("text, means, stance", [
    ("Sanctions should be eased.", "sanctions", "oppose"),
    ("Humanitarian aid for the refugees, yes. Sanctions on the regime, no.", "humanitarian_aid", "support"),
    ("Humanitarian aid for the refugees, yes. Sanctions on the regime, no.", "sanctions", "oppose"),
    ("Lifting the sanctions, yes.", "sanctions", "oppose"),  # an undoing verb turns the verdict
    ("Easing the embargo, no.", "sanctions", "support"),
    ("A withdrawal of the peacekeepers is the only sane course.", "peacekeeping", "oppose"),
    ("The coalition must keep up air strikes against the militants.", "air_strikes", "support"),  # a target
    ("Germany agreed to send more weapons for the rebels fighting against the regime.", "arms", "support"),
    ("Exporters urged the Commission to scrap the new sanctions.", "sanctions", "oppose"),
    ("The embargo must be lifted immediately.", "sanctions", "oppose"),
    ("Sanctions have failed and should be quietly dropped.", "sanctions", "oppose"),
    ("I oppose sending troops, but I support sanctions.", "sanctions", "support"),
    ("I oppose sending troops, but I support sanctions.", "ground_troops", "oppose"),
    ("The minister ruled out air strikes but backed training for the army.", "training", "support"),
    ("The alliance should not only impose sanctions but also send arms.", "sanctions", "support"),
    ("Troops, he argued, must not be sent.", "ground_troops", "oppose"),  # a cue from the rest of the sentence
    ("Sanctions on Moscow must never be lifted.", "sanctions", "support"),
    ("Sanctions should now be lifted.", "sanctions", "oppose"),
    ("Military aid to Kyiv should be cut.", "arms", "oppose"),
    ("The no-fly zone should not be ended.", "no_fly_zone", "support"),
    # the means is the subject of the call, so a rejection later in the clause is about something else
    ("Sanctions should not be lifted until Moscow withdraws.", "sanctions", "support"),
    ("The embargo on Tarhun must never be eased, whatever they refuse.", "sanctions", "support"),
    ("We oppose sanctions that should never be lifted.", "sanctions", "oppose"),  # a relative clause: not its subject
    ("Sanctions that were imposed in 2014 should not be lifted until Moscow withdraws.", "sanctions", "support"),
])
def test_passive_undoing_plain_backing_and_not_only(text, means, stance):
    assert stances(text)[means] == stance


@pytest.mark.parametrize("text, means, paragraph, stance", [
    ("France must end Operation Barkhane and bring its soldiers home.", "ground_troops", "oppose", "oppose"),
    ("It is time to stop arming the Saudis.", "arms", "oppose", "oppose"),
    ("The US should cut military aid to Israel.", "arms", "oppose", "oppose"),
    ("The EU should not lift the sanctions on Belarus.", "sanctions", "support", "support"),
    ("We must stop the genocide with air strikes.", "air_strikes", "support", "support"),  # a harm is stopped
    ("NATO should send more troops, but it should not impose a no-fly zone.", "no_fly_zone", "support", "oppose"),
])
def test_an_active_call_takes_the_direction_of_its_verb(text, means, paragraph, stance):
    assert {m.means: m.stance for m in means_stances(text, paragraph)}[means] == stance


def test_negated_giving_is_opposition():
    assert stances("The government will not send weapons to either side.")["arms"] == "oppose"


def test_recommendation_and_lifting():
    got = stances("The envoy urged allies to provide intelligence and training. Others want to lift the sanctions.")
    assert got["intelligence"] == "support" and got["training"] == "support"
    assert got["sanctions"] == "oppose"


def test_mention_without_position_is_neutral():
    assert stances("The peacekeeping mission was created in 2013.")["peacekeeping"] == "neutral"
    assert means_stances("Nothing about any form of help here.") == []


def test_trigger_and_offsets():
    text = "Officials must impose sanctions now."
    (m,) = means_stances(text)
    assert text[m.start:m.end] == "sanctions" and m.trigger in text


def test_seed_first_paragraph(shared):
    from stance.segment import split_paragraphs

    text = (shared / "seed" / "mali_article.txt").read_text(encoding="utf-8")
    first = [p for p in split_paragraphs(text) if p.kind == "prose"][0]
    got = stances(first.text)
    assert got["logistics"] == "support" and got["ground_troops"] == "oppose"


def test_trained_detector_learns_and_keeps_explicit_rare_means():
    from stance.means import MeansDetector

    texts = ["The council imposed sanctions on the generals.", "Troops were sent to the border town.",
             "Sanctions on oil exports were tightened.", "More soldiers and troops arrived by road."] * 3
    labels = [["sanctions"], ["ground_troops"], ["sanctions"], ["ground_troops"]] * 3
    det = MeansDetector().fit(texts, labels)
    got = det.predict(["New sanctions were imposed on the bank.", "An airlift of food began on Monday."])
    assert "sanctions" in got[0]
    assert "logistics" in got[1]  # never in training, but an explicit mention always counts


def test_a_means_the_text_names_needs_less_probability_than_one_guessed_from_context():
    from stance.means import MeansDetector

    texts = ["The council imposed sanctions on the generals.", "Troops were sent to the border town.",
             "Exports of oil were cut off by the bloc.", "More soldiers and troops arrived by road."] * 3
    labels = [["sanctions"], ["ground_troops"], ["sanctions"], ["ground_troops"]] * 3
    named = "Sanctions and troops were both mentioned at the meeting."  # neither is likely to the model
    strict = MeansDetector(mentioned_threshold=0.5).fit(texts, labels)
    p = dict(zip(strict.classes_, strict.pipeline_.predict_proba([named])[0]))
    assert p["sanctions"] < 0.5 or p["ground_troops"] < 0.5
    lenient = MeansDetector(mentioned_threshold=0.0).fit(texts, labels)
    assert lenient.predict([named])[0] == {"sanctions", "ground_troops"}
    assert strict.predict([named])[0] == {m for m, q in p.items() if q >= 0.5}
    assert lenient.predict(["A quiet week at the port."])[0] == strict.predict(["A quiet week at the port."])[0]


def test_detected_means_without_a_cue_take_the_paragraph_stance():
    got = means_stances("Nothing here names a means directly.", "support", frozenset({"diplomacy"}))
    assert [(m.means, m.stance, m.start) for m in got] == [("diplomacy", "support", -1)]


def test_a_mention_with_its_own_cue_outweighs_the_paragraph_label():
    text = "Sanctions were debated for hours. We reject sanctions."
    got = {m.means: (m.stance, m.trigger) for m in means_stances(text, "support")}
    assert got["sanctions"][0] == "oppose" and got["sanctions"][1] != "Sanctions"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.sampled_from(["reject", "recommend", "provide"])), max_size=25),
       st.integers(0, 60), st.integers(0, 60), st.integers(0, 61))
def test_nearest_cue_by_bisection_is_the_brute_force_choice(raw, at, lo, hi):
    every = sorted((s, s + 3, f"w{s}", cat) for s, cat in raw)
    rejections = [c for c in every if c[3] == "reject"]
    cues = (every, [c[0] for c in every], rejections, [c[0] for c in rejections])
    near = [c for c in every if lo <= c[0] < hi]
    got = _polarity("x" * 70, cues, at, [(lo, hi)], lo)
    if not near:
        assert got is None  # no negator in a text of x's
    else:
        start, _, words, category = min(near, key=lambda c: (c[3] != "reject", abs(c[0] - at)))
        assert got == ({"reject": "oppose"}.get(category, "support"), words)


def test_a_clause_without_a_cue_does_not_borrow_another_means_cue():
    got = means_stances("France asked for logistical support but ruled out troops.", "support")
    assert {m.means: m.stance for m in got} == {"logistics": "support", "ground_troops": "oppose"}


@pytest.mark.parametrize("text, means, paragraph, stance", [
    ("The siege of the city was lifted after the airlift delivered food.", "logistics", "support", "support"),
    ("After the blockade was eased, peacekeepers entered the town.", "peacekeeping", "support", "support"),
    ("Russian-backed separatists shelled the peacekeepers' base.", "peacekeeping", "oppose", "oppose"),
    ("Rebels backed by Rwanda seized the weapons depot.", "arms", "oppose", "oppose"),
    ("Sanctions are expected to be lifted next year under the deal.", "sanctions", "neutral", "neutral"),
])
def test_reported_undoing_and_backing_by_others_are_no_cues(text, means, paragraph, stance):
    assert {m.means: m.stance for m in means_stances(text, paragraph)}[means] == stance


def test_an_oppose_paragraph_backs_no_means_as_the_codebook_says():
    text = "Keeping sanctions on Damascus punishes ordinary Syrians. Brussels should lift them."
    got = means_stances(text, "oppose")
    assert [(m.means, m.stance, m.trigger) for m in got] == [("sanctions", "oppose", "sanctions")]
    assert means_stances(text, "support")[0].stance == "support"  # the cue stands where the paragraph allows it
