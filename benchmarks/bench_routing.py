"""Routing quality and serving throughput on the real question slices (not a timed test).

    .venv/bin/python benchmarks/bench_routing.py                # router + serving, ~3 min on 2 CPUs
    .venv/bin/python benchmarks/bench_routing.py --skip-serving # router only, seconds

1. Router: decisions per second, and routing accuracy against source-derived labels — MedQuAD
   encyclopedia questions should go small; iCliniq and ChatDoctor patient cases should go large —
   with the expected cost/latency mix (serving.small_cost / large_cost) against always-large.
2. Serving: the same mixed questions answered by ChatService (small = demo model, large = the demo
   profile's local teacher), once as one batch and once one question per call; wall time, answers
   per second, the observed share of small answers and the failover rate.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

from medchat_pipeline.config import load_config, project_root
from medchat_pipeline.serving.routing import Router, evaluate_routing, source_labelled_questions


def bench_router(cfg, questions: list[str], labels: list[str], counts: dict[str, int]) -> dict:
    router = Router(cfg.serving.router)
    started = time.perf_counter()
    repeats = 5
    for _ in range(repeats):
        for question in questions:
            router.route(question)
    per_second = repeats * len(questions) / (time.perf_counter() - started)
    report = evaluate_routing(questions, labels, router, cfg.serving.small_cost, cfg.serving.large_cost)
    emergencies = sum(router.route(q).emergency for q in questions)
    by_source, offset = {}, 0
    for source, n in counts.items():
        chunk = evaluate_routing(
            questions[offset : offset + n], labels[offset : offset + n], router, cfg.serving.small_cost, cfg.serving.large_cost
        )
        by_source[source] = {"n": n, "accuracy": round(chunk.accuracy, 4)}
        offset += n
    return {
        "questions": len(questions),
        "decisions_per_s": round(per_second),
        "accuracy": round(report.accuracy, 4),
        "small_recall": round(report.small_recall, 4),
        "large_recall": round(report.large_recall, 4),
        "confusion": report.confusion,
        "by_source": by_source,
        "emergencies_flagged": emergencies,
        "share_small": round(report.share_small, 4),
        "expected_cost_usd_per_q": round(report.expected_cost_usd, 6),
        "all_large_cost_usd_per_q": report.all_large_cost_usd,
        "cost_saving": round(report.cost_saving, 4),
        "expected_latency_s": round(report.expected_latency_s, 3),
        "latency_saving": round(report.latency_saving, 4),
    }


def bench_serving(cfg, questions: list[str], labels: list[str], n: int, max_new_tokens: int, threads: int | None) -> dict:
    from medchat_pipeline.serving import build_chat_service

    rng = random.Random(13)
    small_pool = [q for q, label in zip(questions, labels) if label == "small"]
    large_pool = [q for q, label in zip(questions, labels) if label == "large"]
    mixed = rng.sample(small_pool, n // 2) + rng.sample(large_pool, n - n // 2)
    rng.shuffle(mixed)
    overrides = {"serving": {"small": {"adapter": "none", "max_new_tokens": max_new_tokens, "threads": threads},
                             "large": {"max_new_tokens": max_new_tokens}}}
    cfg = load_config(cfg.profile, overrides=overrides)
    loaded = time.perf_counter()
    service = build_chat_service(cfg)
    service.large.template_version = f"bench-{time.time_ns()}"  # a cold cache for every benchmark run
    service.answer("What is anemia?", force="large")  # loads the large model too, so neither timing pays for it
    load_s = time.perf_counter() - loaded

    started = time.perf_counter()
    batched = service.answer_batch(mixed)
    batched_s = time.perf_counter() - started
    # A fresh cache namespace: the teacher gateway must not serve the second run from the first's answers.
    service.large.template_version = "bench-sequential"
    started = time.perf_counter()
    one_by_one = [service.answer(question) for question in mixed]
    sequential_s = time.perf_counter() - started

    def mix(answers) -> dict:
        return {
            "answered_by_small": sum(a.answered_by == "small" for a in answers),
            "answered_by_large": sum(a.answered_by == "large" for a in answers),
            "failovers": sum(a.failover is not None for a in answers),
            "failover_kinds": sorted({a.failover.kind for a in answers if a.failover}),
            "errors": sum(a.text is None for a in answers),
            "completion_tokens": sum(a.usage["completion_tokens"] for a in answers),
        }

    small_routed = sum(a.decision.route == "small" for a in batched)
    return {
        "questions": n,
        "max_new_tokens": max_new_tokens,
        "torch_threads": threads,
        "model_load_s": round(load_s, 1),
        "batched_s": round(batched_s, 2),
        "batched_answers_per_s": round(n / batched_s, 3),
        "sequential_s": round(sequential_s, 2),
        "sequential_answers_per_s": round(n / sequential_s, 3),
        "speedup": round(sequential_s / batched_s, 2),
        "routed_small": small_routed,
        "observed_failover_rate": round(sum(a.failover is not None for a in batched) / max(small_routed, 1), 3),
        "batched": mix(batched),
        "sequential": mix(one_by_one),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="demo")
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("MEDCHAT_SHARED_DATA", project_root().parent / "shared" / "data")))
    parser.add_argument("--questions", type=int, default=16, help="Questions answered in the serving part")
    parser.add_argument("--max-new-tokens", type=int, default=32)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's own)")
    parser.add_argument("--skip-serving", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("MEDCHAT_STORAGE_DIR", str(Path("/tmp") / "medchat_bench_routing"))

    cfg = load_config(args.profile)
    questions, labels, counts = source_labelled_questions(args.data)
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg_1m": round(os.getloadavg()[0], 2)},
        "router": bench_router(cfg, questions, labels, counts),
    }
    print(json.dumps(results["router"], indent=2), flush=True)
    if not args.skip_serving:
        results["serving"] = bench_serving(cfg, questions, labels, args.questions, args.max_new_tokens, args.threads)
        print(json.dumps(results["serving"], indent=2), flush=True)
    results["machine"]["load_avg_1m_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps({"machine": results["machine"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
