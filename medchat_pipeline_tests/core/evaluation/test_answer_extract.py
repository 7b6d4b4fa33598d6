"""Answer extraction on a table of real-looking model outputs."""

from __future__ import annotations

import pytest

from medchat_pipeline.core.evaluation.answer_extract import extract_choice, extract_yes_no_maybe, final_answer_text

MEDQA_OPTIONS = [
    "Erythromycin ointment",
    "Ketotifen eye drops",
    "Warm compresses",
    "Fluorometholone eye drops",
    "Latanoprost eye drops",
]

CHOICES = [
    ("Final Answer: B", "B"),
    ("The answer is (C).", "C"),
    ("b. Ketotifen eye drops", "B"),
    ("**D**", "D"),
    ("Answer: A", "A"),
    ("I think the correct option is d.", "D"),
    ("Final Answer: D) Fluorometholone", "D"),
    ("Option A is wrong. Option B is wrong. The answer is C.", "C"),
    ("Itchy watery eyes suggest allergic conjunctivitis.\nFinal answer: (B) Ketotifen eye drops", "B"),
    ("A", "A"),
    ("C. Warm compresses are helpful", "C"),
    ("Ketotifen eye drops is the best choice here.", "B"),  # quotes exactly one option
    ("Final Answer:\n\nE", "E"),
    ("answer is e", "E"),
    ("Final Answer: The answer is B.", "B"),
    ("I am not sure.", None),
    ("A patient with these findings needs an eye exam.", None),  # the article, not option A
    ("Final Answer: F", None),  # out of range for five options
    ("", None),
]


@pytest.mark.parametrize("output, expected", CHOICES)
def test_extract_choice(output, expected):
    assert extract_choice(output, 5, MEDQA_OPTIONS) == expected


def test_extract_choice_respects_the_number_of_options():
    assert extract_choice("Final Answer: E", 4) is None
    assert extract_choice("Final Answer: D", 4) == "D"


YES_NO_MAYBE = [
    ("Yes, it does.", "yes"),
    ("Final Answer: no", "no"),
    ("Final answer: Maybe", "maybe"),
    ("Based on the results, the answer is yes.", "yes"),
    ("Answer: yes", "yes"),
    ("The trial was small.\nFinal Answer: **no**", "no"),
    ("It is unclear; yes and no.", None),
    ("The study shows mixed results.", None),
]


@pytest.mark.parametrize("output, expected", YES_NO_MAYBE)
def test_extract_yes_no_maybe(output, expected):
    assert extract_yes_no_maybe(output) == expected


def test_final_answer_text_takes_the_last_marker():
    assert final_answer_text("Final Answer: A\nwait, Final Answer: C) Warm compresses") == "C) Warm compresses"
    assert final_answer_text("no marker") is None
