"""GRPO on top of the SFT adapter with TRL's GRPOTrainer and the rewards of core/rewards.py.

    python -m medchat_pipeline.training.grpo --config <output_dir>/job.json

The SFT adapter is loaded trainable onto the base model and trained further, so the GRPO adapter
loads onto the same base model as the SFT one. Each reward's weight comes from
`training.grpo.rewards`; TRL logs each reward's curve separately (`rewards/<name>/mean`), and those
curves go to MLflow and, under Pipes, to Dagster.
"""

from __future__ import annotations

import math

from medchat_pipeline.core.rewards import build_reward_functions
from medchat_pipeline.training.data import escalation_rows, grpo_dataset, non_emergency_rows
from medchat_pipeline.training.jobs import TrainingJob
from medchat_pipeline.training.manifest import read_manifest
from medchat_pipeline.training.recipe import check_recipe, load_base_model, load_tokenizer
from medchat_pipeline.training.session import (
    load_rows,
    run_job_file,
    run_trainer,
    save_adapter,
    trainer_args,
    training_session,
)
from medchat_pipeline.training.tracking import Reporter


def grpo_config(job: TrainingJob, reward_weights: list[float]):
    from trl import GRPOConfig

    grpo = job.training.grpo
    return GRPOConfig(
        **trainer_args(job, grpo),
        num_generations=grpo.num_generations,
        max_completion_length=grpo.max_completion_length,
        temperature=grpo.temperature,
        beta=grpo.beta,
        loss_type=grpo.loss_type,
        reward_weights=reward_weights,
    )


def grpo_extra_rows(escalation, seed: int):
    """The triage dataset's prompts GRPO trains on beside the mix: `grpo_rows` dev emergencies (safety_penalty
    rewards their escalation) and `grpo_plain_rows` dev non-emergencies (false_escalation_penalty punishes
    it there); None when there are none."""
    import polars as pl

    frames = [frame for frame in (
        escalation_rows(escalation, escalation.grpo_rows, seed) if escalation.grpo_rows else None,
        non_emergency_rows(escalation, escalation.grpo_plain_rows, seed).with_columns(pl.lit("").alias("answer"))
        if escalation.grpo_plain_rows else None,
    ) if frame is not None and frame.height]
    return pl.concat(frames, how="diagonal_relaxed") if frames else None


def run_grpo(job: TrainingJob, reporter: Reporter | None = None, teacher_pool=None) -> dict:
    """Train from the SFT adapter, save `<output_dir>/adapter` with manifest.json, return the manifest.

    `teacher_pool` (a TeacherPool from the "teachers" resource) is needed only when the teacher_judge
    reward has a weight; judge failures are counted in the manifest, never turned into scores.
    """
    from peft import PeftModel
    from trl import GRPOTrainer

    if job.stage != "grpo":
        raise ValueError(f"run_grpo got a {job.stage!r} job")
    reporter = reporter or Reporter()
    cfg = job.training
    parent = read_manifest(job.parent_adapter_dir)
    tokenizer = load_tokenizer(job.base_model_path, cfg.base_model_revision)
    check_recipe(cfg, tokenizer)
    # Decoder-only generation needs left padding so every prompt ends where its completion starts.
    tokenizer.padding_side = "left"
    escalation = cfg.escalation_examples
    extra = grpo_extra_rows(escalation, job.seed) if escalation.enabled else None
    rows = load_rows(job, cfg.grpo.max_train_rows, max_eval_rows=None, extra_train=extra)
    if rows.val.height:  # GRPO has no validation pass; say so rather than report rows it never read
        rows.skipped["val_unused_by_grpo"] = rows.val.height
        rows.val = rows.val.head(0)
    judge_failures: list = []
    reward_functions, weights = build_reward_functions(
        cfg.grpo.rewards.enabled(), teacher_pool=teacher_pool, judge_teacher=cfg.grpo.judge_teacher, judge_failures=judge_failures
    )
    reward_names = [f.__name__ for f in reward_functions]
    extra_params = {"rewards": dict(zip(reward_names, weights)), "parent_adapter": parent["adapter_fingerprint"]}
    with training_session(job, reporter, rows, extra_params) as session:
        model = PeftModel.from_pretrained(
            load_base_model(cfg, job.base_model_path), job.parent_adapter_dir, is_trainable=True
        )
        trainer = GRPOTrainer(
            model=model,
            reward_funcs=reward_functions,
            args=grpo_config(job, weights),
            train_dataset=grpo_dataset(rows.train, cfg.system_prompt),
            processing_class=tokenizer,
            callbacks=[session.callback],
        )
        metrics = {
            **run_trainer(session, trainer),
            **{f"reward/{name}": session.callback.last[f"rewards/{name}/mean"]
               for name in reward_names if f"rewards/{name}/mean" in session.callback.last},
        }
        if "reward" in session.callback.last:
            metrics["reward"] = session.callback.last["reward"]
        if judge_failures:
            metrics["teacher_judge_failures"] = len(judge_failures)
        if not math.isfinite(metrics["train_loss"]):
            raise FloatingPointError(f"GRPO produced a non-finite loss {metrics}; lower the learning rate")
        # TRL trained against a frozen copy of the SFT adapter named "ref" (beta > 0); the GRPO adapter is the
        # "default" one, and the copy is not saved beside it.
        if "ref" in getattr(trainer.model, "peft_config", {}):
            trainer.model.delete_adapter("ref")
        parent_info = {
            "adapter_dir": job.parent_adapter_dir,
            "recipe_hash": parent["recipe_hash"],
            "mlflow_run_id": parent["mlflow"]["run_id"],
            "adapter_fingerprint": parent["adapter_fingerprint"],
        }
        return save_adapter(session, trainer, tokenizer, metrics, "grpo", parent=parent_info)


def main(argv: list[str] | None = None) -> None:
    run_job_file(
        run_grpo,
        argv,
        prog="python -m medchat_pipeline.training.grpo",
        description="Train a GRPO adapter from an SFT adapter, from a job file (written by the grpo_adapter asset, or by hand).",
    )


if __name__ == "__main__":
    main()
