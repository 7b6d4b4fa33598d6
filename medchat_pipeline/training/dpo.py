"""DPO on the judge-ranked preference pairs with TRL's DPOTrainer, between SFT and GRPO (optional).

    python -m medchat_pipeline.training.dpo --config <output_dir>/job.json

The SFT adapter is loaded trainable onto the base model; TRL copies it into a frozen "ref" adapter,
so the reference policy is the SFT model (not the bare base). Pairs are conversational: the same
system prompt and user message as SFT (core/data/templates.chat_messages), the judge's best answer
as `chosen`, its worst as `rejected`. Only split=train pairs train. The adapter loads onto the same
base model as the SFT one; GRPO continues it when `training.dpo.enabled`.
"""

from __future__ import annotations

import math
from pathlib import Path

import polars as pl

from medchat_pipeline.core.data.templates import chat_messages, user_message
from medchat_pipeline.training.data import PreparedRows, frame_fingerprint
from medchat_pipeline.training.jobs import TrainingJob
from medchat_pipeline.training.manifest import read_manifest
from medchat_pipeline.training.recipe import check_recipe, load_base_model, load_tokenizer
from medchat_pipeline.training.session import run_job_file, run_trainer, save_adapter, trainer_args, training_session
from medchat_pipeline.training.tracking import Reporter

PAIR_COLUMNS = ("id", "split", "context", "question", "chosen", "rejected")


def load_pairs(job: TrainingJob, max_train_rows: int | None) -> PreparedRows:
    """The train-split preference pairs; pairs that cannot train are counted by reason, never dropped silently."""
    path = Path(job.train_data)
    if not path.exists():
        raise FileNotFoundError(f"train_data {path} does not exist")
    pairs = pl.read_parquet(path)
    missing = [c for c in PAIR_COLUMNS if c not in pairs.columns]
    if missing:
        raise ValueError(f"{path}: preference pairs lack column(s) {missing}; expected {list(PAIR_COLUMNS)}")
    skipped: dict[str, int] = {}
    for reason, condition in (
        ("empty_question", _blank("question")),
        ("empty_chosen_or_rejected", _blank("chosen") | _blank("rejected")),
        ("chosen_equals_rejected", pl.col("chosen").str.strip_chars() == pl.col("rejected").str.strip_chars()),
        ("split_not_train", pl.col("split").fill_null("") != "train"),
    ):
        count = pairs.filter(condition).height
        if count:
            skipped[reason] = count
        pairs = pairs.filter(~condition)
    if pairs.is_empty():
        raise ValueError(
            f"no usable split=train preference pairs in {path} (left out: {skipped or 'none'}); the pairs come from "
            "preference_pairs: distill with several teachers or distill.samples_per_question > 1, and a judge teacher"
        )
    if max_train_rows is not None and pairs.height > max_train_rows:
        skipped["train_over_cap"] = pairs.height - max_train_rows
        pairs = pairs.sample(n=max_train_rows, seed=job.seed, shuffle=True)
    return PreparedRows(train=pairs, val=pairs.head(0), skipped=skipped, fingerprint=frame_fingerprint(pairs))


def _blank(column: str) -> pl.Expr:
    return pl.col(column).is_null() | (pl.col(column).str.strip_chars() == "")


def dpo_dataset(pairs: pl.DataFrame, system_prompt: str):
    """Conversational preference rows: `prompt` (system + user), `chosen` and `rejected` assistant turns."""
    from datasets import Dataset

    rows = []
    for row in pairs.iter_rows(named=True):
        rows.append(
            {
                "prompt": chat_messages(user_message({"context": row["context"], "question": row["question"]}), system_prompt),
                "chosen": [{"role": "assistant", "content": row["chosen"].strip()}],
                "rejected": [{"role": "assistant", "content": row["rejected"].strip()}],
            }
        )
    return Dataset.from_list(rows)


def dpo_config(job: TrainingJob):
    from trl import DPOConfig

    dpo = job.training.dpo
    return DPOConfig(
        **trainer_args(job, dpo),
        beta=dpo.beta,
        loss_type=[dpo.loss_type],
        max_length=dpo.max_length,
    )


def run_dpo(job: TrainingJob, reporter: Reporter | None = None) -> dict:
    """Train from the SFT adapter on the preference pairs, save `<output_dir>/adapter` with manifest.json."""
    from peft import PeftModel
    from trl import DPOTrainer

    if job.stage != "dpo":
        raise ValueError(f"run_dpo got a {job.stage!r} job")
    reporter = reporter or Reporter()
    cfg = job.training
    parent = read_manifest(job.parent_adapter_dir)
    tokenizer = load_tokenizer(job.base_model_path, cfg.base_model_revision)
    check_recipe(cfg, tokenizer)
    rows = load_pairs(job, cfg.dpo.max_train_rows)
    extra_params = {"parent_adapter": parent["adapter_fingerprint"], "preference_pairs": rows.train.height}
    with training_session(job, reporter, rows, extra_params) as session:
        model = PeftModel.from_pretrained(
            load_base_model(cfg, job.base_model_path), job.parent_adapter_dir, is_trainable=True
        )
        trainer = DPOTrainer(
            model=model,
            args=dpo_config(job),
            train_dataset=dpo_dataset(rows.train, cfg.system_prompt),
            processing_class=tokenizer,
            callbacks=[session.callback],
        )
        metrics = run_trainer(session, trainer)
        last = session.callback.last
        for name in ("rewards/accuracies", "rewards/margins", "rewards/chosen", "rewards/rejected"):
            if name in last:
                metrics[name.replace("rewards/", "reward_")] = last[name]
        if not math.isfinite(metrics["train_loss"]):
            raise FloatingPointError(f"DPO produced a non-finite loss {metrics}; lower the learning rate or beta")
        # Only the trained adapter is saved: TRL's frozen "ref" copy is the SFT adapter, already on disk.
        if "ref" in model.peft_config:
            model.delete_adapter("ref")
        parent_info = {
            "adapter_dir": job.parent_adapter_dir,
            "recipe_hash": parent["recipe_hash"],
            "mlflow_run_id": parent["mlflow"]["run_id"],
            "adapter_fingerprint": parent["adapter_fingerprint"],
        }
        return save_adapter(session, trainer, tokenizer, metrics, "dpo", parent=parent_info)


def main(argv: list[str] | None = None) -> None:
    run_job_file(
        run_dpo,
        argv,
        prog="python -m medchat_pipeline.training.dpo",
        description="Train a DPO adapter from an SFT adapter and preference pairs, from a job file (written by the "
        "dpo_adapter asset, or by hand).",
    )


if __name__ == "__main__":
    main()
