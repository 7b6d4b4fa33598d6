"""Dagster wiring for the promotion gate: benchmark_report → serving_champion (group "serving").

The decision is core.evaluation.promotion.decide_promotion; this asset reads the report's per-item
results, the current champion's record, and writes the new record to <storage>/serving/champion.json,
which serving loads (serving.small.adapter: champion). The value is the champion record; its data
version names the champion, so it changes only when another model is promoted. The decision, its
reason and every figure behind it are the materialization's metadata, and `lineage/grpo_adapter`
names the GRPO event the champion came from, which `medchat lineage serving_champion` follows.
"""

import hashlib
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import polars as pl

from medchat_pipeline.core.atomic import atomic_write
from medchat_pipeline.core.evaluation.promotion import CHAMPION_FILE, Scored, decide_promotion, read_champion
from medchat_pipeline.defs.resources import MedchatConfig

GRPO = dg.AssetKey("grpo_adapter")


@dg.asset(
    group_name="serving",
    kinds={"json"},
    ins={"benchmark_report": dg.AssetIn(), "grpo_adapter": dg.AssetIn(), "base_model": dg.AssetIn()},
    description="The model serving loads: the newly benchmarked adapter replaces the champion only when it is "
    "non-inferior (paired-bootstrap 95% CI of the per-item difference above -promotion.margin) and not worse on "
    "safety (no new emergency misses); the base model alone until an adapter earns it "
    "(core.evaluation.promotion). Written to <storage>/serving/champion.json; the decision and its evidence are metadata.",
)
def serving_champion(
    context: dg.AssetExecutionContext, medchat: MedchatConfig, benchmark_report: dict, grpo_adapter: dict, base_model: dict
) -> dg.Output[dict]:
    cfg = medchat.cfg
    path = cfg.storage_path(*CHAMPION_FILE)
    current = read_champion(path)
    grpo_event = context.instance.get_latest_data_version_record(GRPO, is_source=False)
    challenger_version = grpo_event.asset_materialization.tags.get("dagster/data_version") if grpo_event else None
    label = benchmark_report["models"][-1]["name"]  # the most-trained model of the report: the challenger
    results, safety = _read(benchmark_report.get("results")), _read(benchmark_report.get("safety"))
    base_record = _record("base_model", None, base_model, base_model.get("fingerprint"), "base", benchmark_report, None)
    champion_record = current or base_record
    if current and current.get("adapter_dir") == grpo_adapter["adapter_dir"]:
        decision_text, reason, evidence, new = "unchanged", "the challenger already is the champion", {}, current
    else:
        challenger = Scored(f"grpo_adapter {challenger_version}", _of(results, label), _of(safety, label))
        champion_results = results if current is None else _read(current["results"])
        champion_safety = safety if current is None else _read(current["safety"])
        champion = Scored(
            f"{champion_record['model']} {champion_record['data_version']}",
            _of(champion_results, champion_record["label"]),
            _of(champion_safety, champion_record["label"]),
        )
        decision = decide_promotion(challenger, champion, cfg.promotion, cfg.seed)
        decision_text, reason, evidence = ("promoted" if decision.promote else "kept"), decision.reason, decision.evidence
        if decision.promote:
            new = _record("grpo_adapter", grpo_adapter["adapter_dir"], base_model, challenger_version, label,
                          benchmark_report, grpo_event.storage_id if grpo_event else None)  # fmt: skip
        else:
            new = champion_record
        new = _keep_evidence(new, cfg.storage_path("serving", "evidence"))
        atomic_write(path, json.dumps(new, indent=2, sort_keys=True))
    context.log.info(f"serving champion {decision_text}: {reason}")
    metadata = {
        "decision": decision_text,
        "reason": reason,
        "evidence": dg.MetadataValue.json(evidence),
        "champion": f"{new['model']} {new['data_version']}",
        "champion_adapter_dir": new["adapter_dir"] or "(base model alone)",
        "challenger": f"grpo_adapter {challenger_version}",
        "benchmark_run_id": benchmark_report.get("run_id", ""),
        "champion_file": dg.MetadataValue.path(str(path)),
    }
    if new.get("grpo_event") is not None:
        metadata["lineage/grpo_adapter"] = int(new["grpo_event"])
    identity = json.dumps([new["model"], new["data_version"]])
    version = "champion-" + hashlib.blake2b(identity.encode(), digest_size=8).hexdigest()
    return dg.Output(new, data_version=dg.DataVersion(version), metadata=metadata)


def _record(model: str, adapter_dir, base_model: dict, data_version, label: str, report: dict, grpo_event) -> dict:
    return {
        "model": model,
        "adapter_dir": adapter_dir,
        "base_model_path": base_model["model_path"],
        "data_version": data_version,
        "label": label,
        "results": report.get("results"),
        "safety": report.get("safety"),
        "benchmark_run_id": report.get("run_id"),
        "grpo_event": grpo_event,
        "decided_at": datetime.now(timezone.utc).isoformat(),
    }


def _keep_evidence(record: dict, evidence_dir: Path) -> dict:
    """Copy the champion's per-item results beside the record, so that the next decision can pair
    with them even after old report folders are cleaned up."""
    kept = dict(record)
    target = evidence_dir / str(record.get("benchmark_run_id") or "unknown")
    for name in ("results", "safety"):
        source = record.get(name)
        if source and Path(source).exists() and Path(source).parent != target:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / Path(source).name)
            kept[name] = str(target / Path(source).name)
    return kept


def _read(path: str | None) -> pl.DataFrame:
    return pl.read_parquet(path) if path and Path(path).exists() else pl.DataFrame()


def _of(frame: pl.DataFrame, model: str) -> pl.DataFrame:
    return frame.filter(pl.col("model") == model) if "model" in frame.columns else frame


defs = dg.Definitions(assets=[serving_champion])
