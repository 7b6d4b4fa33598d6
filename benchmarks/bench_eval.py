"""Batched evaluation vs one transformers pipeline() call per example (the design notes' loop).

Same model (SmolLM2-135M-Instruct, the demo model), same items (a seeded sample of the real MedQA,
MedMCQA and PubMedQA slices, as the demo profile's benchmark sets), same chat-formatted prompts,
greedy decoding and the same max_new_tokens. Reports items/s for both, the speed-up, and how many
outputs are identical (greedy decoding should agree; left padding must not change answers).

    .venv/bin/python benchmarks/bench_eval.py --items 16 --max-new-tokens 32 --threads 1
"""

from __future__ import annotations

import argparse
import json
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=16, help="items in total (split across the three sets)")
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads for both methods")
    parser.add_argument("--profile", default="demo", help="config profile whose evaluation.benchmarks are sampled")
    args = parser.parse_args()

    import polars as pl
    import torch
    from transformers import pipeline

    from medchat_pipeline.config import load_config
    from medchat_pipeline.core import benchmark
    from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model
    from medchat_pipeline.training.evaluate import TransformersBackend

    torch.set_num_threads(args.threads)
    cfg = load_config(args.profile)
    per_set = max(1, args.items // max(len(cfg.evaluation.benchmarks), 1))
    evaluation = cfg.evaluation.model_copy(update={"max_items_per_set": per_set})
    items, _ = benchmark.load_benchmark_sets(evaluation, cfg.data.sources, cfg.seed)
    items = items.head(args.items)
    if items.is_empty():
        raise SystemExit("no benchmark items: are the shared data slices present (evaluation.data_root)?")

    model_path = resolve_base_model(DEMO_BASE_MODEL)
    backend = TransformersBackend(model_path, batch_size=args.batch_size, cpu_threads=args.threads)
    prompts = [backend.chat(benchmark.item_prompt(row)) for row in items.to_dicts()]

    pipe = pipeline("text-generation", model=backend.model, tokenizer=backend.tokenizer)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    one_by_one = []
    for prompt in prompts:
        out = pipe(prompt, max_new_tokens=args.max_new_tokens, do_sample=False, return_full_text=False)
        one_by_one.append(out[0]["generated_text"].strip())
    pipeline_s = time.perf_counter() - started

    started = time.perf_counter()
    batched, generated = backend.generate(prompts, args.max_new_tokens, "batched")
    batched_s = time.perf_counter() - started
    load_after = os.getloadavg()[0]

    result = {
        "items": len(prompts),
        "sets": items.group_by("set").len().sort("set").rows(),
        "max_new_tokens": args.max_new_tokens,
        "batch_size": args.batch_size,
        "threads": args.threads,
        "pipeline_s": round(pipeline_s, 2),
        "pipeline_items_per_s": round(len(prompts) / pipeline_s, 3),
        "batched_s": round(batched_s, 2),
        "batched_items_per_s": round(len(prompts) / batched_s, 3),
        "speedup": round(pipeline_s / batched_s, 2),
        "batched_tokens_per_s": round(generated / batched_s, 1),
        "identical_outputs": sum(a == b for a, b in zip(one_by_one, batched)),
        "load_average_before_after": [round(load_before, 2), round(load_after, 2)],
    }
    print(json.dumps(result, indent=2))
    differing = [(a, b) for a, b in zip(one_by_one, batched) if a != b]
    for a, b in differing[:3]:
        print(pl.DataFrame({"pipeline": [a], "batched": [b]}))


if __name__ == "__main__":
    main()
