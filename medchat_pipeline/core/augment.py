"""Question augmentation: LLM paraphrases, multi-part splitting, context perturbation, controlled
synonym replacement and synthesis for under-represented topics — every variant through the drift gate.

The teacher is a plain callable `run_teachers(list[TeacherRequest]) -> list[TeacherResult]` (the
gateway pool's `.run` in the pipeline), so everything here runs and tests without Dagster.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from medchat_pipeline.config.augment import AugmentConfig, PerturbConfig, QualityFilterConfig
from medchat_pipeline.core.lexicon import Lexicon
from medchat_pipeline.core.quality import AGE_PATTERN, DriftCandidate, answer_problem, drift_gate
from medchat_pipeline.core.schema import OPTIONAL_COLUMNS, QAC_SCHEMA, conform, qac_id, reject_row, rejects_frame
from medchat_pipeline.teachers.types import TeacherRequest, TeacherResult

RunTeachers = Callable[[list[TeacherRequest]], list[TeacherResult]]
Similarity = Callable[[list[str], list[str]], Sequence[float]]

AUGMENTED_SCHEMA = {**QAC_SCHEMA, **OPTIONAL_COLUMNS}
SPLITTABLE_KINDS = ("qa", "dialogue_turn")
TRAINABLE_SPLITS = ("train", "val")

# --- prompts ----------------------------------------------------------------------------------------


def paraphrase_prompt(question: str, n: int) -> str:
    return (
        f"Paraphrase this medical question in {n} different ways, preserving its meaning exactly. "
        "Rephrase only: do not change any fact, number, dose, drug name or negation, and do not answer it. "
        f"Reply with a numbered list of {n} paraphrases and nothing else.\n\n"
        f'Question: "{question}"'
    )


def split_prompt(question: str) -> str:
    return (
        "Split this medical question into single-issue questions, one per issue it asks about. "
        "Keep every fact, number, drug name and negation the part needs; do not answer. "
        "If it asks about only one thing, reply with the question unchanged. "
        "Reply with a numbered list and nothing else.\n\n"
        f'Question: "{question}"'
    )


def synthesis_prompt(subject: str, topic: str | None, n: int) -> str:
    about = f"{topic} ({subject})" if topic else subject
    return (
        f"Write {n} realistic, medically accurate patient-doctor question and answer pairs about {about}. "
        "The patient asks in plain language; the doctor answers accurately and safely, without citations. "
        'Reply with a JSON list of objects with the keys "question" and "answer", and nothing else.'
    )


# --- parsing messy teacher lists --------------------------------------------------------------------

_FENCE = re.compile(r"```(?:json|JSON|text)?\s*(.*?)```", re.DOTALL)
_MARKER = re.compile(r"^\s*(?:[-*•·–—]|\(?\d{1,2}\s*[.):\]]|\(?[a-hA-H][.)])\s+")
_LABEL = re.compile(
    r"^(?:paraphrase|version|option|alternative|rephrasing|question|sub-question|q)\s*\d*\s*[:.)\-–]\s*",
    re.IGNORECASE,
)
_PREAMBLE = re.compile(
    r"^(?:sure|certainly|of course|okay|ok|here (?:are|is)|below (?:are|is)|the following|"
    r"i hope|these|note:|let me know|paraphrases?\b|sub-questions?\b)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"“”«]([^\"“”«»]{3,})[\"“”»]")
_INLINE_NUMBERS = re.compile(r"(?:^|\s)\(?\d{1,2}[.)]\s+")
_QUOTES = "\"'“”‘’«»`"
MIN_ITEM_CHARS = 8


def _clean_item(item: str) -> str:
    item = item.strip()
    item = _MARKER.sub("", item)
    item = re.sub(r"(\*\*|__)", "", item).strip()
    item = _LABEL.sub("", item).strip()
    if len(item) >= 2 and item[0] in _QUOTES and item[-1] in _QUOTES:
        item = item[1:-1].strip()
    elif item and item[0] in _QUOTES and item.count(item[0]) == 1:
        item = item[1:].strip()
    return " ".join(item.split())


def _json_items(text: str) -> list[str] | None:
    start, end = text.find("["), text.rfind("]")
    if start < 0 or end <= start:
        brace, brace_end = text.find("{"), text.rfind("}")
        if brace < 0 or brace_end <= brace:
            return None
        try:
            loaded = json.loads(text[brace : brace_end + 1])
        except json.JSONDecodeError:
            return None
        lists = [v for v in loaded.values() if isinstance(v, list)] if isinstance(loaded, dict) else []
        loaded = lists[0] if lists else None
    else:
        try:
            loaded = json.loads(text[start : end + 1])
        except json.JSONDecodeError:
            return None
    if not isinstance(loaded, list):
        return None
    items = []
    for entry in loaded:
        if isinstance(entry, str):
            items.append(entry)
        elif isinstance(entry, dict):
            texts = [v for v in entry.values() if isinstance(v, str)]
            if texts:
                items.append(texts[0])
    return items


def parse_teacher_list(text: str | None, max_items: int | None = None) -> list[str]:
    """Items of a list a teacher wrote in whatever shape: JSON, numbered, bulleted, quoted, one per
    line, with or without a preamble ("Sure! Here are 3 paraphrases:") or closing remarks."""
    if not text or not text.strip():
        return []
    fenced = _FENCE.search(text)
    body = fenced.group(1) if fenced else text
    raw_items = _json_items(body)
    if raw_items is None:
        lines = [line for line in body.splitlines() if line.strip()]
        marked = [line for line in lines if _MARKER.match(line) or _LABEL.match(line.strip())]
        if len(lines) == 1 and len(_INLINE_NUMBERS.findall(lines[0])) >= 2:
            raw_items = [part for part in _INLINE_NUMBERS.split(lines[0]) if part.strip()]
        elif len(marked) >= 2 or (marked and len(lines) == len(marked)):
            raw_items = marked
        elif len(lines) == 1 and len(_QUOTED.findall(lines[0])) >= 2:
            raw_items = _QUOTED.findall(lines[0])
        else:
            raw_items = [
                line for line in lines if not _PREAMBLE.match(line.strip()) and not line.strip().endswith(":")
            ]
    items: list[str] = []
    seen: set[str] = set()
    for raw in raw_items:
        item = _clean_item(raw)
        key = item.lower()
        if len(item) < MIN_ITEM_CHARS or not re.search(r"[A-Za-z]", item) or key in seen:
            continue
        seen.add(key)
        items.append(item)
    return items[:max_items] if max_items else items


def parse_qa_pairs(text: str | None) -> list[tuple[str, str]]:
    """(question, answer) pairs from a JSON list of objects, or from "Q:/A:" ("Patient:/Doctor:") text."""
    if not text:
        return []
    fenced = _FENCE.search(text)
    body = fenced.group(1) if fenced else text
    start, end = body.find("["), body.rfind("]")
    if 0 <= start < end:
        try:
            loaded = json.loads(body[start : end + 1])
        except json.JSONDecodeError:
            loaded = None
        if isinstance(loaded, list):
            pairs = []
            for entry in loaded:
                if isinstance(entry, dict):
                    lowered = {str(k).lower(): v for k, v in entry.items()}
                    q, a = lowered.get("question"), lowered.get("answer")
                    if isinstance(q, str) and isinstance(a, str) and q.strip() and a.strip():
                        pairs.append((q.strip(), a.strip()))
            return pairs
    pattern = re.compile(
        r"(?:^|\n)\s*(?:\d+[.)]\s*)?(?:\*\*)?(?:Q|Question|Patient)(?:\*\*)?\s*:\s*(.+?)\s*\n\s*(?:\*\*)?"
        r"(?:A|Answer|Doctor)(?:\*\*)?\s*:\s*(.+?)(?=\n\s*(?:\d+[.)]\s*)?(?:\*\*)?(?:Q|Question|Patient)(?:\*\*)?\s*:|\Z)",
        re.DOTALL | re.IGNORECASE,
    )
    return [(q.strip(), " ".join(a.split())) for q, a in pattern.findall(body) if q.strip() and a.strip()]


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


# --- the partition-level driver ---------------------------------------------------------------------


@dataclass
class GenerationResult:
    """What one generation step made: kept rows, rejected candidates (with reasons) and counts."""

    kept: pl.DataFrame
    rejects: pl.DataFrame
    stats: dict

    @property
    def produced(self) -> int:
        return self.kept.height + self.rejects.height


def select_for_teacher(rows: pl.DataFrame, limit: int | None, priority_ids: Sequence[str] = ()) -> pl.DataFrame:
    """A stable choice of rows for teacher work: priority ids first, then by content id, so reruns ask
    for the same questions (and hit the gateway cache) and only new or changed questions cost calls."""
    ordered = rows.with_columns(pl.col("id").is_in(list(priority_ids)).alias("_priority")).sort(
        ["_priority", "id"], descending=[True, False]
    )
    return (ordered if limit is None else ordered.head(limit)).drop("_priority")


def generation_params(temperature: float, max_tokens: int) -> dict:
    # Both length names: API providers read max_tokens, the local model max_new_tokens, and a
    # teacher's configured default for either would otherwise override this request's budget.
    return {"temperature": temperature, "max_tokens": max_tokens, "max_new_tokens": max_tokens}


def teacher_label(result: TeacherResult, requested: str | None) -> str:
    if result.provider and result.model:
        return f"{result.provider}/{result.model}"
    return requested or "default"


def _variant(parent: dict, augmentation: str, teacher: str | None, **changes) -> dict:
    row = {**{k: parent.get(k) for k in AUGMENTED_SCHEMA}, **changes}
    row["id"] = qac_id(row["source"], row["context"] or "", row["question"], row["answer"] or "")
    row.update(origin="augmented", parent_id=parent["id"], augmentation=augmentation, teacher=teacher)
    return row


Candidate = tuple[DriftCandidate, dict]  # what the drift gate judges, and the row kept if it passes


class _Rejects(list):
    def add(self, source: str, source_id: str | None, reason: str, detail: str, record: str | None) -> None:
        self.append(reject_row(source, source_id, "augment", reason, detail, record))


def _synthetic_rows(
    result: TeacherResult, topic: tuple, source: str, teacher: str, quality: QualityFilterConfig, rejects: _Rejects
) -> list[dict]:
    subject, topic_name, _ = topic
    pairs = parse_qa_pairs(result.text)
    if not pairs:
        rejects.add(source, None, "unparseable_synthesis", "no question/answer pairs found", result.text)
    rows = []
    for question, answer in pairs:
        row_id = qac_id(source, "", question, answer)
        problem = answer_problem(answer, "", quality)
        if problem:
            rejects.add(source, f"synth:{row_id}", problem[0], problem[1], answer)
            continue
        rows.append({
            **dict.fromkeys(AUGMENTED_SCHEMA), "id": row_id, "source": source, "source_id": f"synth:{row_id}",
            "group_id": f"synth:{row_id}", "kind": "qa", "context": "", "question": question, "answer": answer,
            "subject": subject, "topic": topic_name, "split": "train", "origin": "synthetic",
            "augmentation": "synth", "teacher": teacher,
        })  # fmt: skip
    return rows


def _teacher_candidates(
    kind: str, parent: dict, result: TeacherResult, teacher: str, cfg: AugmentConfig, rejects: _Rejects
) -> list[Candidate]:
    """Paraphrases, or (≥ 2) sub-questions of a split, parsed from one teacher output."""
    limit = cfg.paraphrases_per_question if kind == "paraphrase" else None
    original = parent["question"].strip().lower()
    items = [i for i in parse_teacher_list(result.text, limit) if i.strip().lower() != original]
    if kind == "paraphrase":
        if not items:
            rejects.add(parent["source"], parent["source_id"], "unparseable_list", "no paraphrase in the output", result.text)
        return [
            (DriftCandidate(parent["question"], item, "paraphrase"), _variant(parent, "paraphrase", teacher, question=item))
            for item in items
        ]
    if len(items) < 2:
        return []  # the teacher sees a single issue
    return [
        (DriftCandidate(parent["question"], sub, "split"), _variant(parent, "split", teacher, question=sub, answer=answer))
        for sub, answer in zip(items, assign_answer(items, parent["answer"] or ""))
    ]


def _rule_candidates(
    parents: list[dict], split_by_teacher: set[str], cfg: AugmentConfig, lexicon: Lexicon, rng: random.Random
) -> list[Candidate]:
    """Conjunction splits (where the teacher did not split), perturbations and synonym swaps."""
    candidates: list[Candidate] = []
    for parent in parents:
        if "split" in cfg.methods and parent["kind"] in SPLITTABLE_KINDS and parent["id"] not in split_by_teacher:
            subs = split_by_rule(parent["question"])
            for sub, answer in zip(subs, assign_answer(subs, parent["answer"] or "")):
                row = _variant(parent, "split", "rule", question=sub, answer=answer)
                candidates.append((DriftCandidate(parent["question"], sub, "split"), row))
        if "perturb" in cfg.methods and parent["kind"] in cfg.perturb.kinds:
            texts = (parent["context"] or "", parent["question"], parent["answer"] or "")
            plan = plan_perturbation(texts, rng, cfg.perturb, lexicon)
            if plan.changes:
                context, question, answer = (plan.apply(t) for t in texts)
                row = _variant(parent, "perturb", "rule", context=context, question=question, answer=answer)
                candidates.append((DriftCandidate("\n".join(texts), "\n".join((context, question, answer)), "perturb"), row))
        if "synonym" in cfg.methods:
            question, swaps = apply_synonyms(parent["question"], lexicon, rng, cfg.synonym_max_swaps)
            if swaps:
                row = _variant(parent, "synonym", "rule", question=question)
                candidates.append((DriftCandidate(parent["question"], question, "synonym"), row))
    return candidates


def augment_partition(
    rows: pl.DataFrame,
    source: str,
    run_teachers: RunTeachers,
    similarity: Similarity,
    lexicon: Lexicon,
    cfg: AugmentConfig,
    quality: QualityFilterConfig,
    seed: int,
    all_rows: pl.DataFrame | None = None,
) -> GenerationResult:
    """Augment one source's rows (train/val only; variants keep their parent's split). `all_rows` (the
    whole merged frame) is where under-represented topics are counted; it defaults to `rows`."""
    rng = random.Random(f"{seed}:{source}")
    rows = rows.filter(pl.col("split").is_in(TRAINABLE_SPLITS)) if "split" in rows.columns else rows
    parents = select_for_teacher(rows, cfg.max_rule_rows_per_partition).to_dicts()
    selected = select_for_teacher(rows, cfg.max_questions_per_partition).to_dicts()

    jobs: list[tuple[str, dict | tuple, str]] = []  # (kind, parent row or topic, prompt)
    if "paraphrase" in cfg.methods:
        jobs += [("paraphrase", p, paraphrase_prompt(p["question"], cfg.paraphrases_per_question)) for p in selected]
    if "split" in cfg.methods and cfg.split_with_teacher:
        multi_part = (p for p in selected if p["kind"] in SPLITTABLE_KINDS and looks_multi_part(p["question"]))
        jobs += [("split", p, split_prompt(p["question"])) for p in multi_part]
    topics = []
    if "synth" in cfg.methods:
        counted = rows if all_rows is None else all_rows.filter(pl.col("source") == source)
        counted = counted.filter(pl.col("split").is_in(TRAINABLE_SPLITS)) if "split" in counted.columns else counted
        topics = underrepresented_topics(counted, cfg.synth.max_count, cfg.synth.max_topics_per_partition)
        jobs += [("synth", t, synthesis_prompt(t[0], t[1], cfg.synth.pairs_per_topic)) for t in topics]
    params = generation_params(cfg.temperature, cfg.max_tokens)
    requests = [
        TeacherRequest(id=f"{kind}:{i}", prompt=prompt, teacher=cfg.teacher, params=params,
                       template_version=cfg.template_version)
        for i, (kind, _, prompt) in enumerate(jobs)
    ]  # fmt: skip
    results = run_teachers(requests) if requests else []
    if len(results) != len(requests):
        raise RuntimeError(f"teacher gateway returned {len(results)} results for {len(requests)} requests")

    rejects = _Rejects()
    kept_rows: list[dict] = []
    candidates: list[Candidate] = []
    split_by_teacher: set[str] = set()
    for (kind, subject, prompt), result in zip(jobs, results):
        teacher = teacher_label(result, cfg.teacher)
        if not result.ok:
            if kind != "split":  # a failed split call is covered by the conjunction rules
                source_id = None if kind == "synth" else subject["source_id"]
                rejects.add(source, source_id, f"teacher_{result.error_kind}", result.error or "", prompt)
        elif kind == "synth":
            kept_rows += _synthetic_rows(result, subject, source, teacher, quality, rejects)
        else:
            found = _teacher_candidates(kind, subject, result, teacher, cfg, rejects)
            if kind == "split" and found:
                split_by_teacher.add(subject["id"])
            candidates += found
    candidates += _rule_candidates(parents, split_by_teacher, cfg, lexicon, rng)

    verdicts = drift_gate([c for c, _ in candidates], lexicon, cfg.drift, similarity)
    seen_ids = set(rows["id"].to_list())
    for (candidate, row), (_score, problem) in zip(candidates, verdicts):
        if problem is None and row["id"] in seen_ids:
            problem = ("duplicate_variant", "an identical row already exists")
        if problem:
            detail = f"{candidate.augmentation}: {problem[1]}"
            rejects.add(source, row["source_id"], problem[0], detail, candidate.variant_text)
        else:
            seen_ids.add(row["id"])
            kept_rows.append(row)

    kept = conform(pl.DataFrame(kept_rows, schema=AUGMENTED_SCHEMA))
    by_method = kept.group_by("augmentation").len().sort("augmentation")
    stats = {
        "input_rows": rows.height,
        "rule_based_rows": len(parents),
        "teacher_questions": len(selected),
        "teacher_requests": len(requests),
        "teacher_failures": sum(not r.ok for r in results),
        "underrepresented_topics": [f"{s} / {t}" if t else s for s, t, _ in topics],
        "kept_by_augmentation": dict(zip(by_method["augmentation"], by_method["len"])),
    }
    return GenerationResult(kept=kept, rejects=rejects_frame(list(rejects)), stats=stats)
