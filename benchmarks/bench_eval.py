"""Batched evaluation vs one transformers pipeline() call per example (the design notes' loop).

Same model (SmolLM2-135M-Instruct, the demo model), same items, same chat-formatted prompts, greedy
decoding, same max_new_tokens. Two real workloads:

- free_text: MedQuAD questions (shared slices) answered in up to --free-text-tokens tokens, the
  design notes' evaluation loop (their pipeline used max_new_tokens=256). Decoding dominates.
- mcq: a seeded sample of the demo profile's benchmark sets (MedQA, MedMCQA, PubMedQA with its
  abstract as context) at the demo's 32 new tokens, evaluated the way the report does it: a
  generated answer AND the options' log-likelihoods. Per example that is one pipeline() call plus
  one forward pass over prompt + "Final Answer:" that scores every option; batched it is
  `generate_and_score` (one prefill per prompt for both methods, finished rows leave the batch,
  generation ends at the first completed "Final Answer: X" line). The generation half is also
  timed alone (pipeline() vs `generate`). Prefill of long prompts dominates this workload.

Reports items/s for both methods, the speed-up, how many outputs are identical (greedy decoding
must agree: left padding and batch shrinking may not change answers), and for multiple choice how
many extracted answers and log-likelihood picks agree.

    .venv/bin/python benchmarks/bench_eval.py --items 24 --threads 1
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
    parser.add_argument("--items", type=int, default=24, help="items per workload")
    parser.add_argument("--free-text-tokens", type=int, default=96)
    parser.add_argument("--mcq-tokens", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=None, help="default: the profile's evaluation.batch_size")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads for both methods")
    parser.add_argument("--profile", default="demo", help="config profile whose evaluation.benchmarks are sampled")
    parser.add_argument("--workloads", default="free_text,mcq", help="comma-separated: free_text, mcq")
    args = parser.parse_args()

    import torch
    from transformers import pipeline

    from medchat_pipeline.config import load_config
    from medchat_pipeline.core.data.sources import SOURCES
    from medchat_pipeline.core.evaluation import benchmark
    from medchat_pipeline.evaluation.evaluate import TransformersBackend
    from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model

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
    batch_size = args.batch_size or cfg.evaluation.batch_size
    backend = TransformersBackend(resolve_base_model(DEMO_BASE_MODEL), batch_size=batch_size,
                                  cpu_threads=args.threads)
    pipe = pipeline("text-generation", model=backend.model, tokenizer=backend.tokenizer)
    report = {"threads": args.threads, "batch_size": batch_size, "workloads": {}}
    for name in args.workloads.split(","):
        items, max_new_tokens = workloads[name]
        rows = items.to_dicts()
        prompts = [backend.chat(benchmark.item_prompt(row)) for row in rows]
        if name == "mcq":
            report["workloads"][name] = measure_choice(pipe, backend, rows, prompts, max_new_tokens,
                                                       cfg.evaluation.stop_after_final_answer)
        else:
            report["workloads"][name] = measure(pipe, backend, prompts, max_new_tokens)
        report["workloads"][name]["sets"] = dict(items.group_by("set").len().sort("set").rows())
        print(json.dumps({name: report["workloads"][name]}, indent=2), flush=True)
    print(json.dumps(report, indent=2))


def one_pipeline_call_each(pipe, prompts: list[str], max_new_tokens: int) -> tuple[list[str], float]:
    started = time.perf_counter()
    outputs = []
    for prompt in prompts:
        out = pipe(prompt, max_new_tokens=max_new_tokens, do_sample=False, return_full_text=False)
        outputs.append(out[0]["generated_text"].strip())
    return outputs, time.perf_counter() - started


def one_scoring_pass_each(backend, prompts: list[str], choices: list[list[str]]) -> tuple[list[str], float]:
    """Per example: one forward pass over prompt + "Final Answer:", every single-token option read
    from its last position (the cheapest per-example way; no option gets a pass of its own)."""
    from medchat_pipeline.evaluation.evaluate import ANSWER_SEED

    started = time.perf_counter()
    picks = []
    for prompt, options in zip(prompts, choices):
        ids = backend.tokenizer(prompt + ANSWER_SEED, add_special_tokens=False)["input_ids"]
        logp = backend._last_logprobs([ids], keep=1)[0, -1]
        option_ids = [backend.tokenizer(f" {c}", add_special_tokens=False)["input_ids"][0] for c in options]
        picks.append(options[max(range(len(options)), key=lambda k: float(logp[option_ids[k]]))])
    return picks, time.perf_counter() - started


def measure_choice(pipe, backend, rows: list[dict], prompts: list[str], max_new_tokens: int, stop: bool) -> dict:
    from medchat_pipeline.core.evaluation import benchmark

    load_before = os.getloadavg()[0]
    choices = [benchmark.answer_choices(row) for row in rows]
    one_by_one, pipeline_s = one_pipeline_call_each(pipe, prompts, max_new_tokens)
    single_picks, scoring_s = one_scoring_pass_each(backend, prompts, choices)
    started = time.perf_counter()
    generated_only, _ = backend.generate(prompts, max_new_tokens, "batched generate", stop)
    generate_s = time.perf_counter() - started
    started = time.perf_counter()
    batched, generated, scores = backend.generate_and_score(prompts, choices, max_new_tokens, "batched", stop)
    batched_s = time.perf_counter() - started
    picks = [max(found, key=found.get) for found in scores]
    extract = [benchmark.extract_answer(row, text) for row, text in zip(rows, one_by_one)]
    per_example_s = pipeline_s + scoring_s
    return {
        "items": len(prompts),
        "max_new_tokens": max_new_tokens,
        "stop_after_final_answer": stop,
        "mean_prompt_tokens": mean_prompt_tokens(backend, prompts),
        "pipeline_generate_s": round(pipeline_s, 2),
        "per_example_scoring_s": round(scoring_s, 2),
        "batched_generate_s": round(generate_s, 2),
        "generate_speedup": round(pipeline_s / generate_s, 2),
        "per_example_s": round(per_example_s, 2),
        "per_example_items_per_s": round(len(prompts) / per_example_s, 3),
        "batched_s": round(batched_s, 2),
        "batched_items_per_s": round(len(prompts) / batched_s, 3),
        "speedup": round(per_example_s / batched_s, 2),
        "generated_tokens": generated,
        "identical_outputs": sum(a == b for a, b in zip(one_by_one, batched)),
        "generate_equals_generate_and_score": sum(a == b for a, b in zip(generated_only, batched)),
        "same_extracted_answer": sum(
            benchmark.extract_answer(row, text) == ref for row, text, ref in zip(rows, batched, extract)
        ),
        "same_loglik_pick": sum(a == b for a, b in zip(single_picks, picks)),
        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def mean_prompt_tokens(backend, prompts: list[str]) -> float:
    lengths = [len(ids) for ids in backend.tokenizer(prompts, add_special_tokens=False)["input_ids"]]
    return round(sum(lengths) / len(prompts), 1)


def measure(pipe, backend, prompts: list[str], max_new_tokens: int) -> dict:
    load_before = os.getloadavg()[0]
    one_by_one, pipeline_s = one_pipeline_call_each(pipe, prompts, max_new_tokens)
    started = time.perf_counter()
    batched, generated = backend.generate(prompts, max_new_tokens, "batched")
    batched_s = time.perf_counter() - started
    return {
        "items": len(prompts),
        "max_new_tokens": max_new_tokens,
        "mean_prompt_tokens": mean_prompt_tokens(backend, prompts),
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
