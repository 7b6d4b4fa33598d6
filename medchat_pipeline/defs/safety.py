"""Dagster wiring for medical safety: the labelled triage cases and the triage model trained on them.

triage_dataset (configs/safety/triage_cases.yaml, validated) → triage_model (head + threshold on the dev
split, figures on dev and test, <storage>/models/triage/latest pointed at it). Serving, routing, the
benchmark report and the GRPO safety reward load the model through that pointer
(core/safety/triage.load_triage); until the first materialization they use the patterns alone.
"""

import dagster as dg
import polars as pl

from medchat_pipeline.defs.io_manager import frame_output
from medchat_pipeline.defs.resources import MedchatConfig

TRIAGE_DATASET = dg.AssetKey("triage_dataset")


@dg.asset(
    group_name="safety",
    kinds={"polars", "yaml"},
    description="Labelled triage conversations (configs/safety/triage_cases.yaml, see its README): emergencies "
    "in 12 categories and non-emergencies (education, history, figurative, mild, medication, everyday, real "
    "patient messages), each family in dev or test; real messages of sets with no licence are read from the "
    "data slices ($MEDCHAT_SHARED_DATA) and left out, with the reason in metadata, when absent; plus the spent "
    "blind sets of safety.triage.extra_dev_sets (origins blind1 to blind34), in dev only.",
)
def triage_dataset(medchat: MedchatConfig) -> dg.Output[pl.DataFrame]:
    from medchat_pipeline.core.safety.triage_data import (
        dataset_summary,
        dataset_version,
        default_cases_path,
        load_dataset_cases,
        triage_frame,
    )

    config = medchat.cfg.safety.triage
    path = config.cases_file or str(default_cases_path())
    left_out = []  # real messages whose slice is absent or changed (their texts are not in the repository)
    cases = load_dataset_cases(config, left_out=left_out)
    summary = dataset_summary(cases)
    return frame_output(
        triage_frame(cases),
        metadata={
            "cases_file": dg.MetadataValue.path(path),
            "extra_dev_sets": dg.MetadataValue.json(config.extra_dev_sets),
            "dataset_version": dataset_version(cases),
            "families": summary["families"],
            **{f"origin/{origin}": n for origin, n in summary["by_origin"].items()},
            **{f"{split}/{key}": summary[split][key] for split in ("dev", "test")
               for key in ("emergencies", "non_emergencies", "hard_negatives", "real")},
            "summary": dg.MetadataValue.json(summary),
            "left_out": len(left_out),
            "left_out_cases": dg.MetadataValue.json([
                {"id": case.id, "source": case.source, "reason": case.reason} for case in left_out]),
        },
    )


@dg.asset(
    group_name="safety",
    kinds={"scikitlearn", "numpy"},
    ins={"triage_dataset": dg.AssetIn(key=TRIAGE_DATASET)},
    description="Triage classifier (MiniLM token embeddings, the patterns' context flags and character/word "
    "n-gram TF-IDF + logistic heads) trained on the dev split, its "
    "threshold chosen for recall on dev within the false-alarm budget, and a lower possible-emergency threshold "
    "(a one-line safety net before the answer, no takeover); recall and false-alarm rates per category with 95% "
    "intervals on test, for the emergency tier and for either tier; <storage>/models/triage/latest points at it.",
)
def triage_model(context: dg.AssetExecutionContext, medchat: MedchatConfig, triage_dataset: pl.DataFrame) -> dg.Output[dict]:
    from medchat_pipeline.core.safety.triage_build import build_triage_model
    from medchat_pipeline.core.safety.triage_data import cases_from_frame
    from medchat_pipeline.training.lineage import upstream_of_inputs

    cfg = medchat.cfg
    upstream = [entry.as_dict() for entry in upstream_of_inputs(context.instance, [TRIAGE_DATASET])]
    lineage = {"upstream": upstream, "run_id": context.run.run_id, "asset_key": context.asset_key.to_user_string()}
    manifest = build_triage_model(cases_from_frame(triage_dataset), cfg.safety.triage, cfg.storage_path(), lineage)
    test = manifest["metrics"].get("test", {})
    context.log.info(
        f"triage model at {manifest['model_dir']}: threshold {manifest['threshold']:.3f} ({manifest['threshold_rule']}); "
        f"test recall {test.get('recall', {}).get('value', float('nan')):.3f}, "
        f"hard false alarms {test.get('hard_false_alarm_rate', {}).get('value', float('nan')):.3f}; possible-emergency "
        f"threshold {manifest['possible_threshold']} ({manifest['possible_threshold_rule']}): either tier recall "
        f"{test.get('recall_either_tier', {}).get('value', float('nan')):.3f}, hard false alarms "
        f"{test.get('hard_false_alarm_rate_either_tier', {}).get('value', float('nan')):.3f}"
    )
    value = {key: manifest[key] for key in ("model_dir", "threshold", "threshold_rule", "possible_threshold",
                                            "possible_threshold_rule", "dataset_version", "pointer")}
    value["metrics"] = manifest["metrics_flat"]
    return dg.Output(
        value,
        data_version=dg.DataVersion(manifest["head_sha256"][:16]),
        metadata={
            "model_dir": dg.MetadataValue.path(manifest["model_dir"]),
            "pointer": dg.MetadataValue.path(manifest["pointer"]),
            "threshold": float(manifest["threshold"]),
            "threshold_rule": manifest["threshold_rule"],
            # None (no tier) is left out: Dagster metadata has no null float.
            **({"possible_threshold": float(manifest["possible_threshold"])}
               if manifest["possible_threshold"] is not None else {}),
            "possible_threshold_rule": str(manifest["possible_threshold_rule"]),
            "dataset_version": manifest["dataset_version"],
            "patterns_version": manifest["patterns_version"],
            "dev_out_of_fold": dg.MetadataValue.json(manifest["dev_out_of_fold"]),
            "training": dg.MetadataValue.json(manifest["training"]),
            "test_figures": dg.MetadataValue.json(test),
            **{key: float(v) for key, v in manifest["metrics_flat"].items() if v == v},
        },
    )


defs = dg.Definitions(assets=[triage_dataset, triage_model])
