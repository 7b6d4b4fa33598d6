"""The `safety:` profile section: numbers per deployment, the triage model choice, helpful errors."""

from __future__ import annotations

import pytest

from medchat_pipeline.config import ConfigError, load_config


def test_the_demo_profile_serves_us_numbers_and_the_latest_triage_model():
    safety = load_config("demo").safety
    numbers = safety.emergency_numbers
    assert (numbers.emergency, numbers.crisis_line, numbers.poison_control) == ("911", "988", "1-800-222-1222")
    assert safety.triage_model == "latest" and safety.guard.enabled


def test_a_deployment_sets_its_own_numbers():
    uk = {"region": "UK", "emergency": "999", "crisis_line": "116 123", "crisis_line_name": "Samaritans",
          "poison_control": "111"}
    assert load_config("demo", overrides={"safety": {"emergency_numbers": uk}}).safety.emergency_numbers.emergency == "999"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"emergency_numbers": {"emergency": "call me"}}, "safety.emergency_numbers.emergency: emergency must be a phone number"),
        ({"triage_model": "  "}, "triage_model must be 'latest', 'none' or a model directory"),
        ({"triage": {"recall_target": 1.5}}, "safety.triage.recall_target"),
        ({"guard": {"max_repeated_sentence": 1}}, "safety.guard.max_repeated_sentence"),
        ({"bogus": 1}, "safety.bogus"),
    ],
)
def test_a_bad_safety_section_is_refused_with_a_message_that_says_what_to_change(override, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config("demo", overrides={"safety": override})
