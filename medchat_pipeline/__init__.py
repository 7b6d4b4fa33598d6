"""medchat_pipeline: public medical QA data → distilled training mix → LoRA/GRPO adapters → benchmark."""

import logging
import os

__version__ = "0.1.0"

# Polars' allocator (jemalloc) holds freed pages for 0.5-1 s (polars' own setting) before returning them,
# so a large ingest's RSS sits at the old peaks of intermediate columns rather than at its live data:
# the 1M-row ingest benchmark peaks at ~2.2 GB that way, at ~1.7 GB with freed pages returned at once
# (which costs page faults: see benchmarks/RESULTS.md, Ingest). Polars reads this variable when it is
# imported (and appends it to its own setting), so it must be set before polars loads: every medchat
# entry point (the CLI, the Dagster code location) imports this package first, and the processes they
# start inherit it. A value already set wins; `_RJEM_MALLOC_CONF=` (empty) restores polars' default.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")

# On CPUs with AVX512-BF16, importing bitsandbytes tries to fetch an optional 4-bit CPU kernel from the
# HuggingFace hub and warns on every command when that fails (always, offline). 4-bit QLoRA needs CUDA
# here anyway (the training recipe check refuses it on CPU), so the warning says nothing actionable.
logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)
