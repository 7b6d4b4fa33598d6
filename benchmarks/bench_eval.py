"""Batched evaluation vs one transformers pipeline() call per example (the design notes' loop).

Same model (SmolLM2-135M-Instruct, the demo model), same items, same chat-formatted prompts, greedy
decoding, same max_new_tokens. Two real workloads:

- free_text: MedQuAD questions (shared slices) answered in up to --free-text-tokens tokens, the
  design notes' evaluation loop (their pipeline used max_new_tokens=256). Decoding dominates.
- mcq: a seeded sample of the demo profile's benchmark sets (MedQA, MedMCQA, PubMedQA with its
  abstract as context) at the demo's 32 new tokens. Prefill of long prompts dominates, which
  batching cannot shrink, so the speed-up is smaller.

Reports items/s for both methods, the speed-up, and how many outputs are identical (greedy
decoding must agree: left padding may not change answers).

    .venv/bin/python benchmarks/bench_eval.py --items 12 --threads 1
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=12, help="items per workload")
    parser.add_argument("--free-text-tokens", type=int, default=96)
    parser.add_argument("--mcq-tokens", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads for both methods")
    parser.add_argument("--profile", default="demo", help="config profile whose evaluation.benchmarks are sampled")
    parser.add_argument("--workloads", default="free_text,mcq", help="comma-separated: free_text, mcq")
    args = parser.parse_args()

    import torch
    from transformers import pipeline

    from medchat_pipeline.config import load_config
    from medchat_pipeline.core import benchmark
    from medchat_pipeline.core.sources import SOURCES
    from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model
    from medchat_pipeline.training.evaluate import TransformersBackend

    torch.set_num_threads(args.threads)
    cfg = load_config(args.profile)
    root = benchmark.data_root(cfg.evaluation.data_root)
    medquad = SOURCES["medquad"].parse_files(sorted(Path(root, "medquad").glob("**/*.xml")), None).qac
    free_text, _ = benchmark.items_from_qac(medquad, "medquad")
    per_set = -(-args.items // max(len(cfg.evaluation.benchmarks), 1))
    evaluation = cfg.evaluation.model_copy(update={"max_items_per_set": per_set})
    mcq, _ = benchmark.load_benchmark_sets(evaluation, cfg.data.sources, cfg.seed)
    workloads = {
        "free_text": (benchmark.sample_items(free_text, args.items, cfg.seed), args.free_text_tokens),
        "mcq": (mcq.sample(n=min(args.items, mcq.height), seed=cfg.seed), args.mcq_tokens),
    }
    backend = TransformersBackend(resolve_base_model(DEMO_BASE_MODEL), batch_size=args.batch_size,
                                  cpu_threads=args.threads)
    pipe = pipeline("text-generation", model=backend.model, tokenizer=backend.tokenizer)
    report = {"threads": args.threads, "batch_size": args.batch_size, "workloads": {}}
    for name in args.workloads.split(","):
        items, max_new_tokens = workloads[name]
        prompts = [backend.chat(benchmark.item_prompt(row)) for row in items.to_dicts()]
        report["workloads"][name] = measure(pipe, backend, prompts, max_new_tokens)
        report["workloads"][name]["sets"] = dict(items.group_by("set").len().sort("set").rows())
        print(json.dumps({name: report["workloads"][name]}, indent=2), flush=True)
    print(json.dumps(report, indent=2))


def measure(pipe, backend, prompts: list[str], max_new_tokens: int) -> dict:
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    one_by_one = []
    for prompt in prompts:
        out = pipe(prompt, max_new_tokens=max_new_tokens, do_sample=False, return_full_text=False)
        one_by_one.append(out[0]["generated_text"].strip())
    pipeline_s = time.perf_counter() - started
    started = time.perf_counter()
    batched, generated = backend.generate(prompts, max_new_tokens, "batched")
    batched_s = time.perf_counter() - started
    prompt_tokens = [len(ids) for ids in backend.tokenizer(prompts, add_special_tokens=False)["input_ids"]]
    return {
        "items": len(prompts),
        "max_new_tokens": max_new_tokens,
        "mean_prompt_tokens": round(sum(prompt_tokens) / len(prompts), 1),
        "pipeline_s": round(pipeline_s, 2),
        "pipeline_items_per_s": round(len(prompts) / pipeline_s, 3),
        "batched_s": round(batched_s, 2),
        "batched_items_per_s": round(len(prompts) / batched_s, 3),
        "speedup": round(pipeline_s / batched_s, 2),
        "generated_tokens": generated,
        "identical_outputs": sum(a == b for a, b in zip(one_by_one, batched)),
        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


if __name__ == "__main__":
    main()
