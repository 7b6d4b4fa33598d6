"""Quality gates for generated data: the semantic-drift gate for augmented variants and the
filters for teacher answers. Each failure has a short machine-readable reason for the rejects table.

Drift gate = meaning (MiniLM cosine within bounds) + clinical facts (numbers, doses, drug names,
negations) unchanged. Embedding similarity alone cannot see "500 mg" → "50 mg" or "no fever" →
"fever"; the fact checks exist for exactly those cases.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from medchat_pipeline.config.augment import DriftConfig, QualityFilterConfig
from medchat_pipeline.core.augment.lexicon import Lexicon
from medchat_pipeline.core.evaluation.answer_extract import (
    extract_choice,
    extract_yes_no_maybe,
)

# --- clinical facts -------------------------------------------------------------------------------

DOSE_UNITS = (
    r"mg|mcg|µg|ug|g|kg|ml|mL|l|L|iu|IU|units?|mmol|mmhg|mmHg|meq|mEq|%|tabs?|tablets?|capsules?|puffs?|drops?"
)
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:[.,]\d+)?)")
_DOSE = re.compile(rf"(\d+(?:[.,]\d+)?)\s*({DOSE_UNITS})\b", re.IGNORECASE)
# Ages are perturbable, non-clinical details; the perturbation check masks them, nothing else does.
AGE_PATTERN = re.compile(
    r"\b(\d{1,3})(\s*|-)(years?|yrs?|year)(\s*|-)old\b|\b(\d{1,3})\s*(?:yo|y/o|y\.o\.)\b|\baged?\s+(\d{1,3})\b"
    r"|\b(\d{1,3})\s?((?-i:[MF]))\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:no|not|never|none|nothing|without|neither|nor|denies|denied|deny|absent|negative|cannot|"
    r"free of|non)\b|\b\w+n['’]t\b",
    re.IGNORECASE,
)


def _normalise_number(raw: str) -> str:
    thousands = re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw)
    value = float(raw.replace(",", "") if thousands else raw.replace(",", "."))
    return f"{value:g}"


def numbers(text: str, mask_ages: bool = False) -> Counter:
    if mask_ages:
        text = AGE_PATTERN.sub(" ", text)
    return Counter(_normalise_number(m) for m in _NUMBER.findall(text or ""))


def doses(text: str) -> Counter:
    return Counter(f"{_normalise_number(n)} {u.lower().rstrip('s')}" for n, u in _DOSE.findall(text or ""))


def drugs(text: str, lexicon: Lexicon) -> Counter:
    return Counter(m.lower() for m in lexicon.drug_pattern.findall(text or ""))


def negation_count(text: str) -> int:
    # "doesn't" and "does not" are one negation each; count cue words, not characters.
    return len(_NEGATION.findall(text or ""))


def mentions_dose(text: str) -> bool:
    return bool(_DOSE.search(text or ""))


# --- drift gate -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DriftCandidate:
    parent_text: str
    variant_text: str
    augmentation: str  # paraphrase | split | perturb | synonym


def fact_violation(candidate: DriftCandidate, lexicon: Lexicon, cfg: DriftConfig) -> tuple[str, str] | None:
    """(reason, detail) for the first clinical fact the variant changed, or None.

    A split sub-question covers part of its parent, so its facts need only be a subset; every other
    augmentation must keep them exactly (a perturbation may change the age, nothing else).
    """
    parent, variant = candidate.parent_text, candidate.variant_text
    subset = candidate.augmentation == "split"
    mask_ages = candidate.augmentation == "perturb"

    def differs(a: Counter, b: Counter) -> bool:
        return bool(b - a) if subset else a != b

    if cfg.check_numbers:
        before, after = doses(parent), doses(variant)
        if differs(before, after):
            return "dose_changed", f"doses {dict(before)} → {dict(after)}"
        before, after = numbers(parent, mask_ages), numbers(variant, mask_ages)
        if differs(before, after):
            return "number_changed", f"numbers {dict(before)} → {dict(after)}"
    if cfg.check_drugs:
        before, after = drugs(parent, lexicon), drugs(variant, lexicon)
        if differs(before, after):
            return "drug_changed", f"drugs {dict(before)} → {dict(after)}"
    if cfg.check_negations:
        before, after = negation_count(parent), negation_count(variant)
        if (after > before) if subset else (after != before):
            return "negation_changed", f"negations {before} → {after}"
    return None


def _normalised(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def drift_gate(
    candidates: Sequence[DriftCandidate],
    lexicon: Lexicon,
    cfg: DriftConfig,
    similarity: Callable[[list[str], list[str]], Sequence[float]],
) -> list[tuple[float | None, tuple[str, str] | None]]:
    """For each candidate: (cosine or None, (reason, detail) or None when it passes).

    Cheap checks run first; only candidates that pass them are embedded (one batched call).
    """
    verdicts: list[tuple[float | None, tuple[str, str] | None]] = []
    to_embed: list[int] = []
    for i, cand in enumerate(candidates):
        if not cand.variant_text.strip():
            verdicts.append((None, ("empty_variant", "the variant has no text")))
        elif _normalised(cand.variant_text) == _normalised(cand.parent_text):
            verdicts.append((None, ("unchanged", "the variant repeats its parent")))
        else:
            verdicts.append((None, fact_violation(cand, lexicon, cfg)))
            if verdicts[-1][1] is None:
                to_embed.append(i)
    if to_embed:
        scores = similarity(
            [candidates[i].parent_text for i in to_embed], [candidates[i].variant_text for i in to_embed]
        )
        for i, score in zip(to_embed, scores):
            score = float(score)
            bounds = cfg.bounds[candidates[i].augmentation]
            if score < bounds.min:
                verdicts[i] = (score, ("similarity_too_low", f"cosine {score:.3f} < {bounds.min}"))
            elif score > bounds.max:
                verdicts[i] = (score, ("similarity_too_high", f"cosine {score:.3f} > {bounds.max}"))
            else:
                verdicts[i] = (score, None)
    return verdicts


# --- teacher answer filters -----------------------------------------------------------------------

_PMID = re.compile(r"\bPMID\s*:?\s*(\d{5,9})\b|pubmed\.ncbi\.nlm\.nih\.gov/(\d{5,9})", re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>\])]+)", re.IGNORECASE)


def citations(text: str) -> set[str]:
    """PMIDs and DOIs cited in a text, normalised ("pmid:123…", "doi:10.…")."""
    found = {f"pmid:{a or b}" for a, b in _PMID.findall(text or "")}
    found |= {f"doi:{d.rstrip('.,;').lower()}" for d in _DOI.findall(text or "")}
    return found


def fabricated_citations(answer: str, source_text: str) -> set[str]:
    """Citations in the answer that the source context (and question) never mention.

    A bare PMID number in the source counts as present, since PubMedQA contexts carry it as an id.
    """
    source_citations = citations(source_text)
    bare_numbers = set(re.findall(r"\d{5,9}", source_text or ""))
    return {c for c in citations(answer) if c not in source_citations and c.removeprefix("pmid:") not in bare_numbers}


def english_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(ch.isascii() for ch in letters) / len(letters)


def answer_problem(answer: str, source_text: str, cfg: QualityFilterConfig) -> tuple[str, str] | None:
    """(reason, detail) of the first quality filter a teacher answer fails, or None."""
    text = (answer or "").strip()
    if not text:
        return "empty_answer", "the teacher returned no text"
    lowered = text.lower()
    for phrase in cfg.refusal_phrases:
        if phrase in lowered:
            return "refusal", f"contains {phrase!r}"
    for phrase in cfg.hedging_phrases:
        if phrase in lowered:
            return "hedging", f"contains {phrase!r}"
    fabricated = fabricated_citations(text, source_text)
    if fabricated:
        return "fabricated_citation", f"cites {sorted(fabricated)} not found in the source"
    if len(text) < cfg.min_chars:
        return "too_short", f"{len(text)} chars < {cfg.min_chars}"
    if len(text) > cfg.max_chars:
        return "too_long", f"{len(text)} chars > {cfg.max_chars}"
    share = english_share(text)
    if share < cfg.min_english_share:
        return "not_english", f"ASCII letter share {share:.2f} < {cfg.min_english_share}"
    return None


def predicted_label(kind: str, text: str, options: list[str] | None) -> str | None:
    """The teacher's final answer as a gold-comparable label ("A".."E" or yes/no/maybe), or None."""
    if kind == "mcq":
        return extract_choice(text, n_options=len(options or []) or 4, options=options)
    if kind == "yes_no_maybe":
        return extract_yes_no_maybe(text)
    return None


def gold_problem(kind: str, text: str, answer_key: str | None, options: list[str] | None) -> tuple[str, str] | None:
    """For MCQ and yes/no items with a gold key: reject outputs whose final answer differs."""
    if kind not in ("mcq", "yes_no_maybe") or not answer_key:
        return None
    predicted = predicted_label(kind, text, options)
    if predicted is None:
        return "no_final_answer", "no answer letter / yes-no-maybe could be read from the output"
    if predicted.lower() != answer_key.strip().lower():
        return "wrong_answer", f"teacher answered {predicted}, gold is {answer_key}"
    return None


def agreement(labels: Sequence[str | None]) -> float | None:
    """Share of teachers that agree with the majority label; None with fewer than two labels."""
    present = [label.lower() for label in labels if label]
    if len(present) < 2:
        return None
    return Counter(present).most_common(1)[0][1] / len(present)
