"""The optional DPO stage and the merged model, materialized on the session's training graph (real
SmolLM2, real Dagster instance): dpo_adapter continues the SFT adapter on preference pairs with its
own tracked run and lineage; merged_model folds the GRPO adapter into plain transformers weights."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
import yaml

from medchat_pipeline.config import load_config
from medchat_pipeline.defs import exports, preference, training
from medchat_pipeline.defs.io_manager import MedchatIOManager
from medchat_pipeline.defs.resources import MedchatConfig
from medchat_pipeline.defs.teachers import TeachersResource
from medchat_pipeline.training.manifest import read_manifest
from medchat_pipeline_tests.training.conftest import fixture_training_mix, raw_fixture_rows, tiny_recipe

PAIRS = [
    ("What causes gout?", "Uric acid crystals deposit in joints when blood uric acid is high.",
     "Gout is caused by eating too many oranges."),
    ("Drug of choice for absence seizures in a child?", "Ethosuximide.", "Phenytoin is always first choice."),
    ("How is type 2 diabetes diagnosed?", "Fasting glucose of 126 mg/dL or more, or HbA1c of 6.5% or more.",
     "By a single urine test at home."),
    ("Vitamin deficiency causing Wernicke encephalopathy?", "Thiamine (vitamin B1).", "Vitamin C."),
]


@dg.asset(name="preference_pairs", group_name="augment", kinds={"polars"},
          description="Stands in for the judge-ranked preference_pairs: hand-written chosen/rejected answers.")
def fixture_preference_pairs() -> pl.DataFrame:
    return pl.DataFrame([
        {"id": f"p{i}", "source": "fixture", "parent_id": f"q{i}", "split": "train", "context": "", "question": q,
         "chosen": good, "rejected": bad, "chosen_id": f"c{i}", "rejected_id": f"r{i}", "chosen_teacher": "t1",
         "rejected_teacher": "t2", "judge": "fixture"}
        for i, (q, good, bad) in enumerate(PAIRS)
    ] + [{"id": "held", "source": "fixture", "parent_id": "qv", "split": "val", "context": "", "question": "?",
          "chosen": "a", "rejected": "b", "chosen_id": "cv", "rejected_id": "rv", "chosen_teacher": "t1",
          "rejected_teacher": "t2", "judge": "fixture"}])


@pytest.mark.slow
def test_dpo_adapter_and_merged_model(graph, mlflow_uri, tmp_path):
    root = graph["home"].parent
    cfg = load_config("demo").model_dump()
    cfg["training"] = tiny_recipe(mlflow_uri, runner="in_process").model_dump()
    cfg["training"]["dpo"] = {"enabled": True, "max_steps": 1, "learning_rate": 1e-3, "per_device_train_batch_size": 2,
                              "gradient_accumulation_steps": 1, "max_length": 128, "gradient_checkpointing": False,
                              "logging_steps": 1, "save_steps": 1}
    cfg["training"]["merged_model"] = {"enabled": True}
    cfg["storage_dir"] = str(root / "storage")
    profile = tmp_path / "dpo.yaml"
    profile.write_text(yaml.safe_dump(cfg))
    medchat = MedchatConfig(profile=str(profile))
    assets = [raw_fixture_rows, fixture_training_mix, training.base_model, training.sft_lora_adapter,
              training.grpo_adapter, fixture_preference_pairs, preference.dpo_adapter, exports.merged_model]
    result = dg.materialize(
        assets,
        selection=["preference_pairs", "dpo_adapter", "merged_model"],
        resources={"io_manager": MedchatIOManager(base_path=str(root / "assets")), "medchat": medchat,
                   "teachers": TeachersResource(medchat=medchat), **training.defs.resources},
        instance=graph["instance"],
    )
    assert result.success
    dpo = result.output_for_node("dpo_adapter")
    sft = graph["sft_run"].output_for_node("sft_lora_adapter")
    manifest = read_manifest(dpo["adapter_dir"])
    assert manifest["stage"] == "dpo" and manifest["loss_mode"] == "dpo"
    assert manifest["parent_adapter"]["adapter_fingerprint"] == read_manifest(sft["adapter_dir"])["adapter_fingerprint"]
    assert manifest["adapter_fingerprint"] != manifest["parent_adapter"]["adapter_fingerprint"]  # the update moved it
    assert manifest["data"]["train_rows"] == 4 and manifest["data"]["skipped"] == {"split_not_train": 1}
    assert {u["asset_key"] for u in manifest["upstream"]} >= {"preference_pairs", "sft_lora_adapter", "base_model"}
    assert manifest["mlflow"]["run_id"] and "reward_accuracies" in manifest["metrics"]
    assert not (Path(dpo["adapter_dir"]) / "ref").exists()  # TRL's frozen reference copy is not saved

    merged = result.output_for_node("merged_model")
    grpo = graph["grpo_run"].output_for_node("grpo_adapter")
    assert merged["adapter_fingerprint"] == read_manifest(grpo["adapter_dir"])["adapter_fingerprint"]
    _assert_merged_equals_adapter(merged["model_dir"], grpo["base_model_path"], grpo["adapter_dir"])
    lineage = json.loads((Path(merged["model_dir"]) / "merged_manifest.json").read_text())
    assert lineage["adapter_manifest"]["stage"] == "grpo"


def _assert_merged_equals_adapter(model_dir: str, base_path: str, adapter_dir: str) -> None:
    """Plain transformers loads the merged directory (no PEFT) and computes what base + adapter computes."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    ids = tokenizer("What causes gout?", return_tensors="pt")["input_ids"]
    plain = AutoModelForCausalLM.from_pretrained(model_dir).eval()
    adapted = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base_path), adapter_dir).eval()
    with torch.inference_mode():
        torch.testing.assert_close(plain(ids).logits, adapted(ids).logits, atol=1e-4, rtol=1e-4)
        greedy = plain.generate(ids, max_new_tokens=8, do_sample=False)
    assert greedy.shape[1] > ids.shape[1]
