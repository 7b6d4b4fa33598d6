"""SFT training throughput against what a user would run instead: TRL's SFTTrainer with dynamic
padding, and with padding-free batches, beside the project's trainer, same model (SmolLM2-135M-
Instruct + the same LoRA), same rows, same steps, one run, CPU.

    .venv/bin/python benchmarks/bench_train.py                 # ~10 min on 2 busy CPU cores
    .venv/bin/python benchmarks/bench_train.py --steps 6 --max-length 1024

Every recipe trains on the same rows, built by the project's own data code (chat template + system
prompt, completion-only loss) and the same LoRA, learning rate and seed; only the batching differs:

- trl-dynamic: SFTTrainer as a user starts it: packing off, each batch of --batch-size rows padded to
  its longest row (TRL's DataCollatorForLanguageModeling), rows truncated to --max-length;
- trl-padding-free: the same with `padding_free=True`: a batch's rows are flattened into one sequence
  with per-row position ids, no padding (TRL 1.16 needs max_length=None then, which is why rows
  longer than --max-length are left out of the mix for every recipe: all train on the same tokens);
- ours: medchat_pipeline.training.sft's SFTConfig: best-fit-decreasing packing of whole rows into
  --max-length rows (TRL's `packing=True, packing_strategy="bfd"`, padding-free), --packed-batch rows.

Reported: real (non-padding) training tokens per second over every optimizer step after the first
(the first pays one-off allocation and thread start-up), measured two ways: each recipe alone through
Trainer.train() in its own child process (its peak RSS is its own), and all three interleaved one
optimizer step at a time in one process, so load from other jobs falls on every recipe alike (the
figure to quote on a shared machine). CPU seconds are reported beside wall seconds.

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

RECIPES = ("trl-dynamic", "trl-padding-free", "ours")
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


def fitting_rows(rows: pl.DataFrame, max_length: int) -> pl.DataFrame:
    """The rows whose whole chat (system prompt, question, answer) fits in max_length tokens, so that no
    recipe truncates and all of them train on exactly the same tokens."""
    from medchat_pipeline.core.data.templates import assistant_message
    from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model
    from medchat_pipeline.training.data import prompt_messages
    from medchat_pipeline.training.recipe import load_tokenizer

    tokenizer = load_tokenizer(resolve_base_model(DEMO_BASE_MODEL))
    system_prompt = TrainingConfig().system_prompt
    lengths = [
        len(tokenizer.apply_chat_template(
            prompt_messages(row, system_prompt) + [{"role": "assistant", "content": assistant_message(row)}],
            tokenize=True, return_dict=True)["input_ids"])
        for row in rows.iter_rows(named=True)
    ]
    return rows.filter(pl.Series([n <= max_length for n in lengths]))


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


def trainer(recipe: str, rows: pl.DataFrame, model_path: str, args, out: Path):
    """An SFTTrainer on the rows as the sft_lora_adapter asset builds it, batched as `recipe` says."""
    from trl import SFTTrainer

    from medchat_pipeline.training.data import prepare_rows, sft_dataset
    from medchat_pipeline.training.jobs import TrainingJob
    from medchat_pipeline.training.recipe import check_recipe, load_base_model, load_tokenizer, lora_config
    from medchat_pipeline.training.sft import sft_config

    packed = recipe == "ours"
    cfg = TrainingConfig(
        device="cpu",
        attn_implementation="sdpa",
        lora=LORA,
        sft=SFTSettings(
            max_steps=args.steps, learning_rate=1e-4, gradient_accumulation_steps=1,
            per_device_train_batch_size=args.packed_batch if packed else args.batch_size,
            max_length=args.max_length, packing=packed, padding_free=packed, gradient_checkpointing=False,
            logging_steps=1, save_steps=10_000, warmup_ratio=0.0, lr_scheduler_type="linear", max_eval_rows=1,
        ),
    )
    job = TrainingJob(stage="sft", training=cfg, base_model_path=model_path, train_data="unused", output_dir=str(out), storage_dir=str(out))
    tokenizer = load_tokenizer(model_path)
    check = check_recipe(cfg, tokenizer)
    prepared = prepare_rows(rows, None, None, seed=13)
    config = sft_config(job, check.loss_mode, has_eval=False)
    if recipe == "trl-padding-free":
        config.padding_free, config.max_length = True, None  # TRL refuses a max_length it cannot enforce here
    return SFTTrainer(
        model=load_base_model(cfg, model_path),
        args=config,
        train_dataset=sft_dataset(prepared.train, cfg.system_prompt, check.loss_mode),
        processing_class=tokenizer,
        peft_config=lora_config(cfg),
    )


def real_tokens(batch: dict) -> int:
    mask = batch.get("attention_mask")
    return int(mask.sum()) if mask is not None else int(batch["input_ids"].numel())


def rows_in(batch: dict) -> int:
    """Training rows in a batch: padding-free batches mark each row's start with position id 0."""
    if "attention_mask" in batch:
        return int(batch["input_ids"].shape[0])
    return int((batch["position_ids"] == 0).sum())


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
        state[name] = {"batches": iter(trainer.get_train_dataloader()), "seconds": 0.0, "cpu_seconds": 0.0, "tokens": 0, "slots": 0,
                       "rows": 0}
    for step in range(steps):
        for name, trainer in trainers.items():
            batch = next(state[name]["batches"])
            started, cpu = time.perf_counter(), time.process_time()
            loss = trainer.compute_loss(trainer.model, batch)
            loss.backward()
            trainer.optimizer.step()
            trainer.optimizer.zero_grad(set_to_none=True)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            if not torch.isfinite(loss):
                raise FloatingPointError(f"{name}: non-finite loss at step {step}")
            if step:
                state[name]["seconds"] += elapsed
                state[name]["cpu_seconds"] += cpu
                state[name]["tokens"] += real_tokens(batch)
                state[name]["slots"] += int(batch["input_ids"].numel())
                state[name]["rows"] += rows_in(batch)
    return {
        name: {"tokens_per_s": s["tokens"] / s["seconds"], "tokens_per_cpu_s": s["tokens"] / s["cpu_seconds"],
               "real_tokens": s["tokens"], "rows": s["rows"], "computed_positions": s["slots"],
               "padding_share": round(1 - s["tokens"] / s["slots"], 3), "seconds": round(s["seconds"], 1),
               "cpu_seconds": round(s["cpu_seconds"], 1)}
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
            trainers = {name: trainer(name, rows, model_path, args, Path(out) / name) for name in RECIPES}
            stats = interleaved(trainers, args.steps)
        else:
            stats = train_alone(trainer(args.child, rows, model_path, args, Path(out)))
            stats["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print("RESULT " + json.dumps(stats), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=48, help="real rows in the mix (split evenly over 4 sources)")
    parser.add_argument("--steps", type=int, default=4, help="optimizer steps per recipe (the first is not timed)")
    parser.add_argument("--max-length", type=int, default=512, help="the design notes use 1024; 512 keeps CPU runs short")
    parser.add_argument("--batch-size", type=int, default=2, help="rows per batch for the TRL recipes")
    parser.add_argument("--packed-batch", type=int, default=1, help="packed rows of max-length tokens per batch (ours)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data-root", type=Path, default=Path(os.environ.get("MEDCHAT_SHARED_DATA", project_root().parent / "shared" / "data")))
    parser.add_argument("--child", choices=[*RECIPES, "interleaved"], help=argparse.SUPPRESS)
    parser.add_argument("--rows-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    mix = real_rows(args.data_root, args.rows, seed=13)
    rows = fitting_rows(mix, args.max_length)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        rows_file = Path(tmp) / "rows.parquet"
        rows.write_parquet(rows_file)
        for recipe in [*RECIPES, "interleaved"]:
            command = [sys.executable, __file__, "--child", recipe, "--rows-file", str(rows_file), "--steps", str(args.steps),
                       "--max-length", str(args.max_length), "--batch-size", str(args.batch_size),
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
        "rows": rows.height, "rows_longer_than_max_length_left_out": mix.height - rows.height,
        "rows_by_source": dict(rows.group_by("source").len().iter_rows()),
        "max_length": args.max_length, "steps": args.steps, "threads": args.threads,
        **results, "speedup_tokens_per_s": speedups,
    }, indent=2))


if __name__ == "__main__":
    main()
