"""The output guard: every served answer passes here before it reaches a person.

    result = guard_answer(model_text, decision, numbers=cfg.safety.emergency_numbers, config=cfg.safety.guard)
    result.text, result.replaced, result.reasons

An answer is replaced by a safe, category-specific reply when it
- loops: a phrase repeated back to back ("your family, your family, your family"), one sentence said
  again and again, or most of its word trigrams repeating;
- encourages self-harm or gives method details ("if you're ready to take your own life…", a lethal
  dose, the quickest way to die);
- states a dose above the label's adult daily maximum (configs/eval/max_daily_doses.yaml, read by
  checks.dose_findings: "1000 mg every 2 hours" is 12 g a day of paracetamol);
- dismisses an emergency the triage found ("it's probably nothing", "sleep it off", "no need to see a
  doctor", "wait until morning").

The replacement names the deployment's numbers (safety.emergency_numbers): the emergency number and
"do not wait" for an emergency, the crisis line for self-harm, poison control for a dose or poisoning.
Escalation advice itself is not the guard's job: serving puts escalation_advice() first on every
emergency whatever the model says; the guard judges the model's own words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from medchat_pipeline.config.safety import EmergencyNumbers, GuardConfig
from medchat_pipeline.core.safety.checks import dose_findings, load_dose_table
from medchat_pipeline.core.safety.normalize import normalize_for_patterns
from medchat_pipeline.core.safety.triage import TriageDecision, escalation_advice


@dataclass(frozen=True)
class GuardResult:
    """text: what may be sent (the answer itself, or the safe reply that replaces it);
    replaced: whether the answer was replaced; reasons: why, one "<check>: <detail>" per finding."""

    text: str
    replaced: bool
    reasons: tuple[str, ...]


# Written over normalize_for_patterns text: lower case, "you're" → "you are", "don't" → "do not".
_ENCOURAGES_SELF_HARM = re.compile(
    r"\bready to (?:take your (?:own )?life|end (?:it|your life|things)|die|kill yourself)\b|"
    r"\b(?:you should|go ahead and|it is (?:ok|okay|fine|alright|understandable|your right) to|you deserve to|"
    r"why not|you could|you can) (?:just )?(?:kill yourself|end (?:it all|it|your life)|take your (?:own )?life|"
    r"hurt yourself|harm yourself|cut yourself|die)\b|"
    r"\bhelp you (?:to )?(?:find a way to )?(?:end|take) (?:your|it)|\bhelp you (?:die|kill yourself)\b|"
    r"\b(?:everyone|they|your family) (?:would|will) be better off without you\b|\bno one would miss you\b|"
    r"\byou (?:deserve|should) (?:to )?(?:die|suffer)\b|\bbetter off dead\b"
)
_SELF_HARM_METHOD = re.compile(
    r"\b(?:lethal|fatal|deadly) (?:dose|amount|quantity)\b(?! (?:is not|cannot|varies|of any))|"
    r"\b(?:painless|quick|quickest|easiest|surest|best|most effective) (?:way|method|ways|methods) (?:to|of) "
    r"(?:die|dying|kill yourself|end your life|suicide|commit suicide)\b|"
    r"\bhow to (?:tie a noose|hang yourself|overdose|slit|cut (?:your|the) wrists?)\b|"
    r"\b\d+ (?:mg|g|grams|pills|tablets) (?:of \w+ )?(?:would|will|is enough to|are enough to|can) (?:kill|be fatal|be "
    r"lethal|end)\b|\b(?:hanging|jumping|overdosing|cutting) is (?:the )?(?:most|least|quickest|fastest|surest|"
    r"less painful|painless)\b"
)
_PROTECTIVE_FRAME = re.compile(r"\b(?:there is no|there are no|is never|no such thing as|cannot tell you|can not tell you|"
                               r"will not (?:tell|give|help)|not going to (?:tell|give))\b")
_DISMISSES = re.compile(
    r"\b(?:it is|this is|that is|its|this sounds|it sounds|probably|likely|most likely) (?:probably |likely |just |only "
    r"|most likely |completely |perfectly |totally |quite |pretty |fairly |usually )?(?:nothing(?: serious| to worry about)?|not serious|not an emergency|nothing to worry about|"
    r"not a big deal|normal|harmless|fine)\b|"
    r"\bno need (?:to|for) (?:\w+ ){0,2}(?:see|call|go|visit|worry|panic|an ambulance|a doctor|the (?:er|hospital|doctor)|"
    r"emergency|911|medical)\b|"
    r"\b(?:just|simply|you can|try to) (?:rest|sleep(?: it off)?|lie down|relax|wait|take an antacid|drink (?:some )?water)\b|"
    r"\bsleep it off\b|\b(?:wait|see) (?:until|till|how (?:you|it|things) (?:feel|goes|go)) (?:tomorrow|the morning|"
    r"morning|a few days|it passes)?\b|\bwait and see\b|\bshould (?:pass|go away|settle|resolve) (?:on its own|by itself|"
    r"soon)\b|\b(?:do not|dont|no need to) (?:worry|panic|call|go to (?:the )?(?:er|hospital|emergency))\b|"
    r"\bcan be (?:managed|treated) at home\b|\bnot (?:usually )?(?:a cause for|cause for) (?:concern|alarm)\b|"
    r"\b(?:and|then|please|try to|you should|you can|just) (?:rest|relax|lie down)\b|"
    r"\b(?:call|go|see|seek|contact)\b.{0,40}\bif (?:it|they|symptoms|things|the pain|this|he|she)\b.{0,15}"
    r"\b(?:gets? worse|becomes? worse|worsens?|persists?|continues?|does not (?:improve|go away|get better))\b"
)
_GO_NOW = re.compile(r"\b(?:911|999|112|988|emergency|ambulance|er|a&e|hospital|poison control|crisis)\b.{0,60}"
                     r"\b(?:now|right away|immediately|straight away|at once|without delay)\b|\b(?:now|right away|"
                     r"immediately)\b.{0,40}\b(?:911|999|112|988|emergency|ambulance|er|hospital|poison control)\b")
_ONLY_IF_WORSE = re.compile(r"\bif (?:it|they|symptoms|things|the pain|you|this|he|she)\b.{0,20}\b(?:gets?|becomes?|"
                            r"persists?|worsens?|continues?|does not|do not|is still|are still|worse)\b")
_WORDS = re.compile(r"[a-z0-9']+")
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")


def guard_answer(
    answer: str | None,
    decision: TriageDecision,
    numbers: EmergencyNumbers | None = None,
    config: GuardConfig | None = None,
    dose_table: dict[str, tuple[str, float]] | None = None,
) -> GuardResult:
    """Check one answer to a conversation the triage judged as `decision` (see the module docstring).

    Returns the answer unchanged (replaced False, reasons ()) or a safe reply for the decision's
    category with every reason found. None or an empty answer is returned as is: failing to answer is
    the service's concern, not a safety finding. Never raises on any text."""
    config = config or GuardConfig()
    text = answer if isinstance(answer, str) else ""
    if not config.enabled or not text.strip():
        return GuardResult(text, False, ())
    normalized = normalize_for_patterns(text)
    reasons: list[str] = []
    loop = repetition_reason(normalized, config)
    if loop:
        reasons.append(f"repetition: {loop}")
    encouragement = _ENCOURAGES_SELF_HARM.search(normalized)
    if encouragement:
        reasons.append(f"self_harm_encouragement: {encouragement.group(0)!r}")
    method = _SELF_HARM_METHOD.search(normalized)
    if method and not _PROTECTIVE_FRAME.search(normalized[max(0, method.start() - 40) : method.start()]):
        reasons.append(f"self_harm_method: {method.group(0)!r}")
    for finding in dose_findings(text, dose_table if dose_table is not None else _dose_table()):
        if finding.exceeds:
            reasons.append(f"dose_above_maximum: {finding.drug} {finding.daily_mg:g} mg/day > {finding.max_mg_per_day:g} "
                           f"mg/day ({finding.amount_mg:g} mg × {finding.times_per_day:g}/day)")
            break
    if decision.emergency:
        dismissal = _dismissal(normalized)
        if dismissal:
            reasons.append(f"dismisses_emergency: {dismissal!r}")
    if not reasons:
        return GuardResult(text, False, ())
    return GuardResult(safe_reply(decision, reasons, numbers), True, tuple(reasons))


def safe_reply(decision: TriageDecision, reasons: list[str] | tuple[str, ...], numbers: EmergencyNumbers | None = None) -> str:
    """The reply that replaces an unsafe answer: specific to the emergency category, or to what was wrong."""
    n = numbers or EmergencyNumbers()
    kinds = {reason.split(":", 1)[0] for reason in reasons}
    if kinds & {"self_harm_encouragement", "self_harm_method"} or decision.category == "self_harm":
        return escalation_advice("self_harm", n)
    if decision.emergency:
        return (f"{escalation_advice(decision.category, n)} I can't safely say more here: please get emergency help "
                f"now rather than waiting for an online answer.")
    if "dose_above_maximum" in kinds:
        return ("I can't confirm that dose. Please follow the package label or ask a pharmacist, and never take more "
                f"than the label's daily maximum. If someone may have taken too much, call Poison Control at "
                f"{n.poison_control} now, even if they feel fine.")
    return ("I couldn't produce a clear answer to this. Please ask again in other words, or talk to a doctor or "
            f"pharmacist. If this is urgent, call {n.emergency} or go to the nearest emergency department.")


def repetition_reason(normalized: str, config: GuardConfig | None = None) -> str | None:
    """Why a (normalized) answer is a loop, or None."""
    config = config or GuardConfig()
    words = _WORDS.findall(normalized)
    for size in range(1, 9):  # a phrase of 1-8 words said max_repeated_sentence times back to back
        needed = config.max_repeated_sentence if size > 1 else max(config.max_repeated_sentence, 4)
        for start in range(0, len(words) - size * needed + 1):
            phrase = words[start : start + size]
            if all(words[start + k * size : start + (k + 1) * size] == phrase for k in range(1, needed)):
                if size == 1 and phrase[0] in {"very", "so", "really", "no", "ha", "la"}:
                    continue
                return f"{' '.join(phrase)!r} {needed}+ times in a row"
    sentences = [" ".join(_WORDS.findall(s)) for s in _SENTENCES.split(normalized)]
    repeated = Counter(s for s in sentences if len(s.split()) >= 3)
    if repeated and max(repeated.values()) >= config.max_repeated_sentence:
        sentence, count = repeated.most_common(1)[0]
        return f"the sentence {sentence[:60]!r} {count} times"
    if len(words) >= config.repetition_min_words:
        trigrams = Counter(zip(words, words[1:], words[2:]))
        repeated_share = sum(c - 1 for c in trigrams.values()) / max(1, len(words) - 2)
        if repeated_share > config.max_repeated_trigram_fraction:
            return f"{repeated_share:.0%} of word trigrams repeat > {config.max_repeated_trigram_fraction:.0%}"
    return None


def _dismissal(normalized: str) -> str | None:
    """A phrase telling the person their emergency can wait, unless the same sentence sends them for help."""
    for sentence in _SENTENCES.split(normalized):
        found = _DISMISSES.search(sentence)
        if found is None:
            continue
        negated = re.search(r"\b(?:not|never|do not|dont|cannot|can not)\b(?: \S+){0,2} $", sentence[: found.start()])
        if negated or re.search(r"\bif\b", sentence[: found.start()]):
            continue  # "this is not something to wait on", "if it is nothing serious, …"
        if _GO_NOW.search(sentence) and not _ONLY_IF_WORSE.search(sentence):
            continue  # "do not panic, but call 911 now" sends them; "rest, call if it gets worse" does not
        return found.group(0)
    return None


@lru_cache(maxsize=1)
def _dose_table() -> dict[str, tuple[str, float]]:
    return load_dose_table()
