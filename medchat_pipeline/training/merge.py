"""Fold a LoRA adapter into its base model: a plain model directory (safetensors + tokenizer) that
`AutoModelForCausalLM.from_pretrained` and vLLM's `LLM(model=...)` load with no PEFT and no adapter.

    manifest = merge_adapter(base_model_path, adapter_dir, out_dir)

`out_dir/merged_manifest.json` records the adapter it came from (its fingerprint and manifest), so
the merged weights keep the adapter's lineage. The directory is written under a temporary name and
renamed when complete: a crash never leaves a half-written model that looks finished.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

from medchat_pipeline.training.manifest import file_digest, read_manifest

MERGED_MANIFEST = "merged_manifest.json"


def merge_adapter(base_model_path: str, adapter_dir: str | Path, out_dir: str | Path, dtype: str = "auto") -> dict:
    """Merge `adapter_dir` into `base_model_path` and save the result to `out_dir`; returns the manifest.

    An existing complete `out_dir` (same adapter fingerprint) is reused as it is.
    """
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    adapter = read_manifest(adapter_dir)
    out_dir = Path(out_dir)
    existing = out_dir / MERGED_MANIFEST
    if existing.exists() and json.loads(existing.read_text())["adapter_fingerprint"] == adapter["adapter_fingerprint"]:
        return json.loads(existing.read_text())
    tmp = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    kwargs = {} if dtype == "auto" else {"dtype": getattr(torch, dtype)}
    base = AutoModelForCausalLM.from_pretrained(base_model_path, **({"dtype": "auto"} | kwargs))
    merged = PeftModel.from_pretrained(base, str(adapter_dir)).merge_and_unload()
    merged.save_pretrained(str(tmp), safe_serialization=True)
    AutoTokenizer.from_pretrained(str(adapter_dir)).save_pretrained(str(tmp))
    manifest = {
        "format": "medchat.merged_model/v1",
        "created_at": datetime.now(timezone.utc).isoformat(),
        "model_dir": str(out_dir.resolve()),
        "weights_fingerprint": file_digest(sorted(tmp.glob("*.safetensors"))),
        "dtype": str(merged.dtype).removeprefix("torch."),
        "base_model_path": base_model_path,
        "adapter_dir": str(Path(adapter_dir).resolve()),
        "adapter_fingerprint": adapter["adapter_fingerprint"],
        "adapter_stage": adapter["stage"],
        "adapter_manifest": adapter,
    }
    (tmp / MERGED_MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str))
    shutil.rmtree(out_dir, ignore_errors=True)
    tmp.rename(out_dir)
    return manifest
