"""Drop training rows that contain evaluation material.

An evaluation item (a held-out test row, a benchmark question) is its context + question. A
training row (context + question + answer) is contaminated by an item when it contains at least
`threshold` of the item's word n-grams, or when its normalized question equals the item's (which
also covers items shorter than one n-gram). N-grams shared by more than `max_items_per_ngram`
items are boilerplate and ignored. The work is a hash join in chunks of training rows, so memory
stays flat as the training set grows.

    items = pl.concat([eval_items(test_rows, "test"), eval_items(benchmark_rows, "benchmark:medqa")])
    result = decontaminate(train_rows, items, cfg.data.decontamination)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from medchat_pipeline.config.data import DecontaminationConfig
from medchat_pipeline.core.data.clean import rows_to_rejects
from medchat_pipeline.core.data.dedup import normalized_text, shingle_hashes
from medchat_pipeline.core.data.schema import REJECT_SCHEMA

STAGE = "decontaminate"
_CHUNK_ROWS = 50_000


@dataclass
class DecontaminationResult:
    kept: pl.DataFrame
    rejects: pl.DataFrame
    stats: dict[str, int] = field(default_factory=dict)


def eval_items(rows: pl.DataFrame, origin: str) -> pl.DataFrame:
    """Evaluation items from QAC rows: `eval_item` ("<origin>:<source>:<source_id>") and `text`."""
    return rows.select(
        pl.format("{}:{}:{}", pl.lit(origin), pl.col("source"), pl.coalesce("source_id", "id")).alias("eval_item"),
        pl.concat_str([pl.col("context").fill_null(""), pl.col("question").fill_null("")], separator="\n").alias(
            "text"
        ),
        normalized_text(pl.col("question")).alias("question_key"),
    )


def decontaminate(
    train: pl.DataFrame, items: pl.DataFrame, cfg: DecontaminationConfig | None = None
) -> DecontaminationResult:
    cfg = cfg or DecontaminationConfig()
    if train.is_empty() or items.is_empty() or not cfg.enabled:
        return DecontaminationResult(
            kept=train, rejects=pl.DataFrame(schema=REJECT_SCHEMA), stats=_stats(train.height, train.height, items)
        )
    item_ngrams, item_sizes = _item_ngram_table(items, cfg)
    train_text = train.select(
        pl.concat_str(
            [pl.col(c).fill_null("") for c in ("context", "question", "answer")], separator="\n"
        )
    ).to_series()
    hits = [
        _ngram_hits(train_text.slice(start, _CHUNK_ROWS), start, item_ngrams, item_sizes, cfg)
        for start in range(0, train.height, _CHUNK_ROWS)
    ]
    hits.append(_question_hits(train, items))
    best = (
        pl.concat(hits)
        .sort(["row", "containment", "item"], descending=[False, True, False])
        .unique("row", keep="first", maintain_order=True)
        .join(items.select("eval_item").with_row_index("item"), on="item")
        .drop("item")
    )
    flagged = train.with_row_index("row").join(best, on="row", how="inner", maintain_order="left")
    detail = flagged.select(
        pl.format("{} (n-gram containment {})", pl.col("eval_item"), pl.col("containment").round(3))
    ).to_series()
    rejects = rows_to_rejects(flagged.drop("row", "eval_item", "containment"), STAGE, "contaminated", detail)
    kept = train.with_row_index("row").join(best, on="row", how="anti", maintain_order="left").drop("row")
    return DecontaminationResult(kept=kept, rejects=rejects, stats=_stats(train.height, kept.height, items))


def _item_ngram_table(items: pl.DataFrame, cfg: DecontaminationConfig) -> tuple[pl.DataFrame, pl.DataFrame]:
    rows, hashes = shingle_hashes(items["text"], cfg.ngram, short_texts_as_words=False)
    table = pl.DataFrame({"item": rows, "ngram": hashes}).unique()
    sizes = table.group_by("item").agg(pl.len().alias("item_ngrams"))
    common = table.group_by("ngram").agg(pl.len().alias("n_items")).filter(pl.col("n_items") > cfg.max_items_per_ngram)
    return table.join(common, on="ngram", how="anti"), sizes


def _ngram_hits(
    texts: pl.Series, offset: int, item_ngrams: pl.DataFrame, item_sizes: pl.DataFrame, cfg: DecontaminationConfig
) -> pl.DataFrame:
    rows, hashes = shingle_hashes(texts, cfg.ngram, short_texts_as_words=False)
    chunk = pl.DataFrame({"row": rows.astype("int64") + offset, "ngram": hashes}).unique()
    return (
        chunk.join(item_ngrams, on="ngram")
        .group_by("row", "item")
        .agg(pl.len().alias("shared"))
        .join(item_sizes, on="item")
        .with_columns((pl.col("shared") / pl.col("item_ngrams")).alias("containment"))
        .filter(pl.col("containment") >= cfg.threshold)
        .select(pl.col("row").cast(pl.UInt32), pl.col("item").cast(pl.UInt32), "containment")
    )


def _question_hits(train: pl.DataFrame, items: pl.DataFrame) -> pl.DataFrame:
    keys = items.with_row_index("item").filter(pl.col("question_key") != "").select("item", "question_key")
    return (
        train.select(normalized_text(pl.col("question")).alias("question_key"))
        .with_row_index("row")
        .join(keys, on="question_key")
        .select("row", "item", pl.lit(1.0).alias("containment"))
    )


def _stats(n_in: int, n_kept: int, items: pl.DataFrame) -> dict:
    # "benchmark:medqa:medqa:123" → "benchmark:medqa"; "test:medmcqa:9" → "test"
    origin = pl.col("eval_item").str.extract(r"^(benchmark:[^:]+|[^:]+)")
    by_origin = dict(items.group_by(origin.alias("origin")).len().sort("origin").iter_rows()) if items.height else {}
    return {"in": n_in, "kept": n_kept, "rejected": n_in - n_kept, "eval_items": items.height,
            "eval_items_by_origin": by_origin}
