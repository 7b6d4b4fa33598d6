"""Patient–doctor dialogues → dialogue_turn rows, in one of three modes (config DialogueOptions):

- first_pair: the first patient turn and the doctor reply that follows; context "" (or the turns
  before it, when a dialogue opens with a doctor turn).
- all_pairs: every patient→doctor exchange, the earlier turns as context ("Patient: …\\nDoctor: …").
- last_turn: the last doctor reply, the patient turn before it as question, everything earlier as context.

Consecutive turns by the same speaker are merged (CovidDialog has doctor→doctor follow-ups), so a
pair is always one patient message and the whole doctor reply to it.
"""

from __future__ import annotations

from medchat_pipeline.core.data.sources.records import Collector, RecordRejected, require_decodable, text_field

PATIENT = "patient"
DOCTOR = "doctor"
SPEAKER_LABEL = {PATIENT: "Patient", DOCTOR: "Doctor"}


def merge_consecutive(turns: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], int]:
    """Join runs of the same speaker; also returns how many turns were folded into a previous one."""
    merged: list[tuple[str, str]] = []
    folded = 0
    for speaker, text in turns:
        if merged and merged[-1][0] == speaker:
            merged[-1] = (speaker, f"{merged[-1][1]}\n{text}".strip())
            folded += 1
        else:
            merged.append((speaker, text))
    return merged, folded


def format_history(turns: list[tuple[str, str]]) -> str:
    return "\n".join(f"{SPEAKER_LABEL[speaker]}: {text}" for speaker, text in turns)


def dialogue_pairs(turns: list[tuple[str, str]], mode: str) -> list[tuple[int, str, str, str]]:
    """(pair index, context, question, answer) for the chosen mode. Raises RecordRejected when the
    dialogue has no patient turn followed by a doctor reply."""
    starts = [
        i for i in range(len(turns) - 1) if turns[i][0] == PATIENT and turns[i + 1][0] == DOCTOR
    ]
    if not starts:
        speakers = "→".join(s for s, _ in turns) or "no turns"
        raise RecordRejected("no_patient_doctor_pair", f"turns: {speakers}")
    indexed = list(enumerate(starts))
    chosen = {"first_pair": indexed[:1], "all_pairs": indexed, "last_turn": indexed[-1:]}[mode]
    return [(index, format_history(turns[:i]), turns[i][1], turns[i + 1][1]) for index, i in chosen]


def add_dialogue(
    out: Collector,
    dialogue_id: str,
    turns: list[tuple[str, str]],
    mode: str,
    topic: str | None = None,
) -> None:
    """Emit the rows of one dialogue. A pair whose question or answer is blank is rejected on its
    own (its source id names the pair), the dialogue's other pairs are kept."""
    turns, folded = merge_consecutive([(s, t.strip()) for s, t in turns])
    if folded:
        out.stats["merged_consecutive_turns"] += folded
    for index, context, question, answer in dialogue_pairs(turns, mode):
        source_id = f"{dialogue_id}#{index}"
        if not question:
            out.reject(source_id, "empty_question", "patient turn is blank", format_history(turns))
        elif not answer:
            out.reject(source_id, "empty_answer", "doctor turn is blank", format_history(turns))
        else:
            out.add(
                source_id=source_id,
                group_id=dialogue_id,
                kind="dialogue_turn",
                context=context,
                question=question,
                answer=answer,
                topic=topic,
            )


def add_exchange(out: Collector, record_id: str, record: dict, question_key: str, answer_key: str, mode: str) -> None:
    """A record holding one patient message and the doctor's reply in two text fields."""
    require_decodable(record, record_id)
    question = text_field(record, question_key, empty_reason="empty_question")
    answer = text_field(record, answer_key, empty_reason="empty_answer")
    add_dialogue(out, record_id, [(PATIENT, question), (DOCTOR, answer)], mode)
