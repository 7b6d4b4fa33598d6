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

The one chat layout: `chat_messages` (system prompt first, when set, then the turns) is what
training (training/data.py), evaluation (evaluation/evaluate.py), serving (serving/service.py) and
the `messages` export call; `user_message` / `assistant_message` turn a QAC row into the turns SFT
trains on, so the `messages` export is exactly what the trainer sees. The model's own chat template
(tokenizer.apply_chat_template) renders the list everywhere. The system prompt is `prompt.system_prompt`
of the profile (config/prompt.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
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


def chat_messages(
    turns: str | Sequence[dict[str, str]], system_prompt: str | None, answer: str | None = None
) -> list[dict[str, str]]:
    """The chat every model call sends: the system prompt (when non-empty), the user message (or the
    conversation's turns), and the assistant's answer when one is given (a training target)."""
    conversation = [{"role": "user", "content": turns}] if isinstance(turns, str) else [dict(t) for t in turns]
    system = [{"role": "system", "content": system_prompt}] if system_prompt else []
    reply = [{"role": "assistant", "content": answer}] if answer is not None else []
    return system + conversation + reply


def user_message(row: dict) -> str:
    """A QAC row's user turn: context, question, lettered options and the answer-format instruction
    that MCQ and yes/no/maybe rows end with (the form the benchmark and the GRPO rewards parse)."""
    parts = []
    if row.get("context"):
        parts.append(str(row["context"]).strip())
    parts.append(str(row["question"]).strip())
    if row.get("kind") == "mcq" and row.get("options"):
        parts.append("\n".join(f"{LETTERS[i]}. {option}" for i, option in enumerate(row["options"])))
        parts.append("End your reply with 'Final Answer: <letter>'.")
    elif row.get("kind") == "yes_no_maybe":
        parts.append("End your reply with 'Final Answer: yes', 'Final Answer: no' or 'Final Answer: maybe'.")
    return "\n\n".join(parts)


def assistant_message(row: dict) -> str:
    """A QAC row's target reply: MCQ and yes/no/maybe answers end with 'Final Answer: X' (after the
    rationale, when there is one); free text is the answer itself."""
    answer = str(row.get("answer") or "").strip()
    rationale = str(row.get("rationale") or "").strip()
    key = str(row.get("answer_key") or "").strip()
    if row.get("kind") == "mcq" and key:
        final = f"Final Answer: {key}" + (f") {answer}" if answer and answer.upper() != key.upper() else "")
        return f"{rationale}\n\n{final}" if rationale else final
    if row.get("kind") == "yes_no_maybe" and key:
        body = answer or rationale
        return f"{body}\n\nFinal Answer: {key.lower()}" if body else f"Final Answer: {key.lower()}"
    return answer


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
        # The rows SFT trains on, built by the same functions training calls (row by row: they are Python).
        messages = [
            chat_messages(user_message(row), system_prompt, assistant_message(row)) for row in df.iter_rows(named=True)
        ]
        message = pl.Struct({"role": pl.String(), "content": pl.String()})
        fields = [pl.Series("messages", messages, dtype=pl.List(message))]
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


QAC_EXPORT_COLUMNS = ("context", "question", "answer", "rationale", "kind", "options", "answer_key", "source",
                      "source_id", "id", "group_id", "subject", "split", "origin")


def export_qac(frames: dict[str, pl.DataFrame], out_dir: Path) -> dict:
    """The plain QAC triples the design notes ask for, `{"context", "question", "answer", …}`, one
    JSONL and one CSV file per frame (<out_dir>/<name>.jsonl, .csv), plus manifest.json. Columns come
    in QAC_EXPORT_COLUMNS order (those a frame has); in the CSV, options are a JSON list in one cell."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, dict] = {}
    for name, frame in frames.items():
        table = frame.select([c for c in QAC_EXPORT_COLUMNS if c in frame.columns])
        jsonl, csv = out_dir / f"{name}.jsonl", out_dir / f"{name}.csv"
        table.write_ndjson(jsonl)
        flat = table.with_columns(
            pl.col("options").map_elements(lambda o: json.dumps(list(o), ensure_ascii=False), return_dtype=pl.String)
        ) if "options" in table.columns else table
        flat.write_csv(csv)
        files[name] = {"jsonl": str(jsonl), "csv": str(csv), "rows": table.height, "columns": table.columns,
                       "splits": dict(table.group_by("split").len().sort("split").iter_rows()) if "split" in table.columns
                       and table.height else {}}
    manifest = {"format": "qac", "files": files}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest
