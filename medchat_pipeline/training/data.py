"""From the polars training mix to the `datasets.Dataset`s TRL takes.

One chat turn per row: the system prompt, the user's (context +) question (+ lettered options), and
the reference answer. MCQ and yes/no/maybe answers end with "Final Answer: X", the form the benchmark
and the GRPO rewards parse (core/evaluation/answer_extract.py), so SFT teaches the format GRPO then rewards.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import polars as pl

from medchat_pipeline.core.data.templates import assistant_message, chat_messages, user_message

REQUIRED_COLUMNS = ("id", "kind", "context", "question", "answer", "split")


@dataclass
class PreparedRows:
    train: pl.DataFrame
    val: pl.DataFrame
    skipped: dict[str, int] = field(default_factory=dict)  # reason → rows left out (never silently)
    fingerprint: str = ""  # content hash of the rows actually trained on


def prompt_messages(row: dict, system_prompt: str) -> list[dict[str, str]]:
    return chat_messages(user_message(row), system_prompt)


def prepare_rows(mix: pl.DataFrame, max_train_rows: int | None, max_eval_rows: int | None, seed: int) -> PreparedRows:
    """Split into train/val, leave out rows that cannot train (counted by reason), cap, fingerprint."""
    missing = [c for c in REQUIRED_COLUMNS if c not in mix.columns]
    if missing:
        raise ValueError(f"training_mix lacks column(s) {missing}; it must hold the QAC columns plus split")
    skipped: dict[str, int] = {}
    blank_question = pl.col("question").is_null() | (pl.col("question").str.strip_chars() == "")
    blank_answer = (pl.col("answer").is_null() | (pl.col("answer").str.strip_chars() == "")) & (
        pl.col("answer_key").is_null() if "answer_key" in mix.columns else pl.lit(True)
    )
    bad_split = ~pl.col("split").is_in(["train", "val"])
    for reason, condition in (("empty_question", blank_question), ("empty_answer", blank_answer), ("split_not_train_or_val", bad_split)):
        count = mix.filter(condition).height
        if count:
            skipped[reason] = count
        mix = mix.filter(~condition)
    train = mix.filter(pl.col("split") == "train")
    val = mix.filter(pl.col("split") == "val")
    if train.is_empty():
        raise ValueError(f"training_mix has no usable split=train rows (left out: {skipped or 'none'})")
    for name, frame, cap in (("train", train, max_train_rows), ("val", val, max_eval_rows)):
        if cap is not None and frame.height > cap:
            skipped[f"{name}_over_cap"] = frame.height - cap
    train = train.sample(n=min(train.height, max_train_rows or train.height), seed=seed, shuffle=True)
    val = val.sample(n=min(val.height, max_eval_rows or val.height), seed=seed, shuffle=True)
    return PreparedRows(train=train, val=val, skipped=skipped, fingerprint=frame_fingerprint(pl.concat([train, val], how="diagonal_relaxed")))


def frame_fingerprint(frame: pl.DataFrame) -> str:
    """Order-independent content hash of the rows' ids and texts."""
    digest = hashlib.sha256()
    columns = [c for c in ("id", "split", "question", "answer", "answer_key") if c in frame.columns]
    for row in sorted(frame.select(columns).iter_rows()):
        digest.update("\x1f".join("" if v is None else str(v) for v in row).encode("utf-8", "surrogatepass"))
        digest.update(b"\x1e")
    return digest.hexdigest()[:16]


def sft_dataset(frame: pl.DataFrame, system_prompt: str, loss_mode: str):
    """Conversational rows: `messages` (assistant-only or full loss) or `prompt`/`completion` (completion-only)."""
    from datasets import Dataset

    rows = []
    for row in frame.iter_rows(named=True):
        prompt = prompt_messages(row, system_prompt)
        completion = [{"role": "assistant", "content": assistant_message(row)}]
        rows.append({"prompt": prompt, "completion": completion} if loss_mode == "completion_only" else {"messages": prompt + completion})
    return Dataset.from_list(rows)


def grpo_dataset(frame: pl.DataFrame, system_prompt: str):
    """`prompt` (conversational) plus the reference columns the rewards receive as keyword arguments."""
    from datasets import Dataset

    rows = []
    for row in frame.iter_rows(named=True):
        rows.append(
            {
                "prompt": prompt_messages(row, system_prompt),
                "id": row["id"],
                "kind": row["kind"],
                "answer": assistant_message(row),
                "answer_key": row.get("answer_key"),
                "options": list(row["options"]) if row.get("options") is not None else None,
            }
        )
    return Dataset.from_list(rows)
