"""How well a Triage does on labelled cases: recall and false alarms, overall and per category, with
Wilson 95% intervals (exact enough for the small counts per category, and never outside [0, 1])."""

from __future__ import annotations

import math

import polars as pl

from medchat_pipeline.core.safety.triage import Triage, TriageDecision
from medchat_pipeline.core.safety.triage_data import CATEGORIES, TriageCase

DECISION_SCHEMA = {
    "id": pl.String(), "family": pl.String(), "split": pl.String(), "emergency": pl.Boolean(),
    "category": pl.String(), "kind": pl.String(), "topic": pl.String(), "hard_negative": pl.Boolean(),
    "flagged": pl.Boolean(), "possible": pl.Boolean(), "predicted_category": pl.String(), "layer": pl.String(),
    "score": pl.Float64(), "reason": pl.String(),
}


def wilson_interval(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """95% Wilson score interval for a proportion (nan, nan when n is 0)."""
    if n == 0:
        return float("nan"), float("nan")
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def rate(successes: int, n: int) -> dict:
    low, high = wilson_interval(successes, n)
    return {"value": successes / n if n else float("nan"), "low": low, "high": high, "k": successes, "n": n}


def decide_cases(triage: Triage, cases: list[TriageCase]) -> pl.DataFrame:
    """One row per case: its label and what the triage decided (one classifier batch for all)."""
    decisions: list[TriageDecision] = triage.assess_many([case.turns for case in cases])
    rows = [
        {"id": c.id, "family": c.family, "split": c.split, "emergency": c.emergency, "category": c.category,
         "kind": c.kind, "topic": c.topic, "hard_negative": c.hard_negative, "flagged": d.emergency,
         "possible": d.possible_emergency, "predicted_category": d.category, "layer": d.layer, "score": d.score,
         "reason": d.reason}
        for c, d in zip(cases, decisions)
    ]
    return pl.DataFrame(rows, schema=DECISION_SCHEMA) if rows else pl.DataFrame(schema=DECISION_SCHEMA)


def triage_metrics(decided: pl.DataFrame) -> dict:
    """Recall (emergencies flagged), false-alarm rates (all non-emergencies, hard negatives, per kind, per
    topic category), recall per category, category accuracy on flagged emergencies; each with its interval.
    `*_either_tier`: the same counting a possible emergency (the safety-net tier) as flagged too."""
    emergencies = decided.filter(pl.col("emergency"))
    negatives = decided.filter(~pl.col("emergency"))
    hard = negatives.filter(pl.col("hard_negative"))
    flagged_emergencies = emergencies.filter(pl.col("flagged"))

    def count(frame: pl.DataFrame) -> int:
        return int(frame["flagged"].sum()) if frame.height else 0

    def either(frame: pl.DataFrame) -> int:  # the emergency or the possible-emergency tier
        return int((frame["flagged"] | frame["possible"]).sum()) if frame.height else 0

    return {
        "recall": rate(count(emergencies), emergencies.height),
        "false_alarm_rate": rate(count(negatives), negatives.height),
        "hard_false_alarm_rate": rate(count(hard), hard.height),
        "recall_either_tier": rate(either(emergencies), emergencies.height),
        "false_alarm_rate_either_tier": rate(either(negatives), negatives.height),
        "hard_false_alarm_rate_either_tier": rate(either(hard), hard.height),
        "category_accuracy": rate(
            int((flagged_emergencies["predicted_category"] == flagged_emergencies["category"]).sum())
            if flagged_emergencies.height else 0, flagged_emergencies.height),
        "recall_by_category": {
            cat: rate(count(part), part.height)
            for cat in CATEGORIES if (part := emergencies.filter(pl.col("category") == cat)).height
        },
        "false_alarm_rate_by_category": {
            cat: rate(count(part), part.height)
            for cat in CATEGORIES if (part := negatives.filter(pl.col("topic") == cat)).height
        },
        "false_alarm_rate_by_kind": {
            kind: rate(count(part), part.height)
            for kind in sorted(set(negatives["kind"].to_list())) if (part := negatives.filter(pl.col("kind") == kind)).height
        },
        "layers": {layer: int(n) for layer, n in emergencies.group_by("layer").len().sort("layer").iter_rows()},
        "missed": emergencies.filter(~pl.col("flagged"))["id"].to_list(),
        "missed_by_both_tiers": emergencies.filter(~pl.col("flagged") & ~pl.col("possible"))["id"].to_list(),
        "false_alarms": negatives.filter(pl.col("flagged"))["id"].to_list(),
    }


def flat_metrics(metrics: dict, prefix: str = "") -> dict[str, float]:
    """`recall`, `recall/<category>`, `false_alarm_rate/<category>` … → value: for Dagster metadata and MLflow."""
    out = {}
    for key in ("recall", "false_alarm_rate", "hard_false_alarm_rate", "category_accuracy", "recall_either_tier",
                "false_alarm_rate_either_tier", "hard_false_alarm_rate_either_tier"):
        out[f"{prefix}{key}"] = metrics[key]["value"]
    for group in ("recall_by_category", "false_alarm_rate_by_category"):
        name = group.replace("_by_category", "")
        for cat, figure in metrics[group].items():
            out[f"{prefix}{name}/{cat}"] = figure["value"]
    return out
