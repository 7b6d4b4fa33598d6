"""Review sample: stratified, dosages over-sampled, CSV + HTML export, verdicts read back."""

from __future__ import annotations

import polars as pl
import pytest

from medchat_pipeline.config.augment import ReviewConfig
from medchat_pipeline.core.distill.review import export_review, read_verdicts, rejected_ids, review_sample
from medchat_pipeline_tests.core.generation_fixtures import qac_frame, qac_row


def _mix(n_per_source: int = 100) -> pl.DataFrame:
    rows = []
    for source in ("medquad", "healthcaremagic"):
        for i in range(n_per_source):
            answer = f"Take ibuprofen {200 + i} mg with food." if i % 10 == 1 else f"Rest and fluids, note {i}."
            rows.append(qac_row(source, f"{source} question {i}?", answer))
    frame = qac_frame(rows)
    origin = pl.Series("origin", ["distilled" if i % 2 else "original" for i in range(frame.height)])
    return frame.with_columns(origin, pl.lit(None, pl.String()).alias("teacher"))


def test_sample_is_stratified_and_skips_original_rows():
    sample = review_sample(_mix(), ReviewConfig(fraction=0.05), seed=0)
    assert set(sample["origin"]) == {"distilled"}
    assert sample.group_by("source").len().sort("source")["len"].to_list() == [3, 3]  # ceil(5% of 50)


def test_drug_dosages_are_over_sampled():
    frame = _mix(400)
    dose_share = frame.filter(pl.col("origin") == "distilled")["answer"].str.contains(" mg").mean()
    picked = pl.concat([review_sample(frame, ReviewConfig(fraction=0.1, dosage_weight=4.0), seed=s) for s in range(20)])
    assert picked["dose_mentioned"].mean() > 2 * dose_share


def test_export_and_verdicts_round_trip(tmp_path):
    sample = review_sample(_mix(), ReviewConfig(fraction=0.05), seed=0)
    csv_path, html_path = tmp_path / "review.csv", tmp_path / "review.html"
    export_review(sample, csv_path, html_path)
    exported = pl.read_csv(csv_path, infer_schema_length=0)
    assert exported["id"].to_list() == sample["id"].to_list() and "verdict" in exported.columns
    assert html_path.read_text().count("<tr") == sample.height + 1 and "&lt;" not in sample["question"][0]

    ids = exported["id"].to_list()
    filled = exported.with_columns(
        pl.Series("verdict", ["Reject", "accepted"] + [""] * (len(ids) - 2)), pl.lit("dose wrong").alias("note")
    )
    filled.write_csv(tmp_path / "verdicts.csv")
    verdicts = read_verdicts(tmp_path / "verdicts.csv")
    assert verdicts.rows() == [(ids[0], "reject", "dose wrong"), (ids[1], "accept", "dose wrong")]
    assert rejected_ids(verdicts) == [ids[0]]
    again = review_sample(_mix(), ReviewConfig(fraction=0.05), seed=0, reviewed_ids=verdicts["id"].to_list())
    assert not set(again["id"]) & {ids[0], ids[1]}


def test_verdicts_file_errors_are_clear(tmp_path):
    assert read_verdicts(tmp_path / "absent.csv").is_empty()
    (tmp_path / "v.csv").write_text("id,verdict\nabc,maybe later\n")
    with pytest.raises(ValueError, match="unknown verdict.*abc='maybe later'"):
        read_verdicts(tmp_path / "v.csv")
    (tmp_path / "w.csv").write_text("identifier,decision\nabc,reject\n")
    with pytest.raises(ValueError, match="lacks column"):
        read_verdicts(tmp_path / "w.csv")
