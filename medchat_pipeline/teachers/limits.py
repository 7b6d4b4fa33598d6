"""Quota groups, token buckets and key rotation.

A `QuotaGroup` is one instance of a quota pool's limits (rpm, tpm, rpd), shared by the keys of one
Gemini project or owned by a single key. Limits are enforced before a request is sent; when the
server still answers 429 the whole group cools down for at least the delay it asked for, and a
per-day quota parks the group until the daily reset. `KeyRotator` hands out keys round-robin over
the healthy ones and, when none is ready, sleeps until the earliest one recovers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from medchat_pipeline.config.teachers import QuotaPoolConfig
from medchat_pipeline.teachers.keys import ApiKey

log = logging.getLogger(__name__)


class TokenBucket:
    """Refills continuously at `rate_per_s` up to `capacity`; may go negative to settle overdrafts."""

    def __init__(self, rate_per_s: float, capacity: float, now: float) -> None:
        self.rate_per_s = rate_per_s
        self.capacity = capacity
        self.tokens = capacity
        self._last = now

    def _refill(self, now: float) -> None:
        if now > self._last:  # callers' clocks may be read a moment apart: never refill backwards
            self.tokens = min(self.capacity, self.tokens + (now - self._last) * self.rate_per_s)
            self._last = now

    def wait_s(self, amount: float, now: float) -> float:
        """Seconds until `amount` can be taken (requests larger than the bucket wait for a full bucket)."""
        self._refill(now)
        needed = min(amount, self.capacity)
        return 0.0 if self.tokens >= needed else (needed - self.tokens) / self.rate_per_s

    def take(self, amount: float, now: float) -> None:
        self._refill(now)
        self.tokens -= amount


def seconds_until_midnight(tz: str) -> float:
    now = datetime.now(ZoneInfo(tz))
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()


class QuotaGroup:
    def __init__(self, name: str, limits: QuotaPoolConfig | None) -> None:
        now = time.monotonic()
        self.name = name
        self.limits = limits
        self.rpm = TokenBucket(limits.rpm / 60, max(1.0, limits.rpm / 60 * limits.burst_s), now) if limits and limits.rpm else None
        self.tpm = TokenBucket(limits.tpm / 60, max(1.0, limits.tpm / 60 * limits.burst_s), now) if limits and limits.tpm else None
        self.requests_today = 0
        self.day_resets_at = now + seconds_until_midnight(self.reset_tz)
        self.cooldown_until = 0.0
        self.parked_until = 0.0
        self.consecutive_rate_limits = 0

    @property
    def reset_tz(self) -> str:
        return self.limits.daily_reset_tz if self.limits else "America/Los_Angeles"

    def wait_s(self, tokens: float, now: float) -> float:
        if now >= self.day_resets_at:
            self.requests_today = 0
            self.day_resets_at = now + seconds_until_midnight(self.reset_tz)
        waits = [self.cooldown_until - now, self.parked_until - now]
        if self.limits and self.limits.rpd and self.requests_today >= self.limits.rpd:
            waits.append(self.day_resets_at - now)
        if self.rpm:
            waits.append(self.rpm.wait_s(1, now))
        if self.tpm:
            waits.append(self.tpm.wait_s(tokens, now))
        return max(0.0, *waits)

    def take(self, tokens: float, now: float) -> None:
        self.requests_today += 1
        if self.rpm:
            self.rpm.take(1, now)
        if self.tpm:
            self.tpm.take(tokens, now)

    def settle_tokens(self, estimated: float, actual: float) -> None:
        if self.tpm:
            self.tpm.take(actual - estimated, time.monotonic())

    def cool_down(self, seconds: float) -> None:
        self.cooldown_until = max(self.cooldown_until, time.monotonic() + seconds)

    def park_for_the_day(self) -> float:
        seconds = seconds_until_midnight(self.reset_tz)
        self.parked_until = time.monotonic() + seconds
        return seconds

    @property
    def parked(self) -> bool:
        return self.parked_until > time.monotonic()


@dataclass
class KeyState:
    key: ApiKey
    group: QuotaGroup
    disabled_reason: str | None = None
    sent: int = 0  # requests sent with this key (for even-rotation checks and summaries)

    @property
    def alias(self) -> str:
        return self.key.alias


class NoKeyAvailable(Exception):
    """Every key is disabled, or the earliest recovery is further away than the allowed wait."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class KeyRotator:
    teacher: str
    states: list[KeyState]
    max_wait_s: float
    _next: int = 0
    _lock: asyncio.Lock | None = field(default=None, repr=False)

    def bind_to_running_loop(self) -> None:
        self._lock = asyncio.Lock()

    async def acquire(self, tokens: float) -> KeyState:
        """The next healthy key in round-robin order whose quota group has room; waits if none does."""
        assert self._lock is not None, "bind_to_running_loop() first"
        async with self._lock:
            if not self.states:
                raise NoKeyAvailable("no_keys", f"teacher {self.teacher}: no API keys found (see the warning about keys_env)")
            while True:
                live = [state for state in self.states if state.disabled_reason is None]
                if not live:
                    raise NoKeyAvailable("auth", f"teacher {self.teacher}: every API key was rejected (401/403)")
                now = time.monotonic()
                waits = []
                for offset in range(len(self.states)):
                    index = (self._next + offset) % len(self.states)
                    state = self.states[index]
                    if state.disabled_reason is not None:
                        continue
                    wait = state.group.wait_s(tokens, now)
                    if wait <= 0:
                        state.group.take(tokens, now)
                        state.sent += 1
                        self._next = index + 1
                        return state
                    waits.append(wait)
                earliest = min(waits)
                if earliest > self.max_wait_s:
                    all_parked = all(state.group.parked for state in live)
                    raise NoKeyAvailable(
                        "quota_exhausted" if all_parked else "rate_limited",
                        f"teacher {self.teacher}: no key recovers within max_wait_s={self.max_wait_s:g}s "
                        f"(earliest in {earliest:.0f}s)",
                    )
                await asyncio.sleep(earliest)

    def disable(self, state: KeyState, reason: str) -> None:
        if state.disabled_reason is None:
            state.disabled_reason = reason
            log.warning("teacher %s: key %s disabled for this run: %s", self.teacher, state.alias, reason)

    def park(self, state: KeyState) -> None:
        if not state.group.parked:
            seconds = state.group.park_for_the_day()
            log.warning(
                "teacher %s: daily quota of group %s exhausted (key %s); parked for %.0f s until the reset",
                self.teacher, state.group.name, state.alias, seconds,
            )
