"""What SFT and GRPO train on besides the mix: the triage dataset's dev-split emergencies answered with the
deployment's escalation advice, and never a row whose answer packing would cut off."""

from __future__ import annotations

import shutil

import polars as pl
import pytest

from medchat_pipeline.config import load_config
from medchat_pipeline.config.training import TrainingConfig
from medchat_pipeline.core.safety.triage import escalation_advice
from medchat_pipeline.core.safety.triage_data import default_cases_path, load_dataset_cases, load_triage_cases
from medchat_pipeline.training.data import (
    ESCALATION_SOURCE,
    PLAIN_SOURCE,
    drop_longer_than,
    escalation_rows,
    keep_on_topic,
    non_emergency_rows,
    plain_answer_problem,
    prepare_rows,
    whole_sentences,
)
from medchat_pipeline.training.recipe import load_tokenizer, recipe_hash
from medchat_pipeline.training.sft import answer_plainly
from medchat_pipeline_tests.training.conftest import training_mix_frame

UK = {"emergency": "999", "crisis_line": "116 123", "crisis_line_name": "Samaritans", "poison_control": "111"}


def test_escalation_examples_are_the_dev_emergencies_answered_with_the_profiles_numbers():
    cfg = load_config("demo", overrides={"safety": {"emergency_numbers": UK},
                                         "training": {"escalation_examples": {"enabled": True}}})
    examples = cfg.training.escalation_examples
    assert examples.emergency_numbers.emergency == "999"  # filled from safety.emergency_numbers
    rows = escalation_rows(examples)
    dev = {c.id: c for c in load_triage_cases() if c.split == "dev" and c.emergency}
    assert rows.height == len(dev) and set(rows["source_id"]) == set(dev)  # the test families never train
    for row in rows.iter_rows(named=True):
        case = dev[row["source_id"]]
        assert row["answer"] == escalation_advice(case.category, examples.emergency_numbers)
        assert "999" in row["answer"] and "911" not in row["answer"]
        assert row["question"] == case.turns[-1] and row["context"] == "\n".join(case.turns[:-1])
        assert row["group_id"] == f"{ESCALATION_SOURCE}:{case.family}" and row["split"] == "train"
    assert escalation_rows(examples, limit=10, seed=1).height == 10


def test_extra_rows_join_training_after_the_cap_and_change_the_fingerprint():
    mix = training_mix_frame()
    extra = escalation_rows(load_config("demo").training.escalation_examples, limit=5)
    plain = prepare_rows(mix, max_train_rows=3, max_eval_rows=None, seed=0)
    with_extra = prepare_rows(mix, max_train_rows=3, max_eval_rows=None, seed=0, extra_train=extra)
    assert plain.train.height == 3 and with_extra.train.height == 8
    assert with_extra.train.filter(pl.col("source") == ESCALATION_SOURCE).height == 5
    assert with_extra.fingerprint != plain.fingerprint


def test_rows_longer_than_max_length_are_left_out_and_counted(demo_model_dir):
    tokenizer = load_tokenizer(str(demo_model_dir))
    mix = training_mix_frame().filter(pl.col("split") == "train")
    long_row = mix.head(1).with_columns((pl.col("context") + " word" * 400).alias("context"), pl.lit("long").alias("id"))
    kept, dropped = drop_longer_than(pl.concat([mix, long_row]), tokenizer, "Be brief.", max_length=256)
    assert dropped == 1 and "long" not in set(kept["id"]) and kept.height == mix.height


def test_the_recipe_hash_follows_the_triage_cases_file(tmp_path):
    copy = tmp_path / "cases.yaml"
    shutil.copyfile(default_cases_path(), copy)
    cfg = TrainingConfig(device="cpu", escalation_examples={"enabled": True, "cases_file": str(copy)})
    before = recipe_hash(cfg, "sft")
    assert recipe_hash(cfg, "sft") == before
    copy.write_text(copy.read_text() + "\n# edited\n")
    assert recipe_hash(cfg, "sft") != before  # new examples: a new adapter folder, never the old adapter reused
    off = TrainingConfig(device="cpu")
    with pytest.raises(FileNotFoundError):  # switched on with a missing file: an error, not a silent skip
        recipe_hash(TrainingConfig(device="cpu", escalation_examples={"enabled": True,
                                                                      "cases_file": str(tmp_path / "x")}), "sft")
    assert recipe_hash(off, "sft") != before


def test_plain_counterparts_are_the_written_dev_non_emergencies_spent_blind_sets_included():
    examples = load_config("demo").training.escalation_examples
    assert examples.extra_dev_sets == load_config("demo").safety.triage.extra_dev_sets != {}
    rows = non_emergency_rows(examples)
    dev = {c.id: c for c in load_dataset_cases(examples) if c.split == "dev" and not c.emergency and c.source is None}
    assert rows.height == len(dev) > 100 and set(rows["source_id"]) == set(dev)  # no test family, no real record
    families_file = {c.id for c in load_triage_cases() if c.split == "dev" and not c.emergency and c.source is None}
    assert families_file < set(dev)  # and the spent blind sets' non-emergencies, written by other people
    assert {dev[i].origin for i in set(dev) - families_file} == set(examples.extra_dev_sets)
    assert rows["answer"].null_count() == rows.height and set(rows["source"]) == {PLAIN_SOURCE}
    assert {"history", "education", "figurative", "mild", "medication"} <= set(rows["subject"])
    assert non_emergency_rows(examples, limit=7, seed=3).height == 7


@pytest.mark.parametrize(("answer", "problem"), [
    ("Rest, fluids and paracetamol as on the label usually help; see your GP if it lasts a week.", None),
    ("   ", "plain_answer_empty"),
    ("This could be serious. Call 911 now.", "plain_answer_advises_escalation"),
    ("Go to the emergency department right away.", "plain_answer_advises_escalation"),
    ("I am here. I am here. I am here. I am here. I am here.", "plain_answer_fails_the_guard"),
    ("I'm sorry for your loss, but as a medical assistant I am not equipped to advise on hay fever.",
     "plain_answer_filler"),
])
def test_a_plain_answer_that_escalates_loops_is_filler_or_is_empty_never_trains(answer, problem):
    filler = tuple(TrainingConfig().escalation_examples.plain_filler_patterns)
    assert plain_answer_problem(answer, filler) == problem


@pytest.mark.slow
def test_the_base_model_answers_the_counterparts_and_escalating_answers_are_left_out(demo_model_dir):
    rows = non_emergency_rows(load_config("demo").training.escalation_examples, limit=6, seed=0)
    answered, skipped = answer_plainly(rows, str(demo_model_dir), "Be brief.", max_new_tokens=24, log=lambda _: None)
    assert answered.height + sum(skipped.values()) == 6  # every prompt kept or counted
    assert all(plain_answer_problem(a) is None for a in answered["answer"])
    assert set(answered["id"]) <= set(rows["id"]) and answered["answer"].null_count() == 0


def test_off_topic_plain_answers_are_left_out_and_the_most_on_topic_fill_the_cap():
    frame = pl.DataFrame({"id": ["a", "b", "c", "d", "e"]})
    kept, skipped = keep_on_topic(frame, [0.55, 0.05, 0.9, 0.7, 0.3], floor=0.25, cap=3)
    assert kept["id"].to_list() == ["a", "c", "d"]  # frame order; "e" (0.3) passed the floor but lost to the cap
    assert skipped == {"plain_answer_off_topic": 1, "plain_answer_over_cap": 1}
    assert kept.height + sum(skipped.values()) == frame.height  # every row kept or counted
    assert keep_on_topic(frame, [0.1] * 5, floor=0.25, cap=None)[0].is_empty()
    with pytest.raises(ValueError, match="5 rows"):
        keep_on_topic(frame, [0.5], floor=0.0, cap=None)


def test_a_plain_answer_cut_at_the_token_limit_ends_at_its_last_whole_sentence():
    assert whole_sentences("Drink water. Rest a day. If it lasts, see a GP and ask abo") == "Drink water. Rest a day."
    assert whole_sentences("Drink water. ") == "Drink water."
    assert whole_sentences("no sentence end at all") == "no sentence end at all"
    assert whole_sentences("Take 2.5 mg. Then") == "Take 2.5 mg."  # a decimal point is not a sentence end


def test_grpo_meets_dev_emergencies_and_dev_non_emergencies_both_kept_as_prompts():
    from medchat_pipeline.training.grpo import grpo_extra_rows

    examples = load_config("demo", overrides={"training": {"escalation_examples": {
        "enabled": True, "grpo_rows": 3, "grpo_plain_rows": 4}}}).training.escalation_examples
    extra = grpo_extra_rows(examples, seed=0)
    assert extra.filter(pl.col("source") == ESCALATION_SOURCE).height == 3
    plain = extra.filter(pl.col("source") == PLAIN_SOURCE)
    assert plain.height == 4 and set(plain["answer"]) == {""}  # a prompt only: the rewards judge the reply
    rows = prepare_rows(training_mix_frame(), max_train_rows=3, max_eval_rows=None, seed=0, extra_train=extra)
    assert rows.train.height == 3 + 7  # no answer needed: extra rows join after the empty-answer filter
    assert grpo_extra_rows(examples.model_copy(update={"grpo_rows": 0, "grpo_plain_rows": 0}), seed=0) is None
