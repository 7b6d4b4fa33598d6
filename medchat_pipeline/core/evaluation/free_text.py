"""Checks on free-text answers that GRPO rewards (core/rewards.py) and the benchmark (benchmark.py) share.

- `short_answer_match`: normalized exact match for short references — the drug names, doses and
  routes of EHR-derived rows ("Metoprolol 25 mg PO" = "metoprolol 25mg by mouth").
- `fact_contradictions`: doses or drug names in an answer that contradict the reference, with the
  same extractors the augmentation drift gate uses (core/distill/quality.py).
- `hallucinations`: fabricated citations (PMIDs/DOIs not in the source) and numbers with a unit that
  the source never states.
- `reasoning_steps` / `reasoning_order_score`: differential-diagnosis steps (findings → differential
  → discriminating evidence or tests → conclusion) present and in order.
- `key_steps` / `step_recall`: the share of a reference explanation's key steps (MedMCQA `exp`)
  that a chain-of-thought answer covers.
"""

from __future__ import annotations

import re
from functools import lru_cache

from medchat_pipeline.core.distill.quality import doses, drugs, fabricated_citations
from medchat_pipeline.core.evaluation.answer_extract import final_answer_text

SHORT_ANSWER_WORDS = 6  # references up to this many words are scored by exact match, longer ones by similarity

_UNIT_WORDS = [
    (r"\bmilligrams?\b", "mg"), (r"\bmicrograms?\b|µg\b|\bug\b", "mcg"), (r"\bgrams?\b", "g"),
    (r"\bmillilit(?:er|re)s?\b", "ml"), (r"\bunits\b", "unit"), (r"\btablets?\b|\btabs?\b", "tab"),
    (r"\bcapsules?\b|\bcaps?\b", "cap"),
]
_ROUTES = [
    (r"\bby mouth\b|\borally\b|\boral\b|\bper os\b|\bp\.o\.", "po"),
    (r"\bintravenous(?:ly)?\b|\bi\.v\.", "iv"),
    (r"\bintramuscular(?:ly)?\b|\bi\.m\.", "im"),
    (r"\bsubcutaneous(?:ly)?\b|\bsub-?q\b|\bsq\b|\bs\.c\.", "sc"),
    (r"\bsublingual(?:ly)?\b", "sl"),
    (r"\btopical(?:ly)?\b", "top"),
    (r"\binhal(?:ed|ation)\b|\bnebuli[sz]ed\b", "inh"),
]
_FREQUENCIES = [  # "twice daily" before "daily"
    (r"\btwice (?:a|per) day\b|\btwice daily\b|\bb\.?i\.?d\.?\b", "bid"),
    (r"\bthree times (?:a|per) day\b|\bthree times daily\b|\bt\.?i\.?d\.?\b", "tid"),
    (r"\bfour times (?:a|per) day\b|\bfour times daily\b|\bq\.?i\.?d\.?\b", "qid"),
    (r"\bonce (?:a|per) day\b|\bonce daily\b|\bdaily\b|\bq\.?d\.?\b", "qd"),
    (r"\bas needed\b|\bp\.?r\.?n\.?\b", "prn"),
]


def normalize_short_answer(text: str | None) -> str:
    """Lowercase; the 'Final Answer:' part when there is one; units, routes and frequencies to one
    spelling; number and unit joined ("25 mg" = "25mg"); punctuation, articles and spaces dropped."""
    text = (text or "").strip()
    final = final_answer_text(text)
    text = (final if final else text).lower()
    for table in (_UNIT_WORDS, _ROUTES, _FREQUENCIES):
        for pattern, canonical in table:
            text = re.sub(pattern, f" {canonical} ", text)
    text = re.sub(r"(\d),(\d{3})\b", r"\1\2", text)
    text = re.sub(r"(\d)\s+(?=[a-z%])", r"\1", text)  # "25 mg" → "25mg"
    text = re.sub(r"(?<!\d)\.|\.(?!\d)|[^\w.%/ ]", " ", text)  # keep decimal points, % and 5/325
    return " ".join(w for w in text.split() if w not in ("a", "an", "the"))


def is_short_reference(reference: str | None) -> bool:
    words = (reference or "").split()
    return 0 < len(words) <= SHORT_ANSWER_WORDS


def short_answer_match(output: str | None, reference: str | None) -> bool:
    """The normalized output (or its 'Final Answer:' text) equals the normalized reference."""
    expected = normalize_short_answer(reference)
    return bool(expected) and normalize_short_answer(output) == expected


@lru_cache(maxsize=1)
def _lexicon():
    from medchat_pipeline.config import project_root
    from medchat_pipeline.core.augment.lexicon import load_lexicon

    return load_lexicon(project_root() / "configs" / "synonyms.yaml")


def fact_contradictions(output: str, reference: str) -> list[str]:
    """What in `output` contradicts `reference`: a dose in a unit the reference also doses in, with a
    value the reference never gives in that unit; or drug names when the reference names drugs and
    the output names none of them. Facts the reference is silent on are not contradictions."""
    found = []
    ref_doses, out_doses = doses(reference), doses(output)
    ref_by_unit: dict[str, set[str]] = {}
    for dose in ref_doses:
        value, unit = dose.split(" ", 1)
        ref_by_unit.setdefault(unit, set()).add(value)
    for dose in out_doses:
        value, unit = dose.split(" ", 1)
        if unit in ref_by_unit and value not in ref_by_unit[unit]:
            found.append(f"dose {value} {unit} (reference: {', '.join(sorted(ref_by_unit[unit]))} {unit})")
    lexicon = _lexicon()
    ref_drugs, out_drugs = set(drugs(reference, lexicon)), set(drugs(output, lexicon))
    if ref_drugs and out_drugs and not ref_drugs & out_drugs:
        found.append(f"drug {', '.join(sorted(out_drugs))} (reference: {', '.join(sorted(ref_drugs))})")
    return found


_UNIT_NUMBER = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s*(%|mg|mcg|g|kg|ml|mmhg|mmol|meq|iu|units?|years?|days?|weeks?|hours?|cm|mm|bpm)\b",
    re.IGNORECASE,
)


def hallucinations(output: str, source: str) -> list[str]:
    """Fabricated citations, and numbers with a unit ("40 mg", "12%", "3 weeks") that the source
    (question, context, options and reference together) never states."""
    found = [f"citation {c}" for c in sorted(fabricated_citations(output, source))]
    stated = {(float(n), u.lower().rstrip("s")) for n, u in _UNIT_NUMBER.findall(source or "")}
    for number, unit in _UNIT_NUMBER.findall(output or ""):
        if (float(number), unit.lower().rstrip("s")) not in stated:
            found.append(f"number {number} {unit}")
    return found


STEP_PATTERNS = {
    "findings": r"\b(?:history|presents?|presenting|presentation|symptoms?|findings?|examination|exam|signs?|complains?)\b",
    "differential": r"\b(?:differential|consider(?:ed|ing)?|could be|possibilit(?:y|ies)|possible (?:causes?|diagnos[ie]s)"
                    r"|rule out|ruled out|versus|vs\.?)\b",
    "discrimination": r"\b(?:tests?|work-?up|labs?|imaging|x-?ray|ct|mri|ecg|ekg|biopsy|culture|confirm(?:s|ed)?|"
                      r"distinguish(?:es)?|favou?rs?|points? (?:to|towards?)|supports?|because|less likely|more likely)\b",
    "conclusion": r"\b(?:most likely|final answer|the diagnosis is|diagnosis:|therefore|in conclusion|thus)\b",
}


def reasoning_steps(text: str) -> dict[str, int]:
    """Where each differential-diagnosis step first appears (character offset); absent steps are left out."""
    lowered = (text or "").lower()
    found = {}
    for step, pattern in STEP_PATTERNS.items():
        match = re.search(pattern, lowered)
        if match:
            found[step] = match.start()
    return found


def reasoning_order_score(text: str) -> float:
    """Share of the four steps that appear in the expected order: the longest run of steps whose first
    appearances are ordered findings → differential → discrimination → conclusion, over four."""
    positions = [p for step in STEP_PATTERNS if (p := reasoning_steps(text).get(step)) is not None]
    best = [1] * len(positions)  # longest increasing subsequence: four elements at most
    for i in range(len(positions)):
        for j in range(i):
            if positions[j] < positions[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0) / len(STEP_PATTERNS)


_STOP = frozenset(
    "a an the of in on at to for with and or but is are was were be been being this that these those it its as by "
    "from which who whom whose what when where why how not no can may will would should could than then there here "
    "also such into most more less very all any each other some only same both so if i e g ref".split()
)


def key_steps(explanation: str | None, min_terms: int = 2) -> list[set[str]]:
    """A reference explanation's key steps: its sentences, each as its content words (4+ letters, no
    stop words); sentences with fewer than `min_terms` such words carry no step."""
    sentences = re.split(r"(?<=[.;:!?])\s+|\n+", explanation or "")
    steps = []
    for sentence in sentences:
        terms = {w for w in re.findall(r"[a-z][a-z0-9\-]{3,}", sentence.lower()) if w not in _STOP}
        if len(terms) >= min_terms:
            steps.append(terms)
    return steps


def step_recall(output: str, explanation: str | None, coverage: float = 0.5) -> float | None:
    """Share of the explanation's key steps the output covers (at least `coverage` of a step's content
    words appear in it); None when the explanation has no key step."""
    steps = key_steps(explanation)
    if not steps:
        return None
    words = set(re.findall(r"[a-z][a-z0-9\-]{3,}", (output or "").lower()))
    return sum(len(step & words) / len(step) >= coverage for step in steps) / len(steps)
