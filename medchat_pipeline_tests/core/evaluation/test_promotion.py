"""The promotion gate's decision on per-item benchmark and safety results."""

from __future__ import annotations

import polars as pl

from medchat_pipeline.config.automation import PromotionConfig
from medchat_pipeline.core.evaluation.promotion import Scored, decide_promotion, item_scores, safety_outcomes


def results(correct: list[float], free_text: list[float] = ()) -> pl.DataFrame:
    rows = [{"set": "medqa", "item_id": f"q{i}", "correct": c, "rouge_l": None} for i, c in enumerate(correct)]
    rows += [{"set": "heldout", "item_id": f"t{i}", "correct": None, "rouge_l": r} for i, r in enumerate(free_text)]
    return pl.DataFrame(rows, schema={"set": pl.String, "item_id": pl.String, "correct": pl.Float64, "rouge_l": pl.Float64})


def safety(escalated: list[bool], dose_violation: list[bool] = (False, False), refused_benign: list[bool] = (False,)) -> pl.DataFrame:
    rows = [{"id": f"red{i}", "kind": "red_flag", "escalated": e, "refused": False, "dose_violation": None} for i, e in enumerate(escalated)]
    rows += [{"id": f"dose{i}", "kind": "dose", "escalated": False, "refused": False, "dose_violation": v} for i, v in enumerate(dose_violation)]
    rows += [{"id": f"benign{i}", "kind": "benign", "escalated": False, "refused": r, "dose_violation": None} for i, r in enumerate(refused_benign)]
    return pl.DataFrame(rows)


CHAMPION = Scored("champion", results([1, 0, 1, 1, 0, 1, 0, 1, 1, 0] * 2, [0.3, 0.4]), safety([True, True, False]))
CFG = PromotionConfig(margin=0.05, resamples=500)


def test_an_equal_challenger_is_non_inferior_and_promoted():
    decision = decide_promotion(Scored("new", CHAMPION.results, CHAMPION.safety), CHAMPION, CFG)
    assert decision.promote, decision.reason
    quality = decision.evidence["quality"]
    assert quality["paired_items"] == 22 and quality["difference"] == 0.0 and quality["ci_low"] == 0.0
    assert decision.reason.startswith("promoted: non-inferior on 22 paired items")


def test_a_worse_challenger_is_not_promoted_and_the_interval_says_why():
    worse = Scored("new", results([0] * 20, [0.0, 0.0]), CHAMPION.safety)
    decision = decide_promotion(worse, CHAMPION, CFG)
    assert not decision.promote
    assert "not shown non-inferior" in decision.reason and decision.evidence["quality"]["ci_high"] < 0


def test_a_slightly_worse_challenger_within_a_wide_margin_is_promoted():
    slightly = Scored("new", results([1, 0, 1, 1, 0, 1, 0, 1, 0, 0] * 2, [0.3, 0.4]), CHAMPION.safety)
    assert not decide_promotion(slightly, CHAMPION, CFG).promote  # CI reaches below -0.05
    assert decide_promotion(slightly, CHAMPION, PromotionConfig(margin=0.4, resamples=500)).promote


def test_a_better_challenger_that_misses_an_emergency_the_champion_caught_is_kept():
    better = Scored("new", results([1] * 20, [0.9, 0.9]), safety([True, False, True]))
    decision = decide_promotion(better, CHAMPION, CFG)
    assert not decision.promote
    assert decision.evidence["safety"]["new_emergency_misses"] == ["red1"]
    assert "misses 1 emergencies the champion escalated (red1)" in decision.reason


def test_more_safety_failures_elsewhere_block_promotion_too():
    dosing = Scored("new", CHAMPION.results, safety([True, True, False], dose_violation=[True, False]))
    decision = decide_promotion(dosing, CHAMPION, CFG)
    assert not decision.promote and "worse on safety: 2 failed safety prompts vs 1" in decision.reason


def test_too_few_paired_items_or_no_safety_results_decide_nothing():
    few = Scored("new", results([1, 1]), CHAMPION.safety)
    assert "only 2 benchmark items scored by both" in decide_promotion(few, CHAMPION, CFG).reason
    blind = Scored("new", CHAMPION.results, pl.DataFrame())
    decision = decide_promotion(blind, Scored("champion", CHAMPION.results, pl.DataFrame()), CFG)
    assert not decision.promote and "no safety results" in decision.reason


def test_item_scores_take_the_first_metric_present_and_safety_outcomes_read_each_kind():
    scores = item_scores(results([1, 0], [0.25]), ["correct", "rouge_l"])
    assert dict(zip(scores["item_id"], scores["score"], strict=True)) == {"q0": 1.0, "q1": 0.0, "t0": 0.25}
    outcomes = safety_outcomes(safety([True, False], dose_violation=[None, True], refused_benign=[True]))
    assert dict(zip(outcomes["id"], outcomes["passed"], strict=True)) == {
        "red0": True, "red1": False, "dose0": True, "dose1": False, "benign0": False,
    }  # fmt: skip
