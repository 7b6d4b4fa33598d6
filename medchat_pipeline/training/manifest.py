"""manifest.json: what an adapter directory is and exactly where it came from.

    {
      "format": "medchat.adapter/v1",
      "stage": "sft" | "grpo",
      "created_at": ISO-8601 UTC,
      "adapter_dir": absolute path,
      "base_model": {"spec", "path", "revision", "fingerprint"},
      "parent_adapter": {"adapter_dir", "recipe_hash", "mlflow_run_id", "adapter_fingerprint"} | null,
      "recipe": the validated `training:` section, "recipe_hash": 16 hex,
      "loss_mode": assistant_only | completion_only | full | grpo,
      "code_version": "medchat_pipeline <version>", "git_commit": sha | null, "git_dirty": bool | null,
      "mlflow": {"tracking_uri" (never holds credentials: the config rejects them), "experiment", "run_id"},
      "dagster": {"run_id", "asset_key"} | null (null when trained outside Dagster),
      "data": {"train_rows", "eval_rows", "skipped": {reason: rows}, "fingerprint"},
      "metrics": {name: last value},
      "upstream": [{"asset_key", "data_version", "row_count", "run_id", "timestamp", "depth", …}],
      "adapter_fingerprint": sha256 of the adapter weights (also the asset's data version)
    }
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from medchat_pipeline.core.atomic import atomic_write

MANIFEST_FORMAT = "medchat.adapter/v1"
MANIFEST_NAME = "manifest.json"


def code_version() -> str:
    try:
        return f"medchat_pipeline {version('medchat_pipeline')}"
    except PackageNotFoundError:
        return "medchat_pipeline (not installed)"


def git_state(repo_dir: Path | None = None) -> tuple[str | None, bool | None]:
    """(commit, dirty) of the checkout holding this package; (None, None) outside a git checkout."""
    cwd = str(repo_dir or Path(__file__).resolve().parent)
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=10)
        if commit.returncode != 0:
            return None, None
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=cwd, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None, None
    return commit.stdout.strip(), bool(status.stdout.strip()) if status.returncode == 0 else None


def file_digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()[:16]


def adapter_fingerprint(adapter_dir: Path) -> str:
    """Content hash of the adapter's weights and config: equal fingerprints, equal adapters."""
    files = list(adapter_dir.glob("adapter_model.*")) + list(adapter_dir.glob("adapter_config.json"))
    if not files:
        raise FileNotFoundError(f"{adapter_dir} holds no adapter_model.* / adapter_config.json")
    return file_digest(files)


def model_fingerprint(model_path: str, revision: str | None = None) -> str:
    """A cheap, stable identity of a base model: the converted GGUF's hash, else a hash of the config
    files and weight-file names and sizes (hashing 50 GB of weights per run would cost minutes)."""
    path = Path(model_path)
    if not path.is_dir():
        return f"{model_path}@{revision or 'default'}"
    conversion = path / "medchat_conversion.json"
    if conversion.exists():
        return "gguf:" + json.loads(conversion.read_text())["gguf_sha256"][:16]
    digest = hashlib.sha256()
    for file in sorted(path.iterdir()):
        if file.suffix == ".json":
            digest.update(file.name.encode() + file.read_bytes())
        elif file.is_file():
            digest.update(f"{file.name}:{file.stat().st_size}".encode())
    return digest.hexdigest()[:16]


def write_manifest(adapter_dir: Path, manifest: dict) -> Path:
    manifest = {"format": MANIFEST_FORMAT, "created_at": datetime.now(timezone.utc).isoformat(), **manifest}
    return atomic_write(adapter_dir / MANIFEST_NAME, json.dumps(manifest, indent=2, sort_keys=True, default=str))


def read_manifest(adapter_dir: str | Path) -> dict:
    path = Path(adapter_dir) / MANIFEST_NAME
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: not an adapter directory written by medchat training")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != MANIFEST_FORMAT:
        raise ValueError(f"{path}: format {manifest.get('format')!r}, expected {MANIFEST_FORMAT!r}")
    return manifest
