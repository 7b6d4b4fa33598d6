"""Content versions of produced frames (core.data.source_version.frame_content_version)."""

from __future__ import annotations

import polars as pl

from medchat_pipeline.core.data.source_version import frame_content_version

FRAME = pl.DataFrame(
    {
        "id": ["a", "b", "c"],
        "question": ["What is anemia?", "Dose of ibuprofen for an adult with a sprained ankle?", None],
        "options": [["iron", "B12"], None, []],
        "score": [0.5, 1.0, None],
    }
)


def test_the_same_rows_give_the_same_version_whatever_the_memory_layout():
    rebuilt = pl.concat([FRAME.slice(0, 1), FRAME.slice(1, 2)], rechunk=False)
    assert rebuilt.n_chunks() > 1
    assert frame_content_version(rebuilt) == frame_content_version(FRAME)
    assert frame_content_version(pl.DataFrame(FRAME.to_dicts(), schema=FRAME.schema)) == frame_content_version(FRAME)


def test_any_changed_value_order_or_type_gives_a_new_version():
    version = frame_content_version(FRAME)
    changed = [
        FRAME.with_columns(pl.when(pl.col("id") == "b").then(pl.lit("Dose?")).otherwise(pl.col("question")).alias("question")),
        FRAME.reverse(),
        FRAME.with_columns(pl.col("score").cast(pl.Float32)),
        FRAME.rename({"score": "weight"}),
        FRAME.head(2),
    ]
    versions = {frame_content_version(frame) for frame in changed}
    assert version not in versions and len(versions) == len(changed)


def test_large_frames_are_hashed_in_slices_with_the_same_result_as_one_piece(monkeypatch):
    from medchat_pipeline.core.data import source_version

    frame = pl.DataFrame({"n": list(range(1000)), "text": [f"row {i}" for i in range(1000)]})
    whole = frame_content_version(frame)
    monkeypatch.setattr(source_version, "_HASH_SLICE_ROWS", 64)
    assert frame_content_version(frame) == whole
    assert frame_content_version(pl.concat([frame.head(500), frame.tail(500)], rechunk=False)) == whole
