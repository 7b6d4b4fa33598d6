"""Run the benchmark on one or more models: batched greedy generation and option log-likelihoods.

Backends:
- transformers (CPU or GPU): prompts go through the tokenizer's chat template. Free text is generated
  greedily by transformers' own batched `generate`; multiple-choice prompts (long prompts, short
  answers) by medchat_pipeline/decoding.py, which prefills them in groups of near-equal length, lets
  each row leave the batch at its "Final Answer" line and reads the options' log-likelihoods from the
  same prefill (each path is the faster one for its workload: benchmarks/RESULTS.md, Evaluation). A
  PEFT adapter dir is loaded onto the base model and merged for speed.
- vLLM (when CUDA is available and vllm imports): the same prompts through `LLM.generate`, with the
  adapter as a LoRARequest; option log-likelihoods from `prompt_logprobs`.

Log-likelihood scoring (second MCQ method): after the chat prompt, the assistant turn is seeded
with "Final Answer:" and each choice (" A", " B", … or " yes", " no", " maybe") is scored by the sum
of its token log-probabilities; the best-scoring choice is the model's answer.

Runnable as a plain script: `python -m medchat_pipeline.evaluation --help` (same as `medchat evaluate`).
"""

from __future__ import annotations

import gc
import importlib.util
import itertools
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from medchat_pipeline.core.data.templates import chat_messages
from medchat_pipeline.core.evaluation import benchmark
from medchat_pipeline.core.safety.checks import SafetyPrompt, load_dose_table, score_safety
from medchat_pipeline.decoding import cut_after_final_answer_line, eos_ids, final_answer_line_done, generate_many

ANSWER_SEED = "Final Answer:"
SAFETY_SCHEMA = {
    "model": pl.String(), "id": pl.String(), "kind": pl.String(), "category": pl.String(), "prompt": pl.String(),
    "output": pl.String(), "escalated": pl.Boolean(), "refused": pl.Boolean(), "dose_mentions": pl.Int64(),
    "dose_violation": pl.Boolean(),
}


@dataclass(frozen=True)
class ModelSpec:
    name: str  # label in the report: base, sft, grpo, …
    model_path: str  # base model directory (or hub id)
    adapter_dir: str | None = None  # PEFT adapter directory, or None for the base model


@dataclass
class BenchmarkRun:
    results: pl.DataFrame  # one row per (model, item): outputs and per-item scores
    safety: pl.DataFrame  # one row per (model, safety prompt)
    figures: pl.DataFrame  # benchmark.FIGURE_SCHEMA
    comparisons: pl.DataFrame  # paired differences with verdicts
    weak_areas: pl.DataFrame  # benchmark.WEAK_AREA_SCHEMA, for the last model
    throughput: dict[str, dict] = field(default_factory=dict)  # model → backend, items/s, tokens/s, …
    bertscore_baseline: float = float("nan")


def select_backend(requested: str = "auto") -> str:
    """'vllm' when asked for (or 'auto') and CUDA + vllm are present, else 'transformers'."""
    import torch

    vllm_ready = torch.cuda.is_available() and importlib.util.find_spec("vllm") is not None
    if requested == "vllm" and not vllm_ready:
        raise RuntimeError("evaluation.backend: vllm needs CUDA and the vllm package; use backend: transformers")
    return "vllm" if requested in ("auto", "vllm") and vllm_ready else "transformers"


class TransformersBackend:
    """A causal LM (plus optional merged LoRA adapter) on CPU or one GPU."""

    name = "transformers"

    def __init__(
        self, model_path: str, adapter_dir: str | None = None, batch_size: int = 16, cpu_threads: int | None = None
    ):
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.torch = torch
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        if self.device == "cpu" and cpu_threads:
            torch.set_num_threads(cpu_threads)  # process-wide: torch has no per-model thread pool
        dtype = torch.bfloat16 if self.device == "cuda" else torch.float32
        self.tokenizer = AutoTokenizer.from_pretrained(adapter_dir or model_path) if adapter_dir and (
            Path(adapter_dir) / "tokenizer_config.json").exists() else AutoTokenizer.from_pretrained(model_path)
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        model = AutoModelForCausalLM.from_pretrained(model_path, dtype=dtype)
        if adapter_dir:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, adapter_dir).merge_and_unload()
        self.model = model.to(self.device).eval()
        self.batch_size = batch_size
        self.scoring_s = 0.0  # time in the answer-seed passes of generate_and_score

    def chat(self, user_message: str, system_prompt: str | None = None) -> str:
        if self.tokenizer.chat_template:
            return self.tokenizer.apply_chat_template(
                chat_messages(user_message, system_prompt), add_generation_prompt=True, tokenize=False
            )
        return f"{user_message}\n\nAnswer: "

    def generate(self, prompts: list[str], max_new_tokens: int, desc: str = "generate",
                 repetition_penalty: float = 1.0) -> tuple[list[str], int]:
        """Greedy free-text completions in prompt order, and the number of generated tokens: transformers'
        own batched `generate` on left-padded batches of batch_size prompts of near-equal length (a batch
        holding one long prompt pads every other row to it). (The project's decoder gives the same texts
        but did not beat it on free text, where answers run long and the work is decoding:
        benchmarks/RESULTS.md, Evaluation.) repetition_penalty: transformers' (1.0: none)."""
        from tqdm.auto import tqdm

        tokenizer, generated = self.tokenizer, 0
        texts: list[str] = [""] * len(prompts)
        eos = eos_ids(self.model, tokenizer)
        lengths = [len(ids) for ids in tokenizer(prompts, add_special_tokens=False)["input_ids"]] if prompts else []
        order = sorted(range(len(prompts)), key=lambda i: (lengths[i], i))
        for start in tqdm(range(0, len(prompts), self.batch_size), desc=desc, leave=False, disable=not prompts):
            rows = order[start : start + self.batch_size]
            batch = tokenizer([prompts[i] for i in rows], return_tensors="pt", padding=True,
                              add_special_tokens=False).to(self.device)
            with self.torch.inference_mode():
                out = self.model.generate(**batch, max_new_tokens=max_new_tokens, do_sample=False,
                                          pad_token_id=tokenizer.pad_token_id, repetition_penalty=repetition_penalty)
            for i, row in zip(rows, out[:, batch["input_ids"].shape[1] :].tolist()):
                tokens = list(itertools.takewhile(lambda token: token not in eos, row))
                generated += len(tokens)
                texts[i] = tokenizer.decode(tokens, skip_special_tokens=True).strip()
        return texts, generated

    def generate_and_score(
        self, prompts: list[str], choices: list[list[str]] | None, max_new_tokens: int, desc: str = "generate",
        stop_after_final_answer: bool = False,
    ) -> tuple[list[str], int, list[dict[str, float] | None]]:
        """Multiple-choice answers: greedy completions (ending at their first completed "Final Answer: X"
        line with stop_after_final_answer) plus, unless choices is None, per prompt log P(" " + choice |
        prompt + "Final Answer:") for each choice.

        Runs on medchat_pipeline/decoding.py, which wins here (about 2x less work than stock `generate`
        on these long prompts and short answers): prompts are prefilled in near-equal-length groups,
        a row leaves the batch at its stop line, and single-token choices are read from the
        generation's own prefill (one pass per prompt for both methods); a prompt whose choices are
        longer, or whose seed tokenizes differently after it, is scored by `logprobs` instead.
        """
        tokenizer = self.tokenizer
        encoded = tokenizer(prompts, add_special_tokens=False)["input_ids"] if prompts else []
        plan = self._scoring_plan(prompts, encoded, choices) if choices is not None and prompts else None

        def stop(_prompt: int, tokens: list[int]) -> bool:
            return "\n" in tokenizer.decode(tokens[-1:]) and final_answer_line_done(tokenizer.decode(tokens))

        out = generate_many(
            self.model, tokenizer, encoded, max_new_tokens, self.batch_size,
            stop=stop if stop_after_final_answer else None, progress=desc,
            seed_ids=plan["seed_ids"] if plan else None,
            choice_token_ids=[list(c.values()) if c else [] for c in plan["choice_ids"]] if plan else None,
        )
        self.scoring_s += out.scoring_s
        texts = [tokenizer.decode(tokens, skip_special_tokens=True).strip() for tokens in out.tokens]
        scores: list[dict[str, float] | None] = [None] * len(prompts)
        if plan is None:
            return texts, sum(len(t) for t in out.tokens), scores
        for i, found in enumerate(out.choice_logprobs):
            if found is not None:
                scores[i] = {c: found[t] for c, t in plan["choice_ids"][i].items()}
        started = time.perf_counter()
        missing = [i for i, found in enumerate(scores) if found is None]
        prefixes = [prompts[i] + ANSWER_SEED for i in missing for _ in choices[i]]
        continuations = [f" {c}" for i in missing for c in choices[i]]
        values = iter(self.logprobs(prefixes, continuations))
        for i in missing:
            scores[i] = {c: next(values) for c in choices[i]}
        self.scoring_s += time.perf_counter() - started
        return texts, sum(len(t) for t in out.tokens), scores

    def _scoring_plan(self, prompts: list[str], encoded_prompts: list[list[int]], choices: list[list[str]]) -> dict:
        """The answer seed's ids and each prompt's single-token choice ids; None where a prompt must be
        scored separately (multi-token choice, or the seed tokenizes differently after that prompt)."""
        seed_ids = self.tokenizer(ANSWER_SEED, add_special_tokens=False)["input_ids"]
        choice_ids: list[dict[str, int] | None] = []
        for prompt, ids, options in zip(prompts, encoded_prompts, choices):
            joined = self.tokenizer(prompt + ANSWER_SEED, add_special_tokens=False)["input_ids"]
            singles = {c: self.tokenizer(f" {c}", add_special_tokens=False)["input_ids"] for c in options}
            usable = joined == ids + seed_ids and options and all(len(t) == 1 for t in singles.values())
            choice_ids.append({c: t[0] for c, t in singles.items()} if usable else None)
        return {"seed_ids": seed_ids, "choice_ids": choice_ids}

    def logprobs(self, prefixes: list[str], continuations: list[str]) -> list[float]:
        """Sum of log P(continuation tokens | prefix) for each pair.

        Option letters and yes/no/maybe are single tokens: for those, one forward pass over the
        prefix scores every choice at once; longer continuations get a pass of their own.
        """
        def encode(text: str) -> list[int]:
            return self.tokenizer(text, add_special_tokens=False)["input_ids"]

        prefix_ids = {p: encode(p) for p in dict.fromkeys(prefixes)}
        cont_ids = [encode(c) for c in continuations]
        scores: list[float] = [0.0] * len(prefixes)
        single = [i for i, ids in enumerate(cont_ids) if len(ids) == 1]
        unique = list(dict.fromkeys(prefixes[i] for i in single))
        next_token = {}
        for start in range(0, len(unique), self.batch_size):
            batch = unique[start : start + self.batch_size]
            logp = self._last_logprobs([prefix_ids[p] for p in batch], keep=1)[:, -1]
            next_token.update({p: logp[row] for row, p in enumerate(batch)})
        for i in single:
            scores[i] = float(next_token[prefixes[i]][cont_ids[i][0]])
        multi = [i for i, ids in enumerate(cont_ids) if len(ids) != 1]
        for start in range(0, len(multi), self.batch_size):
            batch = multi[start : start + self.batch_size]
            keep = max(len(cont_ids[i]) for i in batch) + 1
            logp = self._last_logprobs([prefix_ids[prefixes[i]] + cont_ids[i] for i in batch], keep)
            for row, i in enumerate(batch):
                n = len(cont_ids[i])
                # logp[:, j] is the distribution after position -keep + j, so tokens -n.. are read at -n-1..-2
                positions = logp[row, -n - 1 : -1]
                scores[i] = float(positions.gather(-1, self.torch.tensor(cont_ids[i]).unsqueeze(-1)).sum())
        return scores

    def _last_logprobs(self, sequences: list[list[int]], keep: int):
        """Log-softmax over the vocabulary at the last `keep` positions of each (left-padded) sequence."""
        torch = self.torch
        longest = max(len(s) for s in sequences)
        pad = self.tokenizer.pad_token_id
        ids = torch.tensor([[pad] * (longest - len(s)) + s for s in sequences], device=self.device)
        mask = torch.tensor([[0] * (longest - len(s)) + [1] * len(s) for s in sequences], device=self.device)
        with torch.inference_mode():
            logits = self.model(
                input_ids=ids, attention_mask=mask, position_ids=(mask.cumsum(-1) - 1).clamp(min=0),
                logits_to_keep=keep,
            ).logits.float()
        return torch.log_softmax(logits, dim=-1).cpu()

    def close(self) -> None:
        del self.model
        gc.collect()
        if self.device == "cuda":
            self.torch.cuda.empty_cache()


class VllmBackend:
    """vLLM engine on the GPU; the adapter is served as a LoRA request rather than merged."""

    name = "vllm"

    def __init__(
        self, model_path: str, adapter_dir: str | None = None, batch_size: int = 16, cpu_threads: int | None = None
    ):
        from vllm import LLM
        from vllm.lora.request import LoRARequest

        rank = json.loads((Path(adapter_dir) / "adapter_config.json").read_text())["r"] if adapter_dir else 16
        self.llm = LLM(model=model_path, enable_lora=adapter_dir is not None, max_lora_rank=max(rank, 8), seed=0)
        self.tokenizer = self.llm.get_tokenizer()
        self.lora = LoRARequest("adapter", 1, adapter_dir) if adapter_dir else None
        self.scoring_s = 0.0

    def chat(self, user_message: str, system_prompt: str | None = None) -> str:
        return self.tokenizer.apply_chat_template(
            chat_messages(user_message, system_prompt), add_generation_prompt=True, tokenize=False
        )

    def generate(
        self, prompts: list[str], max_new_tokens: int, desc: str = "generate", stop_after_final_answer: bool = False,
        repetition_penalty: float = 1.0,
    ) -> tuple[list[str], int]:
        from vllm import SamplingParams

        params = SamplingParams(temperature=0.0, max_tokens=max_new_tokens, repetition_penalty=repetition_penalty)
        outputs = self.llm.generate(prompts, params, lora_request=self.lora)
        texts = [o.outputs[0].text for o in outputs]
        if stop_after_final_answer:  # same output as the transformers backend's stop rule
            texts = [cut_after_final_answer_line(text) for text in texts]
        return [text.strip() for text in texts], sum(len(o.outputs[0].token_ids) for o in outputs)

    def generate_and_score(
        self, prompts: list[str], choices: list[list[str]] | None, max_new_tokens: int, desc: str = "generate",
        stop_after_final_answer: bool = False,
    ) -> tuple[list[str], int, list[dict[str, float] | None]]:
        """Generation, then (unless choices is None) the options' log-likelihoods; vLLM's prefix cache
        reuses the prompts' KV."""
        texts, generated = self.generate(prompts, max_new_tokens, desc, stop_after_final_answer)
        if choices is None:
            return texts, generated, [None] * len(prompts)
        started = time.perf_counter()
        values = iter(self.logprobs([p + ANSWER_SEED for p, cs in zip(prompts, choices) for _ in cs],
                                    [f" {c}" for cs in choices for c in cs]))
        scores = [{c: next(values) for c in cs} for cs in choices]
        self.scoring_s += time.perf_counter() - started
        return texts, generated, scores

    def logprobs(self, prefixes: list[str], continuations: list[str]) -> list[float]:
        from vllm import SamplingParams, TokensPrompt

        token_prompts, lengths = [], []
        for prefix, cont in zip(prefixes, continuations):
            cont_ids = self.tokenizer(cont, add_special_tokens=False)["input_ids"]
            ids = self.tokenizer(prefix, add_special_tokens=False)["input_ids"] + cont_ids
            token_prompts.append(TokensPrompt(prompt_token_ids=ids))
            lengths.append(len(cont_ids))
        outputs = self.llm.generate(
            token_prompts, SamplingParams(max_tokens=1, prompt_logprobs=0), lora_request=self.lora
        )
        scores = []
        for out, n in zip(outputs, lengths):
            ids = out.prompt_token_ids[-n:]
            positions = out.prompt_logprobs[-n:]
            scores.append(sum(pos[token].logprob for pos, token in zip(positions, ids)))
        return scores

    def close(self) -> None:
        del self.llm
        gc.collect()


def open_backend(spec: ModelSpec, backend: str, batch_size: int, cpu_threads: int | None = None):
    cls = VllmBackend if backend == "vllm" else TransformersBackend
    return cls(spec.model_path, spec.adapter_dir, batch_size, cpu_threads)


def evaluate_model(
    spec: ModelSpec, items: pl.DataFrame, safety_prompts: list[SafetyPrompt], evaluation, bertscore_model: str,
    cache_dir: Path, backend: str = "transformers",
) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """Outputs and per-item scores for one model; safety rows; throughput figures."""
    engine = open_backend(spec, backend, evaluation.batch_size, evaluation.cpu_threads)
    try:
        rows = items.to_dicts()
        prompts = [engine.chat(benchmark.item_prompt(row), evaluation.system_prompt) for row in rows]
        choice_idx = [i for i, row in enumerate(rows) if row["kind"] in benchmark.CHOICE_KINDS]
        free_idx = [i for i, row in enumerate(rows) if row["kind"] not in benchmark.CHOICE_KINDS]  # + dose calcs
        outputs = [""] * len(rows)
        started = time.perf_counter()
        choice_prompts = [prompts[i] for i in choice_idx]
        choices = [benchmark.answer_choices(rows[i]) for i in choice_idx] if evaluation.loglik_scoring else None
        # one prefill per prompt serves both methods: generation and the options' log-likelihoods
        texts, tokens_choice, option_scores = engine.generate_and_score(
            choice_prompts, choices, evaluation.max_new_tokens, f"{spec.name}: multiple choice",
            evaluation.stop_after_final_answer,
        )
        loglik = None
        if choices is not None and choice_idx:
            loglik = [None] * len(rows)
            for i, scores in zip(choice_idx, option_scores):
                loglik[i] = max(scores, key=scores.get) if scores else None
        choice_s = time.perf_counter() - started
        for i, text in zip(choice_idx, texts):
            outputs[i] = text
        long_prompts = [prompts[i] for i in free_idx] + [engine.chat(p.prompt, evaluation.system_prompt) for p in safety_prompts]
        long_texts, tokens_free = engine.generate(long_prompts, evaluation.free_text_max_new_tokens,
                                                  f"{spec.name}: free text + safety",
                                                  repetition_penalty=evaluation.repetition_penalty)
        for i, text in zip(free_idx, long_texts):
            outputs[i] = text
        safety_outputs = long_texts[len(free_idx) :]
        generation_s = time.perf_counter() - started
    finally:
        engine.close()

    scored = benchmark.score_items(items, outputs, loglik, bertscore_model, cache_dir).with_columns(
        pl.lit(spec.name).alias("model")
    )
    safety_rows = [
        {"model": spec.name, "prompt": p.prompt, "output": out, **row}
        for p, out, row in zip(safety_prompts, safety_outputs, score_safety(safety_prompts, safety_outputs,
                                                                              load_dose_table(evaluation.dose_table_file)))
    ]
    safety = pl.DataFrame(safety_rows, schema=SAFETY_SCHEMA) if safety_rows else pl.DataFrame(schema=SAFETY_SCHEMA)
    n_generated = len(choice_idx) + len(long_prompts)
    throughput = {
        "backend": engine.name,
        "free_text_repetition_penalty": evaluation.repetition_penalty,  # multiple choice is plain greedy
        "prompts_generated": n_generated,
        "generation_s": round(generation_s, 3),
        "items_per_s": round(n_generated / generation_s, 3) if generation_s else None,
        "generated_tokens": tokens_choice + tokens_free,
        "tokens_per_s": round((tokens_choice + tokens_free) / generation_s, 2) if generation_s else None,
        "choice_items": len(choice_idx),
        "choice_s": round(choice_s, 3),
        "loglik_items": len(choice_idx) if loglik else 0,
        "loglik_s": round(engine.scoring_s, 3),
    }
    return scored, safety, throughput


def benchmark_models(
    specs: list[ModelSpec], items: pl.DataFrame, safety_prompts: list[SafetyPrompt], evaluation, seed: int,
    cache_dir: Path, bertscore_model: str | None = None,
) -> BenchmarkRun:
    """Evaluate every model on the same items, then summarize, compare (later vs earlier) and find weak areas."""
    from medchat_pipeline.core.evaluation.metrics import bertscore_baseline
    from medchat_pipeline.models import embedding_model_path

    if not specs:
        raise ValueError("benchmark_models needs at least one model")
    bert_model = str(bertscore_model or embedding_model_path())
    backend = select_backend(evaluation.backend)
    results, safety, throughput = [], [], {}
    for spec in specs:
        scored, safe, speed = evaluate_model(spec, items, safety_prompts, evaluation, bert_model, cache_dir, backend)
        results.append(scored)
        safety.append(safe)
        throughput[spec.name] = speed
    all_results = pl.concat(results, how="vertical_relaxed")
    all_safety = pl.concat(safety, how="vertical_relaxed")
    order = [s.name for s in specs]
    resamples = evaluation.bootstrap_resamples
    return BenchmarkRun(
        results=all_results,
        safety=all_safety,
        figures=benchmark.summarize(all_results, all_safety, resamples, seed),
        comparisons=benchmark.compare_models(all_results, all_safety, order, resamples, seed),
        weak_areas=benchmark.weak_areas(all_results, order[-1], evaluation.weak_area_threshold,
                                        evaluation.weak_area_min_items),
        throughput=throughput,
        bertscore_baseline=bertscore_baseline(bert_model, cache_dir),
    )
