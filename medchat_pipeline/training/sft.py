"""Supervised fine-tuning of a LoRA (or QLoRA) adapter with TRL's SFTTrainer.

    python -m medchat_pipeline.training.sft --config <output_dir>/job.json

Answer-only loss (assistant-only when the chat template marks assistant turns, else completion-only),
best-fit packing without padding, validation loss on split=val rows, checkpoints every save_steps and
resume from the last one. Launched by Dagster Pipes, its logs and metrics stream to the Dagster run.
"""

from __future__ import annotations

import math

import polars as pl

from medchat_pipeline.core.data.templates import user_message
from medchat_pipeline.core.similarity import paired_cosine
from medchat_pipeline.training.data import (
    ESCALATION_SOURCE,
    PLAIN_SOURCE,
    PreparedRows,
    drop_longer_than,
    escalation_rows,
    frame_fingerprint,
    keep_on_topic,
    non_emergency_rows,
    plain_answer_problem,
    sft_dataset,
    whole_sentences,
)
from medchat_pipeline.training.jobs import TrainingJob
from medchat_pipeline.training.recipe import check_recipe, load_base_model, load_tokenizer, lora_config
from medchat_pipeline.training.session import (
    load_rows,
    run_job_file,
    run_trainer,
    save_adapter,
    trainer_args,
    training_session,
)
from medchat_pipeline.training.tracking import Reporter


def sft_config(job: TrainingJob, loss_mode: str, has_eval: bool):
    from trl import SFTConfig

    sft = job.training.sft
    return SFTConfig(
        **trainer_args(job, sft),
        num_train_epochs=sft.num_train_epochs,
        warmup_steps=sft.warmup_ratio,
        weight_decay=sft.weight_decay,
        per_device_eval_batch_size=sft.per_device_eval_batch_size,
        max_length=sft.max_length,
        packing=sft.packing,
        packing_strategy="bfd",
        padding_free=sft.padding_free,
        completion_only_loss=loss_mode == "completion_only",
        assistant_only_loss=loss_mode == "assistant_only",
        logging_first_step=True,
        eval_strategy="steps" if has_eval else "no",
        eval_steps=sft.eval_steps,
        include_num_input_tokens_seen="non_padding",
    )


def keep_rows_that_fit(rows: PreparedRows, tokenizer, system_prompt: str, max_length: int) -> None:
    """Leave out (and count) rows longer than max_length, whose answer truncation would cut off."""
    for name in ("train", "val"):
        kept, dropped = drop_longer_than(getattr(rows, name), tokenizer, system_prompt, max_length)
        if dropped:
            rows.skipped[f"{name}_longer_than_max_length"] = dropped
        setattr(rows, name, kept)
    rows.fingerprint = frame_fingerprint(pl.concat([rows.train, rows.val], how="diagonal_relaxed"))


def answer_plainly(
    frame: pl.DataFrame, model_path: str, system_prompt: str, max_new_tokens: int, log=print,
    min_similarity: float = -1.0, cap: int | None = None, filler: tuple[str, ...] = (), repetition_penalty: float = 1.0,
) -> tuple[pl.DataFrame, dict[str, int]]:
    """The base model's own greedy answers to non-emergency prompts, keeping only plain ones free of `filler`
    (see `plain_answer_problem`), on topic (MiniLM prompt–answer cosine ≥ `min_similarity`) and at most `cap`, the
    most on-topic first (`keep_on_topic`); the rest are left out and counted by reason. Training on the base
    model's answers to these prompts teaches SFT nothing about them except that they are not emergencies, so
    what it learns from the escalation examples stays with the emergencies; the filler patterns and the cap keep
    the base model's stock phrases from becoming a lesson of their own. They are decoded as served
    (`repetition_penalty`, prompt.repetition_penalty)."""
    from medchat_pipeline.evaluation.evaluate import TransformersBackend

    if frame.is_empty():
        return frame, {}
    turns = [user_message(row) for row in frame.iter_rows(named=True)]  # the user turn the model answers
    backend = TransformersBackend(model_path, batch_size=16)
    try:
        prompts = [backend.chat(turn, system_prompt) for turn in turns]
        log(f"answering {len(prompts)} non-emergency prompts with the base model (plain counterparts)")
        answers, _ = backend.generate(prompts, max_new_tokens, desc="plain answers", repetition_penalty=repetition_penalty)
    finally:
        backend.close()
    answers = [whole_sentences(answer) for answer in answers]  # an answer cut at max_new_tokens would teach stopping mid-word
    problems = [plain_answer_problem(answer, filler) for answer in answers]
    skipped: dict[str, int] = {}
    for problem in filter(None, problems):
        skipped[problem] = skipped.get(problem, 0) + 1
    usable = [problem is None for problem in problems]
    answered = frame.with_columns(pl.Series("answer", answers, dtype=pl.String)).filter(pl.Series(usable))
    similarity = [float(value) for value in paired_cosine([t for t, ok in zip(turns, usable) if ok],
                                                          answered["answer"].to_list())]
    kept, left_out = keep_on_topic(answered, similarity, min_similarity, cap)
    if kept.height:
        log(f"plain counterparts: {kept.height} kept (prompt-answer similarity {min(kept['plain_similarity']):.2f}"
            f"-{max(kept['plain_similarity']):.2f}), left out {skipped | left_out or 'none'}")
    return kept.drop("plain_similarity"), skipped | left_out


def run_sft(job: TrainingJob, reporter: Reporter | None = None) -> dict:
    """Train, save `<output_dir>/adapter` with manifest.json, and return the manifest."""
    from trl import SFTTrainer

    if job.stage != "sft":
        raise ValueError(f"run_sft got a {job.stage!r} job")
    reporter = reporter or Reporter()
    cfg = job.training
    tokenizer = load_tokenizer(job.base_model_path, cfg.base_model_revision)
    check = check_recipe(cfg, tokenizer)
    escalation = cfg.escalation_examples
    extra = escalation_rows(escalation, escalation.sft_rows, job.seed) if escalation.enabled else None
    plain_skipped: dict[str, int] = {}
    if escalation.enabled and escalation.plain_counterparts:
        cap = escalation.plain_rows or (extra.height if extra is not None else None)
        plain, plain_skipped = answer_plainly(non_emergency_rows(escalation, escalation.plain_candidates, job.seed),
                                              job.base_model_path, cfg.system_prompt, escalation.plain_max_new_tokens,
                                              reporter.log, escalation.plain_min_similarity, cap,
                                              tuple(escalation.plain_filler_patterns), cfg.repetition_penalty)
        extra = pl.concat([frame for frame in (extra, plain) if frame is not None and frame.height], how="diagonal_relaxed")
    rows = load_rows(job, cfg.sft.max_train_rows, cfg.sft.max_eval_rows, extra_train=extra)
    rows.skipped.update(plain_skipped)
    keep_rows_that_fit(rows, tokenizer, cfg.system_prompt, cfg.sft.max_length)
    if rows.train.is_empty():
        raise ValueError(f"no training row fits in training.sft.max_length = {cfg.sft.max_length} tokens; raise it "
                         f"(left out: {rows.skipped})")
    train = sft_dataset(rows.train, cfg.system_prompt, check.loss_mode)
    val = sft_dataset(rows.val, cfg.system_prompt, check.loss_mode) if rows.val.height else None
    escalation_count = rows.train.filter(pl.col("source") == ESCALATION_SOURCE).height
    plain_count = rows.train.filter(pl.col("source") == PLAIN_SOURCE).height
    counts = {"escalation_rows": escalation_count, "plain_counterpart_rows": plain_count}
    with training_session(job, reporter, rows, {"loss_mode": check.loss_mode, **counts}) as session:
        trainer = SFTTrainer(
            model=load_base_model(cfg, job.base_model_path),
            args=sft_config(job, check.loss_mode, has_eval=val is not None),
            train_dataset=train,
            eval_dataset=val,
            processing_class=tokenizer,
            peft_config=lora_config(cfg),
            callbacks=[session.callback],
        )
        metrics = {**run_trainer(session, trainer), "train_tokens": trainer.state.num_input_tokens_seen,
                   "train_rows": rows.train.height, **counts}
        if metrics["train_runtime_s"]:
            metrics["train_tokens_per_second"] = metrics["train_tokens"] / metrics["train_runtime_s"]
        if val is not None:
            metrics["eval_loss"] = trainer.evaluate()["eval_loss"]
        if not all(math.isfinite(float(v)) for v in metrics.values()):
            raise FloatingPointError(f"SFT produced non-finite metrics {metrics}; lower the learning rate or check the data")
        return save_adapter(session, trainer, tokenizer, metrics, check.loss_mode, parent=None)


def main(argv: list[str] | None = None) -> None:
    run_job_file(
        run_sft,
        argv,
        prog="python -m medchat_pipeline.training.sft",
        description="Train a LoRA SFT adapter from a job file (written by the sft_lora_adapter asset, or by hand).",
    )


if __name__ == "__main__":
    main()
