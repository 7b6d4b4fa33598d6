"""`safety:` section — emergency numbers, which triage model serves, how it is trained, the output guard.

    safety:
      emergency_numbers: {region: US, emergency: "911", crisis_line: "988", poison_control: "1-800-222-1222"}
      triage_model: latest        # latest | none | a model directory
      triage: {recall_target: 0.9, hard_false_alarm_goal: 0.10}

Numbers are per deployment: a UK profile sets emergency "999", crisis_line "116 123" (Samaritans) and
poison_control "111". Every escalation message (triage advice, the guard's replacement answers) takes
them from here.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{1,30}$")


class EmergencyNumbers(BaseModel):
    """Where the person is sent: the emergency number, the crisis line, poison control."""

    model_config = ConfigDict(extra="forbid")

    region: str = Field(default="US", min_length=2, description="Shown nowhere; says which country the numbers are for")
    emergency: str = Field(default="911", description="Ambulance / emergency services")
    crisis_line: str = Field(default="988", description="Suicide and crisis line (call or text)")
    crisis_line_name: str = Field(default="988 Suicide & Crisis Lifeline", min_length=3)
    poison_control: str = Field(default="1-800-222-1222", description="Poison control centre")

    @field_validator("emergency", "crisis_line", "poison_control")
    @classmethod
    def _phone_number(cls, value: str, info) -> str:
        value = value.strip()
        if not _PHONE.match(value):
            raise ValueError(
                f"{info.field_name} must be a phone number (digits, spaces, dashes, an optional leading +), got {value!r}"
            )
        return value


class TriageTrainingConfig(BaseModel):
    """How the `triage_model` asset trains the classifier head and picks its threshold on the dev split."""

    model_config = ConfigDict(extra="forbid")

    cases_file: str | None = Field(
        default=None, description="The labelled cases (YAML); None = configs/safety/triage_cases.yaml"
    )
    extra_dev_sets: dict[str, str] = Field(
        default_factory=lambda: {"blind1": "safety/triage_blind_test.yaml", "blind2": "safety/triage_blind_test2.yaml",
                                 "blind3": "safety/triage_blind_test3.yaml", "blind4": "safety/triage_blind_test4.yaml",
                                 "blind5": "safety/triage_blind_test5.yaml", "blind6": "safety/triage_blind_test6.yaml",
                                 "blind7": "safety/triage_blind_test7.yaml", "blind8": "safety/triage_blind_test8.yaml",
                                 "blind9": "safety/triage_blind_test9.yaml", "blind10": "safety/triage_blind_test10.yaml",
                                 "blind11": "safety/triage_blind_test11.yaml", "blind12": "safety/triage_blind_test12.yaml",
                                 "blind13": "safety/triage_blind_test13.yaml", "blind14": "safety/triage_blind_test14.yaml",
                                 "blind15": "safety/triage_blind_test15.yaml", "blind16": "safety/triage_blind_test16.yaml",
                                 "blind17": "safety/triage_blind_test17.yaml", "blind18": "safety/triage_blind_test18.yaml",
                                 "blind19": "safety/triage_blind_test19.yaml", "blind20": "safety/triage_blind_test20.yaml",
                                 "blind21": "safety/triage_blind_test21.yaml", "blind22": "safety/triage_blind_test22.yaml",
                                 "blind23": "safety/triage_blind_test23.yaml", "blind24": "safety/triage_blind_test24.yaml",
                                 "blind25": "safety/triage_blind_test25.yaml",
                                 "blind26": "safety/triage_blind_test26.yaml",
                                 "blind27": "safety/triage_blind_test27.yaml",
                                 "blind28": "safety/triage_blind_test28.yaml",
                                 "blind29": "safety/triage_blind_test29.yaml",
                                 "blind30": "safety/triage_blind_test30.yaml",
                                 "blind31": "safety/triage_blind_test31.yaml",
                                 "blind32": "safety/triage_blind_test32.yaml",
                                 "blind33": "safety/triage_blind_test33.yaml",
                                 "blind34": "safety/triage_blind_test34.yaml"},
        description="Spent blind sets trained on in the dev split, origin name -> file (blind-set format, relative "
        "to configs/ or absolute). A blind set is spent once its misses have been looked at to change the triage; "
        "a set still held out for measurement is refused (triage_data.HELD_OUT_SETS)",
    )
    recall_target: float = Field(
        default=0.9, gt=0.0, le=1.0,
        description="The threshold is the highest one whose cross-validated dev recall (classifier alone) reaches "
        "this, unless that breaks the false-alarm budget",
    )
    hard_false_alarm_goal: float = Field(
        default=0.10, ge=0.0, le=1.0,
        description="False alarms on hard negatives the whole triage may raise (the issue's goal). The classifier's "
        "budget is this minus what the patterns raise on the dev hard negatives, measured at training time; its "
        "cross-validated dev false alarms must stay within that budget",
    )
    classifier_budget_share: float = Field(
        default=0.5, gt=0.0, le=1.0,
        description="Share of what the goal leaves after the patterns' own dev false alarms that the classifier's "
        "cross-validated dev false alarms may use. The rest is held back for phrasings the dev cases do not "
        "cover: dev hard negatives are written with the cases, and on a set written by someone else the triage "
        "raised 2.4x the classifier's dev estimate of false alarms (benchmarks/RESULTS.md)",
    )
    possible_recall_target: float | None = Field(
        default=0.95, gt=0.0, le=1.0,
        description="The possible-emergency tier: the highest classifier threshold whose cross-validated dev recall "
        "(classifier alone) reaches this, within possible_false_alarm_budget; messages between it and the emergency "
        "threshold get a one-line safety net before the answer. null = no such tier",
    )
    possible_false_alarm_budget: float = Field(
        default=0.25, ge=0.0, le=1.0,
        description="Share of the dev hard negatives the possible-emergency tier's threshold may reach (out of fold): "
        "its cost is one extra line on a mild, past or medication question, not a takeover",
    )
    regularization_c: float = Field(default=10.0, gt=0.0, description="Inverse L2 strength of the logistic heads")
    context_features: bool = Field(
        default=True,
        description="Give the emergency head the pattern layer's context flags (minimizing words, settled, past "
        "history, idiom, hypothetical, medication question, general question) beside the embedding",
    )
    ngram_features: bool = Field(
        default=True,
        description="Give the emergency head character (2-5) and word (1-2) n-gram TF-IDF features beside the "
        "embedding: they read misspellings, word pieces and short phrases a mean of token vectors loses",
    )
    ngram_min_df: int = Field(default=2, ge=1, description="An n-gram joins the vocabulary when this many dev texts hold it")
    folds: int = Field(default=5, ge=2, le=20, description="Family-grouped folds for the out-of-fold dev scores")
    window_tokens: int = Field(default=256, ge=16, le=4096, description="Tokens per classifier window of a long message")
    max_windows: int = Field(
        default=48, ge=1,
        description="Windows read per message (48 × 256 tokens ≈ 40 KB); beyond it only the patterns read on",
    )


class GuardConfig(BaseModel):
    """The output guard (core/safety/guard.py): when a served answer is replaced by a safe one."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = True
    max_repeated_trigram_fraction: float = Field(
        default=0.35, gt=0.0, le=1.0, description="An answer whose word trigrams repeat more than this is a loop"
    )
    repetition_min_words: int = Field(default=18, ge=6, description="Shorter answers are not checked for loops")
    max_repeated_sentence: int = Field(
        default=3, ge=2, description="The same sentence (or phrase of 3+ words) this many times in a row is a loop"
    )


class SafetyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    emergency_numbers: EmergencyNumbers = Field(default_factory=EmergencyNumbers)
    triage_model: str = Field(
        default="latest",
        description="'latest' = the model the triage_model asset last wrote (<storage>/models/triage/latest; the "
        "patterns alone until one exists), 'none' = the patterns alone, or a model directory",
    )
    triage: TriageTrainingConfig = Field(default_factory=TriageTrainingConfig)
    guard: GuardConfig = Field(default_factory=GuardConfig)

    @field_validator("triage_model")
    @classmethod
    def _model_choice(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("triage_model must be 'latest', 'none' or a model directory")
        return value.strip()
