"""Build a triage model directory from the labelled cases: what the `triage_model` asset runs.

    manifest = build_triage_model(cases, cfg.safety.triage, cfg.storage_path())

Trains the head on the dev split (triage_model.train_triage), then measures the whole triage
(patterns + classifier) on dev and test, and the patterns alone on test, writes
<storage>/models/triage/<dataset version>-<recipe hash>/ (head.npz, manifest.json with every figure)
and points <storage>/models/triage/latest at it. Re-running on the same cases and settings writes the
same directory with the same figures (the training is deterministic).
"""

from __future__ import annotations

import hashlib
import inspect
import json
from datetime import datetime, timezone
from pathlib import Path

from medchat_pipeline.config.safety import TriageTrainingConfig
from medchat_pipeline.core.safety import normalize, patterns
from medchat_pipeline.core.safety.triage import Triage, write_latest_pointer
from medchat_pipeline.core.safety.triage_data import TriageCase, dataset_summary, dataset_version
from medchat_pipeline.core.safety.triage_eval import decide_cases, flat_metrics, triage_metrics
from medchat_pipeline.core.safety.triage_model import TokenEmbeddingEncoder, build_memo, save_model, train_triage


def patterns_version() -> str:
    """Hash of the pattern layer's source (rules and normalization): figures are only comparable within one."""
    source = inspect.getsource(patterns) + inspect.getsource(normalize)
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def recipe_hash(config: TriageTrainingConfig, encoder_fingerprint: str) -> str:
    payload = {"config": config.model_dump(), "patterns": patterns_version(), "encoder": encoder_fingerprint}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:12]


def evaluate(triage: Triage, cases: list[TriageCase]) -> dict:
    """Figures of `triage` on each split (and the patterns alone on test), as the manifest records them."""
    figures = {}
    for split in ("dev", "test"):
        part = [case for case in cases if case.split == split]
        if part:
            figures[split] = triage_metrics(decide_cases(triage, part))
    test = [case for case in cases if case.split == "test"]
    if test:
        figures["test_patterns_only"] = triage_metrics(decide_cases(Triage(fallback_reason="patterns only"), test))
    return figures


def build_triage_model(cases: list[TriageCase], config: TriageTrainingConfig, storage_dir: str | Path,
                       lineage: dict | None = None) -> dict:
    """Train, measure, write the model directory and the `latest` pointer; returns the manifest."""
    encoder = TokenEmbeddingEncoder(window_tokens=config.window_tokens, max_windows=config.max_windows)
    with build_memo():  # training and the evaluation below read the same texts
        return _build(cases, config, storage_dir, lineage, encoder)


def _build(cases: list[TriageCase], config: TriageTrainingConfig, storage_dir: str | Path, lineage: dict | None,
           encoder: TokenEmbeddingEncoder) -> dict:
    trained = train_triage(cases, config, encoder)
    version = dataset_version(cases)
    model_dir = Path(storage_dir) / "models" / "triage" / f"{version}-{recipe_hash(config, encoder.fingerprint())}"
    extra = {
        "dataset_version": version, "dataset": dataset_summary(cases), "patterns_version": patterns_version(),
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "lineage": lineage or {},
    }
    save_model(trained, model_dir, extra)
    triage = Triage.load(model_dir)
    if triage.fallback_reason:
        raise RuntimeError(f"the model just written does not load: {triage.fallback_reason}")
    figures = evaluate(triage, cases)
    manifest_path = model_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["metrics"] = figures
    manifest["metrics_flat"] = {key: value for split in ("test", "dev") if split in figures
                                for key, value in flat_metrics(figures[split], f"{split}/").items()}
    manifest["model_dir"] = str(model_dir.resolve())
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str))
    pointer = write_latest_pointer(storage_dir, model_dir, {"dataset_version": version,
                                                            "threshold": manifest["threshold"]})
    manifest["pointer"] = str(pointer)
    return manifest
