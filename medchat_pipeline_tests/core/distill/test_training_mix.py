"""training_mix: distilled/original share, test split never enters, reviewer vetoes honoured."""

from __future__ import annotations

import polars as pl
import pytest

from medchat_pipeline.config.augment import MixConfig
from medchat_pipeline.core.data.schema import qac_id
from medchat_pipeline.core.distill.training_mix import training_mix
from medchat_pipeline_tests.core.generation_fixtures import qac_frame, qac_row


def _derived(parents: list[dict], origin: str, n_each: int = 1) -> pl.DataFrame:
    rows = []
    for parent in parents:
        for i in range(n_each):
            answer = f"{origin} answer {i} to {parent['question']}"
            rows.append({**parent, "id": qac_id(parent["source"], "", parent["question"], answer), "answer": answer,
                         "origin": origin, "parent_id": parent["id"], "teacher": "test/model"})  # fmt: skip
    frame = qac_frame([{k: v for k, v in r.items() if k not in ("origin", "parent_id", "teacher")} for r in rows])
    return frame.with_columns(
        pl.Series("origin", [r["origin"] for r in rows]),
        pl.Series("parent_id", [r["parent_id"] for r in rows]),
        pl.Series("teacher", [r["teacher"] for r in rows]),
    )


@pytest.fixture()
def merged():
    rows = [qac_row("medquad", f"What is condition number {i}?", f"Answer {i}.", split="train") for i in range(60)]
    rows += [qac_row("medquad", f"What is val condition {i}?", f"Val {i}.", split="val") for i in range(10)]
    rows += [qac_row("medquad", f"What is test condition {i}?", f"Test {i}.", split="test") for i in range(10)]
    return qac_frame(rows)


@pytest.mark.parametrize("share", [0.7, 0.5])
def test_mix_meets_the_configured_share_per_split(merged, share):
    parents = merged.filter(pl.col("split") != "test").to_dicts()
    distilled = _derived(parents, "distilled", n_each=3)  # 3:1 distilled: the distilled side is cut
    result = training_mix(merged, distilled, _derived(parents[:5], "augmented"), MixConfig(distilled_share=share), seed=1)
    frame = result.frame
    for split, n_orig in (("train", 60), ("val", 10)):
        part = frame.filter(pl.col("split") == split)
        n_dist = part.filter(pl.col("origin") == "distilled").height
        assert part.filter(pl.col("origin") == "original").height == n_orig
        assert n_dist == round(n_orig * share / (1 - share))
    assert frame.filter(pl.col("origin") == "augmented").height == 5
    assert result.stats["distilled_share_achieved"]["train"] == pytest.approx(share, abs=0.01)


def test_original_is_downsampled_when_distilled_is_scarce(merged):
    parents = merged.filter(pl.col("split") == "train").head(7).to_dicts()
    result = training_mix(merged, _derived(parents, "distilled"), pl.DataFrame(), MixConfig(), seed=1)
    train = result.frame.filter(pl.col("split") == "train")
    assert train.group_by("origin").len().sort("origin").rows() == [("distilled", 7), ("original", 3)]
    # no distilled val rows: the share cannot be met there, so val originals stay whole
    assert result.frame.filter(pl.col("split") == "val").height == 10


def test_test_split_and_its_descendants_never_enter(merged):
    test_parents = merged.filter(pl.col("split") == "test").to_dicts()
    leaked = _derived(test_parents, "distilled").with_columns(pl.lit("train").alias("split"))
    result = training_mix(merged, leaked, pl.DataFrame(), MixConfig(), seed=1)
    test_ids = set(merged.filter(pl.col("split") == "test")["id"])
    assert set(result.frame["split"]) <= {"train", "val"}
    assert not set(result.frame["id"]) & test_ids and not set(result.frame["parent_id"].drop_nulls()) & test_ids
    assert result.rejects["reason"].to_list() == ["test_split_derived"] * 10
    assert result.stats["test_rows_excluded"] == 10


def test_reviewer_rejected_rows_drop_out_and_config_excludes_augmented(merged):
    parents = merged.filter(pl.col("split") == "train").to_dicts()
    distilled = _derived(parents, "distilled")
    vetoed = distilled["id"][:3].to_list()
    result = training_mix(merged, distilled, _derived(parents[:4], "augmented"),
                          MixConfig(distilled_share=0.5, include_augmented=False), seed=1, rejected_ids=vetoed)  # fmt: skip
    assert not set(vetoed) & set(result.frame["id"])
    assert result.rejects["reason"].to_list() == ["reviewer_rejected"] * 3
    assert "augmented" not in set(result.frame["origin"])
    available = result.stats["available"]
    assert available["distilled"] == 57 and available["original"] == 70
    assert result.frame.height + result.stats["not_sampled"] == available["original"] + available["distilled"]
