"""lm-evaluation-harness on our benchmark items: the same local files, the same chat prompts.

`write_tasks` turns the benchmark's multiple-choice and yes/no/maybe items into lm-eval task
configs: one JSONL file and one YAML task per set, each document holding the fully rendered prompt
(the base model's chat template, our system prompt, our user message, then "Final Answer:") and its
choices (" A", " B", … or " yes", " no", " maybe"). lm-eval then scores the choices by
log-likelihood exactly as our own scoring does (evaluation/evaluate.py), so the two can be checked
against each other pick by pick. `run_harness` runs lm-eval's `simple_evaluate` on a base model and
optional PEFT adapter over those tasks.

lm-eval is an optional extra: `pip install -e '.[lm-eval]'` (scripts/setup.sh installs it).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import yaml

from medchat_pipeline.core.data.templates import chat_messages
from medchat_pipeline.core.evaluation import benchmark
from medchat_pipeline.evaluation.evaluate import ANSWER_SEED

TASK_PREFIX = "medchat_"


def task_name(set_name: str) -> str:
    return TASK_PREFIX + "".join(c if c.isalnum() else "_" for c in set_name)


def render_prompt(tokenizer, user_message: str, system_prompt: str | None) -> str:
    """The prompt text the benchmark sends (TransformersBackend.chat), rendered with the model's chat template."""
    return tokenizer.apply_chat_template(chat_messages(user_message, system_prompt), add_generation_prompt=True,
                                         tokenize=False)


def write_tasks(items: pl.DataFrame, out_dir: Path, tokenizer, system_prompt: str | None) -> dict[str, list[str]]:
    """One lm-eval task per benchmark set under `out_dir`; returns task name → its item ids (document order)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    tasks: dict[str, list[str]] = {}
    choice = items.filter(pl.col("kind").is_in(benchmark.CHOICE_KINDS))
    for (set_name,), group in choice.group_by(["set"], maintain_order=True):
        name = task_name(set_name)
        docs = []
        for row in group.iter_rows(named=True):
            choices = benchmark.answer_choices(row)
            key = row["answer_key"] if row["kind"] == "mcq" else row["answer_key"].lower()
            docs.append({"item_id": row["item_id"], "context": render_prompt(tokenizer, benchmark.item_prompt(row), system_prompt) + ANSWER_SEED,
                         "choices": choices, "gold": choices.index(key)})
        data = out_dir / f"{name}.jsonl"
        data.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs))
        task = {
            "task": name,
            "dataset_path": "json",
            "dataset_kwargs": {"data_files": {"test": str(data.resolve())}},
            "test_split": "test",
            "output_type": "multiple_choice",
            "doc_to_text": "context",
            "doc_to_choice": "choices",
            "doc_to_target": "gold",
            "target_delimiter": " ",
            "metric_list": [{"metric": "acc", "aggregation": "mean", "higher_is_better": True}],
            "metadata": {"version": 1.0, "source": f"medchat benchmark set {set_name}"},
        }
        (out_dir / f"{name}.yaml").write_text(yaml.safe_dump(task, sort_keys=False))
        tasks[name] = [d["item_id"] for d in docs]
    return tasks


def run_harness(model_path: str, adapter_dir: str | None, tasks_dir: Path, task_names: list[str],
                batch_size: int = 8, device: str = "cpu") -> dict:
    """lm-eval's simple_evaluate over our tasks; returns its results dict (with per-sample log-likelihoods)."""
    try:
        from lm_eval import simple_evaluate
        from lm_eval.tasks import TaskManager
    except ImportError as exc:
        raise RuntimeError("lm-evaluation-harness is not installed: pip install -e '.[lm-eval]'") from exc

    model_args = {"pretrained": model_path, "dtype": "float32" if device == "cpu" else "auto",
                  "add_bos_token": False}  # our scoring encodes prompts without special tokens
    if adapter_dir:
        model_args["peft"] = adapter_dir
    return simple_evaluate(
        model="hf", model_args=model_args, tasks=task_names, task_manager=TaskManager(include_path=str(tasks_dir), include_defaults=False),
        batch_size=batch_size, device=device, log_samples=True, num_fewshot=0,
    )


def harness_picks(results: dict, tasks: dict[str, list[str]]) -> dict[str, int]:
    """item id → the choice index lm-eval picked (highest log-likelihood)."""
    picks = {}
    for name, ids in tasks.items():
        for sample in results["samples"][name]:
            scores = [float(r[0]) for r in sample["filtered_resps"]]
            picks[ids[sample["doc_id"]]] = max(range(len(scores)), key=scores.__getitem__)
    return picks
