"""GRPO reward functions: each one is TRL-compatible, `f(completions, **kwargs) -> list[float | None]`.

TRL passes the dataset's extra columns (answer, answer_key, kind, options, …) as keyword lists aligned
with `completions`, plus `prompts`. A reward that does not apply to a row (the MCQ reward on a
dialogue turn) returns None for it, which TRL leaves out of that row's weighted sum instead of
counting it as a zero. Each function's `__name__` is the name TRL logs its curve under
(`rewards/<name>/mean`), and the key of its weight in the `training.grpo.rewards` config.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from functools import lru_cache

from medchat_pipeline.core.evaluation.answer_extract import extract_choice, extract_yes_no_maybe, final_answer_text

RewardFunction = Callable[..., list[float | None]]


def completion_text(completion) -> str:
    """The text of one completion: a plain string, or the conversational [{"role", "content"}] form."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        return str(completion.get("content") or "")
    return "".join(str(message.get("content") or "") for message in completion)


def _texts(completions) -> list[str]:
    return [completion_text(c) for c in completions]


def _aligned(values, n: int) -> list:
    """A dataset column as TRL passes it (one value per completion), or Nones when the column is absent."""
    return list(values) if values is not None else [None] * n


def mcq_exact(completions, answer_key=None, options=None, kind=None, **kwargs) -> list[float | None]:
    """1.0 when the chosen option letter equals answer_key, else 0.0; None for non-MCQ rows."""
    texts = _texts(completions)
    n = len(texts)
    keys, opts, kinds = _aligned(answer_key, n), _aligned(options, n), _aligned(kind, n)
    rewards: list[float | None] = []
    for text, key, row_options, row_kind in zip(texts, keys, opts, kinds):
        if row_kind != "mcq" or not key:
            rewards.append(None)
            continue
        n_options = len(row_options) if row_options else 5
        chosen = extract_choice(text, n_options=n_options, options=list(row_options) if row_options else None)
        rewards.append(1.0 if chosen == str(key).strip().upper() else 0.0)
    return rewards


def yes_no_maybe(completions, answer_key=None, kind=None, **kwargs) -> list[float | None]:
    """1.0 when the yes/no/maybe verdict equals answer_key, else 0.0; None for other kinds."""
    texts = _texts(completions)
    keys, kinds = _aligned(answer_key, len(texts)), _aligned(kind, len(texts))
    rewards: list[float | None] = []
    for text, key, row_kind in zip(texts, keys, kinds):
        if row_kind != "yes_no_maybe" or not key:
            rewards.append(None)
            continue
        rewards.append(1.0 if extract_yes_no_maybe(text) == str(key).strip().lower() else 0.0)
    return rewards


def final_answer_format(completions, kind=None, options=None, **kwargs) -> list[float | None]:
    """For MCQ and yes/no/maybe rows: 1.0 when the reply ends in a parseable "Final Answer: …" (a valid
    letter, or yes/no/maybe), 0.5 when the marker is there but unparseable, else 0.0. None for open
    questions, whose SFT targets carry no marker."""
    texts = _texts(completions)
    kinds, opts = _aligned(kind, len(texts)), _aligned(options, len(texts))
    rewards: list[float | None] = []
    for text, row_kind, row_options in zip(texts, kinds, opts):
        if row_kind not in ("mcq", "yes_no_maybe"):
            rewards.append(None)
            continue
        final = final_answer_text(text)
        if final is None:
            rewards.append(0.0)
        elif row_kind == "mcq":
            n_options = len(row_options) if row_options else 5
            rewards.append(1.0 if extract_choice(f"Final Answer: {final}", n_options=n_options) else 0.5)
        else:
            rewards.append(1.0 if extract_yes_no_maybe(f"Final Answer: {final}") else 0.5)
    return rewards


def _reference_pairs(completions, answer) -> tuple[list[int], list[str], list[str]]:
    texts = _texts(completions)
    answers = _aligned(answer, len(texts))
    index = [i for i, ref in enumerate(answers) if ref and str(ref).strip() and texts[i].strip()]
    return index, [texts[i] for i in index], [str(answers[i]) for i in index]


def embedding_similarity(completions, answer=None, **kwargs) -> list[float | None]:
    """Cosine similarity of MiniLM embeddings of the completion and the reference answer, in [-1, 1].
    An empty completion scores 0; a row without a reference gets None."""
    from medchat_pipeline.core.similarity import paired_cosine

    answers = _aligned(answer, len(completions))
    index, outs, refs = _reference_pairs(completions, answer)
    scores = paired_cosine(outs, refs) if index else []
    rewards: list[float | None] = [0.0 if ref and str(ref).strip() else None for ref in answers]
    for i, score in zip(index, scores):
        rewards[i] = float(score)
    return rewards


@lru_cache(maxsize=2)
def bertscore_scorer(model_path: str | None = None):
    """One BERTScorer per process over the packaged MiniLM (6 layers), so GRPO steps do not reload it."""
    from bert_score import BERTScorer

    from medchat_pipeline.models import embedding_model_path

    return BERTScorer(model_type=str(model_path or embedding_model_path()), num_layers=6, device="cpu")


def bertscore(completions, answer=None, **kwargs) -> list[float | None]:
    """BERTScore F1 against the reference answer (MiniLM-L6, no baseline rescaling)."""
    answers = _aligned(answer, len(completions))
    index, outs, refs = _reference_pairs(completions, answer)
    rewards: list[float | None] = [0.0 if ref and str(ref).strip() else None for ref in answers]
    if index:
        _, _, f1 = bertscore_scorer().score(outs, refs, verbose=False)
        for i, score in zip(index, f1.tolist()):
            rewards[i] = float(score)
    return rewards


def difflib_ratio(completions, answer=None, **kwargs) -> list[float | None]:
    """The seed's character-level similarity: difflib.SequenceMatcher ratio, case-insensitive, in [0, 1]."""
    texts = _texts(completions)
    answers = _aligned(answer, len(texts))
    return [
        difflib.SequenceMatcher(None, text.lower(), str(ref).lower()).ratio() if ref and str(ref).strip() else None
        for text, ref in zip(texts, answers)
    ]


def _prompt_text(prompt) -> str:
    if prompt is None:
        return ""
    if isinstance(prompt, str):
        return prompt
    return " ".join(str(m.get("content") or "") for m in prompt if m.get("role") == "user")


@lru_cache(maxsize=1)
def _dose_table() -> dict[str, tuple[str, float]]:
    from medchat_pipeline.core.safety.checks import load_dose_table

    return load_dose_table()


def _user_turns(prompt) -> list[str]:
    """Every user turn of a prompt (a plain string is one turn): what the triage reads."""
    if prompt is None:
        return []
    if isinstance(prompt, str):
        return [prompt]
    return [str(m.get("content") or "") for m in prompt if m.get("role") == "user"]


@lru_cache(maxsize=1)
def reward_triage():
    """The triage serving uses: the profile's ($MEDCHAT_PROFILE, else demo) latest triage_model, else the
    emergency patterns alone (its fallback_reason says which). One per process."""
    from medchat_pipeline.config import ConfigError, load_config
    from medchat_pipeline.core.safety.triage import Triage, load_triage

    try:
        return load_triage(load_config())
    except (ConfigError, OSError) as exc:
        return Triage(fallback_reason=f"profile unreadable ({exc}); the emergency patterns decide alone")


def safety_penalty(completions, prompts=None, **kwargs) -> list[float]:
    """-1.0 for an unsafe reply, else 0.0 (give it a positive weight). The same components as serving
    judge it: the triage (core/safety/triage.py, every user turn of the prompt) and the output guard
    (core/safety/guard.py). Unsafe: the triage calls the conversation an emergency and the reply does
    not send the person to emergency help; or the guard would replace the reply (a loop, self-harm
    encouragement or method details, a daily dose above the drug's labelled adult maximum, a dismissed
    emergency)."""
    from medchat_pipeline.core.safety.checks import mentions_escalation
    from medchat_pipeline.core.safety.guard import guard_answer

    table = _dose_table()
    texts = _texts(completions)
    decisions = reward_triage().assess_many([_user_turns(p) for p in _aligned(prompts, len(texts))])
    rewards = []
    for text, decision in zip(texts, decisions):
        unescalated = decision.emergency and not mentions_escalation(text)
        unsafe = guard_answer(text, decision, dose_table=table).replaced
        rewards.append(-1.0 if unescalated or unsafe else 0.0)
    return rewards


def false_escalation_penalty(completions, prompts=None, **kwargs) -> list[float]:
    """-1.0 for a reply that sends the person to emergency help although the triage (the one safety_penalty
    and serving use, every user turn of the prompt) reads the conversation as no emergency, else 0.0 (give
    it a positive weight). safety_penalty's other side: with it alone, "call 911" costs nothing anywhere, and
    an adapter trained on escalation examples learns to append it to ordinary answers."""
    from medchat_pipeline.core.safety.checks import mentions_escalation

    texts = _texts(completions)
    decisions = reward_triage().assess_many([_user_turns(p) for p in _aligned(prompts, len(texts))])
    return [-1.0 if not decision.emergency and mentions_escalation(text) else 0.0
            for text, decision in zip(texts, decisions)]


CITATION = re.compile(
    r"\[(?:source|ref(?:erence)?|\d{1,3})\]|\bPMID:?\s*\d{5,9}\b|\bdoi:\s*10\.\d{4,}|\(\s*[A-Z][a-z]+ et al\.?,? \d{4}\s*\)|"
    r"according to (?:the )?(?:WHO|CDC|NICE|NIH|FDA|AHA|ACC|ADA|guidelines?)",
    re.IGNORECASE,
)


def citation_bonus(completions, **kwargs) -> list[float]:
    """The seed's citation bonus: 1.0 when the reply cites something ("[source]", "[1]", a PMID, a DOI,
    "(Smith et al., 2020)", "according to the WHO"), else 0.0. The seed's +0.2 is the default weight."""
    return [1.0 if CITATION.search(text) else 0.0 for text in _texts(completions)]


def _free_text_rows(completions, answer, kind) -> list[tuple[int, str, str]]:
    """(index, completion, reference) of the rows with a free-text reference (not MCQ / yes-no-maybe)."""
    texts = _texts(completions)
    answers, kinds = _aligned(answer, len(texts)), _aligned(kind, len(texts))
    return [
        (i, text, str(ref))
        for i, (text, ref, row_kind) in enumerate(zip(texts, answers, kinds))
        if ref and str(ref).strip() and row_kind not in ("mcq", "yes_no_maybe")
    ]


def short_answer_exact(completions, answer=None, kind=None, **kwargs) -> list[float | None]:
    """1.0 when the reply matches a short free-text reference (a drug name, dose, route: EHR-derived rows)
    after normalization (units, routes, frequencies, punctuation; the 'Final Answer:' text when present),
    else 0.0. None for long references and for MCQ / yes-no-maybe rows, which have their own rewards."""
    from medchat_pipeline.core.evaluation.free_text import is_short_reference, short_answer_match

    rewards: list[float | None] = [None] * len(completions)
    for i, text, ref in _free_text_rows(completions, answer, kind):
        if is_short_reference(ref):
            rewards[i] = 1.0 if short_answer_match(text, ref) else 0.0
    return rewards


def hybrid_exact_bertscore(completions, answer=None, kind=None, **kwargs) -> list[float | None]:
    """The design notes' hybrid reward: exact match (1 / 0, normalized) when the reference is short,
    else BERTScore F1 against it. None for MCQ / yes-no-maybe rows and rows without a reference."""
    from medchat_pipeline.core.evaluation.free_text import is_short_reference, short_answer_match

    rewards: list[float | None] = [None] * len(completions)
    long_rows = []
    for i, text, ref in _free_text_rows(completions, answer, kind):
        if is_short_reference(ref):
            rewards[i] = 1.0 if short_answer_match(text, ref) else 0.0
        elif text.strip():
            long_rows.append((i, text, ref))
        else:
            rewards[i] = 0.0
    if long_rows:
        _, _, f1 = bertscore_scorer().score([t for _, t, _ in long_rows], [r for _, _, r in long_rows], verbose=False)
        for (i, _, _), score in zip(long_rows, f1.tolist()):
            rewards[i] = float(score)
    return rewards


def factual_error_penalty(completions, answer=None, kind=None, **kwargs) -> list[float | None]:
    """-1.0 when a free-text reply contradicts its reference — a dose the reference gives differently in
    the same unit, or drug names none of which the reference names (the drug/dose extractors of the
    augmentation drift gate) — else 0.0. Give it a positive weight. None without a free-text reference."""
    from medchat_pipeline.core.evaluation.free_text import fact_contradictions

    rewards: list[float | None] = [None] * len(completions)
    for i, text, ref in _free_text_rows(completions, answer, kind):
        rewards[i] = -1.0 if fact_contradictions(text, ref) else 0.0
    return rewards


def reasoning_structure(completions, **kwargs) -> list[float]:
    """Differential-diagnosis reasoning, as the notes ask ("reward differential diagnosis steps"): the
    share of the steps findings → differential → discriminating evidence/tests → conclusion that the
    reply contains in that order (core/evaluation/free_text.reasoning_order_score), in [0, 1]."""
    from medchat_pipeline.core.evaluation.free_text import reasoning_order_score

    return [reasoning_order_score(text) for text in _texts(completions)]


JUDGE_INSTRUCTIONS = (
    "You grade a medical assistant's reply against a reference answer. Score 0 to 10 for correctness, "
    "safety and helpfulness. Reply with the number only.\n\nQuestion:\n{question}\n\nReference answer:\n"
    "{reference}\n\nAssistant reply:\n{reply}\n\nScore:"
)
_SCORE = re.compile(r"(?<![\d.])(10|\d)(?:\.\d+)?(?![\d])")


def parse_judge_score(text: str | None) -> float | None:
    """The first 0–10 number in a judge's reply, scaled to [0, 1]; None when there is none."""
    match = _SCORE.search(text or "")
    return float(match.group(0)) / 10.0 if match and float(match.group(0)) <= 10 else None


def make_teacher_judge(pool, teacher: str | None = None, failures: list | None = None) -> RewardFunction:
    """A reward asking a teacher (through the gateway's TeacherPool) to score each reply 0–10 against the
    reference. A failed or unparseable judgement gives None for that row (never a made-up score) and is
    appended to `failures` as (id, error_kind, error) when a list is given."""
    from medchat_pipeline.teachers.types import TeacherRequest

    def teacher_judge(completions, prompts=None, answer=None, id=None, **kwargs) -> list[float | None]:  # noqa: A002
        texts = _texts(completions)
        questions = [_prompt_text(p) for p in _aligned(prompts, len(texts))]
        answers = _aligned(answer, len(texts))
        ids = _aligned(id, len(texts))
        requests = [
            TeacherRequest(
                id=f"judge-{row_id or 'row'}-{i}",
                prompt=JUDGE_INSTRUCTIONS.format(question=q, reference=ref or "", reply=text),
                teacher=teacher,
                params={"temperature": 0.0, "max_tokens": 8},
                template_version="judge-v1",
            )
            for i, (text, q, ref, row_id) in enumerate(zip(texts, questions, answers, ids))
        ]
        results = pool.run(requests, progress=False)
        scores: list[float | None] = []
        for result in results:
            score = parse_judge_score(result.text) if result.ok else None
            if score is None and failures is not None:
                failures.append((result.id, result.error_kind or "unparseable", result.error or result.text))
            scores.append(score)
        return scores

    return teacher_judge


REWARD_FUNCTIONS: dict[str, RewardFunction] = {
    "mcq_exact": mcq_exact,
    "yes_no_maybe": yes_no_maybe,
    "final_answer_format": final_answer_format,
    "embedding_similarity": embedding_similarity,
    "bertscore": bertscore,
    "difflib_ratio": difflib_ratio,
    "safety_penalty": safety_penalty,
    "false_escalation_penalty": false_escalation_penalty,
    "citation_bonus": citation_bonus,
    "short_answer_exact": short_answer_exact,
    "hybrid_exact_bertscore": hybrid_exact_bertscore,
    "factual_error_penalty": factual_error_penalty,
    "reasoning_structure": reasoning_structure,
}


def build_reward_functions(
    weights: dict[str, float], teacher_pool=None, judge_teacher: str | None = None, judge_failures: list | None = None
) -> tuple[list[RewardFunction], list[float]]:
    """The enabled reward functions and their weights, in the same order (what GRPOTrainer takes)."""
    functions: list[RewardFunction] = []
    chosen: list[float] = []
    for name, weight in weights.items():
        if weight == 0.0:
            continue
        if name == "teacher_judge":
            if teacher_pool is None:
                raise ValueError("the teacher_judge reward has a weight but no teacher pool was given")
            functions.append(make_teacher_judge(teacher_pool, judge_teacher, judge_failures))
        elif name in REWARD_FUNCTIONS:
            functions.append(REWARD_FUNCTIONS[name])
        else:
            raise ValueError(f"unknown reward {name!r}; known: {sorted(REWARD_FUNCTIONS) + ['teacher_judge']}")
        chosen.append(float(weight))
    return functions, chosen
