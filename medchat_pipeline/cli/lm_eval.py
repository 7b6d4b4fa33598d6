"""`medchat lm-eval --adapter DIR`: lm-evaluation-harness on the benchmark's own local files."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("lm-eval")
@click.option("--model", "model", default=None,
              help="Base model: a local directory, a hub id, or a 'package:file.gguf' spec. Default: the profile's "
              "training.base_model.")
@click.option("--adapter", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="PEFT adapter directory loaded on top of --model (lm-eval's peft= argument).")
@click.option("--profile", default=None, help="Profile whose evaluation.benchmarks are used (default: "
              "$MEDCHAT_PROFILE or demo).")
@click.option("--max-items", type=int, default=None, help="Items per set (default: evaluation.max_items_per_set).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the task files and results.json (default: <storage_dir>/reports/lm_eval).")
@click.option("--batch-size", type=int, default=8, show_default=True)
def command(model, adapter, profile, max_items, out, batch_size) -> None:
    """Run lm-evaluation-harness on a model (and adapter) against the same local benchmark files and
    the same chat prompts as `medchat evaluate`: every multiple-choice and yes/no/maybe set of the
    profile becomes a custom lm-eval task (rendered prompt + "Final Answer:", choices scored by
    log-likelihood). Prints accuracy per task as JSON; results.json holds lm-eval's full output.

    \b
    Needs the optional extra: pip install -e '.[lm-eval]'
    Example:
      medchat lm-eval --adapter .medchat/adapters/grpo/<hash>/adapter --max-items 100
    """
    from medchat_pipeline.config import ConfigError, load_config
    from medchat_pipeline.core.evaluation import benchmark
    from medchat_pipeline.evaluation.harness import run_harness, write_tasks
    from medchat_pipeline.models import resolve_base_model

    try:
        cfg = load_config(profile)
    except ConfigError as exc:
        raise click.ClickException(str(exc).replace("\n", " ")) from None
    evaluation = cfg.evaluation.model_copy(update={"max_items_per_set": max_items} if max_items else {})
    items, _ = benchmark.load_benchmark_sets(evaluation, cfg.data.sources, cfg.seed)
    if items.filter(items["kind"].is_in(benchmark.CHOICE_KINDS)).is_empty():
        raise click.ClickException("no multiple-choice or yes/no/maybe items: configure evaluation.benchmarks")
    model_path = resolve_base_model(model or cfg.training.base_model)
    out = out or cfg.storage_path("reports", "lm_eval")
    from transformers import AutoTokenizer

    # Rendered with the adapter's tokenizer when it ships one, as the benchmark does.
    has_own = adapter is not None and (adapter / "tokenizer_config.json").exists()
    tokenizer = AutoTokenizer.from_pretrained(str(adapter) if has_own else model_path)
    tasks = write_tasks(items, out / "tasks", tokenizer, evaluation.system_prompt)
    results = run_harness(model_path, str(adapter) if adapter else None, out / "tasks", list(tasks), batch_size)
    (out / "results.json").write_text(json.dumps(results["results"], indent=2, default=str))
    summary = {name: results["results"][name].get("acc,none") for name in tasks}
    click.echo(json.dumps({"accuracy": summary, "items": {n: len(ids) for n, ids in tasks.items()},
                           "results": str(out / "results.json")}, indent=2))
