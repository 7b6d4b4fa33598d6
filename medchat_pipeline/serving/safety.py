"""The one place serving meets safety: triage of every user turn, the escalation advice, and the output
guard every answer passes before it leaves (small, large, failover; streamed or whole).

    gate = SafetyGate.from_config(cfg)                            # the profile's triage model, numbers, guard
    decision = gate.assess(["I took 40 tylenol an hour ago"])     # emergency, category, evidence
    gate.advice(decision)                                         # escalation advice, a safety-net line, or None
    gate.guard(answer_text, decision)                             # GuardResult(text, replaced, reasons)

`GuardedAnswer` applies the guard to an answer as it streams: text leaves only once the guard has
seen it together with the next `holdback_words` words, and the whole answer is guarded again at the
end. If the guard trips after part of an answer has left, the rest is withheld and the safe reply
follows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from medchat_pipeline.config.safety import EmergencyNumbers, GuardConfig
from medchat_pipeline.core.safety.guard import GuardResult, guard_answer
from medchat_pipeline.core.safety.triage import (
    Triage,
    TriageDecision,
    escalation_advice,
    load_triage,
    safety_net_line,
)

__all__ = ["GuardResult", "GuardedAnswer", "SafetyGate", "TriageDecision"]


class SafetyGate:
    """Triage and output guard for serving, behind three calls (assess, advice, guard); the work is
    core/safety's (triage.py, guard.py), so serving, routing, evaluation and training agree."""

    def __init__(self, triage: Triage | None = None, numbers: EmergencyNumbers | None = None,
                 guard_config: GuardConfig | None = None) -> None:
        self.triage = triage if triage is not None else Triage.load(None)
        self.numbers = numbers or EmergencyNumbers()
        self.guard_config = guard_config or GuardConfig()

    @classmethod
    def from_config(cls, cfg: Any) -> SafetyGate:
        """From a PipelineConfig (its triage model, safety.emergency_numbers and safety.guard), or from a
        bare ServingConfig (the patterns alone, US numbers: the fallback_reason says so)."""
        safety = getattr(cfg, "safety", None)
        if safety is None:
            return cls()
        return cls(load_triage(cfg), safety.emergency_numbers, safety.guard)

    def assess(self, user_turns: Sequence[str]) -> TriageDecision:
        return self.triage.assess(list(user_turns))

    def advice(self, decision: TriageDecision) -> str | None:
        """What leads the answer: the escalation advice for an emergency, the one-line safety net for a
        possible emergency (the triage model's lower tier), else None."""
        if decision.emergency:
            return escalation_advice(decision.category, self.numbers)
        return safety_net_line(decision.possible_category, self.numbers) if decision.possible_emergency else None

    def guard(self, answer: str, decision: TriageDecision) -> GuardResult:
        return guard_answer(answer, decision, self.numbers, self.guard_config)


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
