"""Small real QAC rows and teacher outputs written as strings, for the augmentation/distillation core.

The core takes the teacher as a callable, so these tests feed it the texts a teacher really writes
(messy lists, wrong letters, invented PMIDs) and check what the core makes of them. The Dagster
tests in medchat_pipeline_tests/augment/ go through the real gateway instead.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from medchat_pipeline.core.data.schema import QAC_SCHEMA, conform, qac_id
from medchat_pipeline.teachers.types import TeacherRequest, TeacherResult


def qac_row(source: str, question: str, answer: str, *, kind: str = "qa", split: str = "train", **extra) -> dict:
    context = extra.pop("context", "")
    row = {
        "id": qac_id(source, context, question, answer),
        "source": source,
        "source_id": extra.pop("source_id", f"{source}-{abs(hash(question)) % 10_000}"),
        "group_id": extra.pop("group_id", None),
        "kind": kind,
        "context": context,
        "question": question,
        "answer": answer,
        "split": split,
        **extra,
    }
    row["group_id"] = row["group_id"] or row["source_id"]
    return row


def qac_frame(rows: list[dict]) -> pl.DataFrame:
    return conform(pl.DataFrame(rows, schema={**QAC_SCHEMA, "split": pl.String()}, strict=False))


class ScriptedTeacher:
    """Answers each request with `respond(request)`; records what it was asked."""

    def __init__(self, respond: Callable[[TeacherRequest], str | None], model: str = "scripted") -> None:
        self.respond = respond
        self.model = model
        self.requests: list[TeacherRequest] = []

    def __call__(self, requests: list[TeacherRequest]) -> list[TeacherResult]:
        self.requests.extend(requests)
        results = []
        for request in requests:
            text = self.respond(request)
            if text is None:
                results.append(TeacherResult(id=request.id, error_kind="server", error="HTTP 503 from provider"))
            else:
                results.append(TeacherResult(id=request.id, texts=[text], provider="test", model=request.teacher or self.model))
        return results


MCQ_ROW = qac_row(
    "medqa",
    "A 35-year-old man has itchy, watery eyes every spring. Which treatment is most appropriate?",
    "B) Ketotifen eye drops",
    kind="mcq",
    options=["Erythromycin ointment", "Ketotifen eye drops", "Warm compresses", "Fluorometholone eye drops"],
    answer_key="B",
    subject="Ophthalmology",
)
YES_NO_ROW = qac_row(
    "pubmedqa",
    "Does aspirin reduce the risk of colorectal adenoma recurrence?",
    "Yes. Daily aspirin reduced adenoma recurrence in the trial.",
    kind="yes_no_maybe",
    context="PMID 12621137. A randomized trial of aspirin to prevent colorectal adenomas.",
    answer_key="yes",
)
UNLABELED_ROW = qac_row(
    "pubmedqa",
    "Is vitamin D supplementation associated with fewer falls in older adults?",
    "Supplementation was associated with fewer falls in the cohort.",
    kind="yes_no_maybe",
    context="A cohort of 2,000 adults aged over 65 followed for two years.",
)
DIALOGUE_ROW = qac_row(
    "healthcaremagic",
    "I am a 45-year-old man with no allergies. I take metformin 500 mg twice daily. "
    "What causes my tiredness and how is it treated?",
    "Tiredness can be caused by poorly controlled sugar or anaemia. It is treated by adjusting metformin "
    "after blood tests. Please see your doctor.",
    kind="dialogue_turn",
)
