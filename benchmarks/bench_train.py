"""SFT training throughput: our recipe (packing, padding-free, answer-only loss) vs the seed's plain
padded Trainer recipe, same model (SmolLM2-135M-Instruct + the same LoRA), same rows, one run, CPU.

    .venv/bin/python benchmarks/bench_train.py                 # ~8 min on 2 busy CPU cores
    .venv/bin/python benchmarks/bench_train.py --steps 6 --max-length 1024

Each recipe runs in its own child process (so peak RSS is its own) and reports real training tokens
per second: tokens that are not padding, over the time of every optimizer step after the first (the
first pays one-off allocation and thread start-up). Recipes:

- seed: the design notes' section 5.5 — "Context: …\nQuestion: …\nAnswer: …" text, labels on the whole
  sequence, per_device_train_batch_size 2, every row padded to max_length (its `tokenizer(...,
  max_length=…)` call made to batch: the plain padded recipe);
- seed-dynamic: the same, but each batch padded only to its longest row (DataCollatorForLanguageModeling),
  the most charitable way to run the seed's code;
- ours: medchat_pipeline.training.sft's SFTConfig — chat template + system prompt, completion-only loss,
  best-fit-decreasing packing of whole rows into max_length rows, padding-free.

Rows: a seeded mix of real slices from ../shared/data (MedQA, PubMedQA, MedQuAD, ChatDoctor), parsed
with the project's source parsers: the mixed lengths of real data are where padding costs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
from transformers import TrainerCallback

from medchat_pipeline.config import project_root
from medchat_pipeline.config.training import SFTSettings, TrainingConfig

RECIPES = ("seed", "seed-dynamic", "ours")
LORA = {"r": 8, "alpha": 16, "dropout": 0.0, "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"]}


def real_rows(data_root: Path, n: int, seed: int) -> pl.DataFrame:
    from medchat_pipeline.core.data.sources import healthcaremagic, medqa, medquad, pubmedqa

    parsed = [
        medqa.parse_files([data_root / "medqa" / "us_test_sample.jsonl"]).qac,
        pubmedqa.parse_files([data_root / "pubmedqa" / "ori_pqal_sample.json"]).qac,
        medquad.parse_files(sorted((data_root / "medquad").rglob("*.xml"))).qac,
        healthcaremagic.parse_files([data_root / "chatdoctor_genmedgpt5k" / "chatdoctor5k_sample.json"]).qac,
    ]
    per_source = n // len(parsed)
    frames = [frame.sample(n=min(per_source, frame.height), seed=seed) for frame in parsed]
    return pl.concat(frames, how="diagonal_relaxed").with_columns(pl.lit("train").alias("split")).sample(fraction=1.0, shuffle=True, seed=seed)


class StepTimer(TrainerCallback):
    """Real tokens and seconds of each optimizer step."""

    def __init__(self) -> None:
        self.steps: list[tuple[float, int]] = []
        self._start = 0.0
        self._tokens = 0

    def on_step_begin(self, args, state, control, **kwargs):
        self._start = time.perf_counter()
        self._tokens = state.num_input_tokens_seen

    def on_step_end(self, args, state, control, **kwargs):
        self.steps.append((time.perf_counter() - self._start, state.num_input_tokens_seen - self._tokens))


def seed_trainer(rows: pl.DataFrame, model_path: str, steps: int, batch_size: int, max_length: int, out: Path, pad_to_max: bool):
    """The design notes' section 5.5, with the padding its Trainer call needs to run at all."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig, get_peft_model
    from transformers import (
        AutoModelForCausalLM,
        AutoTokenizer,
        DataCollatorForLanguageModeling,
        Trainer,
        TrainingArguments,
    )

    tokenizer = AutoTokenizer.from_pretrained(model_path)
    tokenizer.pad_token = tokenizer.pad_token or tokenizer.eos_token

    def tokenize(example):
        prompt = (f"Context: {example['context']}\n" if example["context"] else "") + f"Question: {example['question']}\nAnswer:"
        return tokenizer(
            prompt + " " + example["answer"], truncation=True, max_length=max_length, padding="max_length" if pad_to_max else False
        )

    data = Dataset.from_list(rows.select("context", "question", "answer").to_dicts())
    tokenized = data.map(tokenize, remove_columns=data.column_names)
    model = AutoModelForCausalLM.from_pretrained(model_path, dtype=torch.float32, attn_implementation="sdpa")
    model = get_peft_model(
        model, LoraConfig(r=LORA["r"], lora_alpha=LORA["alpha"], lora_dropout=LORA["dropout"], target_modules=LORA["target_modules"], task_type="CAUSAL_LM")
    )
    args = TrainingArguments(
        output_dir=str(out), per_device_train_batch_size=batch_size, max_steps=steps, learning_rate=1e-4,
        logging_steps=1, save_strategy="no", report_to="none", use_cpu=True, dataloader_pin_memory=False,
        include_num_input_tokens_seen="non_padding", optim="adamw_torch", seed=13,
    )
    return Trainer(model=model, args=args, train_dataset=tokenized, data_collator=DataCollatorForLanguageModeling(tokenizer, mlm=False))


def our_trainer(rows: pl.DataFrame, model_path: str, steps: int, batch_size: int, max_length: int, out: Path):
    """medchat_pipeline.training.sft's trainer, as the sft_lora_adapter asset builds it."""
    from trl import SFTTrainer

    from medchat_pipeline.training.data import prepare_rows, sft_dataset
    from medchat_pipeline.training.jobs import TrainingJob
    from medchat_pipeline.training.recipe import check_recipe, load_base_model, load_tokenizer, lora_config
    from medchat_pipeline.training.sft import sft_config

    cfg = TrainingConfig(
        device="cpu",
        attn_implementation="sdpa",
        lora=LORA,
        sft=SFTSettings(
            max_steps=steps, learning_rate=1e-4, per_device_train_batch_size=batch_size, gradient_accumulation_steps=1,
            max_length=max_length, packing=True, gradient_checkpointing=False, logging_steps=1, save_steps=10_000,
            warmup_ratio=0.0, lr_scheduler_type="linear", max_eval_rows=1,
        ),
    )
    job = TrainingJob(stage="sft", training=cfg, base_model_path=model_path, train_data="unused", output_dir=str(out), storage_dir=str(out))
    tokenizer = load_tokenizer(model_path)
    check = check_recipe(cfg, tokenizer)
    prepared = prepare_rows(rows, None, None, seed=13)
    return SFTTrainer(
        model=load_base_model(cfg, model_path),
        args=sft_config(job, check.loss_mode, has_eval=False),
        train_dataset=sft_dataset(prepared.train, cfg.system_prompt, check.loss_mode),
        processing_class=tokenizer,
        peft_config=lora_config(cfg),
    )


def build(recipe: str, rows: pl.DataFrame, model_path: str, args, out: Path):
    if recipe == "ours":
        return our_trainer(rows, model_path, args.steps, args.packed_batch, args.max_length, out)
    return seed_trainer(rows, model_path, args.steps, args.seed_batch, args.max_length, out, pad_to_max=recipe == "seed")


def real_tokens(batch: dict) -> int:
    mask = batch.get("attention_mask")
    return int(mask.sum()) if mask is not None else int(batch["input_ids"].numel())


def train_alone(trainer) -> dict:
    """Trainer.train() as the recipe would run it; tokens/s over every step after the first."""
    timer = StepTimer()
    trainer.add_callback(timer)
    trainer.train()
    timed = timer.steps[1:] or timer.steps
    seconds, tokens = sum(t for t, _ in timed), sum(n for _, n in timed)
    return {"steps": trainer.state.global_step, "timed_tokens": tokens, "timed_s": round(seconds, 1),
            "tokens_per_s": tokens / seconds, "step_s": [round(t, 1) for t, _ in timer.steps]}


def interleaved(trainers: dict, steps: int) -> dict:
    """One optimizer step of each recipe in turn (loss, backward, AdamW step: the body of the Trainer's
    loop), so that load from other processes falls on every recipe alike. Step 1 is not timed."""
    import torch

    state = {}
    for name, trainer in trainers.items():
        trainer.create_optimizer()
        trainer.model.train()
        state[name] = {"batches": iter(trainer.get_train_dataloader()), "seconds": 0.0, "tokens": 0, "slots": 0}
    for step in range(steps):
        for name, trainer in trainers.items():
            batch = next(state[name]["batches"])
            started = time.perf_counter()
            loss = trainer.compute_loss(trainer.model, batch)
            loss.backward()
            trainer.optimizer.step()
            trainer.optimizer.zero_grad(set_to_none=True)
            elapsed = time.perf_counter() - started
            if not torch.isfinite(loss):
                raise FloatingPointError(f"{name}: non-finite loss at step {step}")
            if step:
                state[name]["seconds"] += elapsed
                state[name]["tokens"] += real_tokens(batch)
                state[name]["slots"] += int(batch["input_ids"].numel())
    return {
        name: {"tokens_per_s": s["tokens"] / s["seconds"], "real_tokens": s["tokens"], "computed_positions": s["slots"],
               "padding_share": round(1 - s["tokens"] / s["slots"], 3), "seconds": round(s["seconds"], 1)}
        for name, s in state.items()
    }


def child(args) -> None:
    import torch

    from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model

    torch.set_num_threads(args.threads)
    rows = pl.read_parquet(args.rows_file)
    model_path = resolve_base_model(DEMO_BASE_MODEL)
    with tempfile.TemporaryDirectory() as out:
        if args.child == "interleaved":
            trainers = {name: build(name, rows, model_path, args, Path(out) / name) for name in RECIPES}
            stats = interleaved(trainers, args.steps)
        else:
            stats = train_alone(build(args.child, rows, model_path, args, Path(out)))
            stats["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print("RESULT " + json.dumps(stats), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=48, help="real rows in the mix (split evenly over 4 sources)")
    parser.add_argument("--steps", type=int, default=4, help="optimizer steps per recipe (the first is not timed)")
    parser.add_argument("--max-length", type=int, default=512, help="the seed uses 1024; 512 keeps CPU runs short")
    parser.add_argument("--seed-batch", type=int, default=2, help="rows per padded batch (the seed's value)")
    parser.add_argument("--packed-batch", type=int, default=1, help="packed rows of max-length tokens per batch (ours)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data-root", type=Path, default=Path(os.environ.get("MEDCHAT_SHARED_DATA", project_root().parent / "shared" / "data")))
    parser.add_argument("--child", choices=[*RECIPES, "interleaved"], help=argparse.SUPPRESS)
    parser.add_argument("--rows-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    rows = real_rows(args.data_root, args.rows, seed=13)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        rows_file = Path(tmp) / "rows.parquet"
        rows.write_parquet(rows_file)
        for recipe in [*RECIPES, "interleaved"]:
            command = [sys.executable, __file__, "--child", recipe, "--rows-file", str(rows_file), "--steps", str(args.steps),
                       "--max-length", str(args.max_length), "--seed-batch", str(args.seed_batch),
                       "--packed-batch", str(args.packed_batch), "--threads", str(args.threads)]
            started = time.time()
            done = subprocess.run(command, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"{recipe} recipe failed:\n{done.stderr[-3000:]}")
            line = next(l for l in done.stdout.splitlines() if l.startswith("RESULT "))
            results[recipe] = {**json.loads(line.removeprefix("RESULT ")), "wall_s": time.time() - started}
    fair = results["interleaved"]
    speedups = {
        f"ours_vs_{name}": {
            "interleaved": round(fair["ours"]["tokens_per_s"] / fair[name]["tokens_per_s"], 2),
            "separate_runs": round(results["ours"]["tokens_per_s"] / results[name]["tokens_per_s"], 2),
        }
        for name in RECIPES[:-1]
    }
    print(json.dumps({
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
        "rows": rows.height, "rows_by_source": dict(rows.group_by("source").len().iter_rows()),
        "max_length": args.max_length, "steps": args.steps, "threads": args.threads,
        **results, "speedup_tokens_per_s": speedups,
    }, indent=2))


if __name__ == "__main__":
    main()
