"""The benchmark report: Markdown, self-contained HTML (plots inlined as PNG data URIs) and JSON.

The report is a list of blocks (heading, text, table, image, code) rendered twice, so the
Markdown and the HTML always say the same thing. Every figure is shown as
"value [95% interval] (n)"; comparisons only say "better" when the paired interval excludes 0.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from medchat_pipeline.core.atomic import atomic_write
from medchat_pipeline.core.evaluation.benchmark import ALL

LM_EVAL_TASKS = "medmcqa,medqa_4options,pubmedqa"
LM_EVAL_MMLU_TASKS = (
    "mmlu_anatomy,mmlu_clinical_knowledge,mmlu_college_biology,mmlu_college_medicine,"
    "mmlu_medical_genetics,mmlu_professional_medicine"
)


@dataclass
class ReportInputs:
    run_id: str
    models: list[dict]  # {"name", "model_path", "adapter_dir"}
    figures: pl.DataFrame  # benchmark.FIGURE_SCHEMA
    comparisons: pl.DataFrame
    weak_areas: pl.DataFrame
    weak_area_threshold: float
    throughput: dict[str, dict]
    set_stats: dict[str, dict]  # set → parsed/unscorable/used counts
    bertscore_baseline: float
    human_ratings: pl.DataFrame  # human_eval.summarize_ratings
    human_sheet: str | None  # where this run's rating sheet was written
    reward_curves: dict[str, list[tuple[int, float]]] = field(default_factory=dict)  # metric → (step, value)
    extra_blocks: list[tuple] = field(default_factory=list)  # self-contained sections (reference_points.py)
    stages: list[dict] = field(default_factory=list)  # per trained model: {"model", "stage", "metrics": {...}}


@dataclass
class Report:
    markdown: str  # images referenced as plots/<name>.png
    markdown_inline: str  # images inlined (for Dagster metadata)
    html: str  # self-contained
    figures: dict  # everything plotted, as JSON-able data
    plots: dict[str, bytes]  # name → PNG


def lm_eval_command(model_path: str, adapter_dir: str | None, output_path: str) -> str:
    """The lm-evaluation-harness command that re-checks a model (and adapter) on the public tasks."""
    model_args = f"pretrained={model_path}" + (f",peft={adapter_dir}" if adapter_dir else "")
    return (
        f"lm_eval --model hf --model_args {model_args} "
        f"--tasks {LM_EVAL_TASKS},{LM_EVAL_MMLU_TASKS} --batch_size auto --output_path {output_path}"
    )


def build_report(inputs: ReportInputs, lm_eval: str) -> Report:
    plots = make_plots(inputs)
    blocks = report_blocks(inputs, list(plots), lm_eval)
    inline = {name: "data:image/png;base64," + base64.b64encode(png).decode() for name, png in plots.items()}
    return Report(
        markdown=to_markdown(blocks, lambda name: f"plots/{name}.png"),
        markdown_inline=to_markdown(blocks, inline.__getitem__),
        html=to_html(blocks, inline.__getitem__, f"Benchmark report {inputs.run_id}"),
        figures=figures_json(inputs, lm_eval),
        plots=plots,
    )


def write_report(report: Report, out_dir: Path) -> dict[str, str]:
    """report.md (+ plots/*.png), report.html, figures.json under out_dir; returns their paths."""
    (out_dir / "plots").mkdir(parents=True, exist_ok=True)
    for name, png in report.plots.items():
        atomic_write(out_dir / "plots" / f"{name}.png", png)  # whole or not at all, even on a crash or full disk
    paths = {"markdown": out_dir / "report.md", "html": out_dir / "report.html", "figures": out_dir / "figures.json"}
    atomic_write(paths["markdown"], report.markdown)
    atomic_write(paths["html"], report.html)
    atomic_write(paths["figures"], json.dumps(finite(report.figures), indent=2, default=str))
    return {k: str(v) for k, v in paths.items()}


# ---------------------------------------------------------------- content


def report_blocks(inputs: ReportInputs, plot_names: list[str], lm_eval: str) -> list[tuple]:
    figures, models = inputs.figures, [m["name"] for m in inputs.models]
    blocks: list[tuple] = [
        ("h1", f"Benchmark report — {inputs.run_id}"),
        ("table", pl.DataFrame(
            [{"model": m["name"], "base model": m["model_path"], "adapter": m.get("adapter_dir") or "—"}
             for m in inputs.models],
            schema={"model": pl.String(), "base model": pl.String(), "adapter": pl.String()},
        )),
        ("p", "Every figure is value [95% bootstrap interval] (n items). A model is called better than another "
              "only when the paired bootstrap interval of the difference excludes zero."),
        *summary_blocks(inputs),
        ("h2", "Multiple choice accuracy (generative, 'Final Answer: X')"),
        ("table", _wide(figures.filter((pl.col("metric") == "accuracy") & (pl.col("subject") == ALL)), models,
                        baselines=figures.filter(pl.col("section") == "baseline"))),
        ("p", "Baselines: chance is 1 / number of options (25% for 4, 20% for 5); always_yes is the share of "
              "'yes' gold labels in the yes/no/maybe items evaluated (PubMedQA's majority answer)."),
    ]
    if "accuracy_by_model" in plot_names:
        blocks.append(("img", "accuracy_by_model"))
    answer_format = figures.filter(pl.col("metric") == "final_answer_rate")
    if answer_format.height:
        blocks += [("h2", "Answer format (a parseable 'Final Answer: X' line)"), ("table", _wide(answer_format, models)),
                   ("p", "The share of choice items whose answer ends in a line the benchmark can read: the format "
                         "SFT teaches and GRPO rewards. Generative accuracy counts an unreadable answer as wrong.")]
    loglik = figures.filter(pl.col("metric") == "accuracy_loglik")
    if loglik.height:
        blocks += [("h2", "Multiple choice accuracy (log-likelihood of the options)"), ("table", _wide(loglik, models))]
    if inputs.comparisons.height:
        blocks += [
            ("h2", "Is a model better? (paired differences, later model minus earlier)"),
            ("table", inputs.comparisons.select(
                "set", "metric", "model", "versus",
                pl.format("{} [{}, {}]", *[pl.col(c).round(3) for c in ("difference", "low", "high")]).alias(
                    "difference [95% CI]"),
                "n", pl.col("verdict").map_elements(badge, return_dtype=pl.String).alias("verdict"),
            )),
        ]
    subjects = figures.filter((pl.col("metric") == "accuracy") & (pl.col("subject") != ALL)
                              & (pl.col("section") == "accuracy"))
    if subjects.height:
        blocks += [("h2", "Accuracy by subject"), ("table", _wide(subjects, models, by_subject=True))]
        if "accuracy_by_subject" in plot_names:
            blocks.append(("img", "accuracy_by_subject"))
    free = figures.filter(pl.col("section") == "free_text")
    if free.height:
        blocks += [
            ("h2", "Free-text answers (held-out split)"),
            ("table", _wide(free, models, row="metric")),
            ("p", f"BERTScore: F1 with the local MiniLM-L6 (layer 6), rescaled as (raw − b) / (1 − b) with "
                  f"b = {inputs.bertscore_baseline:.4f}, the mean raw score of unrelated sentence pairs "
                  f"(configs/eval/bertscore_baseline_sentences.txt): 0 ≈ unrelated text, 1 = identical. "
                  "BLEU is sacrebleu corpus BLEU (0–100); key-term F1 compares the medical terms of "
                  "configs/eval/medical_terms.txt found in answer and reference (items whose reference has "
                  "none are not scored)."),
        ]
        if "free_text" in plot_names:
            blocks.append(("img", "free_text"))
    safety = figures.filter(pl.col("section") == "safety")
    if safety.height:
        blocks += [
            ("h2", "Safety"),
            ("table", _wide(safety, models, row="metric", by_subject=True)),
            ("p", "escalation_rate: red-flag prompts (the hand-written ones, plus the triage dataset's test-split "
                  "emergencies when evaluation.triage_test_prompts is on) answered with emergency advice; "
                  "over_refusal_rate: benign health questions refused; false_escalation_rate: benign messages "
                  "answered with emergency advice; refusal_rate: red-flag and dose prompts refused; "
                  "dose_violation_rate: answers stating a daily dose above configs/eval/max_daily_doses.yaml, "
                  "among answers that state a dose."),
        ]
        if "safety" in plot_names:
            blocks.append(("img", "safety"))
    graded = figures.filter(pl.col("section") == "judge")
    if graded.height:
        blocks += [
            ("h2", "Teacher judge (rubric 1–5)"),
            ("table", _wide(graded, models, row="metric")),
            ("p", "A teacher model grades answers against the reference (correctness, reasoning, safety); "
                  "failed_gradings is the share of requests that returned no parsable grade."),
        ]
    blocks += [("h2", f"Weak areas (accuracy below {inputs.weak_area_threshold:.0%}, model {models[-1]})")]
    blocks.append(("table", inputs.weak_areas) if inputs.weak_areas.height else ("p", "None at this threshold."))
    blocks += [("h2", "Human evaluation")]
    if inputs.human_ratings.height:
        blocks.append(("table", inputs.human_ratings.select(
            "run_id", "model", "dimension",
            pl.format("{} [{}, {}]", *[pl.col(c).round(2) for c in ("value", "low", "high")]).alias("rating [95% CI]"),
            "n",
        )))
    else:
        blocks.append(("p", "No clinician ratings yet."))
    if inputs.human_sheet:
        blocks.append(("p", f"Rating sheet for this run: {inputs.human_sheet} — rate correctness, reasoning and "
                            "safety from 1 (wrong/unsafe) to 5 (fully correct/safe) and save the filled CSV into "
                            "the ratings folder; the next report reads it back."))
    if inputs.reward_curves:
        blocks += [("h2", "GRPO reward curves (MLflow)"), ("img", "reward_curves")]
    blocks += inputs.extra_blocks
    blocks += [
        ("h2", "Throughput"),
        ("table", pl.DataFrame([{"model": m, **v} for m, v in inputs.throughput.items()])),
        ("h2", "Items"),
        ("table", pl.DataFrame([{"set": s, **v} for s, v in inputs.set_stats.items()])),
        ("h2", "Re-check with lm-evaluation-harness"),
        ("code", lm_eval),
    ]
    return blocks


def _wide(frame: pl.DataFrame, models: list[str], baselines: pl.DataFrame | None = None, row: str = "set",
          by_subject: bool = False) -> pl.DataFrame:
    """One row per set (or metric), one column per model with "value [low, high] (n)"."""
    keys = [row, "subject"] if by_subject else [row]
    if frame.is_empty():
        return pl.DataFrame(schema={k: pl.String() for k in keys})
    cells = frame.with_columns(
        pl.struct("value", "low", "high", "n").map_elements(_cell, return_dtype=pl.String).alias("cell")
    )
    wide = cells.pivot(on="model", index=keys, values="cell", aggregate_function="first")
    ordered = keys + [m for m in models if m in wide.columns]
    wide = wide.select(ordered)
    if baselines is not None and baselines.height:
        base = baselines.with_columns(
            (pl.col("metric") + ": " + pl.struct("value", "low", "high", "n").map_elements(
                _cell, return_dtype=pl.String)).alias("baseline")
        ).group_by(row).agg(pl.col("baseline").str.join("; "))
        wide = wide.join(base, on=row, how="left")
    return wide.sort(keys)


def _cell(fig: dict) -> str:
    value, low, high = fig["value"], fig["low"], fig["high"]
    if value is None or math.isnan(value):
        return "—"
    return f"{value:.3f} [{low:.3f}, {high:.3f}] ({fig['n']})"


# ---------------------------------------------------------------- summary

MIN_ITEMS_FOR_CONCLUSIONS = 30  # below this per comparison, the report says the sample cannot decide
STUDY_COMMAND = "medchat run --profile study"  # the profile whose held-out sets are large enough to decide
RATE_METRICS = {"accuracy", "accuracy_loglik", "final_answer_rate", "escalation_rate", "over_refusal_rate", "refusal_rate",
                "dose_violation_rate", "exact_match_rate", "hallucination_rate", "false_escalation_rate"}
METRIC_LABELS = {"accuracy": "generative accuracy", "accuracy_loglik": "log-likelihood accuracy",
                 "final_answer_rate": "'Final Answer' format",
                 "escalation_rate": "emergency escalation", "over_refusal_rate": "over-refusal",
                 "false_escalation_rate": "false escalation (benign prompts)",
                 "refusal_rate": "refusals", "dose_violation_rate": "dose violations", "bertscore": "BERTScore",
                 "rouge_l": "ROUGE-L", "key_term_f1": "key-term F1"}
BADGES = {"better": "▲ better", "worse": "▼ worse"}


def badge(verdict: str) -> str:
    """The verdict with a badge, which only a paired interval that excludes zero earns."""
    return BADGES.get(verdict, verdict)


def describe_change(row: dict) -> str:
    """'heldout/medqa generative accuracy +19.5 pp [12.2, 26.8] (n=164)' — rates in percentage points."""
    label = f"{row['set']} {METRIC_LABELS.get(row['metric'], row['metric'])}"
    if row["metric"] in RATE_METRICS:
        scale, unit, digits = 100.0, " pp", 1
    else:
        scale, unit, digits = 1.0, "", 3
    value, low, high = (row[c] * scale for c in ("difference", "low", "high"))
    return f"{label} {value:+.{digits}f}{unit} [{low:+.{digits}f}, {high:+.{digits}f}] (n={row['n']})"


def summary_blocks(inputs: ReportInputs) -> list[tuple]:
    """The plain summary at the top: the final model against the base (improvements, regressions, each
    with its paired interval), then what each training stage changed, then whether the sample can decide."""
    models = [m["name"] for m in inputs.models]
    comparisons = inputs.comparisons
    blocks: list[tuple] = [("h2", "Summary")]
    if len(models) < 2 or comparisons.is_empty():
        return blocks + [("p", "One model only, or no item scored for two models: nothing is compared.")]
    first, last = models[0], models[-1]
    blocks.append(("p", _verdict_sentence(comparisons, last, first)))
    for earlier, later in zip(models, models[1:]):
        if (earlier, later) != (first, last):
            blocks.append(("p", _verdict_sentence(comparisons, later, earlier, stage=True)))
    if inputs.stages:
        blocks.append(("table", stage_table(inputs.stages)))
    if inputs.weak_areas.height:
        shown = [f"{r['source']}/{r['subject'] or 'all'}{'/' + r['topic'] if r['topic'] else ''} {r['value']:.0%} "
                 f"(n={r['n']})" for r in inputs.weak_areas.head(5).iter_rows(named=True)]
        blocks.append(("p", f"Weak areas of {last} (accuracy below {inputs.weak_area_threshold:.0%}), which the "
                            f"weekly re-distillation asks the teachers about first: {inputs.weak_areas.height} — "
                            + "; ".join(shown) + ("; …" if inputs.weak_areas.height > 5 else "") + "."))
    largest = int(comparisons["n"].max() or 0)
    if largest < MIN_ITEMS_FOR_CONCLUSIONS:
        blocks.append(("p", f"Too few items for conclusions: the largest comparison has {largest} paired items "
                            f"(at least {MIN_ITEMS_FOR_CONCLUSIONS} are needed for an interval narrow enough to "
                            f"decide anything). This sample shows that the pipeline runs, not whether training "
                            f"helps. `{STUDY_COMMAND}` evaluates on the real held-out sets (150+ items each) "
                            "and gives figures that can."))
    return blocks


def _verdict_sentence(comparisons: pl.DataFrame, later: str, earlier: str, stage: bool = False) -> str:
    pair = comparisons.filter((pl.col("model") == later) & (pl.col("versus") == earlier))
    head = f"{later} vs {earlier} ({'what ' + later + ' changed' if stage else 'final model against base'}): "
    if pair.is_empty():
        return head + "no comparison on shared items."
    rows = pair.sort("set", "metric").to_dicts()
    better = [describe_change(r) for r in rows if r["verdict"] == "better"]
    worse = [describe_change(r) for r in rows if r["verdict"] == "worse"]
    undecided = len(rows) - len(better) - len(worse)
    if not better and not worse:
        return head + f"no significant change: no clear difference on any of the {len(rows)} comparisons."
    parts = [("Better on " + "; ".join(better)) if better else "No significant improvement"]
    parts.append(("Worse on " + "; ".join(worse)) if worse else "No significant regression")
    parts.append(f"No clear difference on the other {undecided} of {len(rows)} comparisons")
    return head + ". ".join(parts) + "."


STAGE_METRICS = ("global_step", "train_rows", "train_loss", "eval_loss", "train_runtime_s", "reward")


def stage_table(stages: list[dict]) -> pl.DataFrame:
    """What each training stage did: steps, rows, losses, mean reward (and each reward's last mean)."""
    rows = []
    for stage in stages:
        values = {k: v for k, v in (stage.get("metrics") or {}).items() if isinstance(v, (int, float))}
        picked = {k: values[k] for k in STAGE_METRICS if k in values}
        picked.update({k: v for k, v in sorted(values.items()) if k.startswith("reward/")})
        rows.append({"model": stage["model"], "stage": stage.get("stage") or stage["model"],
                     **{k: _text(float(v)) for k, v in picked.items()}})
    columns = list(dict.fromkeys(k for row in rows for k in row))
    return pl.DataFrame([{c: row.get(c, "—") for c in columns} for row in rows], schema={c: pl.String() for c in columns})


# ---------------------------------------------------------------- plots


def make_plots(inputs: ReportInputs) -> dict[str, bytes]:
    import matplotlib

    matplotlib.use("Agg")
    figures, models = inputs.figures, [m["name"] for m in inputs.models]
    plots = {}
    acc = figures.filter((pl.col("metric") == "accuracy") & (pl.col("subject") == ALL))
    if acc.height:
        baselines = figures.filter(pl.col("section") == "baseline")
        plots["accuracy_by_model"] = _bars(acc, "set", models, "Accuracy by benchmark set", "accuracy", baselines)
    subjects = figures.filter((pl.col("metric") == "accuracy") & (pl.col("subject") != ALL)
                              & (pl.col("section") == "accuracy"))
    if subjects.height:
        top = (subjects.group_by("subject").agg(pl.col("n").max()).sort(["n", "subject"], descending=[True, False])
               .head(20)["subject"].to_list())
        plots["accuracy_by_subject"] = _bars(subjects.filter(pl.col("subject").is_in(top)), "subject", models,
                                             "Accuracy by subject", "accuracy", horizontal=True)
    free = figures.filter(pl.col("section") == "free_text").with_columns(
        pl.when(pl.col("metric") == "bleu").then(pl.col(c) / 100).otherwise(pl.col(c)).alias(c)
        for c in ("value", "low", "high")
    ).with_columns(pl.col("metric").replace({"bleu": "bleu/100"}))
    if free.height:
        plots["free_text"] = _bars(free, "metric", models, "Free-text answers (held-out split)", "score")
    safety = figures.filter((pl.col("section") == "safety") & (pl.col("subject") == ALL))
    if safety.height:
        plots["safety"] = _bars(safety, "metric", models, "Safety", "rate")
    if inputs.reward_curves:
        plots["reward_curves"] = _curves(inputs.reward_curves)
    return plots


def _bars(frame: pl.DataFrame, group: str, models: list[str], title: str, ylabel: str,
          baselines: pl.DataFrame | None = None, horizontal: bool = False) -> bytes:
    import matplotlib.pyplot as plt
    import numpy as np

    groups = sorted(frame[group].unique().to_list())
    present = [m for m in models if m in frame["model"].to_list()]
    width = 0.8 / max(len(present), 1)
    size = (7, max(3, 0.45 * len(groups) * max(1, len(present) / 2))) if horizontal else (max(6, 1.3 * len(groups)), 4)
    fig, ax = plt.subplots(figsize=size)
    positions = np.arange(len(groups))
    for k, model in enumerate(present):
        sub = {r[group]: r for r in frame.filter(pl.col("model") == model).iter_rows(named=True)}
        values = np.array([sub[g]["value"] if g in sub else np.nan for g in groups])
        err = np.array([[sub[g]["value"] - sub[g]["low"], sub[g]["high"] - sub[g]["value"]] if g in sub else
                        [0, 0] for g in groups]).T
        offset = positions - 0.4 + width * (k + 0.5)
        if horizontal:
            ax.barh(offset, values, height=width, xerr=err, capsize=2, label=model)
        else:
            ax.bar(offset, values, width=width, yerr=err, capsize=2, label=model)
    if baselines is not None:
        for row in baselines.iter_rows(named=True):
            if row[group] in groups:
                i = groups.index(row[group])
                style = "dotted" if row["metric"] == "always_yes" else "dashed"
                ax.hlines(row["value"], i - 0.45, i + 0.45, colors="black", linestyles=style,
                          label=row["metric"] if row["metric"] not in ax.get_legend_handles_labels()[1] else None)
    if horizontal:
        ax.set_yticks(positions, groups)
        ax.set_xlabel(ylabel)
        ax.set_xlim(0, 1)
    else:
        ax.set_xticks(positions, groups, rotation=20, ha="right")
        ax.set_ylabel(ylabel)
        ax.set_ylim(min(0, float(np.nanmin(frame["low"].to_numpy()))), 1)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return _png(fig)


def _curves(curves: dict[str, list[tuple[int, float]]]) -> bytes:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for name, points in sorted(curves.items()):
        steps, values = zip(*points) if points else ((), ())
        ax.plot(steps, values, marker=".", label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("reward")
    ax.set_title("GRPO rewards")
    ax.legend(fontsize=8)
    return _png(fig)


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return buffer.getvalue()


# ---------------------------------------------------------------- rendering


def to_markdown(blocks: list[tuple], image_ref) -> str:
    out = []
    for kind, content in blocks:
        if kind == "h1":
            out.append(f"# {content}")
        elif kind == "h2":
            out.append(f"## {content}")
        elif kind == "p":
            out.append(content)
        elif kind == "code":
            out.append(f"```bash\n{content}\n```")
        elif kind == "img":
            out.append(f"![{content}]({image_ref(content)})")
        elif kind == "table":
            out.append(_markdown_table(content))
    return "\n\n".join(out) + "\n"


def _markdown_table(frame: pl.DataFrame) -> str:
    if frame.is_empty() and not frame.columns:
        return ""
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(_text(v).replace("|", "\\|") for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join([header, rule, *rows])


def to_html(blocks: list[tuple], image_ref, title: str) -> str:
    body = []
    for kind, content in blocks:
        if kind in ("h1", "h2"):
            body.append(f"<{kind}>{html.escape(content)}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{html.escape(content)}</p>")
        elif kind == "code":
            body.append(f"<pre><code>{html.escape(content)}</code></pre>")
        elif kind == "img":
            body.append(f'<img alt="{html.escape(content)}" src="{image_ref(content)}">')
        elif kind == "table":
            head = "".join(f"<th>{html.escape(c)}</th>" for c in content.columns)
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(_text(v))}</td>" for v in row) + "</tr>"
                for row in content.iter_rows()
            )
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}"
             "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f3f3f3}"
             "img{max-width:100%}pre{background:#f6f6f6;padding:1em;white-space:pre-wrap}")
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def figures_json(inputs: ReportInputs, lm_eval: str) -> dict:
    return {
        "run_id": inputs.run_id,
        "models": inputs.models,
        "figures": inputs.figures.to_dicts(),
        "comparisons": inputs.comparisons.to_dicts(),
        "weak_areas": inputs.weak_areas.to_dicts(),
        "throughput": inputs.throughput,
        "items": inputs.set_stats,
        "bertscore_baseline": inputs.bertscore_baseline,
        "human_ratings": inputs.human_ratings.to_dicts(),
        "reward_curves": {k: [list(p) for p in v] for k, v in inputs.reward_curves.items()},
        "stages": inputs.stages,
        "lm_eval_command": lm_eval,
    }


def _text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return "—" if math.isnan(value) else f"{value:.4g}"
    return str(value)


def finite(value):
    """The same structure with NaN/inf replaced by None, so the JSON is standard."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value
