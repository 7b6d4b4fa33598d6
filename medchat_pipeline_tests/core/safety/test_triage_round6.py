"""Round 6 of the triage (issue 11): the families blind set 4 missed (RESULTS.md describes them in general terms),
told in phrasings that are not in the cases file, and their hard negatives."""

from __future__ import annotations

import pytest

from medchat_pipeline.core.safety.triage import Triage

PATTERNS = Triage.load(None)


@pytest.mark.parametrize("text, category", [
    # decided self-harm; an overdose already taken, refusing rescue
    ("it's settled in my head now, tell me the quickest way to go", "self_harm"),
    ("I had made up my mind weeks ago, what hurts the least", "self_harm"),
    ("took every pill I had, do not call an ambulance, I want this", "self_harm"),
    # presentations instead of names, minimizing words beside them
    ("probably nothing but I'm pregnant and have a sharp pain at the tip of my shoulder", "pregnancy"),
    ("they scan my enlarged aorta every year and now I have sudden severe back pain", "cardiac"),
    ("low back pain and I have lost sensation around my back passage since lunch", "other"),
    ("my hernia is stuck and I have been sick twice", "other"),
    ("our 12 day old threw up something dark green", "infant_child"),
    ("the current went through my arm when I touched the fence wire, feel odd", "other"),
    ("drops of hydrofluoric acid on my hand at the lab, barely stings", "overdose_poisoning"),
    ("just a bug lol but I vomited what looks like coffee grounds", "bleeding_trauma"),
    ("she fainted at netball, her heart was pounding before", "cardiac"),
    ("about my prescription renewal: having a severe asthma attack now, also my new address", "breathing"),
    ("his lip very swell and throat feel tight after the pill, is normal?", "anaphylaxis"),
    ("grandpa choked on bread, after back blows he is not responding", "breathing"),
    ("she has hives and swollen lips at camp, should we wait before the epipen?", "anaphylaxis"),
    ("the bandsaw took off the tip of his finger", "bleeding_trauma"),
    ("lost the tip of my finger in the door at work", "bleeding_trauma"),
    ("black sticky poo this morning and I feel faint", "bleeding_trauma"),
    ("34 weeks and water keeps trickling out, probably nothing?", "pregnancy"),
    ("delivered 9 days ago, blurry vision and headache, ok to wait till monday?", "pregnancy"),
])
def test_round6_families_are_recognised_by_the_patterns(text, category):
    decision = PATTERNS.assess([text])
    assert decision.emergency and decision.category == category, decision.reason


@pytest.mark.parametrize("text", [
    "what is the least painful way to take off a plaster?",
    "I have decided to go back to work part time, any advice on fatigue?",
    "I've decided to go tonight to the concert, how do I protect my ears?",
    "what are the warning signs of an ectopic pregnancy?",
    "my mum had her aortic aneurysm repaired in 2015, should I be screened?",
    "my inguinal hernia goes back in when I lie down, when should I get surgery?",
    "my toddler has a cold with green snot, is that an infection?",
    "I got a static shock from the trolley, is that harmful?",
    "my stools are black since I started iron tablets, is that normal?",
    "I lost the tip of my fingernail when it caught on a jumper",
    "my heart races during sprints and settles after a minute, I never feel faint",
    "can you book my asthma review and send my repeat inhaler prescription?",
    "after tooth removal my cheek little swell, is normal?",
    "my blood pressure was 125/80 at my 6 week check after birth, is that ok?",
    "I'm 30 weeks and have a bit more white discharge, no smell",
])
def test_round6_hard_negatives_are_not_emergencies(text):
    decision = PATTERNS.assess([text])
    assert not decision.emergency, decision.reason
