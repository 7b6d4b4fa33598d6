"""Evaluation decoding against what a user would pick instead: stock batched `model.generate` and
lm-evaluation-harness's log-likelihood scoring, side by side in one process.

Same model (SmolLM2-135M-Instruct, the demo model), same items, same chat-formatted prompts, greedy
decoding, same max_new_tokens, same batch size and torch threads for every method. Workloads:

- free_text: MedQuAD questions (shared slices) answered in up to --free-text-tokens tokens.
  stock = `model.generate` on left-padded batches of --batch-size prompts in item order (the six
  lines a user writes, and since this benchmark what evaluation/evaluate.py runs for free text);
  decoder = `decoding.generate_many` (length-sorted prefill groups, merged caches, finished rows
  leave the batch), which the evaluation used for free text before.
- mcq: a seeded sample of the demo profile's benchmark sets (MedQA, MedMCQA, PubMedQA with its
  abstract) at --mcq-tokens new tokens, evaluated the way the report does it: a generated answer
  that stops at its first completed "Final Answer: X" line, AND every option's log-likelihood after
  "Final Answer:".
  stock = `model.generate` with a StoppingCriteria for that line (a stopped row waits, padded, for
  the batch), then lm-evaluation-harness's `HFLM.loglikelihood` on (prompt + "Final Answer:", " X")
  for every option (its defaults: batch size 1, and the logits cache that scores all single-token
  options of a prompt in one pass);
  ours = `TransformersBackend.generate_and_score` (one prefill per prompt serves both methods).
  The generation half is also timed alone (stock generate vs the decoder with the stop rule).

Every method runs --rounds times, alternating, so that load from other processes falls on all
alike; the table quotes each method's fastest round and the spread. Outputs are compared: identical
texts, the same extracted answer, and the same log-likelihood pick (ours vs lm-eval).

    .venv/bin/python benchmarks/bench_eval.py --items 24 --threads 1
    .venv/bin/python benchmarks/bench_eval.py --workloads mcq --rounds 1

lm-eval is the optional extra `.[lm-eval]` (scripts/setup.sh installs it); it runs offline here.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=24, help="items per workload")
    parser.add_argument("--free-text-tokens", type=int, default=96)
    parser.add_argument("--mcq-tokens", type=int, default=32)
    parser.add_argument("--batch-size", type=int, default=None, help="default: the profile's evaluation.batch_size")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads for every method")
    parser.add_argument("--rounds", type=int, default=2, help="times each method runs, alternating")
    parser.add_argument("--lm-eval-batch-size", type=int, default=1,
                        help="lm-eval's batch size (its default, 1, is also its fastest on CPU: a padded batch "
                             "computes full-vocabulary logits at every padded position)")
    parser.add_argument("--profile", default="demo", help="config profile whose evaluation.benchmarks are sampled")
    parser.add_argument("--workloads", default="free_text,mcq", help="comma-separated: free_text, mcq")
    args = parser.parse_args()

    import torch

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
    # the dose calculations are free-text items with exact answers, not a choice workload
    evaluation = cfg.evaluation.model_copy(update={"max_items_per_set": per_set, "dosage_calculation": False})
    mcq, _ = benchmark.load_benchmark_sets(evaluation, cfg.data.sources, cfg.seed)
    mcq = mcq.filter(mcq["kind"].is_in(list(benchmark.CHOICE_KINDS)))
    workloads = {
        "free_text": (benchmark.sample_items(free_text, args.items, cfg.seed), args.free_text_tokens),
        "mcq": (mcq.sample(n=min(args.items, mcq.height), seed=cfg.seed), args.mcq_tokens),
    }
    batch_size = args.batch_size or cfg.evaluation.batch_size
    backend = TransformersBackend(resolve_base_model(DEMO_BASE_MODEL), batch_size=batch_size, cpu_threads=args.threads)
    report = {"threads": args.threads, "batch_size": batch_size, "rounds": args.rounds,
              "load_average_start": round(os.getloadavg()[0], 2), "workloads": {}}
    for name in args.workloads.split(","):
        items, max_new_tokens = workloads[name]
        rows = items.to_dicts()
        prompts = [backend.chat(benchmark.item_prompt(row)) for row in rows]
        if name == "mcq":
            report["workloads"][name] = measure_choice(backend, rows, prompts, max_new_tokens, args.rounds,
                                                       args.lm_eval_batch_size)
        else:
            report["workloads"][name] = measure_free_text(backend, rows, prompts, max_new_tokens, args.rounds)
        report["workloads"][name]["sets"] = dict(items.group_by("set").len().sort("set").rows())
        print(json.dumps({name: report["workloads"][name]}, indent=2), flush=True)
    report["load_average_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(report, indent=2))


# ---- what a user writes ------------------------------------------------------------------------


def final_answer_stopping(tokenizer, prompt_length: int):
    """A StoppingCriteria ending each row at its first completed "Final Answer: X" line (the rule the
    project's decoder applies), for stock generate."""
    from transformers import StoppingCriteria

    from medchat_pipeline.decoding import final_answer_line_done

    class FinalAnswerLine(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            import torch

            texts = tokenizer.batch_decode(input_ids[:, prompt_length:])
            return torch.tensor([final_answer_line_done(t) for t in texts], device=input_ids.device)

    return FinalAnswerLine()


def stock_generate(backend, prompts: list[str], max_new_tokens: int, stop_after_final_answer: bool = False):
    """`model.generate` on left-padded batches of batch_size prompts, in the order given."""
    import torch
    from transformers import StoppingCriteriaList

    from medchat_pipeline.decoding import cut_after_final_answer_line

    tokenizer, model = backend.tokenizer, backend.model
    texts, generated = [], 0
    for start in range(0, len(prompts), backend.batch_size):
        batch = tokenizer(prompts[start : start + backend.batch_size], return_tensors="pt", padding=True,
                          add_special_tokens=False)
        width = batch["input_ids"].shape[1]
        stopping = StoppingCriteriaList([final_answer_stopping(tokenizer, width)]) if stop_after_final_answer else None
        with torch.inference_mode():
            out = model.generate(**batch, max_new_tokens=max_new_tokens, do_sample=False,
                                 pad_token_id=tokenizer.pad_token_id, stopping_criteria=stopping)
        for row in out[:, width:]:
            tokens = [t for t in row.tolist() if t != tokenizer.pad_token_id]
            generated += len(tokens)
            text = tokenizer.decode(tokens, skip_special_tokens=True)
            texts.append((cut_after_final_answer_line(text) if stop_after_final_answer else text).strip())
    return texts, generated


def harness(backend, batch_size: int):
    """lm-evaluation-harness's HF model wrapper around the same model and tokenizer (built once, untimed)."""
    from lm_eval.models.huggingface import HFLM

    return HFLM(pretrained=backend.model, tokenizer=backend.tokenizer, batch_size=batch_size, device="cpu")


def lm_eval_loglikelihood(lm, prompts: list[str], choices: list[list[str]]) -> list[str]:
    """The best option per prompt by lm-evaluation-harness's HFLM.loglikelihood, the same
    (prompt + "Final Answer:", " option") pairs the project scores."""
    from lm_eval.api.instance import Instance

    from medchat_pipeline.evaluation.evaluate import ANSWER_SEED

    requests = [
        Instance(request_type="loglikelihood", doc={}, arguments=(prompt + ANSWER_SEED, f" {c}"), idx=k)
        for prompt, options in zip(prompts, choices)
        for k, c in enumerate(options)
    ]
    scores = iter(logp for logp, _ in lm.loglikelihood(requests, disable_tqdm=True))
    picks = []
    for options in choices:
        found = {c: next(scores) for c in options}
        picks.append(max(found, key=found.get))
    return picks


# ---- measurement -------------------------------------------------------------------------------


def warm_up(backend, prompts: list[str]) -> None:
    """One short untimed generation: the first call pays one-off allocation and thread start-up."""
    stock_generate(backend, prompts[:2], 2)


def timed(function, *args, **kwargs):
    """The result, and (wall seconds, this process's CPU seconds): with one torch thread the CPU
    seconds are the work done, much less sensitive than wall time to other jobs on the machine."""
    started, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, (time.perf_counter() - started, time.process_time() - cpu)


def spread(seconds: list[tuple[float, float]], items: int) -> dict:
    wall, cpu = [s[0] for s in seconds], [s[1] for s in seconds]
    return {"best_s": round(min(wall), 2), "worst_s": round(max(wall), 2), "items_per_s": round(items / min(wall), 3),
            "best_cpu_s": round(min(cpu), 2), "rounds_s": [round(s, 2) for s in wall],
            "rounds_cpu_s": [round(s, 2) for s in cpu]}


def ratio(times: dict, slower: str, faster: str) -> dict:
    """How many times faster `faster` is than `slower`, by best wall time and by best CPU time."""
    return {"wall": round(min(s[0] for s in times[slower]) / min(s[0] for s in times[faster]), 2),
            "cpu": round(min(s[1] for s in times[slower]) / min(s[1] for s in times[faster]), 2)}


def measure_free_text(backend, rows, prompts: list[str], max_new_tokens: int, rounds: int) -> dict:
    from medchat_pipeline.decoding import generate_many

    def decoder():
        out = generate_many(backend.model, backend.tokenizer, prompts, max_new_tokens, backend.batch_size)
        return [backend.tokenizer.decode(t, skip_special_tokens=True).strip() for t in out.tokens]

    warm_up(backend, prompts)
    load_before = os.getloadavg()[0]
    times = {"stock_generate": [], "decoder": []}
    for _ in range(rounds):
        (stock, _), seconds = timed(stock_generate, backend, prompts, max_new_tokens)
        times["stock_generate"].append(seconds)
        ours, seconds = timed(decoder)
        times["decoder"].append(seconds)
    return {
        "items": len(prompts),
        "max_new_tokens": max_new_tokens,
        "mean_prompt_tokens": mean_prompt_tokens(backend, prompts),
        **{name: spread(seconds, len(prompts)) for name, seconds in times.items()},
        "decoder_vs_stock": ratio(times, "stock_generate", "decoder"),
        "identical_texts": sum(a == b for a, b in zip(stock, ours)),
        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def measure_choice(backend, rows, prompts: list[str], max_new_tokens: int, rounds: int, lm_eval_batch_size: int) -> dict:
    from medchat_pipeline.core.evaluation import benchmark

    choices = [benchmark.answer_choices(row) for row in rows]
    lm = harness(backend, lm_eval_batch_size)
    warm_up(backend, prompts)
    load_before = os.getloadavg()[0]
    times = {"stock_generate": [], "lm_eval_loglikelihood": [], "decoder_generate": [], "ours_generate_and_score": []}
    for _ in range(rounds):
        (stock, _), seconds = timed(stock_generate, backend, prompts, max_new_tokens, True)
        times["stock_generate"].append(seconds)
        harness_picks, seconds = timed(lm_eval_loglikelihood, lm, prompts, choices)
        times["lm_eval_loglikelihood"].append(seconds)
        (generated_only, _, _), seconds = timed(backend.generate_and_score, prompts, None, max_new_tokens, "decoder", True)
        times["decoder_generate"].append(seconds)
        (ours, _, scores), seconds = timed(backend.generate_and_score, prompts, choices, max_new_tokens, "ours", True)
        times["ours_generate_and_score"].append(seconds)
    picks = [max(found, key=found.get) for found in scores]
    times["stock_plus_lm_eval"] = [
        (g[0] + s[0], g[1] + s[1]) for g, s in zip(times["stock_generate"], times["lm_eval_loglikelihood"])
    ]
    return {
        "items": len(prompts),
        "max_new_tokens": max_new_tokens,
        "mean_prompt_tokens": mean_prompt_tokens(backend, prompts),
        **{name: spread(seconds, len(prompts)) for name, seconds in times.items()},
        "report_method_speedup": ratio(times, "stock_plus_lm_eval", "ours_generate_and_score"),
        "generation_only_speedup": ratio(times, "stock_generate", "decoder_generate"),
        "identical_texts_stock_vs_ours": sum(a == b for a, b in zip(stock, ours)),
        "identical_texts_generate_vs_generate_and_score": sum(a == b for a, b in zip(generated_only, ours)),
        "same_extracted_answer": sum(
            benchmark.extract_answer(row, a) == benchmark.extract_answer(row, b) for row, a, b in zip(rows, stock, ours)
        ),
        "same_loglik_pick_as_lm_eval": sum(a == b for a, b in zip(harness_picks, picks)),
        "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def mean_prompt_tokens(backend, prompts: list[str]) -> float:
    lengths = [len(ids) for ids in backend.tokenizer(prompts, add_special_tokens=False)["input_ids"]]
    return round(sum(lengths) / len(prompts), 1)


if __name__ == "__main__":
    main()
