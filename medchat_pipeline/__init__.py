"""medchat_pipeline: public medical QA data → distilled training mix → LoRA/GRPO adapters → benchmark."""

import logging

__version__ = "0.1.0"

# On CPUs with AVX512-BF16, importing bitsandbytes tries to fetch an optional 4-bit CPU kernel from the
# HuggingFace hub and warns on every command when that fails (always, offline). 4-bit QLoRA needs CUDA
# here anyway (the training recipe check refuses it on CPU), so the warning says nothing actionable.
logging.getLogger("bitsandbytes.backends.cpu.ops").setLevel(logging.ERROR)
