"""Dagster wiring for training: base_model → sft_lora_adapter → grpo_adapter (group "training").

Values are small manifest dicts pointing at directories (never pickled models). Each adapter's data
version is the hash of its weights; its manifest.json records every upstream asset event read from the
instance's event log. Training runs in the step (runner: in_process), in a subprocess through Dagster
Pipes (pipes_subprocess: logs and metrics stream into the run), or on a GPU pod (pipes_k8s).
"""

import sys

import dagster as dg
import polars as pl

from medchat_pipeline.config import PipelineConfig, load_config
from medchat_pipeline.core.atomic import atomic_path
from medchat_pipeline.defs.resources import MedchatConfig
from medchat_pipeline.defs.teachers import TeachersResource
from medchat_pipeline.models import resolve_base_model
from medchat_pipeline.training.jobs import AdapterCommitted, TrainingJob, output_dir_for
from medchat_pipeline.training.lineage import upstream_of_inputs
from medchat_pipeline.training.manifest import model_fingerprint, read_manifest
from medchat_pipeline.training.recipe import recipe_hash
from medchat_pipeline.training.runners import k8s_run_kwargs
from medchat_pipeline.training.tracking import Reporter

TRAINING_MIX = dg.AssetKey("training_mix")
# GRPO continues the DPO adapter when the optional DPO stage is on (defs/preference.py), else the SFT one.
GRPO_PARENT = dg.AssetKey("dpo_adapter" if load_config().training.dpo.enabled else "sft_lora_adapter")
# No retry policy on training: Dagster retries a step interrupted by Ctrl-C or SIGTERM when it has one,
# so the first Ctrl-C restarted training. A retry is the next `medchat run`: the same recipe and inputs
# find the same folder and resume from its last complete checkpoint.


@dg.asset(
    group_name="training",
    kinds={"huggingface"},
    pool="gpu",
    description="The base model as a local directory (the demo's GGUF is converted to safetensors once, cached).",
)
def base_model(context: dg.AssetExecutionContext, medchat: MedchatConfig) -> dg.Output[dict]:
    cfg = medchat.cfg.training
    path = resolve_base_model(cfg.base_model)
    fingerprint = model_fingerprint(path, cfg.base_model_revision)
    value = {"model_path": path, "base_model": cfg.base_model, "revision": cfg.base_model_revision, "fingerprint": fingerprint}
    return dg.Output(value, data_version=dg.DataVersion(fingerprint), metadata={"model_path": dg.MetadataValue.path(path)})


@dg.asset(
    group_name="training",
    kinds={"pytorch", "mlflow"},
    pool="gpu",
    ins={"training_mix": dg.AssetIn(key=TRAINING_MIX), "base_model": dg.AssetIn()},
    description="LoRA (QLoRA on GPU) SFT adapter on the training mix: answer-only loss, packing, validation "
    "loss, resumable checkpoints; tracked in MLflow; manifest.json carries the full upstream lineage.",
)
def sft_lora_adapter(
    context: dg.AssetExecutionContext,
    medchat: MedchatConfig,
    pipes_subprocess_client: dg.PipesSubprocessClient,
    training_mix: pl.DataFrame,
    base_model: dict,
) -> dg.Output[dict]:
    job = _job(context, medchat.cfg, "sft", training_mix, base_model, [TRAINING_MIX, dg.AssetKey("base_model")])
    return _adapter_output(_train(context, job, pipes_subprocess_client), base_model)


@dg.asset(
    group_name="training",
    kinds={"pytorch", "mlflow"},
    pool="gpu",
    ins={"training_mix": dg.AssetIn(key=TRAINING_MIX), "sft_lora_adapter": dg.AssetIn(key=GRPO_PARENT), "base_model": dg.AssetIn()},
    description="GRPO adapter continuing the SFT adapter, rewarded by MCQ/yes-no-maybe match, format, MiniLM "
    "similarity, BERTScore, difflib, safety, citations (and optionally a teacher judge); each reward logged.",
)
def grpo_adapter(
    context: dg.AssetExecutionContext,
    medchat: MedchatConfig,
    pipes_subprocess_client: dg.PipesSubprocessClient,
    teachers: TeachersResource,
    training_mix: pl.DataFrame,
    sft_lora_adapter: dict,
    base_model: dict,
) -> dg.Output[dict]:
    keys = [TRAINING_MIX, GRPO_PARENT, dg.AssetKey("base_model")]
    job = _job(context, medchat.cfg, "grpo", training_mix, base_model, keys, parent=sft_lora_adapter["adapter_dir"])
    judge = teachers.pool() if job.training.grpo.rewards.teacher_judge else None
    return _adapter_output(_train(context, job, pipes_subprocess_client, teacher_pool=judge), base_model)


def _job(context, cfg: PipelineConfig, stage: str, mix: pl.DataFrame, base: dict, input_keys, parent=None) -> TrainingJob:
    """Write the job (and the frame it trains on) where a retry of the same inputs will find it."""
    upstream = [entry.as_dict() for entry in upstream_of_inputs(context.instance, input_keys)]
    direct_versions = [e["data_version"] for e in upstream if e["depth"] == 1]
    output_dir = output_dir_for(cfg.storage_path("adapters"), stage, recipe_hash(cfg.training, stage), direct_versions)
    job = TrainingJob(
        stage=stage,
        training=cfg.training,
        base_model_path=base["model_path"],
        train_data=str(output_dir / "training_mix.parquet"),
        output_dir=str(output_dir),
        storage_dir=str(cfg.storage_path()),
        seed=cfg.seed,
        parent_adapter_dir=parent,
        upstream=upstream,
        dagster={"run_id": context.run.run_id, "asset_key": context.asset_key.to_user_string()},
    )
    if job.adapter_committed:  # finished folders never change; _train reuses the adapter
        return job
    train_data = output_dir / "training_mix.parquet"
    if not train_data.exists():  # the folder is named by the data's version: an existing copy is this data
        with atomic_path(train_data) as temporary:
            mix.write_parquet(temporary)
    job.save()
    context.log.info(f"{stage} job at {output_dir}; {len(upstream)} upstream asset events recorded")
    return job


def _train(context, job: TrainingJob, pipes_client: dg.PipesSubprocessClient, teacher_pool=None) -> dict:
    """Train, or reuse the folder's finished adapter: same recipe and same inputs, same adapter, never retrained."""
    if job.adapter_committed:
        context.log.info(f"{job.stage}: reusing the finished adapter {job.adapter_dir} (same recipe and inputs)")
        return read_manifest(job.adapter_dir)
    module = f"medchat_pipeline.training.{job.stage}"
    config_path = f"{job.output_dir}/job.json"
    if job.training.runner == "in_process":
        try:
            return _train_in_process(context, job, teacher_pool)
        except AdapterCommitted:  # another run finished the same folder while this one waited for its lock
            return read_manifest(job.adapter_dir)
    if job.training.runner == "pipes_subprocess":
        invocation = pipes_client.run(context=context, command=[sys.executable, "-m", module, "--config", config_path])
    else:
        try:
            from dagster_k8s import PipesK8sClient
        except ImportError as exc:
            raise RuntimeError("training.runner: pipes_k8s needs the dagster-k8s package (pip install dagster-k8s)") from exc
        invocation = PipesK8sClient().run(context=context, **k8s_run_kwargs(job.training.k8s, module, config_path))
    steps = [m for m in invocation.get_custom_messages() if isinstance(m, dict) and m.get("type") == "metrics"]
    context.log.info(f"{job.stage}: {len(steps)} metric reports streamed from the trainer")
    return read_manifest(job.adapter_dir)


def _train_in_process(context, job: TrainingJob, teacher_pool) -> dict:
    if job.stage == "sft":
        from medchat_pipeline.training.sft import run_sft

        return run_sft(job, _StepLogReporter(context))
    if job.stage == "dpo":
        from medchat_pipeline.training.dpo import run_dpo

        return run_dpo(job, _StepLogReporter(context))
    from medchat_pipeline.training.grpo import run_grpo

    return run_grpo(job, _StepLogReporter(context), teacher_pool=teacher_pool)


class _StepLogReporter(Reporter):
    """In-process runs report into the step's Dagster log, as Pipes runs do."""

    def __init__(self, context) -> None:
        self.context = context

    def log(self, message: str) -> None:
        self.context.log.info(message)

    def metrics(self, step: int, values: dict[str, float]) -> None:
        self.context.log.debug(f"step {step}: " + ", ".join(f"{k}={v:.4g}" for k, v in sorted(values.items())))


def _adapter_output(manifest: dict, base: dict) -> dg.Output[dict]:
    metrics = {k: v for k, v in manifest["metrics"].items() if isinstance(v, (int, float))}
    value = {
        "adapter_dir": manifest["adapter_dir"],
        "base_model_path": base["model_path"],
        "base_model": base["base_model"],
        "stage": manifest["stage"],
        "mlflow_run_id": manifest["mlflow"]["run_id"],
        "recipe_hash": manifest["recipe_hash"],
        "metrics": metrics,
    }
    metadata = {
        "adapter_dir": dg.MetadataValue.path(manifest["adapter_dir"]),
        "mlflow_run_id": manifest["mlflow"]["run_id"],
        "mlflow_tracking_uri": manifest["mlflow"]["tracking_uri"],
        "recipe_hash": manifest["recipe_hash"],
        "loss_mode": manifest["loss_mode"],
        "train_rows": manifest["data"]["train_rows"],
        "git_commit": manifest["git_commit"] or "unknown",
        **{f"metric/{k}": float(v) for k, v in metrics.items()},
    }
    return dg.Output(value, data_version=dg.DataVersion(manifest["adapter_fingerprint"]), metadata=metadata)


defs = dg.Definitions(
    assets=[base_model, sft_lora_adapter, grpo_adapter],
    resources={"pipes_subprocess_client": dg.PipesSubprocessClient()},
)
