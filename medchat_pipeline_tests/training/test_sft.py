"""Real SFT of the demo model on CPU (the `graph` fixture's sft_lora_adapter, trained for one step through
Dagster Pipes): the weights move, the loss is finite, the adapter loads with PEFT and generates, MLflow
has the run, and a rerun of the same job resumes from the last checkpoint in process."""

from __future__ import annotations

import logging
import math
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from medchat_pipeline.training.jobs import TrainingJob
from medchat_pipeline.training.manifest import read_manifest
from medchat_pipeline.training.sft import run_sft

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sft_manifest(graph) -> dict:
    return read_manifest(graph["sft_run"].output_for_node("sft_lora_adapter")["adapter_dir"])


def test_sft_moves_the_lora_weights_and_loss_is_finite(sft_manifest):
    weights = load_file(str(Path(sft_manifest["adapter_dir"]) / "adapter_model.safetensors"))
    lora_b = [t for name, t in weights.items() if "lora_B" in name]
    assert lora_b, "no LoRA B matrices saved"
    # PEFT initialises every B to zero: any non-zero entry was put there by training.
    assert any(t.abs().sum() > 0 for t in lora_b)
    metrics = sft_manifest["metrics"]
    assert metrics["global_step"] == 1
    assert math.isfinite(metrics["train_loss"]) and metrics["train_loss"] > 0
    assert math.isfinite(metrics["eval_loss"])
    assert metrics["train_tokens"] > 0 and metrics["train_tokens_per_second"] > 0


def test_manifest_records_where_the_adapter_came_from(sft_manifest, mlflow_uri):
    assert sft_manifest["stage"] == "sft" and sft_manifest["loss_mode"] == "completion_only"
    assert sft_manifest["base_model"]["fingerprint"].startswith("gguf:")
    assert len(sft_manifest["recipe_hash"]) == 16 and sft_manifest["recipe"]["lora"]["r"] == 8
    assert sft_manifest["data"]["train_rows"] == 8 + 2 and sft_manifest["data"]["eval_rows"] == 1  # + 2 escalation
    assert sft_manifest["metrics"]["escalation_rows"] == 2
    assert sft_manifest["data"]["skipped"] == {"val_over_cap": 1}
    assert {u["asset_key"] for u in sft_manifest["upstream"]} == {"training_mix", "base_model", "raw_fixture_rows"}
    assert sft_manifest["code_version"].startswith("medchat_pipeline")
    assert sft_manifest["git_commit"] is None or len(sft_manifest["git_commit"]) == 40
    assert sft_manifest["mlflow"]["tracking_uri"] == mlflow_uri


def test_mlflow_holds_params_metrics_and_the_adapter(sft_manifest):
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=sft_manifest["mlflow"]["tracking_uri"])
    run = client.get_run(sft_manifest["mlflow"]["run_id"])
    assert run.info.status == "FINISHED"
    assert run.data.params["recipe.lora.r"] == "8"
    assert run.data.params["data.fingerprint"] == sft_manifest["data"]["fingerprint"]
    assert run.data.params["upstream.training_mix"] == next(
        u["data_version"] for u in sft_manifest["upstream"] if u["asset_key"] == "training_mix"
    )
    assert [m.step for m in client.get_metric_history(run.info.run_id, "loss")] == [1]
    assert "eval_loss" in run.data.metrics
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "adapter")}
    assert {"adapter/adapter_model.safetensors", "adapter/manifest.json"} <= artifacts


def test_saved_adapter_loads_with_peft_and_generates(sft_manifest, demo_model_dir):
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(sft_manifest["adapter_dir"])
    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(demo_model_dir), sft_manifest["adapter_dir"])
    model.eval()
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": "What causes gout?"}], add_generation_prompt=True, return_tensors="pt", return_dict=True
    )
    with torch.no_grad():
        out = model.generate(**prompt, max_new_tokens=6, do_sample=False)
    assert out.shape[1] > prompt["input_ids"].shape[1]
    assert tokenizer.decode(out[0, prompt["input_ids"].shape[1] :], skip_special_tokens=True).strip()


def test_rerun_resumes_from_the_last_checkpoint_in_the_same_mlflow_run(sft_manifest, tmp_path, capfd, caplog):
    """A retry finds the job's output directory; here a copy of it, so the graph's adapter stays as it was.
    The Trainer's log dicts go to the reporter (here the Python log), not to stdout."""
    caplog.set_level(logging.INFO, logger="medchat_pipeline.training")
    copied = tmp_path / "sft"
    shutil.copytree(Path(sft_manifest["adapter_dir"]).parent, copied)
    # A folder whose adapter is finished is never trained again: a retry is a run killed before that.
    shutil.rmtree(copied / "adapter")
    job = TrainingJob.load(copied / "job.json")
    longer = job.training.model_copy(update={"sft": job.training.sft.model_copy(update={"max_steps": 2})})
    resumed = run_sft(job.model_copy(update={"output_dir": str(copied), "training": longer}))
    assert resumed["resumed_from_checkpoint"].endswith("checkpoint-1")
    assert resumed["metrics"]["global_step"] == 2
    assert resumed["mlflow"]["run_id"] == sft_manifest["mlflow"]["run_id"]
    assert "'loss'" not in capfd.readouterr().out
    assert any("step 2:" in message and "loss=" in message for message in caplog.messages)
