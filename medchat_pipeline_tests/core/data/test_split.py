"""core.data.split, core.data.decontaminate, core.data.mix and core.data.merge: leak-free stable splits, decontamination,
downsampling mix, and counts that add up through every stage."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medchat_pipeline.config.data import (
    DataConfig,
    DecontaminationConfig,
    SplitConfig,
    WeightBucket,
    WeightsConfig,
)
from medchat_pipeline.core.data.clean import clean_qac, content_ids
from medchat_pipeline.core.data.decontaminate import decontaminate, eval_items
from medchat_pipeline.core.data.merge import merge_qac
from medchat_pipeline.core.data.mix import bucket_targets, weighted_mix
from medchat_pipeline.core.data.split import assign_splits, split_leakage

QAC_COLUMNS = ("source", "source_id", "group_id", "kind", "context", "question", "answer")
SOURCES = ["medmcqa", "pubmedqa", "icliniq", "medqa"]
CASE = (
    "A 45 year old man presents with crushing chest pain radiating to the left arm and sweating for two "
    "hours; he smokes and has untreated hypertension. What is the most likely diagnosis?"
)


def frame(rows: list[dict]) -> pl.DataFrame:
    df = pl.DataFrame(rows, schema={c: pl.String for c in QAC_COLUMNS})
    return df.with_columns(content_ids(df))


def row(source: str, i: int, group: str | None = None, question: str | None = None, answer: str = "An answer.") -> dict:
    return {
        "source": source,
        "source_id": f"{source}-{i}",
        "group_id": group if group is not None else f"{source}-g{i}",
        "kind": "qa",
        "context": "",
        "question": question or f"Question number {i} from {source} about topic {i * 7919 % 1000}?",
        "answer": answer,
    }


# ---- split ---------------------------------------------------------------------------------


def test_split_fractions_are_close_to_configured_and_groups_stay_whole():
    df = frame([row("medqa", i, group=f"g{i // 3}") for i in range(6000)])
    split = assign_splits(df, SplitConfig(), seed=13)
    shares = split["split"].value_counts(normalize=True)
    share = dict(zip(shares["split"], shares["proportion"]))
    assert share["train"] == pytest.approx(0.8, abs=0.03)
    assert share["val"] == pytest.approx(0.1, abs=0.02)
    assert share["test"] == pytest.approx(0.1, abs=0.02)
    assert split_leakage(split).is_empty()


def test_a_groups_split_does_not_change_when_unrelated_rows_are_added():
    base = frame([row("medqa", i) for i in range(300)])
    more = frame([row("medqa", i) for i in range(300)] + [row("icliniq", i) for i in range(500)])
    before = assign_splits(base, seed=7).select("id", "split")
    after = assign_splits(more, seed=7).join(before, on="id", suffix="_before")
    assert after.height == 300
    assert (after["split"] == after["split_before"]).all()


def test_seed_changes_the_assignment():
    df = frame([row("medqa", i) for i in range(300)])
    assert assign_splits(df, seed=1)["split"].to_list() != assign_splits(df, seed=2)["split"].to_list()


def test_split_fractions_must_sum_to_one():
    with pytest.raises(ValueError, match="must be 1"):
        SplitConfig(train=0.8, val=0.2, test=0.1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 25), st.sampled_from(SOURCES)), min_size=1, max_size=80),
    st.integers(0, 2**31),
)
def test_no_group_ever_crosses_splits(groups, seed):
    df = frame([row(source, i, group=f"g{g}") for i, (g, source) in enumerate(groups)])
    split = assign_splits(df, seed=seed)
    assert split_leakage(split).is_empty()
    assert split.group_by("group_id").agg(pl.col("split").n_unique())["split"].max() == 1


# ---- decontamination -----------------------------------------------------------------------


def test_training_rows_containing_an_eval_item_are_dropped_with_the_item_named():
    train = frame(
        [
            row("medqa", 1, question="Patient asks: " + CASE + " Thanks."),
            row("medqa", 2, question="What is the mechanism of action of metformin in the liver?"),
            row("medqa", 3, question="what causes gout"),
        ]
    )
    benchmark = frame([row("medqa", 9, question=CASE)])
    test_split = frame([row("icliniq", 8, question="What causes gout?")])
    items = pl.concat([eval_items(benchmark, "benchmark"), eval_items(test_split, "test")])
    result = decontaminate(train, items, DecontaminationConfig(threshold=0.5))
    assert result.kept["source_id"].to_list() == ["medqa-2"]
    details = dict(zip(result.rejects["source_id"], result.rejects["detail"]))
    assert details["medqa-1"].startswith("benchmark:medqa:medqa-9")
    assert details["medqa-3"].startswith("test:icliniq:icliniq-8")
    assert set(result.rejects["reason"]) == {"contaminated"}


def test_threshold_decides_partial_overlap():
    half = " ".join(CASE.split()[: len(CASE.split()) // 2 + 2])
    train = frame([row("medqa", 1, question=half + " and something else entirely different here")])
    items = eval_items(frame([row("medqa", 9, question=CASE)]), "benchmark")
    assert decontaminate(train, items, DecontaminationConfig(threshold=0.3)).kept.is_empty()
    assert decontaminate(train, items, DecontaminationConfig(threshold=0.9)).kept.height == 1


def test_boilerplate_ngrams_shared_by_many_items_are_not_evidence():
    stem = "which of the following is the most likely diagnosis in this patient"
    items = eval_items(frame([row("medqa", i, question=f"Case {i} unique words {i * 13}. {stem}?") for i in range(30)]), "benchmark")
    train = frame([row("medqa", 1, question=f"A new child with rash. {stem}?")])
    cfg = DecontaminationConfig(threshold=0.3, max_items_per_ngram=5)
    assert decontaminate(train, items, cfg).kept.height == 1


# ---- weighted mix --------------------------------------------------------------------------


def test_bucket_targets_downsample_the_over_represented_bucket():
    assert bucket_targets({"reasoning": 300, "chat": 300}, {"reasoning": 0.75, "chat": 0.25}) == {"reasoning": 300, "chat": 100}
    assert bucket_targets({"reasoning": 30, "chat": 300}, {"reasoning": 0.75, "chat": 0.25}) == {"reasoning": 30, "chat": 10}
    assert bucket_targets({"reasoning": 30}, {"reasoning": 0.75, "chat": 0.25}) == {"reasoning": 30, "chat": 0}


def test_mix_reaches_the_shares_in_train_and_leaves_val_test_and_unbucketed_sources_alone():
    rows = [row("medmcqa", i) for i in range(300)] + [row("icliniq", i) for i in range(300)] + [row("medqa", i) for i in range(50)]
    df = assign_splits(frame(rows), seed=13)
    result = weighted_mix(df, WeightsConfig(), seed=13)
    train = result.kept.filter(pl.col("split") == "train")
    reasoning = train.filter(pl.col("source") == "medmcqa").height
    conversational = train.filter(pl.col("source") == "icliniq").height
    assert reasoning / (reasoning + conversational) == pytest.approx(0.75, abs=0.01)
    assert reasoning == df.filter((pl.col("split") == "train") & (pl.col("source") == "medmcqa")).height
    for split in ("val", "test"):
        assert result.kept.filter(pl.col("split") == split).height == df.filter(pl.col("split") == split).height
    assert result.kept.filter(pl.col("source") == "medqa").height == 50
    assert set(result.rejects["reason"]) == {"mix_downsampled"}
    assert result.kept.height + result.rejects.height == df.height
    assert weighted_mix(df, WeightsConfig(), seed=13).kept["id"].to_list() == result.kept["id"].to_list()


def test_weights_config_catches_mistakes():
    with pytest.raises(ValueError, match="sum to 1"):
        WeightsConfig(buckets={"a": WeightBucket(share=0.5, sources=["medqa"])})
    with pytest.raises(ValueError, match="both buckets"):
        WeightsConfig(buckets={"a": WeightBucket(share=0.5, sources=["medqa"]), "b": WeightBucket(share=0.5, sources=["medqa"])})
    with pytest.raises(ValueError, match="unknown source"):
        WeightBucket(share=1.0, sources=["medqaa"])


# ---- the whole merge: conservation ---------------------------------------------------------

questions = st.sampled_from(
    [CASE, CASE.lower(), "What causes gout?", "Why?", "", "<p></p>", "Is aspirin safe in pregnancy at term?",
     "What is the dose of amoxicillin for a child with otitis media?"]
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(SOURCES), st.integers(0, 12), questions, st.sampled_from(["Yes.", "No.", "", "Rest."])),
        max_size=40,
    ),
    st.integers(0, 1000),
)
def test_counts_add_up_through_clean_dedup_decontaminate_and_mix(records, seed):
    df = frame([row(s, i, group=f"g{g}", question=q, answer=a) for i, (s, g, q, a) in enumerate(records)])
    cleaned = clean_qac(df)
    assert cleaned.kept.height + cleaned.rejects.height == df.height
    cfg = DataConfig(decontamination=DecontaminationConfig(ngram=3, threshold=0.5))
    merged = merge_qac([cleaned.kept], cfg, seed=seed)
    assert merged.merged.height + merged.rejects.height == cleaned.kept.height == merged.stats["in"]
    assert split_leakage(merged.merged).is_empty()
    stage_counts = merged.rejects.group_by("stage").len()
    assert set(stage_counts["stage"]) <= {"dedup", "decontaminate", "mix"}
    accounted = set(merged.merged["source_id"]) | set(merged.rejects["source_id"])
    assert accounted == set(cleaned.kept["source_id"])
