"""Dagster wiring for the plain exports: QAC files of the merged and training sets, and the merged model.

    merged_qac + training_mix ──► qac_exports    {"context","question","answer",…} as JSONL and CSV
    grpo_adapter + base_model ──► merged_model   adapter folded into the base (training.merged_model.enabled)
"""

import dagster as dg
import polars as pl

from medchat_pipeline.config import load_config
from medchat_pipeline.core.data.templates import export_qac
from medchat_pipeline.defs.resources import MedchatConfig


@dg.asset(
    group_name="data",
    kinds={"json", "csv"},
    ins={"merged_qac": dg.AssetIn(), "training_mix": dg.AssetIn()},
    description="The merged set (every split) and the training set (training_mix) as plain QAC triples "
    "{context, question, answer, rationale, kind, options, answer_key, source, …}: JSONL and CSV under "
    "<storage>/exports/qac, beside the template views of sft_exports (core.data.templates.export_qac).",
)
def qac_exports(medchat: MedchatConfig, merged_qac: pl.DataFrame, training_mix: pl.DataFrame) -> dg.Output[dict]:
    manifest = export_qac({"merged": merged_qac, "training": training_mix}, medchat.cfg.storage_path("exports", "qac"))
    files = manifest["files"]
    return dg.Output(
        manifest,
        metadata={
            "merged_rows": files["merged"]["rows"],
            "training_rows": files["training"]["rows"],
            "merged_jsonl": dg.MetadataValue.path(files["merged"]["jsonl"]),
            "training_csv": dg.MetadataValue.path(files["training"]["csv"]),
        },
    )


@dg.asset(
    group_name="training",
    kinds={"huggingface", "safetensors"},
    pool="gpu",
    ins={"grpo_adapter": dg.AssetIn(), "base_model": dg.AssetIn()},
    description="The final (GRPO) adapter folded into the base model: a plain model directory that "
    "transformers' from_pretrained and vLLM load without PEFT; merged_manifest.json keeps the adapter's "
    "lineage (training.merge.merge_adapter). Content-addressed by the adapter's fingerprint.",
)
def merged_model(medchat: MedchatConfig, grpo_adapter: dict, base_model: dict) -> dg.Output[dict]:
    from medchat_pipeline.training.manifest import read_manifest
    from medchat_pipeline.training.merge import merge_adapter

    cfg = medchat.cfg
    fingerprint = read_manifest(grpo_adapter["adapter_dir"])["adapter_fingerprint"]
    out_dir = cfg.storage_path("merged", fingerprint)
    manifest = merge_adapter(base_model["model_path"], grpo_adapter["adapter_dir"], out_dir, cfg.training.merged_model.dtype)
    value = {k: manifest[k] for k in ("model_dir", "weights_fingerprint", "dtype", "adapter_fingerprint", "adapter_stage")}
    return dg.Output(
        value,
        data_version=dg.DataVersion(manifest["weights_fingerprint"]),
        metadata={"model_dir": dg.MetadataValue.path(manifest["model_dir"]), "dtype": manifest["dtype"],
                  "adapter_fingerprint": manifest["adapter_fingerprint"]},
    )


defs = dg.Definitions(assets=[qac_exports] + ([merged_model] if load_config().training.merged_model.enabled else []))
