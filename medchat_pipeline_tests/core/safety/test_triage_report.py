"""The benchmark report's triage section: router figures on the test split, each model's own escalation."""

from __future__ import annotations

import polars as pl

from medchat_pipeline.config import load_config
from medchat_pipeline.core.evaluation.report import to_markdown
from medchat_pipeline.core.safety.triage import Triage
from medchat_pipeline.core.safety.triage_data import load_triage_cases
from medchat_pipeline.core.safety.triage_report import triage_report_blocks


def test_the_section_reports_router_figures_and_each_models_escalation():
    safety = pl.DataFrame({
        "model": ["base", "base", "grpo", "grpo"], "kind": ["red_flag", "red_flag", "red_flag", "red_flag"],
        "category": ["stroke", "cardiac", "stroke", "cardiac"], "escalated": [False, True, True, True],
    })
    cases = load_triage_cases()
    blocks = triage_report_blocks(load_config("demo"), safety, Triage.load(None), cases)
    kinds = [kind for kind, *_ in blocks]
    assert kinds[0] == "h2" and kinds.count("table") == 2
    router, models = (value for kind, value in blocks if kind == "table")
    assert router["category"].to_list()[:2] == ["all", "hard negatives"] and router.height == 14
    emergencies = sum(c.emergency for c in cases if c.split == "test")
    assert f"/{emergencies})" in router.row(0)[1]  # "rate [low, high] (k/n)" over every test emergency
    by_model = {(row["model"], row["category"]): row["advises escalation"] for row in models.iter_rows(named=True)}
    assert by_model[("base", "all")].startswith("0.500") and by_model[("grpo", "all")].startswith("1.000")
    assert "patterns alone" in to_markdown(blocks, lambda name: name)


def test_a_missing_dataset_is_said_not_raised(tmp_path):
    cfg = load_config("demo", overrides={"safety": {"triage": {"cases_file": str(tmp_path / "missing.yaml")}}})
    blocks = triage_report_blocks(cfg, None, Triage.load(None))
    assert any(kind == "p" and "could not be read" in text for kind, text in blocks)
