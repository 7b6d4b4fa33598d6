"""core.data.dedup: exact and near duplicates within and across sources, deterministic survivors."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from medchat_pipeline.config.data import DedupConfig
from medchat_pipeline.core.data.clean import content_ids
from medchat_pipeline.core.data.dedup import dedup_qac

CASE = (
    "A 45 year old man presents with crushing chest pain radiating to the left arm and sweating for two hours "
    "after climbing stairs at home; he smokes and has untreated hypertension. What is the most likely diagnosis?"
)


def frame(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    """(source, question, answer) → QAC rows with content ids."""
    df = pl.DataFrame(
        [
            {"source": s, "source_id": f"{s}-{i}", "group_id": f"{s}-{i}", "kind": "qa", "context": "", "question": q, "answer": a}
            for i, (s, q, a) in enumerate(rows)
        ],
        schema={c: pl.String for c in ("source", "source_id", "group_id", "kind", "context", "question", "answer")},
    )
    return df.with_columns(content_ids(df))


def test_exact_duplicates_after_normalization_keep_one_survivor_across_sources():
    df = frame([("medqa", CASE, "Myocardial infarction"), ("medmcqa", CASE.upper() + "!!", "myocardial infarction.")])
    result = dedup_qac(df, DedupConfig(prefer_sources=["medqa"]))
    assert result.kept["source"].to_list() == ["medqa"]
    reject = result.rejects.row(0, named=True)
    assert (reject["stage"], reject["reason"], reject["source"]) == ("dedup", "exact_duplicate", "medmcqa")
    assert reject["detail"] == result.kept["id"][0]
    assert result.stats["cross_source_duplicates"] == 1


def test_near_duplicates_are_dropped_and_distinct_rows_kept():
    near = CASE.replace("at home", "at his home")
    distinct = "What is the first line treatment of uncomplicated type 2 diabetes in an adult without contraindications?"
    df = frame([("medqa", CASE, "Myocardial infarction"), ("medqa", near, "Myocardial infarction"), ("medqa", distinct, "Metformin")])
    result = dedup_qac(df)
    assert result.kept.height == 2
    assert result.rejects["reason"].to_list() == ["near_duplicate"]
    assert result.rejects["detail"][0] in result.kept["id"].to_list()
    assert result.stats["near_duplicates"] == 1


def test_threshold_is_configurable():
    edited = CASE.replace("two hours", "2 hours").replace("at home", "in the mall")
    df = frame([("medqa", CASE, "MI"), ("medqa", edited, "MI")])
    assert dedup_qac(df, DedupConfig(near_threshold=0.99)).kept.height == 2
    assert dedup_qac(df, DedupConfig(near_threshold=0.5)).kept.height == 1


def test_survivor_does_not_depend_on_input_order():
    df = frame([("icliniq", CASE, "MI"), ("healthcaremagic", CASE, "MI"), ("medqa", CASE.lower(), "mi")])
    first = sorted(dedup_qac(df).kept["id"].to_list())
    assert sorted(dedup_qac(df.reverse()).kept["id"].to_list()) == first
    assert sorted(dedup_qac(df.sample(fraction=1.0, shuffle=True, seed=3)).kept["id"].to_list()) == first


def test_disabled_stages_keep_everything():
    df = frame([("medqa", CASE, "MI"), ("medqa", CASE, "MI")])
    assert dedup_qac(df, DedupConfig(exact=False, near=False)).kept.height == 2


def test_empty_and_wordless_rows_pass_through():
    assert dedup_qac(frame([("medqa", "x", "y")]).clear()).kept.is_empty()
    df = frame([("medqa", "???", "!!!"), ("medqa", "Is it fine?", "Yes")])
    assert dedup_qac(df).kept.height == 2


texts = st.sampled_from([CASE, CASE.lower(), "What causes gout?", "What causes gout ?", "Is aspirin safe?", "Dose of amoxicillin?"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["medqa", "icliniq"]), texts, st.sampled_from(["A", "B"])), max_size=15))
def test_every_row_is_kept_or_rejected_and_survivors_are_kept(rows):
    df = frame(rows)
    result = dedup_qac(df)
    assert result.kept.height + result.rejects.height == df.height
    assert set(result.rejects["detail"].to_list()) <= set(result.kept["id"].to_list())
