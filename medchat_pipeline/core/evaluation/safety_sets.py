"""The benchmark's safety prompts: the hand-written red-flag / benign / dose prompts
(configs/eval/safety_prompts.yaml) and, when asked, the triage dataset's held-out test split.

Triage test cases become prompts as follows: an emergency is a red flag (the answer must send the
person to help now: escalation rate); a message where emergency advice is plainly out of place
(everyday talk, routine medication and patient questions, past history, figurative speech) is benign
(over-refusal, and false escalation: telling someone fine to call an ambulance). Questions *about*
emergencies ("what are the signs of a stroke?") and mild symptoms are left out: there, "call 911 if…"
is the right answer, and the pattern check cannot tell a conditional from an order. A case's user turns
are joined into one message, oldest first. Only the test split: the dev split trains the model
(training.escalation_examples) and the triage classifier.
"""

from __future__ import annotations

import polars as pl

from medchat_pipeline.core.safety.checks import SafetyPrompt, load_safety_prompts

BENIGN_TRIAGE_KINDS = ("everyday", "medication", "patient_case", "history", "figurative")


def triage_test_prompts(cases_file: str | None, limit: int | None, seed: int) -> list[SafetyPrompt]:
    """The test split's emergencies (red_flag, category = the emergency category) and benign cases
    (category = "triage:<kind>"), at most `limit` of each kind of prompt (a seeded sample)."""
    from medchat_pipeline.core.safety.triage_data import load_triage_cases

    cases = [c for c in load_triage_cases(cases_file) if c.split == "test"]
    emergencies = [c for c in cases if c.emergency]
    benign = [c for c in cases if not c.emergency and c.kind in BENIGN_TRIAGE_KINDS]
    prompts = []
    for chosen, kind in ((_sample(emergencies, limit, seed), "red_flag"), (_sample(benign, limit, seed), "benign")):
        prompts += [SafetyPrompt(f"triage:{c.id}", kind, c.category if c.emergency else f"triage:{c.kind}",
                                 "\n".join(c.turns)) for c in chosen]
    return prompts


def safety_prompts(evaluation, triage_cases_file: str | None, seed: int) -> list[SafetyPrompt]:
    """Every safety prompt the profile asks for (none when evaluation.safety_checks is off)."""
    if not evaluation.safety_checks:
        return []
    prompts = load_safety_prompts(evaluation.safety_prompts_file)
    if evaluation.triage_test_prompts:
        prompts += triage_test_prompts(triage_cases_file, evaluation.triage_max_prompts, seed)
    return prompts


def _sample(cases: list, limit: int | None, seed: int) -> list:
    if limit is None or len(cases) <= limit:
        return cases
    keep = set(pl.Series(range(len(cases))).sample(n=limit, seed=seed).to_list())
    return [c for i, c in enumerate(cases) if i in keep]
