"""Routing quality against the rules a user would pick instead, and serving throughput (not a timed test).

    .venv/bin/python benchmarks/bench_routing.py                # routers + serving, ~3 min on 2 CPUs
    .venv/bin/python benchmarks/bench_routing.py --skip-serving # routers only, seconds

1. Routers, side by side on two labelled sets:
   - held-out: 316 real patient questions (the first patient turn of every MedDialog-EN dialogue in
     the shared slices) labelled small/large by a rule written down before labelling and before any
     router ran on them (routing_heldout/LABELLING.md, labels.csv); none of them was used to tune
     anything;
   - tuning: the 1,171 source-labelled questions the router's keyword lists were tuned on (MedQuAD
     lookups → small; iCliniq and ChatDoctor cases → large), kept for history.
   Routers: ours (serving.routing.Router with the profile's serving.router); the design notes' rule
   (§7: fewer than 15 words or a "simple trigger" phrase → small); a length rule (a question that
   starts with a question word and has at most 15 words → small; the word list and the 15 were fixed
   on the tuning set, where the rule scores 1.000, before it ran on the held-out set); random (large
   with probability p, figures in expectation); and always-large.
   Reported together: accuracy, large recall (under-routing a consultation is the costly error),
   small recall, and the expected cost and latency per question at the design notes' prices
   (serving.small_cost / large_cost). Every rule has a knob (our score threshold, the rules' word
   limit, random's p); "cost at equal large recall" is each rule's cheapest setting that reaches our
   router's large recall on that set, read off its curve.
2. Serving: mixed questions answered by ChatService (small = demo model, large = the demo profile's
   local teacher), once as one batch and once one question per call; wall time, answers per second,
   the observed share of small answers and the failover rate.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from medchat_pipeline.config import load_config, project_root
from medchat_pipeline.serving.routing import Router, source_labelled_questions

HELDOUT_DIR = Path(__file__).resolve().parent / "routing_heldout"
HELDOUT_SEED = 15
# The design notes' router (§7, get_chatbot_response): short or "simple" queries go to the small model.
DESIGN_NOTES_TRIGGERS = ("side effect", "what is", "define", "symptom of", "dose of")
DESIGN_NOTES_WORDS = 15
QUESTION_WORDS = ("what", "how", "who", "which", "when", "where", "why", "is", "are", "can", "do", "does")
SHORT_QUESTION_WORDS = 15


def heldout_questions(data_root: Path) -> list[dict]:
    """The held-out routing questions (routing_heldout/LABELLING.md): the first patient turn of every
    MedDialog-EN dialogue in the shared slices, keyed by file and block, in a seeded shuffle."""
    import hashlib

    found, seen = [], set()
    for path in sorted((data_root / "meddialog").glob("*.txt")):
        blocks = re.split(r"\n(?=id=\d+\n)", path.read_text(encoding="utf-8"))
        for index, block in enumerate(b for b in blocks if b.startswith("id=")):
            turn = re.search(r"\nPatient:\n(.*?)(?:\nDoctor:|\Z)", block, re.S)
            question = " ".join(turn.group(1).split()) if turn else ""
            digest = hashlib.sha256(question.encode()).hexdigest()[:12]
            if question and digest not in seen:  # a few consultations repeat verbatim: each counts once
                seen.add(digest)
                found.append({"key": f"{path.name}#{index}", "sha": digest, "question": question})
    random.Random(HELDOUT_SEED).shuffle(found)
    return found


def heldout_set(data_root: Path, tuning_questions: list[str]) -> tuple[list[str], list[str]]:
    """The held-out questions with their labels; refuses a changed question or one that is also
    among the tuning questions."""
    labels = {row["key"]: row for row in csv.DictReader((HELDOUT_DIR / "labels.csv").open())}
    found = heldout_questions(data_root)
    if {q["key"] for q in found} != set(labels):
        raise SystemExit("routing_heldout/labels.csv does not cover the MedDialog questions found; was the data changed?")
    changed = [q["key"] for q in found if labels[q["key"]]["sha256_12"] != q["sha"]]
    if changed:
        raise SystemExit(f"{len(changed)} held-out questions changed since they were labelled, e.g. {changed[0]}")
    tuning = {" ".join(q.lower().split()) for q in tuning_questions}
    if any(" ".join(q["question"].lower().split()) in tuning for q in found):
        raise SystemExit("a held-out question is also a tuning question")
    return [q["question"] for q in found], [labels[q["key"]]["label"] for q in found]


# ---- the rules ---------------------------------------------------------------------------------
# Each rule is a function of (question, knob) -> "small" | "large" with a default knob and the knob
# values swept for its cost curve.


def design_notes_rule(question: str, max_words: int = DESIGN_NOTES_WORDS) -> str:
    lowered = question.lower()
    simple = len(question.split()) < max_words or any(trigger in lowered for trigger in DESIGN_NOTES_TRIGGERS)
    return "small" if simple else "large"


def short_question_rule(question: str, max_words: int = SHORT_QUESTION_WORDS) -> str:
    words = re.findall(r"[\w']+", question.lower())
    return "small" if words and words[0] in QUESTION_WORDS and len(words) <= max_words else "large"


def our_router(cfg, questions: list[str]) -> tuple[Callable[[str, float], str], list[float]]:
    """Our router at any threshold, and the scores it gives: each question is scored once; an
    emergency always goes large whatever the threshold, as in serving."""
    router = Router(cfg.serving.router)
    decisions = {question: router.route(question) for question in questions}

    def route(question: str, threshold: float) -> str:
        decision = decisions[question]
        return "large" if decision.emergency or decision.score >= threshold else "small"

    return route, sorted({decision.score for decision in decisions.values()})


def figures(routes: list[str], labels: list[str], cfg) -> dict:
    n = len(labels)
    large = [r == "large" for r in routes]
    share_large = sum(large) / n
    cost = share_large * cfg.serving.large_cost.cost_usd + (1 - share_large) * cfg.serving.small_cost.cost_usd
    latency = share_large * cfg.serving.large_cost.latency_s + (1 - share_large) * cfg.serving.small_cost.latency_s
    n_large = labels.count("large")
    return {
        "accuracy": sum(r == label for r, label in zip(routes, labels)) / n,
        "large_recall": sum(r == "large" for r, label in zip(routes, labels) if label == "large") / n_large,
        "small_recall": sum(r == "small" for r, label in zip(routes, labels) if label == "small") / (n - n_large),
        "share_large": share_large,
        "cost_usd": cost,
        "latency_s": latency,
        "under_routed": sum(r == "small" and label == "large" for r, label in zip(routes, labels)),
        "over_routed": sum(r == "large" and label == "small" for r, label in zip(routes, labels)),
    }


def random_figures(p: float, labels: list[str], cfg) -> dict:
    """A router sending each question large with probability p, in expectation."""
    n, n_large = len(labels), labels.count("large")
    cost = p * cfg.serving.large_cost.cost_usd + (1 - p) * cfg.serving.small_cost.cost_usd
    return {
        "accuracy": (p * n_large + (1 - p) * (n - n_large)) / n, "large_recall": p, "small_recall": 1 - p,
        "share_large": p, "cost_usd": cost,
        "latency_s": p * cfg.serving.large_cost.latency_s + (1 - p) * cfg.serving.small_cost.latency_s,
        "under_routed": (1 - p) * n_large, "over_routed": p * (n - n_large),
    }


def cheapest_at(curve: list[tuple[float, dict]], large_recall: float) -> dict | None:
    """The cheapest point of a rule's curve whose large recall reaches `large_recall` (None: none does)."""
    reaching = [(knob, f) for knob, f in curve if f["large_recall"] >= large_recall - 1e-12]
    if not reaching:
        return None
    knob, best = min(reaching, key=lambda point: (point[1]["cost_usd"], -point[1]["accuracy"]))
    return {"knob": knob, **best}


def compare_routers(cfg, questions: list[str], labels: list[str]) -> dict:
    ours, scores = our_router(cfg, questions)
    threshold = cfg.serving.router.large_threshold
    rules = {
        "ours": (ours, threshold, [*scores, max(scores) + 1, threshold]),
        "design_notes": (design_notes_rule, DESIGN_NOTES_WORDS, range(0, 201)),
        "short_question": (short_question_rule, SHORT_QUESTION_WORDS, range(0, 201)),
    }
    rows, curves = {}, {}
    for name, (rule, default, knobs) in rules.items():
        rows[name] = {"knob": default, **figures([rule(q, default) for q in questions], labels, cfg)}
        curves[name] = [(knob, figures([rule(q, knob) for q in questions], labels, cfg)) for knob in knobs]
    curves["random"] = [(p / 1000, random_figures(p / 1000, labels, cfg)) for p in range(1001)]
    rows["random"] = {"knob": rows["ours"]["share_large"], **random_figures(rows["ours"]["share_large"], labels, cfg)}
    rows["always_large"] = {"knob": None, **figures(["large"] * len(questions), labels, cfg)}
    targets = {"ours": rows["ours"]["large_recall"], "length_rule": rows["short_question"]["large_recall"],
               "0.95": 0.95, "0.99": 0.99}
    return {
        "questions": len(questions),
        "labels": {"large": labels.count("large"), "small": labels.count("small")},
        "at_defaults": {name: _rounded(row) for name, row in rows.items()},
        # each rule's cheapest setting reaching the large recall of our router, of the length rule, 0.95, 0.99
        "at_equal_large_recall": {
            label: {"large_recall": round(target, 4),
                    **{name: _rounded(found) if (found := cheapest_at(curve, target)) else None
                       for name, curve in curves.items()}}
            for label, target in targets.items()
        },
        "our_mistakes": [
            {"label": label, "route": route, "question": q[:160]}
            for q, label, route in zip(questions, labels, (ours(q, threshold) for q in questions))
            if route != label
        ],
    }


def _rounded(row: dict) -> dict:
    return {k: round(v, 6) if isinstance(v, float) else v for k, v in row.items()}


def bench_router(cfg, data_root: Path) -> dict:
    questions, labels, counts = source_labelled_questions(data_root)
    router = Router(cfg.serving.router)
    started = time.perf_counter()
    repeats = 5
    for _ in range(repeats):
        for question in questions:
            router.route(question)
    per_second = repeats * len(questions) / (time.perf_counter() - started)
    heldout_q, heldout_labels = heldout_set(data_root, questions)
    return {
        "decisions_per_s": round(per_second),
        "heldout": compare_routers(cfg, heldout_q, heldout_labels),
        "tuning": {**compare_routers(cfg, questions, labels), "by_source": counts},
        "emergencies_flagged": {"heldout": sum(router.route(q).emergency for q in heldout_q),
                                "tuning": sum(router.route(q).emergency for q in questions)},
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
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load_avg_1m": round(os.getloadavg()[0], 2)},
        "router": bench_router(cfg, args.data),
    }
    print(json.dumps(results["router"], indent=2), flush=True)
    if not args.skip_serving:
        questions, labels, _ = source_labelled_questions(args.data)
        results["serving"] = bench_serving(cfg, questions, labels, args.questions, args.max_new_tokens, args.threads)
        print(json.dumps(results["serving"], indent=2), flush=True)
    results["machine"]["load_avg_1m_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps({"machine": results["machine"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
