"""Route each question to the small or the large model, with the reasons, and decide failover.

The router adds up transparent features — length, several questions in one, diagnostic phrasing,
several symptoms, a personal case history, dosing/interaction questions, special populations —
each a keyword list and a weight from `serving.router` (config/serving.py); factual phrasing
("what is", "define", "side effects of") pulls the score down. A score at or above the threshold goes
to the large model. The emergency decision is the triage's (core/safety/triage.py, over every user
turn): an emergency overrides everything (a forced route included): large model, and the category's
escalation advice (with the profile's safety.emergency_numbers) leads the answer. A mention of an
emergency topic that is not an emergency now ("what is a stroke?", "my mother had a stroke five years
ago") only adds `red_flag_topic_weight`.

    router = build_router(cfg)                      # the profile's triage model (latest), numbers, rules
    decision = router.route("I have fever and a rash for 3 days, what's wrong?")
    decision.route, decision.score, [r.feature for r in decision.reasons], decision.triage.reason
    router.route_many(questions)                    # one triage batch for many questions

`failover_reason(answer, cfg.serving.failover)` says why a small-model answer must go to the large
model instead (hedging/refusal, too short, looping), and `evaluate_routing` measures a router
against labelled questions: accuracy, confusion, and the expected cost/latency mix;
`source_labelled_questions` gives it real questions labelled by the dataset they come from.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from medchat_pipeline.config.safety import EmergencyNumbers
from medchat_pipeline.config.serving import FailoverConfig, RouteCost, RouterConfig
from medchat_pipeline.core.safety.triage import Triage, TriageDecision, escalation_advice, load_triage

Route = Literal["small", "large"]
ROUTES: tuple[Route, Route] = ("small", "large")

_DURATION = re.compile(
    r"(?<!\w)(?:for|over|in)\s+(?:the\s+)?(?:past|last)?\s*"
    r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|several|couple\s+of)\s+"
    r"(?:\w+\s+)?(?:hour|day|night|week|month|year)s?(?!\w)"
    r"|(?<!\w)since\s+(?:yesterday|last\s+\w+|this\s+morning|\d+\s+\w+)"
    r"|(?<!\w)(?:\d+|a|one|two|three|four|five|few|several)\s+(?:day|week|month|year)s?\s+ago(?!\w)"
)


def normalize(text: str) -> str:
    """Lowercase, straight apostrophes, single spaces: what keyword matching runs on."""
    return " ".join(text.lower().replace("\u2019", "'").replace("\u2018", "'").split())


def keyword_pattern(terms: list[str]) -> re.Pattern[str] | None:
    """One regex for a keyword list: whole words/phrases; a trailing `*` matches any word ending."""
    parts = []
    for term in sorted(terms, key=len, reverse=True):
        if term.endswith("*"):
            parts.append(re.escape(term[:-1]) + r"\w*")
        else:
            parts.append(re.escape(term) + r"(?!\w)")
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")")


_CLAUSE_START = re.compile(r"(?:^|[.?!,;:]\s*|\b(?:doctor|doc|hi|hello|please|so|and|but|also)\s+)$")


def distinct_matches(pattern: re.Pattern[str] | None, text: str, clause_start: bool = False) -> list[str]:
    """Matched terms in order of first appearance; with clause_start, only where a clause begins."""
    if pattern is None:
        return []
    matches = pattern.finditer(text)
    if clause_start:
        matches = (m for m in matches if _CLAUSE_START.search(text, 0, m.start()))
    return list(dict.fromkeys(match.group(0) for match in matches))


def count_questions(text: str) -> int:
    """Question-mark-terminated clauses holding at least two words ('X? ?' counts once)."""
    return sum(1 for segment in text.split("?")[:-1] if len(re.findall(r"\w+", segment)) >= 2)


@dataclass(frozen=True)
class RouteReason:
    feature: str
    weight: float
    detail: str


@dataclass(frozen=True)
class RouteDecision:
    route: Route
    score: float
    threshold: float
    reasons: tuple[RouteReason, ...]
    red_flags: tuple[str, ...] = ()  # the emergency category, when the triage found one
    escalation_advice: str | None = None
    forced: Route | None = None
    triage: TriageDecision | None = None

    @property
    def emergency(self) -> bool:
        return bool(self.red_flags)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["reasons"] = [asdict(reason) for reason in self.reasons]
        out["red_flags"] = list(self.red_flags)
        out["emergency"] = self.emergency
        out["triage"] = self.triage.to_dict() if self.triage is not None else None
        return out

    def explain(self) -> str:
        """One line a person can read: route, score against threshold, and every feature that fired."""
        head = f"{self.route} (score {self.score:+.2f}, threshold {self.threshold:+.2f})"
        if self.emergency:
            head += f" EMERGENCY[{', '.join(self.red_flags)}]"
        body = "; ".join(f"{r.feature} {r.weight:+.2f} ({r.detail})" for r in self.reasons) or "no feature fired"
        return f"{head}: {body}"


def build_router(cfg) -> Router:
    """The router a profile (PipelineConfig) describes: its routing rules, the triage model its
    safety.triage_model names (the latest triage_model asset by default, else the patterns alone;
    `router.triage.fallback_reason` says which), and its emergency numbers."""
    return Router(cfg.serving.router, load_triage(cfg), cfg.safety.emergency_numbers)


class Router:
    """Compiles the keyword lists of a RouterConfig once; `route` is then cheap and pure.

    triage: the emergency decision (default: the patterns alone, no trained model); numbers: the
    emergency numbers the escalation advice names (default US)."""

    def __init__(self, cfg: RouterConfig | None = None, triage: Triage | None = None,
                 numbers: EmergencyNumbers | None = None) -> None:
        self.cfg = cfg or RouterConfig()
        self.triage = triage if triage is not None else Triage.load(None)
        self.numbers = numbers or EmergencyNumbers()
        self._keyword_features = [
            ("simple_phrasing", keyword_pattern(self.cfg.simple_cues), self.cfg.simple_cue_weight),
            ("diagnostic", keyword_pattern(self.cfg.diagnostic_cues), self.cfg.diagnostic_weight),
            ("personal_case", keyword_pattern(self.cfg.personal_cues), self.cfg.personal_weight),
            ("medication", keyword_pattern(self.cfg.medication_cues), self.cfg.medication_weight),
            (
                "special_population",
                keyword_pattern(self.cfg.special_population_cues),
                self.cfg.special_population_weight,
            ),
        ]
        self._symptoms = keyword_pattern(self.cfg.symptom_terms)
        self._emergency_topics = keyword_pattern(self.cfg.emergency_topic_terms)

    def route(self, question: str | Sequence[str], force: Route | None = None) -> RouteDecision:
        """Route one question; a list is every user turn of a conversation, oldest first."""
        return self._decide(question, force, self.triage.assess(_turns(question)))

    def route_many(self, questions: Sequence[str | Sequence[str]], force: Route | None = None) -> list[RouteDecision]:
        """Route many questions with one triage batch (the classifier runs once over all of them)."""
        triaged = self.triage.assess_many([_turns(q) for q in questions])
        return [self._decide(q, force, t) for q, t in zip(questions, triaged)]

    def _decide(self, question: str | Sequence[str], force: Route | None, triage: TriageDecision) -> RouteDecision:
        text = normalize("\n".join(_turns(question)))
        reasons: list[RouteReason] = []
        for feature, pattern, weight in self._keyword_features:
            found = distinct_matches(pattern, text, clause_start=feature == "simple_phrasing")
            if found and weight:
                reasons.append(RouteReason(feature, weight, ", ".join(found)))
        words = len(re.findall(r"\w+", text))
        if words >= self.cfg.long_question_words:
            reasons.append(
                RouteReason("long", self.cfg.long_question_weight, f"{words} words >= {self.cfg.long_question_words}")
            )
        questions = count_questions(text)
        if questions >= self.cfg.multi_part_min_questions:
            reasons.append(RouteReason("multi_part", self.cfg.multi_part_weight, f"{questions} questions"))
        symptoms = distinct_matches(self._symptoms, text)
        if symptoms and self.cfg.symptom_weight:
            reasons.append(RouteReason("symptom", self.cfg.symptom_weight, symptoms[0]))
        if len(symptoms) >= self.cfg.multi_symptom_min:
            reasons.append(RouteReason("multiple_symptoms", self.cfg.multi_symptom_weight, ", ".join(symptoms)))
        duration = _DURATION.search(text)
        if duration and self.cfg.symptom_duration_weight:
            reasons.append(RouteReason("symptom_duration", self.cfg.symptom_duration_weight, duration.group(0)))

        if triage.emergency:
            reasons.append(RouteReason(f"red_flag:{triage.category}", 0.0, f"{triage.layer}: {'; '.join(triage.evidence)}"))
        elif self.cfg.red_flag_topic_weight:
            topic_words = distinct_matches(self._emergency_topics, text)
            if triage.topics or topic_words:
                reasons.append(RouteReason(f"red_flag_topic:{triage.topics[0] if triage.topics else 'emergency'}",
                                           self.cfg.red_flag_topic_weight,
                                           ", ".join(topic_words) or "an emergency topic, not an emergency now"))

        score = round(sum(reason.weight for reason in reasons), 6)
        route: Route = "large" if score >= self.cfg.large_threshold else "small"
        if force is not None:
            route = force
            reasons.append(RouteReason("forced", 0.0, f"client asked for the {force} model"))
        if triage.emergency:
            route = "large"
        return RouteDecision(
            route=route,
            score=score,
            threshold=self.cfg.large_threshold,
            reasons=tuple(reasons),
            red_flags=(triage.category,) if triage.emergency else (),
            escalation_advice=escalation_advice(triage.category, self.numbers) if triage.emergency else None,
            forced=force,
            triage=triage,
        )


def _turns(question: str | Sequence[str]) -> list[str]:
    return [question] if isinstance(question, str) else [str(turn) for turn in question]


@dataclass(frozen=True)
class Failover:
    kind: Literal["hedging", "too_short", "repetition", "small_error"]
    detail: str


def failover_reason(answer: str | None, cfg: FailoverConfig | None = None) -> Failover | None:
    """Why a small-model answer should not be sent (None: it is fine to send)."""
    cfg = cfg or FailoverConfig()
    if not cfg.enabled:
        return None
    text = normalize(answer or "")
    words = re.findall(r"[\w']+", text)
    if len(words) < cfg.min_answer_words:
        return Failover("too_short", f"{len(words)} words < {cfg.min_answer_words}")
    hedges = distinct_matches(keyword_pattern(cfg.hedging_phrases), text)
    if hedges:
        return Failover("hedging", ", ".join(hedges))
    if len(words) >= cfg.repetition_min_words:
        trigrams = Counter(zip(words, words[1:], words[2:]))
        total = sum(trigrams.values())
        repeated = sum(count - 1 for count in trigrams.values())
        if repeated / total > cfg.max_repeated_trigram_fraction:
            return Failover(
                "repetition",
                f"{repeated / total:.0%} of word trigrams repeat > {cfg.max_repeated_trigram_fraction:.0%}",
            )
    return None


@dataclass
class RoutingEvaluation:
    """How a router does on labelled questions, and what its mix would cost against always-large."""

    n: int
    accuracy: float
    confusion: dict[str, int]  # "label->route": count
    large_recall: float  # of questions labelled large, the share routed large (under-routing is the risk)
    small_recall: float
    share_small: float
    share_large: float
    failover_rate: float
    expected_cost_usd: float  # per question, small answers that fail over paying both models
    expected_latency_s: float
    all_large_cost_usd: float
    all_large_latency_s: float
    cost_saving: float  # 1 - expected / all-large
    latency_saving: float
    mistakes: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def evaluate_routing(
    questions: list[str],
    labels: list[str],
    router: Router,
    small_cost: RouteCost,
    large_cost: RouteCost,
    failover_rate: float = 0.0,
) -> RoutingEvaluation:
    """Routing accuracy and the expected cost/latency mix on labelled questions (labels: small|large).

    `failover_rate` is the share of small-routed questions whose answer fails over (measure it with
    the serving benchmark); each of those pays for both models.
    """
    if len(questions) != len(labels):
        raise ValueError(f"{len(questions)} questions but {len(labels)} labels; give one label per question")
    if not questions:
        raise ValueError("no labelled questions to evaluate")
    bad = sorted({label for label in labels if label not in ROUTES})
    if bad:
        raise ValueError(f"labels must be 'small' or 'large'; found {', '.join(map(repr, bad))}")
    if not 0.0 <= failover_rate <= 1.0:
        raise ValueError(f"failover_rate must be within [0, 1], got {failover_rate}")

    decisions = [router.route(question) for question in questions]
    confusion = Counter(f"{label}->{d.route}" for label, d in zip(labels, decisions))
    n = len(questions)
    label_counts = Counter(labels)
    share_small = sum(d.route == "small" for d in decisions) / n
    share_large = 1.0 - share_small
    expected_cost = share_small * (small_cost.cost_usd + failover_rate * large_cost.cost_usd) + share_large * large_cost.cost_usd
    expected_latency = (
        share_small * (small_cost.latency_s + failover_rate * large_cost.latency_s) + share_large * large_cost.latency_s
    )
    return RoutingEvaluation(
        n=n,
        accuracy=sum(label == d.route for label, d in zip(labels, decisions)) / n,
        confusion={f"{a}->{b}": confusion.get(f"{a}->{b}", 0) for a in ROUTES for b in ROUTES},
        large_recall=_ratio(confusion["large->large"], label_counts["large"]),
        small_recall=_ratio(confusion["small->small"], label_counts["small"]),
        share_small=share_small,
        share_large=share_large,
        failover_rate=failover_rate,
        expected_cost_usd=expected_cost,
        expected_latency_s=expected_latency,
        all_large_cost_usd=large_cost.cost_usd,
        all_large_latency_s=large_cost.latency_s,
        cost_saving=_saving(expected_cost, large_cost.cost_usd),
        latency_saving=_saving(expected_latency, large_cost.latency_s),
        mistakes=[
            {"question": q, "label": label, "route": d.route, "score": d.score, "why": d.explain()}
            for q, label, d in zip(questions, labels, decisions)
            if label != d.route
        ],
    )


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def _saving(expected: float, baseline: float) -> float:
    return 1.0 - expected / baseline if baseline else 0.0


def source_labelled_questions(data_root: Path) -> tuple[list[str], list[str], dict[str, int]]:
    """Questions of the real dataset slices (the shared data folder's layout, see its PROVENANCE.md)
    with weak labels from their source: MedQuAD encyclopedia questions → small; iCliniq and
    ChatDoctor patient cases → large. Returns questions, labels and the count per source."""
    medquad = [
        element.text.strip()
        for path in sorted((data_root / "medquad").rglob("*.xml"))
        for element in ET.parse(path).getroot().iter("Question")
        if element.text and element.text.strip()
    ]
    with open(data_root / "icliniq" / "third_party_derived" / "icliniq_openai_evals_chat_sample.jsonl") as handle:
        icliniq = [json.loads(line)["chat"][0]["input"][0]["content"] for line in handle if line.strip()]
    chatdoctor_file = data_root / "chatdoctor_genmedgpt5k" / "chatdoctor5k_sample.json"
    chatdoctor = [row["input"] for row in json.loads(chatdoctor_file.read_text())]
    questions = medquad + icliniq + chatdoctor
    labels = ["small"] * len(medquad) + ["large"] * (len(icliniq) + len(chatdoctor))
    return questions, labels, {"medquad": len(medquad), "icliniq": len(icliniq), "chatdoctor": len(chatdoctor)}
