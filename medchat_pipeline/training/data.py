"""From the polars training mix to the `datasets.Dataset`s TRL takes.

One chat turn per row: the system prompt, the user's (context +) question (+ lettered options), and
the reference answer. MCQ and yes/no/maybe answers end with "Final Answer: X", the form the benchmark
and the GRPO rewards parse (core/evaluation/answer_extract.py), so SFT teaches the format GRPO then rewards.

Escalation examples (training.escalation_examples) add the triage dataset's dev-split emergencies,
answered with the escalation advice serving leads with, so the model learns to send people to help; with
`plain_counterparts`, the dev split's written non-emergencies (past history, education, figurative
speech, mild symptoms, dosing questions; the spent blind sets' too) join them, answered plainly, so it also
learns where escalation stops.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import polars as pl

from medchat_pipeline.config.training import EscalationExamples
from medchat_pipeline.core.data.schema import conform
from medchat_pipeline.core.data.templates import assistant_message, chat_messages, user_message

REQUIRED_COLUMNS = ("id", "kind", "context", "question", "answer", "split")
ESCALATION_SOURCE = "triage_escalation"  # `source` of the escalation rows (counted apart in the manifest)
PLAIN_SOURCE = "triage_plain"  # `source` of the non-emergency counterparts, answered plainly


@dataclass
class PreparedRows:
    train: pl.DataFrame
    val: pl.DataFrame
    skipped: dict[str, int] = field(default_factory=dict)  # reason → rows left out (never silently)
    fingerprint: str = ""  # content hash of the rows actually trained on


def prompt_messages(row: dict, system_prompt: str) -> list[dict[str, str]]:
    return chat_messages(user_message(row), system_prompt)


def escalation_rows(examples: EscalationExamples, limit: int | None = None, seed: int = 0) -> pl.DataFrame:
    """The triage dataset's dev-split emergencies as training rows (QAC columns, split "train"): earlier user
    turns as context, the last as the question, and escalation_advice(category, numbers) as the answer.
    At most `limit` rows (a seeded sample)."""
    from medchat_pipeline.core.safety.triage import escalation_advice
    from medchat_pipeline.core.safety.triage_data import load_triage_cases

    cases = [c for c in load_triage_cases(examples.cases_file) if c.split == "dev" and c.emergency]
    answers = [escalation_advice(case.category, examples.emergency_numbers) for case in cases]
    return _case_rows(cases, ESCALATION_SOURCE, answers, [case.category for case in cases], limit, seed)


def non_emergency_rows(examples: EscalationExamples, limit: int | None = None, seed: int = 0) -> pl.DataFrame:
    """The triage dataset's written dev-split non-emergencies as training prompts (QAC columns, split "train",
    answer still empty: the caller answers them): the families file's and those of the spent blind sets the
    dataset trains on (`extra_dev_sets`; a set still held out is refused). Real records (cases with a
    `source`) are left out: their own data set's rows reach training through the mix with the real reply, and
    only when their split allows, so a held-out record never trains. At most `limit` rows (a seeded sample)."""
    from medchat_pipeline.core.safety.triage_data import load_dataset_cases

    cases = [c for c in load_dataset_cases(examples) if c.split == "dev" and not c.emergency and c.source is None]
    return _case_rows(cases, PLAIN_SOURCE, [None] * len(cases), [case.kind for case in cases], limit, seed)


def _case_rows(cases, source: str, answers: list[str | None], subjects: list[str | None], limit: int | None,
               seed: int) -> pl.DataFrame:
    """Triage cases as QAC training rows of `source` (earlier user turns as context, the last as the question),
    split "train"; at most `limit` of them (a seeded sample)."""
    rows = [
        {
            "id": f"{source}:{case.id}",
            "source": source,
            "source_id": case.id,
            "group_id": f"{source}:{case.family}",
            "kind": "dialogue_turn",
            "context": "\n".join(case.turns[:-1]),
            "question": case.turns[-1],
            "answer": answer,
            "subject": subject,
        }
        for case, answer, subject in zip(cases, answers, subjects)
    ]
    frame = conform(pl.DataFrame(rows)).with_columns(pl.lit("train").alias("split")) if rows else pl.DataFrame()
    if limit is not None and frame.height > limit:
        frame = frame.sample(n=limit, seed=seed, shuffle=True)
    return frame


def plain_answer_problem(answer: str, filler: tuple[str, ...] = ()) -> str | None:
    """Why an answer to a non-emergency may not train as its plain counterpart, or None: it is empty, advises
    emergency help (what the counterparts exist to unlearn), holds one of the `filler` patterns (a base model's
    stock phrases, which SFT would otherwise spread to every patient message), or fails the output guard (a
    loop, self-harm content, a dose above the table's maximum)."""
    from medchat_pipeline.core.safety.checks import mentions_escalation
    from medchat_pipeline.core.safety.guard import guard_answer
    from medchat_pipeline.core.safety.triage import TriageDecision

    if not answer.strip():
        return "plain_answer_empty"
    if mentions_escalation(answer):
        return "plain_answer_advises_escalation"
    if any(re.search(pattern, answer, re.IGNORECASE) for pattern in filler):
        return "plain_answer_filler"
    not_emergency = TriageDecision(emergency=False, category=None, evidence=(), score=0.0, layer="none", reason="")
    if guard_answer(answer, not_emergency).replaced:
        return "plain_answer_fails_the_guard"
    return None


def keep_on_topic(frame: pl.DataFrame, similarity: list[float], floor: float, cap: int | None
                  ) -> tuple[pl.DataFrame, dict[str, int]]:
    """The answered counterparts worth training on: those whose prompt–answer `similarity` reaches `floor`
    (an answer on another topic falls below it), then at most `cap` of them, the most on-topic
    first (ties: frame order). Returns the kept rows in frame order and the left-out counts by reason."""
    if len(similarity) != frame.height:
        raise ValueError(f"{len(similarity)} similarities for {frame.height} rows")
    order = sorted((i for i, value in enumerate(similarity) if value >= floor), key=lambda i: (-similarity[i], i))
    skipped = {"plain_answer_off_topic": frame.height - len(order)}
    if cap is not None and len(order) > cap:
        skipped["plain_answer_over_cap"] = len(order) - cap
        order = order[:cap]
    kept = frame.with_columns(pl.Series("plain_similarity", similarity, dtype=pl.Float64))[sorted(order)]
    return kept, {reason: n for reason, n in skipped.items() if n}


def whole_sentences(text: str) -> str:
    """The text up to its last complete sentence (the whole text when it ends one, or holds none)."""
    text = text.strip()
    ends = [m.end() for m in re.finditer(r"[.!?](?=\s|$)", text)]
    return text if not ends or ends[-1] == len(text) else text[: ends[-1]]


def prepare_rows(
    mix: pl.DataFrame, max_train_rows: int | None, max_eval_rows: int | None, seed: int,
    extra_train: pl.DataFrame | None = None,
) -> PreparedRows:
    """Split into train/val, leave out rows that cannot train (counted by reason), cap, fingerprint.
    `extra_train` rows (escalation examples) join the training rows after the cap."""
    missing = [c for c in REQUIRED_COLUMNS if c not in mix.columns]
    if missing:
        raise ValueError(f"training_mix lacks column(s) {missing}; it must hold the QAC columns plus split")
    skipped: dict[str, int] = {}
    blank_question = pl.col("question").is_null() | (pl.col("question").str.strip_chars() == "")
    blank_answer = (pl.col("answer").is_null() | (pl.col("answer").str.strip_chars() == "")) & (
        pl.col("answer_key").is_null() if "answer_key" in mix.columns else pl.lit(True)
    )
    bad_split = ~pl.col("split").is_in(["train", "val"])
    for reason, condition in (("empty_question", blank_question), ("empty_answer", blank_answer), ("split_not_train_or_val", bad_split)):
        count = mix.filter(condition).height
        if count:
            skipped[reason] = count
        mix = mix.filter(~condition)
    train = mix.filter(pl.col("split") == "train")
    val = mix.filter(pl.col("split") == "val")
    if train.is_empty():
        raise ValueError(f"training_mix has no usable split=train rows (left out: {skipped or 'none'})")
    for name, frame, cap in (("train", train, max_train_rows), ("val", val, max_eval_rows)):
        if cap is not None and frame.height > cap:
            skipped[f"{name}_over_cap"] = frame.height - cap
    train = train.sample(n=min(train.height, max_train_rows or train.height), seed=seed, shuffle=True)
    if extra_train is not None and extra_train.height:
        train = pl.concat([train, extra_train], how="diagonal_relaxed").sample(fraction=1.0, seed=seed, shuffle=True)
    val = val.sample(n=min(val.height, max_eval_rows or val.height), seed=seed, shuffle=True)
    return PreparedRows(train=train, val=val, skipped=skipped, fingerprint=frame_fingerprint(pl.concat([train, val], how="diagonal_relaxed")))


def frame_fingerprint(frame: pl.DataFrame) -> str:
    """Order-independent content hash of the rows' ids and texts."""
    digest = hashlib.sha256()
    columns = [c for c in ("id", "split", "question", "answer", "answer_key") if c in frame.columns]
    for row in sorted(frame.select(columns).iter_rows()):
        digest.update("\x1f".join("" if v is None else str(v) for v in row).encode("utf-8", "surrogatepass"))
        digest.update(b"\x1e")
    return digest.hexdigest()[:16]


def sft_dataset(frame: pl.DataFrame, system_prompt: str, loss_mode: str):
    """Conversational rows: `messages` (assistant-only or full loss) or `prompt`/`completion` (completion-only)."""
    from datasets import Dataset

    rows = []
    for row in frame.iter_rows(named=True):
        prompt = prompt_messages(row, system_prompt)
        completion = [{"role": "assistant", "content": assistant_message(row)}]
        rows.append({"prompt": prompt, "completion": completion} if loss_mode == "completion_only" else {"messages": prompt + completion})
    return Dataset.from_list(rows)


def drop_longer_than(frame: pl.DataFrame, tokenizer, system_prompt: str, max_length: int) -> tuple[pl.DataFrame, int]:
    """Rows whose rendered conversation fits in max_length tokens, and how many did not. Packing would cut
    a longer row's end, which is where its answer (and its "Final Answer" line) is."""
    if frame.is_empty():
        return frame, 0
    lengths = [
        len(tokenizer(tokenizer.apply_chat_template(
            prompt_messages(row, system_prompt) + [{"role": "assistant", "content": assistant_message(row)}],
            tokenize=False), add_special_tokens=False)["input_ids"])
        for row in frame.iter_rows(named=True)
    ]
    fits = pl.Series([n <= max_length for n in lengths])
    return frame.filter(fits), int((~fits).sum())


def grpo_dataset(frame: pl.DataFrame, system_prompt: str):
    """`prompt` (conversational) plus the reference columns the rewards receive as keyword arguments."""
    from datasets import Dataset

    rows = []
    for row in frame.iter_rows(named=True):
        rows.append(
            {
                "prompt": prompt_messages(row, system_prompt),
                "id": row["id"],
                "kind": row["kind"],
                "answer": assistant_message(row),
                "answer_key": row.get("answer_key"),
                "options": list(row["options"]) if row.get("options") is not None else None,
            }
        )
    return Dataset.from_list(rows)
