"""Token buckets and quota groups: what is sent never exceeds what the limits allow."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from medchat_pipeline.config.teachers import QuotaPoolConfig
from medchat_pipeline.teachers.limits import QuotaGroup, TokenBucket, seconds_until_midnight


@settings(max_examples=60, deadline=None)
@given(
    rpm=st.floats(min_value=1, max_value=6000),
    burst_s=st.floats(min_value=0.01, max_value=10),
    gaps=st.lists(st.floats(min_value=0, max_value=2), min_size=5, max_size=120),
)
def test_a_greedy_sender_never_beats_the_bucket(rpm, burst_s, gaps):
    rate, capacity = rpm / 60, max(1.0, rpm / 60 * burst_s)
    now, bucket, sent = 0.0, TokenBucket(rate, capacity, 0.0), []
    for gap in gaps:  # the caller shows up after `gap`, then waits as long as the bucket says
        now += gap
        now += bucket.wait_s(1, now)
        bucket.take(1, now)
        sent.append(now)
    for i, start in enumerate(sent):
        for j in range(i, len(sent)):
            window = sent[j] - start
            assert j - i + 1 <= capacity + rate * window + 1e-6


def test_requests_per_day_park_the_group_until_the_reset():
    group = QuotaGroup("g", QuotaPoolConfig(rpd=3))
    now = time.monotonic()
    for _ in range(3):
        assert group.wait_s(1, now) == 0
        group.take(1, now)
    wait = group.wait_s(1, now)
    assert abs(wait - seconds_until_midnight("America/Los_Angeles")) < 5


def test_token_budget_waits_for_a_large_request_and_settles_the_real_count():
    group = QuotaGroup("g", QuotaPoolConfig(tpm=6000, burst_s=1.0))  # 100 tokens/s, bucket of 100
    now = time.monotonic()
    assert group.wait_s(80, now) == 0
    group.take(80, now)
    assert 0.5 < group.wait_s(80, now) <= 0.61  # 20 left, 60 more at 100/s
    group.settle_tokens(estimated=80, actual=20)  # the answer was shorter than feared: refund 60
    assert group.wait_s(80, now) < 0.01
