"""GPU smoke check: the project's own GPU code paths, end to end, on the small demo model, in minutes.

    .venv/bin/python scripts/gpu_smoke.py --out gpu_smoke.json

Parts, in order (each records ok / skipped (why) / failed (error) with its seconds and figures):

  recipe          training/recipe.py: the QLoRA 4-bit recipe checks, bitsandbytes config, chat template / loss mode
  qlora_sft       training/sft.py run_sft: a TrainingJob with quantization 4bit on CUDA, a few steps, adapter + manifest
  grpo            training/grpo.py run_grpo: a few GRPO steps continuing that adapter, the profile's rewards
  vllm_evaluation evaluation/evaluate.py benchmark_models with backend vllm: base and SFT adapter (LoRA request)
  vllm_serving    serving/smoke.py gpu_smoke_check: the router's small lane on `vllm serve`, one streamed answer

A part whose input failed is skipped, saying which; past --budget-s the remaining parts are skipped. The
training mix is built from the bundled demo sources by the project's parsers. Without CUDA every part is
skipped and the script exits 0 (the JSON says why); with CUDA it exits 1 when any part failed.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
import traceback
from pathlib import Path

PARTS = ("recipe", "qlora_sft", "grpo", "vllm_evaluation", "vllm_serving")
DEMO_SOURCES = ("medqa", "medmcqa", "pubmedqa", "medquad", "healthcaremagic")


class Skip(Exception):
    """A part that cannot run here; the message says why."""


def run_part(name: str, results: dict, fn, deadline: float) -> None:
    started = time.perf_counter()
    try:
        if time.perf_counter() > deadline:
            raise Skip("the time budget (--budget-s) is spent")
        results[name] = {"status": "ok", **(fn() or {})}
    except Skip as why:
        results[name] = {"status": "skipped", "why": str(why)}
    except Exception as exc:  # recorded with its traceback, never swallowed: the verdict says failed
        results[name] = {"status": "failed", "error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=6)}
    results[name]["seconds"] = round(time.perf_counter() - started, 2)


def needs(results: dict, *parts: str) -> None:
    for part in parts:
        if results.get(part, {}).get("status") != "ok":
            raise Skip(f"needs {part}, which is {results.get(part, {}).get('status', 'not run')}")


def free_gpu_memory() -> None:
    import torch

    gc.collect()
    torch.cuda.empty_cache()


def training_mix(cfg, work: Path) -> Path:
    """The demo sources parsed by their own parsers, split 8/1/1 by row, written as a training mix."""
    import polars as pl

    from medchat_pipeline.config import project_root
    from medchat_pipeline.core.data.schema import conform
    from medchat_pipeline.core.data.sources import parse_source

    frames = [parse_source(name, getattr(cfg.data.sources, name), project_root()).qac for name in DEMO_SOURCES]
    mix = pl.concat(frames, how="vertical_relaxed").with_row_index("row")
    mix = mix.with_columns(
        pl.when(pl.col("row") % 10 == 8).then(pl.lit("val")).when(pl.col("row") % 10 == 9).then(pl.lit("test"))
        .otherwise(pl.lit("train")).alias("split"),
        pl.lit("original").alias("origin"),
    ).drop("row")
    path = work / "training_mix.parquet"
    conform(mix).write_parquet(path)
    return path


def gpu_training_config(cfg, sft_steps: int, grpo_steps: int):
    """The demo recipe on CUDA with 4-bit QLoRA: validated as a profile would be."""
    from medchat_pipeline.config.training import TrainingConfig

    raw = cfg.training.model_dump()
    raw.update(device="cuda", quantization="4bit", dtype="bfloat16", runner="in_process")
    raw["sft"].update(max_steps=sft_steps, save_steps=sft_steps, eval_steps=sft_steps, logging_steps=1)
    raw["grpo"].update(max_steps=grpo_steps, save_steps=grpo_steps, logging_steps=1)
    raw["mlflow"]["tracking_uri"] = None  # the job's own storage folder
    return TrainingConfig.model_validate(raw)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="gpu_smoke.json", help="where the JSON verdict goes")
    parser.add_argument("--profile", default="demo", help="profile whose sources, recipe and serving settings are used")
    parser.add_argument("--model", default=None, help="base model directory (default: the demo SmolLM2-135M)")
    parser.add_argument("--sft-steps", type=int, default=6)
    parser.add_argument("--grpo-steps", type=int, default=2)
    parser.add_argument("--budget-s", type=float, default=540, help="skip the parts not started within this")
    parser.add_argument("--workdir", default=None, help="folder for the mix, adapters and caches (default: a temp dir)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    deadline = started + args.budget_s

    import torch

    results: dict = {"torch": torch.__version__, "cuda": torch.cuda.is_available(),
                     "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None}
    state: dict = {}

    if not torch.cuda.is_available():
        for part in PARTS:
            results[part] = {"status": "skipped", "why": "no CUDA device visible (torch.cuda.is_available() is False)",
                             "seconds": 0.0}
        return finish(results, args.out, started)

    from medchat_pipeline.config import load_config
    from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model

    cfg = load_config(args.profile)
    work = Path(args.workdir or tempfile.mkdtemp(prefix="medchat-gpu-smoke-"))
    work.mkdir(parents=True, exist_ok=True)
    model_path = str(args.model or resolve_base_model(DEMO_BASE_MODEL))
    results["model"] = model_path
    training_cfg = gpu_training_config(cfg, args.sft_steps, args.grpo_steps)

    def recipe():
        from medchat_pipeline.training.recipe import check_recipe, load_tokenizer, quantization_config, require_runtime

        require_runtime(training_cfg)
        check = check_recipe(training_cfg, load_tokenizer(model_path))
        quant = quantization_config(training_cfg)
        return {"loss_mode": check.loss_mode, "quant_type": quant.bnb_4bit_quant_type,
                "double_quant": quant.bnb_4bit_use_double_quant, "attn_implementation": training_cfg.resolved_attn_implementation()}

    def qlora_sft():
        needs(results, "recipe")
        from medchat_pipeline.training.jobs import TrainingJob
        from medchat_pipeline.training.sft import run_sft

        state["mix"] = training_mix(cfg, work)
        job = TrainingJob(stage="sft", training=training_cfg, base_model_path=model_path, train_data=str(state["mix"]),
                          output_dir=str(work / "sft"), storage_dir=str(work), seed=cfg.seed)
        job.save()
        torch.cuda.reset_peak_memory_stats()
        manifest = run_sft(job)
        state["sft_adapter"] = str(job.adapter_dir)
        free_gpu_memory()
        return {"adapter": state["sft_adapter"], "metrics": manifest.get("metrics"),
                "peak_gpu_gb": round(torch.cuda.max_memory_allocated() / 2**30, 2)}

    def grpo():
        needs(results, "qlora_sft")
        from medchat_pipeline.training.grpo import run_grpo
        from medchat_pipeline.training.jobs import TrainingJob

        job = TrainingJob(stage="grpo", training=training_cfg, base_model_path=model_path, train_data=str(state["mix"]),
                          output_dir=str(work / "grpo"), storage_dir=str(work), seed=cfg.seed,
                          parent_adapter_dir=state["sft_adapter"])
        job.save()
        torch.cuda.reset_peak_memory_stats()
        manifest = run_grpo(job)
        free_gpu_memory()
        return {"adapter": str(job.adapter_dir), "metrics": manifest.get("metrics"),
                "peak_gpu_gb": round(torch.cuda.max_memory_allocated() / 2**30, 2)}

    def vllm_evaluation():
        needs(results, "qlora_sft")
        import polars as pl

        from medchat_pipeline.core.evaluation.benchmark import items_from_qac
        from medchat_pipeline.core.safety.checks import load_safety_prompts
        from medchat_pipeline.evaluation.evaluate import ModelSpec, benchmark_models, select_backend
        from medchat_pipeline.serving.vllm import vllm_available

        problem = vllm_available()
        if problem:
            raise Skip(problem)
        evaluation = cfg.evaluation.model_copy(update={"backend": "vllm", "bootstrap_resamples": 100})
        assert select_backend(evaluation.backend) == "vllm"
        held_out = pl.read_parquet(state["mix"]).filter(pl.col("split") != "train")
        items, _unlabelled = items_from_qac(held_out, "smoke")
        run = benchmark_models(
            [ModelSpec("base", model_path), ModelSpec("sft", model_path, state["sft_adapter"])],
            items, load_safety_prompts(evaluation.safety_prompts_file)[:4], evaluation, cfg.seed, work / "eval-cache",
        )
        free_gpu_memory()
        return {"items": items.height, "backends": sorted({t["backend"] for t in run.throughput.values()}),
                "throughput": run.throughput, "results_rows": run.results.height}

    def vllm_serving():
        needs(results, "qlora_sft")
        try:
            from medchat_pipeline.serving.smoke import gpu_smoke_check
            from medchat_pipeline.serving.vllm import vllm_available
        except ImportError as exc:
            raise Skip(f"the vLLM serving backend is not in this checkout ({exc})") from exc
        problem = vllm_available()
        if problem:
            raise Skip(problem)
        small = cfg.serving.small.model_copy(update={
            "adapter": state["sft_adapter"], "base_model": model_path, "device": "cuda",
            "vllm": cfg.serving.small.vllm.model_copy(update={"gpu_memory_utilization": 0.5, "max_model_len": 2048}),
        })
        smoke_cfg = cfg.model_copy(update={"serving": cfg.serving.model_copy(update={"small": small})})
        report = gpu_smoke_check(smoke_cfg)
        if not report.get("ok"):
            raise RuntimeError(f"the router did not answer from the small model on vLLM: {report}")
        return report

    for name, fn in zip(PARTS, (recipe, qlora_sft, grpo, vllm_evaluation, vllm_serving), strict=True):
        run_part(name, results, fn, deadline)
    results["workdir"] = str(work)
    return finish(results, args.out, started)


def finish(results: dict, out: str, started: float) -> int:
    results["total_seconds"] = round(time.perf_counter() - started, 2)
    Path(out).write_text(json.dumps(results, indent=2, default=str))
    print(json.dumps({part: results[part]["status"] for part in PARTS}))
    failed = [part for part in PARTS if results[part]["status"] == "failed"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
