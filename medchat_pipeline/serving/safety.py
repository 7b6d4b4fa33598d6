"""The one place serving meets safety: triage of every user turn, the escalation advice, and the output
guard every answer passes before it leaves (small, large, failover; streamed or whole).

    gate = SafetyGate.from_config(cfg.serving)
    decision = gate.assess(["I took 40 tylenol an hour ago"])     # emergency, category, evidence
    gate.advice(decision)                                         # the escalation advice, or None
    gate.guard(answer_text, decision)                             # GuardResult(text, replaced, reasons)

`GuardedAnswer` applies the guard to an answer as it streams: text leaves only once the guard has
seen it together with the next `holdback_words` words, and the whole answer is guarded again at the
end. If the guard trips after part of an answer has left, the rest is withheld and the safe reply
follows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from medchat_pipeline.config.serving import ServingConfig
from medchat_pipeline.serving.routing import Router, normalize


@dataclass(frozen=True)
class TriageDecision:
    emergency: bool
    category: str | None
    evidence: tuple[str, ...]
    score: float
    layer: str
    reason: str


@dataclass(frozen=True)
class GuardResult:
    text: str
    replaced: bool
    reasons: tuple[str, ...]


SAFE_REPLY = (
    "I can't give a reliable answer to this. Please talk to a doctor or pharmacist; if this is urgent, "
    "call your local emergency number (911 in the US)."
)


class SafetyGate:
    """Triage and output guard for serving, behind three calls (assess, advice, guard)."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self._advice = {rule.name: rule.advice for rule in router.cfg.red_flags}

    @classmethod
    def from_config(cls, cfg: ServingConfig) -> SafetyGate:
        return cls(Router(cfg.router))

    def assess(self, user_turns: Sequence[str]) -> TriageDecision:
        decision = self.router.route("\n".join(turn.strip() for turn in user_turns))
        if not decision.emergency:
            return TriageDecision(False, None, (), 0.0, "patterns", "no red flag")
        evidence = tuple(r.detail for r in decision.reasons if r.feature.startswith("red_flag:"))
        return TriageDecision(True, decision.red_flags[0], evidence, 1.0, "patterns",
                              f"red flag terms: {', '.join(evidence)}")

    def advice(self, decision: TriageDecision) -> str | None:
        if not decision.emergency:
            return None
        return self._advice.get(decision.category or "") or next(iter(self._advice.values()))

    def guard(self, answer: str, decision: TriageDecision) -> GuardResult:
        words = re.findall(r"[\w']+", normalize(answer))
        if len(words) >= 24:
            trigrams = Counter(zip(words, words[1:], words[2:]))
            total = sum(trigrams.values())
            if sum(count - 1 for count in trigrams.values()) / total > 0.5:
                reply = self.advice(decision) if decision.emergency else SAFE_REPLY
                return GuardResult(reply or SAFE_REPLY, True, ("repetition",))
        return GuardResult(answer, False, ())


class GuardedAnswer:
    """An answer arriving in pieces, released only as far as the guard has approved it.

    guard: text so far → GuardResult; holdback_words: how many words stay back for context
    (None = nothing leaves before the end); stop_before_release: a check that may end the answer
    (returns a reason) as long as nothing has left yet (the small model's hedging → failover).
    """

    def __init__(
        self, guard: Callable[[str], GuardResult], holdback_words: int | None,
        stop_before_release: Callable[[str], str | None] | None = None,
    ) -> None:
        self.guard = guard
        self.holdback_words = holdback_words
        self.stop_before_release = stop_before_release
        self.raw = ""
        self.released = ""
        self.verdict: GuardResult | None = None  # set when the guard replaced the answer
        self.stopped: str | None = None  # stop_before_release's reason

    def add(self, delta: str) -> str:
        """Take more generated text; return what may leave now ('' when nothing new may)."""
        self.raw += delta
        if self.holdback_words is None or self.verdict is not None or self.stopped is not None:
            return ""
        text = self.raw.lstrip()
        starts = [m.start() for m in re.finditer(r"\S+", text)]
        if len(starts) <= self.holdback_words:
            return ""
        releasable = text[: starts[len(starts) - self.holdback_words]] if self.holdback_words else text.rstrip()
        if len(releasable) <= len(self.released):
            return ""
        if not self._approve(text):
            return ""
        delta, self.released = releasable[len(self.released):], releasable
        return delta

    def finish(self, final: str | None = None) -> str:
        """The answer is complete (final: its authoritative text, else what arrived); guard it whole and
        return what may still leave ('' if the guard replaced it)."""
        text = (final if final is not None else self.raw).strip()
        if self.verdict is not None or not self._approve(text, final_check=True):
            return ""
        if not text.startswith(self.released):  # cannot happen with prefix-stable deltas; never resend
            return ""
        delta, self.released = text[len(self.released):], text
        return delta

    def _approve(self, text: str, final_check: bool = False) -> bool:
        if not self.released and self.stop_before_release is not None and not final_check:
            reason = self.stop_before_release(text)
            if reason:
                self.stopped = reason
                return False
        result = self.guard(text)
        if result.replaced:
            self.verdict = result
            return False
        return True
