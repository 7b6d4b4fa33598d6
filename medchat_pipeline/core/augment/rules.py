"""Rule-based question variants: multi-part splitting, context perturbation, controlled synonym
replacement, and the under-represented topics that synthesis fills."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from medchat_pipeline.config.augment import (
    PerturbConfig,
)
from medchat_pipeline.core.augment.lexicon import Lexicon
from medchat_pipeline.core.augment.teacher_text import MIN_ITEM_CHARS
from medchat_pipeline.core.distill.quality import (
    AGE_PATTERN,
)

# --- splitting multi-part questions -----------------------------------------------------------------

_INTERROGATIVES = r"(?:what|how|why|when|where|which|who|whom|is|are|can|could|should|would|do|does|did|will)"
_CONJUNCTION_SPLIT = re.compile(rf",?\s+(?:and|also|plus)\s+(?={_INTERROGATIVES}\b)", re.IGNORECASE)
_STOPWORDS = frozenset(
    "the a an and or of to in on for with is are was were be been it this that what how why when where which who "
    "can could should would do does did will my me i you your have has had from by at as about there their they "
    "them so if but not any some also please doctor".split()
)


def looks_multi_part(question: str) -> bool:
    return question.count("?") >= 2 or bool(_CONJUNCTION_SPLIT.search(question))


def split_by_rule(question: str) -> list[str]:
    """Sub-questions of a clearly multi-part question, or [] when it is not clearly one.

    Clear means: several question sentences ("…? …?"), or a conjunction followed by a new
    interrogative ("What causes X and how is it treated?"). Anything subtler is left to the teacher.
    """
    sentences = [s.strip() for s in re.findall(r"[^?]*\?", question) if s.strip()]
    if len(sentences) >= 2:
        preamble = question[: question.find(sentences[0])].strip() if sentences[0] in question else ""
        parts = [s for s in sentences if len(s) >= MIN_ITEM_CHARS]
        return parts if len(parts) >= 2 and not preamble else []
    pieces = _CONJUNCTION_SPLIT.split(question.strip())
    if len(pieces) < 2:
        return []
    parts = []
    for piece in pieces:
        piece = piece.strip().rstrip("?.").strip()
        if len(piece) < MIN_ITEM_CHARS:
            return []
        parts.append(piece[0].upper() + piece[1:] + "?")
    return parts


def _content_stems(text: str) -> set[str]:
    # A five-letter prefix is a crude stem, enough to match "treated" with "treatment".
    return {w[:5] for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2 and w not in _STOPWORDS}


def assign_answer(sub_questions: list[str], answer: str) -> list[str]:
    """The relevant part of the parent answer for each sub-question: the answer sentences sharing most
    content words with it. Sentences relevant to none go to all; a sub-question with nothing gets it all."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", answer.strip()) if s.strip()]
    words = [_content_stems(q) for q in sub_questions]
    assigned: list[list[str]] = [[] for _ in sub_questions]
    for sentence in sentences:
        overlaps = [len(_content_stems(sentence) & w) for w in words]
        best = max(overlaps, default=0)
        for i, overlap in enumerate(overlaps):
            if best == 0 or overlap == best:
                assigned[i].append(sentence)
    return [" ".join(parts) if parts else answer for parts in assigned]


# --- context perturbation ---------------------------------------------------------------------------

_SEX_SWAPS = {
    "he": "she", "she": "he", "him": "her", "his": "her", "himself": "herself", "herself": "himself",
    "man": "woman", "woman": "man", "men": "women", "women": "men", "male": "female", "female": "male",
    "boy": "girl", "girl": "boy", "boys": "girls", "girls": "boys", "husband": "wife", "wife": "husband",
    "son": "daughter", "daughter": "son", "father": "mother", "mother": "father", "brother": "sister",
    "sister": "brother", "mr": "mrs", "mrs": "mr", "gentleman": "lady", "lady": "gentleman",
    "boyfriend": "girlfriend", "girlfriend": "boyfriend",
}  # fmt: skip
_SEX_WORD = re.compile(r"\b(" + "|".join(sorted(_SEX_SWAPS, key=len, reverse=True) + ["her"]) + r")\b", re.IGNORECASE)
# After "her", these words mean it is an object pronoun (→ him), not a possessive (→ his).
_AFTER_OBJECT_HER = frozenset(
    "to and or but a an the some any that this with for in on at of from about if when because so as is was "
    "has had".split()
)
SEX_SPECIFIC = re.compile(
    r"\b(?:pregnan|menstru|period|uter|ovar|cervi|vagin|vulv|breast|prostat|testic|testes|scrot|penis|penile|"
    r"erecti|sperm|semen|menopaus|pcos|endometri|mammogra|pap smear|miscarr|lactat|gyn|obstet|labou?r|"
    r"deliver|circumcis|foreskin|psa|estrogen|oestrogen|testosterone|contracepti|iud|ivf|fertil|infertil|"
    r"haemophil|hemophil|turner|klinefelter|c-section|caesarean|cesarean|nipple|postpartum|placenta)\w*",
    re.IGNORECASE,
)


def _match_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@dataclass(frozen=True)
class Perturbation:
    """One consistent set of edits, applied identically to context, question and answer."""

    ages: dict[int, int] = field(default_factory=dict)
    swap_sex: bool = False
    names: dict[str, str] = field(default_factory=dict)

    @property
    def changes(self) -> list[str]:
        out = [f"age {a}→{b}" for a, b in self.ages.items()]
        out += ["sex swapped"] if self.swap_sex else []
        out += [f"name {a}→{b}" for a, b in self.names.items()]
        return out

    def apply(self, text: str) -> str:
        if not text:
            return text
        if self.ages:
            text = AGE_PATTERN.sub(self._age, text)
        if self.swap_sex:
            text = _SEX_WORD.sub(self._sex, text)
        for old, new in self.names.items():
            text = re.sub(rf"\b{re.escape(old)}\b", new, text)
        return text

    def _age(self, match: re.Match) -> str:
        whole = match.group(0)
        digits = next(g for g in (match.group(1), match.group(5), match.group(6), match.group(7)) if g)
        new_age = self.ages.get(int(digits))
        out = whole if new_age is None else whole.replace(digits, str(new_age), 1)
        if self.swap_sex and match.group(8):
            out = out[:-1] + ("F" if match.group(8) == "M" else "M")
        return out

    def _sex(self, match: re.Match) -> str:
        word = match.group(0)
        lower = word.lower()
        if lower == "her":
            following = match.string[match.end() :].lstrip()
            next_word = re.match(r"[A-Za-z]+", following)
            possessive = next_word is not None and next_word.group(0).lower() not in _AFTER_OBJECT_HER
            return _match_case(word, "his" if possessive else "him")
        return _match_case(word, _SEX_SWAPS[lower])


def _age_band(age: int, edges: list[int]) -> tuple[int, int] | None:
    for lo, hi in zip(edges, edges[1:]):
        if lo <= age < hi:
            return lo, hi
    return None


def plan_perturbation(texts: Sequence[str], rng: random.Random, cfg: PerturbConfig, lexicon: Lexicon) -> Perturbation:
    """Choose the edits for one row: each age moves within its band, sex swaps unless a sex-specific
    term appears anywhere in the row, names swap within the lexicon's lists. Nothing else is touched."""
    joined = "\n".join(t for t in texts if t)
    ages: dict[int, int] = {}
    for match in AGE_PATTERN.finditer(joined):
        age = int(next(g for g in (match.group(1), match.group(5), match.group(6), match.group(7)) if g))
        band = _age_band(age, cfg.age_bands)
        if age in ages or band is None or age < 1:
            continue
        choices = [
            a for a in range(max(band[0], age - cfg.age_jitter_years), min(band[1] - 1, age + cfg.age_jitter_years) + 1)
            if a != age
        ]
        if choices:
            ages[age] = rng.choice(choices)
    swap_sex = cfg.swap_sex and bool(_SEX_WORD.search(joined)) and not SEX_SPECIFIC.search(joined)
    names: dict[str, str] = {}
    if cfg.replace_names and lexicon.given_names:
        for name in lexicon.given_names:
            if re.search(rf"\b{re.escape(name)}\b", joined):
                others = [n for n in lexicon.given_names if n != name and not re.search(rf"\b{re.escape(n)}\b", joined)]
                if others:
                    names[name] = rng.choice(others)
    return Perturbation(ages=ages, swap_sex=swap_sex, names=names)


# --- controlled synonym replacement -----------------------------------------------------------------


def apply_synonyms(
    text: str, lexicon: Lexicon, rng: random.Random, max_swaps: int
) -> tuple[str, list[tuple[str, str]]]:
    """Swap up to `max_swaps` lexicon terms for a safe alternative; returns (text, [(old, new), …]).

    Only the lexicon's safe groups are used and every swap is checked against its forbidden pairs, so a
    clinically distinct substitution (cold → flu) cannot happen even if a group were edited carelessly.
    """
    alternatives = lexicon.alternatives
    if not alternatives or not text:
        return text, []
    terms = sorted(alternatives, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\b", re.IGNORECASE)
    drug_spans = [m.span() for m in lexicon.drug_pattern.finditer(text)]
    matches = [
        m for m in pattern.finditer(text) if not any(s < m.end() and m.start() < e for s, e in drug_spans)
    ]
    if not matches:
        return text, []
    chosen = sorted(rng.sample(matches, min(max_swaps, len(matches))), key=lambda m: m.start())
    out, swaps, cursor = [], [], 0
    for match in chosen:
        old = match.group(0)
        new = rng.choice(alternatives[old.lower()])
        if lexicon.is_forbidden(old, new):
            continue
        out.append(text[cursor : match.start()])
        out.append(_match_case(old, new))
        swaps.append((old.lower(), new))
        cursor = match.end()
    out.append(text[cursor:])
    return "".join(out), swaps


# --- synthesis for under-represented topics ---------------------------------------------------------


def underrepresented_topics(merged: pl.DataFrame, max_count: int, limit: int) -> list[tuple[str, str | None, int]]:
    """(subject, topic, rows) of the rarest subject/topic pairs with at most `max_count` rows."""
    if limit == 0 or merged.is_empty():
        return []
    counts = (
        merged.filter(pl.col("subject").is_not_null() & (pl.col("subject").str.strip_chars() != ""))
        .group_by("subject", "topic")
        .len()
        .filter(pl.col("len") <= max_count)
        .sort("len", "subject", "topic", nulls_last=True)
        .head(limit)
    )
    return [(row["subject"], row["topic"], row["len"]) for row in counts.iter_rows(named=True)]


