"""SFT views of QAC rows, in the seed's two prompt templates and as chat messages.

    instruction (seed template A)       role (seed template B)
    Question: {question}                <|user|> Patient: {question}
    Context: {context}   ← omitted      Context: {context}<|end|>    ← "Context:" line omitted when empty
    Answer: {answer}       when empty   <|assistant|> Doctor: {answer}<|end|>

    messages: [{"role": "system", …}?, {"role": "user", "content": context + question},
               {"role": "assistant", "content": answer}]  — for the base model's own chat template.

MCQ rows show their options under the question ("A. …"), so the answer's option text has
something to refer to. Every view row carries `prompt` and `completion` (TRL's prompt-completion
format) and `text` (the two joined) or `messages`, plus `template`, so the template used travels
with the data.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from medchat_pipeline.core.data.schema import SPLITS

TEMPLATES = ("instruction", "role", "messages")
ROLE_USER, ROLE_ASSISTANT, ROLE_END = "<|user|>", "<|assistant|>", "<|end|>"
LETTERS = "ABCDEFGHIJ"


def question_with_options() -> pl.Expr:
    """The question, followed by "A. …" lines when the row has options."""
    letter = pl.int_range(pl.len()).replace_strict(dict(enumerate(LETTERS)), default="?", return_dtype=pl.String)
    options_block = pl.col("options").list.eval(pl.format("{}. {}", letter, pl.element())).list.join("\n")
    has_options = pl.col("options").list.len().fill_null(0) > 0
    question = pl.col("question").fill_null("")
    return pl.when(has_options).then(pl.format("{}\n{}", question, options_block)).otherwise(question)


def render(df: pl.DataFrame, template: str, system_prompt: str | None = None) -> pl.DataFrame:
    """One SFT view row per QAC row: id, source, split (when present), template and the rendered
    fields (prompt, completion, and text or messages)."""
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}; choose one of {', '.join(TEMPLATES)}")
    question = question_with_options()
    context = pl.col("context").fill_null("")
    answer = pl.col("answer").fill_null("")
    has_context = context != ""
    keep = [c for c in ("id", "source", "split") if c in df.columns]

    if template == "instruction":
        prompt = pl.when(has_context).then(
            pl.format("Question: {}\nContext: {}\nAnswer:", question, context)
        ).otherwise(pl.format("Question: {}\nAnswer:", question))
        completion = pl.format(" {}", answer)
        fields = [prompt.alias("prompt"), completion.alias("completion"), (prompt + completion).alias("text")]
    elif template == "role":
        patient = pl.when(has_context).then(pl.format("{}\nContext: {}", question, context)).otherwise(question)
        prompt = pl.format("{} Patient: {}{}\n{} Doctor:", pl.lit(ROLE_USER), patient, pl.lit(ROLE_END), pl.lit(ROLE_ASSISTANT))
        completion = pl.format(" {}{}", answer, pl.lit(ROLE_END))
        fields = [prompt.alias("prompt"), completion.alias("completion"), (prompt + completion).alias("text")]
    else:
        user = pl.when(has_context).then(pl.format("{}\n\n{}", context, question)).otherwise(question)
        turns = [
            pl.struct(role=pl.lit("user"), content=user),
            pl.struct(role=pl.lit("assistant"), content=answer),
        ]
        if system_prompt:
            turns.insert(0, pl.struct(role=pl.lit("system"), content=pl.lit(system_prompt)))
        fields = [pl.concat_list(turns).alias("messages")]
    return df.select(*keep, pl.lit(template).alias("template"), *fields)


def export_jsonl(
    df: pl.DataFrame, out_dir: Path, templates: list[str] | tuple[str, ...] = TEMPLATES, system_prompt: str | None = None
) -> dict:
    """Write <out_dir>/<template>/<split>.jsonl for every template and split present, plus
    <out_dir>/manifest.json recording which templates and files were written. Returns the manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict[str, dict]] = {}
    for template in templates:
        view = render(df, template, system_prompt)
        files[template] = {}
        for split in SPLITS:
            rows = view.filter(pl.col("split") == split) if "split" in view.columns else view
            path = out_dir / template / f"{split}.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            rows.write_ndjson(path)
            files[template][split] = {"path": str(path), "rows": rows.height}
            if "split" not in view.columns:
                break
    manifest = {
        "templates": list(templates),
        "system_prompt": system_prompt,
        "role_tokens": {"user": ROLE_USER, "assistant": ROLE_ASSISTANT, "end": ROLE_END},
        "files": files,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest
