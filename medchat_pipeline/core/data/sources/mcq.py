"""Multiple-choice items → mcq rows shared by MedMCQA and MedQA.

answer = the correct option's text, plus " - Explanation: …" when the item has an explanation
(configurable); `options` keeps every option in letter order and `answer_key` the letter, so
evaluation and rewards can score a choice; `rationale` holds the explanation alone. The question
column is the stem only: the options live in `options`, and prompt templates render them.
"""

from __future__ import annotations

import hashlib

from medchat_pipeline.core.data.sources.records import Collector, RecordRejected

LETTERS = "ABCDEFGHIJ"


def add_mcq(
    out: Collector,
    *,
    source_id: str,
    group_id: str,
    question: str,
    options: list[str],
    answer_index: int,
    explanation: str | None,
    include_explanation: bool,
    subject: str | None = None,
    topic: str | None = None,
) -> None:
    if not question.strip():
        raise RecordRejected("empty_question", "the question stem is blank")
    if not 0 <= answer_index < len(options):
        raise RecordRejected("invalid_answer_key", f"answer index {answer_index} for {len(options)} options")
    correct = options[answer_index].strip()
    if not correct:
        raise RecordRejected("empty_answer", f"option {LETTERS[answer_index]} (the correct one) is blank")
    explanation = (explanation or "").strip() or None
    answer = f"{correct} - Explanation: {explanation}" if explanation and include_explanation else correct
    out.add(
        source_id=source_id,
        group_id=group_id,
        kind="mcq",
        question=question.strip(),
        answer=answer,
        rationale=explanation,
        options=[option.strip() for option in options],
        answer_key=LETTERS[answer_index],
        subject=subject,
        topic=topic,
    )


def question_group_id(source: str, question: str, options: list[str]) -> str:
    """A group id for items that carry no usable id: the same question text and options are the same
    item, wherever they appear, so they can never land on both sides of a split."""
    digest = hashlib.blake2b(digest_size=8)
    for part in (normalize(question), *map(normalize, options)):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\x1f")
    return f"{source}:q{digest.hexdigest()}"


def normalize(text: str) -> str:
    return " ".join(text.split()).casefold()
