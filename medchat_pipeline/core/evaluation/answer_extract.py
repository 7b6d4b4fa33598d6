"""Pull the final answer out of free-form model output.

Follows lm-evaluation-harness's CoT style: prefer an explicit "Final Answer: X", then other
answer cues ("Answer: (B)", "the correct option is b."), then a lone letter. Used by the benchmark
(MCQ accuracy) and by the GRPO rewards, so both judge an output the same way.
"""

from __future__ import annotations

import re

LETTERS = "ABCDEFGHIJ"
YES_NO_MAYBE = ("yes", "no", "maybe")

_FINAL = re.compile(r"final\s+answer\s*(?:is)?\s*[:\-–]?\s*(.+)", re.IGNORECASE)
_CUES = re.compile(
    r"(?:final\s+answer|answer|correct\s+(?:option|answer|choice)|option|choice)\s*(?:is|:|=|-)?\s*[:\-]?\s*\(?\*{0,2}([A-J])\b\)?",
    re.IGNORECASE,
)
_LEADING_LETTER = re.compile(r"^\s*\(?\*{0,2}([A-J])\*{0,2}\s*(?:[\).:\-]|$|\s)", re.IGNORECASE)
# Outside a "Final Answer:" line a bare leading letter must be punctuated or stand alone, so that
# the article in "A patient with …" is not read as option A.
_LEADING_LETTER_STRICT = re.compile(r"^\s*\(?\*{0,2}([A-J])\*{0,2}\s*(?:[\).:]|$)", re.IGNORECASE)
_YES_NO_MAYBE_CUE = re.compile(r"\banswer\s*(?:is|would\s+be|:|=|-)\s*[:\-]?\s*\**(yes|no|maybe)\b", re.IGNORECASE)


def final_answer_text(text: str) -> str | None:
    """The text after the last 'Final Answer:' marker (first line of it), or None."""
    matches = list(_FINAL.finditer(text or ""))
    if not matches:
        return None
    return matches[-1].group(1).strip().splitlines()[0].strip() if matches[-1].group(1).strip() else None


def extract_choice(text: str, n_options: int = 4, options: list[str] | None = None) -> str | None:
    """The chosen option letter ("A".."E"), or None when the output commits to nothing.

    Robust to "(B)", "b.", "Answer: B", "**C**", "Final Answer: D) Ketotifen". When `options` are
    given, an answer that quotes one option's text exactly also counts.
    """
    if not text:
        return None
    valid = LETTERS[:n_options]
    final = final_answer_text(text)
    for candidate in ([final] if final else []) + [text]:
        found = _LEADING_LETTER.match(candidate)
        if found and found.group(1).upper() in valid and candidate is final:
            return found.group(1).upper()
        cues = [m.group(1).upper() for m in _CUES.finditer(candidate) if m.group(1).upper() in valid]
        if cues:
            return cues[-1]
    found = _LEADING_LETTER_STRICT.match(text)
    if found and found.group(1).upper() in valid:
        return found.group(1).upper()
    if options:
        haystack = (final or text).lower()
        hits = [LETTERS[i] for i, opt in enumerate(options[:n_options]) if opt and opt.lower() in haystack]
        if len(hits) == 1:
            return hits[0]
    return None


def extract_yes_no_maybe(text: str) -> str | None:
    """'yes' | 'no' | 'maybe' from the final answer (or the first word), else None."""
    if not text:
        return None
    final = final_answer_text(text)
    for candidate in ([final] if final else []) + [text.strip()]:
        words = re.findall(r"[a-z]+", candidate.lower())
        if words and words[0] in YES_NO_MAYBE:
            return words[0]
        if candidate is final:
            hits = {w for w in words if w in YES_NO_MAYBE}
            if len(hits) == 1:
                return hits.pop()
    cues = _YES_NO_MAYBE_CUE.findall(text)
    return cues[-1].lower() if cues else None
