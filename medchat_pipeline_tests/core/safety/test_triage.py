"""Triage over real-looking conversations: the issue's phrasings, every category, how people write,
several turns, hard negatives, bad input, the dataset's own checks, and the pattern prefilter."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medchat_pipeline.config.safety import EmergencyNumbers
from medchat_pipeline.core.safety import patterns
from medchat_pipeline.core.safety.normalize import normalize_for_patterns
from medchat_pipeline.core.safety.triage import (
    CATEGORIES,
    Triage,
    escalation_advice,
    latest_model_pointer,
    resolve_model_dir,
)
from medchat_pipeline.core.safety.triage_data import load_triage_cases

PATTERNS = Triage.load(None)

# The issue's quoted phrasings (issue 11): each must be recognised, by the patterns alone.
ISSUE_EMERGENCIES = [
    ("I have a plan to hang myself", "self_harm"),
    ("I don't want to live anymore", "self_harm"),
    ("I want to kill myself", "self_harm"),
    ("I took 40 tylenol an hour ago", "overdose_poisoning"),
    ("i took 40 tylenol", "overdose_poisoning"),
    ("my son ate rat poison", "overdose_poisoning"),
    ("my toddler drank some drain cleaner", "overdose_poisoning"),
    ("my face is drooping and I can't lift my arm", "stroke"),
    ("My wife collapsed and isn't responding", "unresponsive_seizure"),
    ("my wife collapsed and isnt responding", "unresponsive_seizure"),
    ("he's having a fit and shaking all over", "unresponsive_seizure"),
    ("I cant breathe", "breathing"),
    ("cant breathe", "breathing"),
    ("my chest hurts and my left arm is numb", "cardiac"),
    ("I'm bleeding a lot and it won't stop", "bleeding_trauma"),
]
ISSUE_NON_EMERGENCIES = [
    "What are the warning signs of a stroke?",
    "my mother had a stroke five years ago",
    "this exam is killing me",
]


@pytest.mark.parametrize(("text", "category"), ISSUE_EMERGENCIES)
def test_the_issues_emergencies_are_recognised_with_their_category(text, category):
    decision = PATTERNS.assess([text])
    assert decision.emergency, decision.reason
    assert decision.category == category
    assert decision.layer == "pattern" and decision.evidence and decision.score == 1.0
    assert category in decision.reason


@pytest.mark.parametrize("text", ISSUE_NON_EMERGENCIES)
def test_the_issues_hard_negatives_are_not_emergencies(text):
    decision = PATTERNS.assess([text])
    assert not decision.emergency and decision.category is None, decision.reason


# Two ways each category is written that the dataset does not hold verbatim.
EVERY_CATEGORY = [
    ("my dad is grey and sweating and says his chest feels crushed", "cardiac"),
    ("I think my husband is having a heart attack", "cardiac"),
    ("her smile is crooked and she cant lift her right arm since 10 minutes", "stroke"),
    ("my speech went slurred all of a sudden", "stroke"),
    ("my baby sister is choking on a coin", "breathing"),
    ("his lips are going blue and he can barely breathe", "breathing"),
    ("ate a prawn cracker, now my throat is closing up", "anaphylaxis"),
    ("my tongue is swelling after the wasp sting", "anaphylaxis"),
    ("i dont want to be here anymore, i have the pills in my hand", "self_harm"),
    ("my boyfriend texted he is going to kill himself tonight", "self_harm"),
    ("my mum swallowed a whole bottle of her sleeping pills", "overdose_poisoning"),
    ("the kids drank some antifreeze from the garage", "overdose_poisoning"),
    ("cut my arm on glass and the blood is gushing out", "bleeding_trauma"),
    ("my son hit his head on the pavement and now he keeps vomiting", "bleeding_trauma"),
    ("grandma collapsed in the bathroom and won't wake up", "unresponsive_seizure"),
    ("my daughter is having a seizure", "unresponsive_seizure"),
    ("I'm 33 weeks pregnant and bleeding heavily", "pregnancy"),
    ("haven't felt the baby move since yesterday, 35 weeks", "pregnancy"),
    ("my 3 week old has a temperature of 38.4", "infant_child"),
    ("the baby is floppy and won't feed", "infant_child"),
    ("stiff neck, high fever and the light hurts my eyes", "metabolic_sepsis"),
    ("my diabetic wife is confused and her sugar is 35", "metabolic_sepsis"),
    ("woke up with sudden severe pain in my testicle", "other"),
    ("splashed bleach in my eye", "other"),
]


@pytest.mark.parametrize(("text", "category"), EVERY_CATEGORY)
def test_every_category_is_recognised(text, category):
    decision = PATTERNS.assess([text])
    assert decision.emergency and decision.category == category, decision.reason


@pytest.mark.parametrize(
    "text",
    [
        "i think im haveing a strok my arm is numb",  # typos, no apostrophes
        "my son is having a siezure",
        "she is unconcious",
        "bleding realy bad from my arm",
        "i want to kil myself",
        "kіll myself",  # a Cyrillic і
        "ki\u200bll myself",  # a zero-width space inside the word
        "I CAN'T BREATHE",
        "i can\u2019t breathe",  # a curly apostrophe
        "friend od'd on fentanyl, breathing really slow",  # slang
        "i wanna kms rn",
    ],
)
def test_how_people_write_does_not_hide_an_emergency(text):
    assert PATTERNS.assess([text]).emergency


def test_third_person_and_numbers():
    assert PATTERNS.assess(["my grandfather took 30 of his blood pressure tablets"]).category == "overdose_poisoning"
    assert PATTERNS.assess(["My mother's face is drooping on one side"]).category == "stroke"
    assert not PATTERNS.assess(["I took 2 tylenol for my headache, is that ok?"]).emergency


def test_an_emergency_two_turns_back_still_counts():
    turns = ["I took 25 paracetamol about an hour ago", "I feel okay now actually", "what vitamins help with tiredness?"]
    decision = PATTERNS.assess(turns)
    assert decision.emergency and decision.category == "overdose_poisoning"
    assert any(line.startswith("turn 1:") for line in decision.evidence)


def test_an_emergency_told_across_turns_counts():
    decision = PATTERNS.assess(["is antifreeze sweet?", "my son might have drunk some, he says it tasted nice"])
    assert decision.emergency and decision.category == "overdose_poisoning"


@pytest.mark.parametrize(
    "text",
    [
        "What should I do if someone has a seizure?",
        "How does an EpiPen work?",
        "I had a heart attack in 2019, how long should I stay on aspirin?",
        "My son had febrile seizures as a toddler, will he develop epilepsy?",
        "you almost gave me a heart attack lol",
        "I'm dying to know whether coffee is bad for you",
        "Is breaststroke good for a bad back?",
        "my chest is a bit sore from coughing with this cold",
        "How many Tylenol can I take in a day?",
        "I accidentally took my multivitamin twice today, is that ok?",
        "I don't have chest pain, just heartburn after dinner",
        "I overdosed on Netflix this weekend and my back hurts",
    ],
)
def test_hard_negatives_are_not_emergencies(text):
    decision = PATTERNS.assess([text])
    assert not decision.emergency, decision.reason


# Round 2 (configs/safety/README.md): phrasing families a blind test found missed, each written here in words the
# dataset does not hold: veiled suicidal intent, a threat with a weapon, a scene or a device instead of a symptom,
# chest pressure without "pain", a poison named by product or plant, an injury told by its mechanism (also in the
# middle of a routine question), swelling slang, sudden eye emergencies, urinary retention, hypothermia, abruption.
ROUND2_EMERGENCIES = [
    ("what dose of my insulin would make me not wake up", "self_harm"),
    ("Tonight's the night. I've written my letters.", "self_harm"),
    ("i've given my cat to my neighbour, i won't need her after tonight", "self_harm"),
    ("I'm sitting on the railway bridge, I want to jump", "self_harm"),
    ("I keep thinking about driving into a wall on the way home tonight", "self_harm"),
    ("i wnat to dei", "self_harm"),
    ("my husband says he's going to kill me, he has a knife and I'm locked in the bathroom", "other"),
    ("the defib says shock advised what do i do", "cardiac"),
    ("the baby is crowning and the ambulance is 20 minutes away", "pregnancy"),
    ("there's cord coming out before the baby", "pregnancy"),
    ("my son is slumped in his car seat and won't respond", "unresponsive_seizure"),
    ("my chest feels like it's in a vice and I'm sweating and grey", "cardiac"),
    ("I have a stent and the chest tightness started an hour ago and keeps coming back", "cardiac"),
    ("my 2 yr old ate some of the rat poison pellets from the garage", "overdose_poisoning"),
    ("my son chewed on a foxglove leaf", "overdose_poisoning"),
    ("found my daughter with my open bottle of blood pressure tablets, some missing", "overdose_poisoning"),
    ("my husband cut his arm with a grinder and I can see the bone", "bleeding_trauma"),
    ("my son was kicked in the head by a horse and he's confused", "bleeding_trauma"),
    ("quick question about my statins, also I cut my wrist on a broken window and it's spurting, what cholesterol "
     "is normal?", "bleeding_trauma"),
    ("my face is blowing up after the shrimp", "anaphylaxis"),
    ("after the bee sting it's hard to swallow", "anaphylaxis"),
    ("sudden flashes and floaters and a dark curtain in my left eye", "other"),
    ("my eye is suddenly extremely painful and red, I see halos and I'm throwing up", "other"),
    ("haven't been able to urinate for 10 hours and the pain is terrible", "other"),
    ("he was out in the snow all night, he's stopped shivering and is confused", "other"),
    ("35 weeks, my belly is rock hard and I'm bleeding", "pregnancy"),
    ("gave birth last week, suddenly passing huge clots", "pregnancy"),
]
ROUND2_NON_EMERGENCIES = [
    "I took my sleeping pill at 10 so I would not wake up at 3am again, is that ok?",
    "I take melatonin so that I do not wake up in the night",
    "Tonight is the night of my first date, how do I calm my nerves?",
    "We gave our cot to my sister, won't need it anymore as our son is 4 now",
    "I nearly jumped out of my skin when the alarm went off",
    "I want to end everything with my ex and move on, how do I sleep better?",
    "My mum is going to kill me when she sees this tattoo, how do I care for it?",
    "nicked my finger with a kitchen knife, it bled a bit but stopped, should I cover it?",
    "I'm doing a first aid course and we practised with a defibrillator, how does CPR feel?",
    "My baby's head has a flat spot, should I worry?",
    "I found my dad slumped in front of the TV asleep again, he snores loudly",
    "My hands are always cold to the touch, is it circulation?",
    "My dog ate some rat bait, what should I do?",
    "The bleach bottle was open in the bathroom but my son didn't touch it, should I still worry?",
    "I cut myself shaving and it keeps bleeding a little, how do I stop it?",
    "I haven't peed since this morning because I've been so busy, is that bad?",
    "My face is puffy after crying, how do I reduce it?",
    "My baby is coming in 2 weeks, what should I pack for the hospital?",
    "I laughed so hard I couldn't breathe and now my stomach muscles ache",
    "how do i use an epipen? my doctor just prescribed one",
    "drowning in paperwork this week and my neck is stiff",
    "Why do people give away their belongings before a suicide attempt?",
    "my brother died by suicide and I can't sleep since the funeral, is melatonin ok?",
    "I've had the same few floaters for years and they don't change",
]


@pytest.mark.parametrize(("text", "category"), ROUND2_EMERGENCIES)
def test_round2_phrasings_are_recognised_by_the_patterns(text, category):
    decision = PATTERNS.assess([text])
    assert decision.emergency and decision.category == category, decision.reason


@pytest.mark.parametrize("text", ROUND2_NON_EMERGENCIES)
def test_round2_hard_negatives_are_not_emergencies(text):
    decision = PATTERNS.assess([text])
    assert not decision.emergency, decision.reason


def test_recurring_chest_pressure_since_this_morning_is_not_long_standing():
    """"Comes and goes" sets a symptom aside as old news only when it has gone on for weeks, not since this morning."""
    assert PATTERNS.assess(["since this morning the pressure in my chest comes and goes and I feel sweaty"]).emergency
    old = PATTERNS.assess(["for the past two years a pressure in my chest comes and goes when I run, and I sweat"])
    assert not old.emergency and "long-standing" in old.reason


def test_context_features_name_what_sets_a_mention_aside():
    def flags(text):
        return dict(zip(patterns.CONTEXT_FEATURES, patterns.context_features(normalize_for_patterns(text))))

    assert flags("my mother had a stroke five years ago")["past"] == 1.0
    assert flags("I laughed so hard I couldn't breathe")["figurative"] == 1.0
    assert flags("a bit out of breath on the stairs")["minimized"] == 1.0
    assert flags("my son bumped his head, he is playing again")["settled"] == 1.0
    assert flags("How much ibuprofen can I take?")["medication_question"] == 1.0
    assert flags("What are the signs of a stroke?")["general_question"] == 1.0
    assert flags("I've had this cough for three weeks")["long_standing"] == 1.0
    assert not any(flags("my dad is grey and sweating and says his chest feels crushed").values())


def test_a_set_aside_mention_is_reported_as_a_topic_with_its_reason():
    education = PATTERNS.assess(["How do you know if someone is having a stroke?"])
    assert not education.emergency and education.topics == ("stroke",)
    assert "says a stroke is happening (hypothetical)" in education.reason
    history = PATTERNS.assess(["I attempted suicide ten years ago and I'm in a good place now"])
    assert not history.emergency and history.topics == ("self_harm",) and "set aside" in history.reason
    negated = PATTERNS.assess(["no chest pain, no sweating, just tired"])
    assert not negated.emergency and "(negated)" in negated.reason


@pytest.mark.parametrize(
    ("value", "layer", "emergency"),
    [
        ("", "none", False),
        ("   \n\t ", "none", False),
        ("\x00\x01\x02\x7f", "none", False),
        ("😀🙏", "none", False),
        (None, "none", False),
        ("我胸口很痛，喘不过气", "conservative", True),  # another script: cannot rule an emergency out
        ("Tengo dolor de cabeza desde ayer, qué puedo tomar?", "conservative", True),
        ("no puedo respirar", "pattern", True),
    ],
)
def test_bad_input_never_raises_and_unreadable_text_is_treated_conservatively(value, layer, emergency):
    decision = PATTERNS.assess([value])
    assert decision.layer == layer and decision.emergency is emergency
    assert decision.reason
    if layer == "conservative":
        assert decision.category == "other" and "cannot rule an emergency out" in decision.reason


def test_a_50kb_message_is_read_to_the_end():
    filler = "I had a sore knee after running and it felt stiff in the morning. " * 800
    assert len(filler) > 50_000
    decision = PATTERNS.assess([filler + " Now my face is drooping and I can't lift my arm."])
    assert decision.emergency and decision.category == "stroke"
    assert not PATTERNS.assess([filler]).emergency


def test_mixed_script_text_is_read_for_what_it_can_read():
    assert PATTERNS.assess(["I can't breathe помогите"]).category == "breathing"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # round 19: the red flags of blind set 17's descriptions (a crooked mouth, a bottle of syrup, not seeing well
        # when pregnant) are now read by the patterns (next test); what is left here names no red flag they read
        ("meu pai acordou estranho e não quer tomar o café, he says he slept on it funny", "Portuguese"),
        ("mi hijo está muy dormido y raro, what number do I call?", "Spanish"),
        ("yung baby ko, 6 weeks, hindi siya umiiyak, what to do po", "Tagalog"),
        ("ana hamel w 3ndi wagaa fi rasi w ta3bana awy, my feet are swollen", "Arabic in Latin letters"),
    ],
)
def test_a_message_partly_in_another_language_gets_the_safety_net_line(text, language):
    """English with another language mixed in is not unreadable (the conservative takeover), but the part the
    patterns cannot read may hold the emergency: the safety-net line leads, and the reason names the language."""
    decision = PATTERNS.assess([text])
    assert not decision.emergency and decision.possible_emergency and decision.possible_category == "other"
    assert f"part of the message is in {language}" in decision.reason


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("meu pai acordou com a boca torta e não consegue segurar a xícara, he says he slept on it funny", "stroke"),
        ("mi hijo se tomó un frasco de jarabe, ahora está muy dormido, what number do I call?", "overdose_poisoning"),
        ("ana hamel w 3ndi wagaa fi rasi w mish shayfa kwayes, my feet are swollen", "pregnancy"),
    ],
)
def test_round_19_reads_the_red_flags_of_a_partly_foreign_message(text, category):
    """Round 19: the multilingual red-flag vocabulary makes these full emergencies, not only the safety-net line."""
    decision = PATTERNS.assess([text])
    assert decision.emergency and decision.category == category


@pytest.mark.parametrize("text", [
    "gave my 4yo 5ml calpol at 2pm and another 5ml at 5pm, she is fine",
    "I did a test on the 3rd and again on the 7th, both negative",
    "Les and I went to the pub, el paso trip next week, any tips for jet lag?",
    "1. Wash your hands2. Stay home as much as you can3. Rest",
])
def test_english_with_doses_ordinals_or_a_stray_foreign_word_is_read_as_english(text):
    decision = PATTERNS.assess([text])
    assert not decision.emergency and not decision.possible_emergency


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=300), min_size=0, max_size=3))
def test_any_text_is_assessed_without_error(turns):
    decision = PATTERNS.assess(turns)
    assert decision.emergency is (decision.category is not None)
    assert decision.category is None or decision.category in CATEGORIES
    assert isinstance(decision.reason, str) and decision.reason
    json.dumps(decision.to_dict())


def test_escalation_advice_leads_with_the_deployments_numbers():
    us = escalation_advice("self_harm")
    assert "988" in us and "911" in us
    assert "1-800-222-1222" in escalation_advice("overdose_poisoning")
    uk = EmergencyNumbers(emergency="999", crisis_line="116 123", crisis_line_name="Samaritans", poison_control="111")
    assert "999" in escalation_advice("stroke", uk) and "911" not in escalation_advice("stroke", uk)
    assert "Do not wait" in escalation_advice("cardiac") and escalation_advice(None) == escalation_advice("other")
    for category in CATEGORIES:
        assert "911" in escalation_advice(category) or "Poison Control" in escalation_advice(category)


def test_no_model_or_a_broken_one_falls_back_to_the_patterns_and_says_why(tmp_path):
    assert "patterns decide alone" in Triage.load(None).fallback_reason
    broken = tmp_path / "model"
    broken.mkdir()
    (broken / "manifest.json").write_text("{not json")
    triage = Triage.load(broken)
    assert triage.head is None and "could not be loaded" in triage.fallback_reason
    assert triage.assess(["I cant breathe"]).emergency
    model_dir, why = resolve_model_dir("latest", tmp_path)
    assert model_dir is None and str(latest_model_pointer(tmp_path)) in why
    assert resolve_model_dir("none", tmp_path)[0] is None
    assert resolve_model_dir(str(broken), tmp_path) == (str(broken), None)


def test_normalization_maps_how_people_write_onto_one_form():
    assert normalize_for_patterns("I can\u2019t breathe!!") == "i cannot breathe ! !"
    assert normalize_for_patterns("she's unconcious, bleding") == "she is unconscious , bleeding"
    assert normalize_for_patterns("friend od'd rn") == "friend overdosed right now"
    assert normalize_for_patterns("that is odd while cooking") == "that is odd while cooking"  # real words stay


def test_the_rule_prefilter_never_changes_a_finding():
    """required_literals lets most rules skip most texts; on every dataset text it must change nothing."""
    texts = [normalize_for_patterns(t) for case in load_triage_cases() for t in case.turns]
    # every rule with no required words, so none is skipped (built once: rebuilding it per text was 3/4 of the test)
    unfiltered = tuple(patterns.Rule(**{**rule.__dict__, "literals": None}) for rule in patterns.RULES)
    for text in texts:
        assert patterns.find_emergencies(text) == patterns.find_emergencies(text, unfiltered), text
