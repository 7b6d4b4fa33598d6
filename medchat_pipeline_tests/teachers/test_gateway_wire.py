"""The gateway against a local server speaking the providers' wire formats, driven by the real SDKs."""

from __future__ import annotations

import logging
import time
from collections import Counter

import pytest

from medchat_pipeline.teachers import TeacherRequest
from medchat_pipeline.teachers.pool import MissingApiKeys
from medchat_pipeline_tests.teachers.fake_provider_server import start_fake_provider_server
from medchat_pipeline_tests.teachers.helpers import fake_pool, prompts, set_fake_keys


@pytest.mark.parametrize("provider", ["openai", "gemini"])
def test_transient_faults_end_ok_in_order_with_usage(fake_provider, monkeypatch, provider):
    set_fake_keys(monkeypatch, "FAKE", 3)
    fake_provider.fault_rate = 0.3
    fake_provider.transient_faults = ("500", "malformed", "429")
    fake_provider.retry_after_s = 0.05
    requests = prompts(24)
    # Faults are injected, never timeouts: a request the client gave up on is retried and served twice, which is
    # right for the gateway but not what this test counts, and on a loaded CI machine (three test workers on two
    # cores) an answer once took longer than the helpers' 2-s timeout.
    pool = fake_pool(fake_provider, provider, "FAKE_*", max_retries=8, timeout_s=30.0)
    results = pool.run(requests, progress=False)

    assert [r.id for r in results] == [r.id for r in requests]
    assert all(r.ok for r in results), [(r.id, r.error) for r in results if not r.ok]
    assert [r.text for r in results] == [f"answer to: {r.prompt}" for r in requests]
    faults = Counter(hit.fault for hit in fake_provider.hits if hit.fault)
    assert sum(faults.values()) >= 3, faults  # faults really happened and were absorbed
    served = Counter(hit.prompt for hit in fake_provider.served_ok())
    assert served == Counter(r.prompt for r in requests), served  # each answered once: no duplicate successful calls
    assert all(r.provider == provider and r.key_alias.startswith("FAKE_") for r in results)
    assert all(r.usage["output_tokens"] > 0 and r.usage["input_tokens"] > 0 for r in results)
    if provider == "gemini":
        assert all(r.cost > 0 for r in results)  # priced from configs/prices.yaml


def test_unrecoverable_items_come_back_failed_with_reason(fake_provider, monkeypatch):
    keys = set_fake_keys(monkeypatch, "FAKE", 2)
    fake_provider.key_faults = {keys["FAKE_1"]: "500", keys["FAKE_2"]: "500"}
    results = fake_pool(fake_provider, "openai", "FAKE_*", max_retries=2).run(prompts(3), progress=False)
    assert len(results) == 3
    for result in results:
        assert not result.ok and result.error_kind == "server"
        assert "gave up after 3 attempt(s)" in result.error and "HTTP 500" in result.error
        assert result.attempts == 3 and result.texts == []


def test_requests_without_content_or_teacher_fail_alone(fake_provider, monkeypatch):
    set_fake_keys(monkeypatch, "FAKE", 1)
    requests = [TeacherRequest(id="empty"), TeacherRequest(id="ghost", prompt="hi", teacher="nope"), *prompts(1)]
    results = fake_pool(fake_provider, "openai", "FAKE_*").run(requests, progress=False)
    assert [(r.id, r.error_kind) for r in results] == [("empty", "bad_request"), ("ghost", "config"), ("question-0", None)]
    assert "unknown teacher 'nope'" in results[1].error


@pytest.mark.parametrize(("provider", "fault"), [("openai", "429"), ("gemini", "429_retryinfo")])
def test_waits_honor_the_servers_retry_delay(fake_provider, monkeypatch, provider, fault):
    set_fake_keys(monkeypatch, "FAKE", 1)
    fake_provider.retry_after_s = 0.6  # far above the test backoff (0.02 s): only the server's delay explains the wait
    fake_provider.queue_fault(fault)
    results = fake_pool(fake_provider, provider, "FAKE_*").run(prompts(1), progress=False)
    assert results[0].ok and results[0].attempts == 2
    limited, retried = fake_provider.hits
    assert limited.status == 429 and retried.status == 200
    assert retried.t - limited.t >= 0.6


def test_rotation_is_even_and_a_rejected_key_gets_no_more_traffic(fake_provider, monkeypatch, caplog):
    keys = set_fake_keys(monkeypatch, "FAKE", 4)
    fake_provider.key_faults = {keys["FAKE_3"]: "401"}
    fake_provider.latency_s = 0.01
    with caplog.at_level(logging.WARNING):
        # 3 in flight over 4 keys: FAKE_3 is asked again only after its first answer is back
        results = fake_pool(fake_provider, "openai", "FAKE_*", concurrency=3).run(prompts(30), progress=False)
    assert all(r.ok for r in results)
    assert len(fake_provider.hits_for(keys["FAKE_3"])) == 1
    served = Counter(r.key_alias for r in results)
    assert set(served) == {"FAKE_1", "FAKE_2", "FAKE_4"}
    assert max(served.values()) - min(served.values()) <= 1, served
    disabled = [rec for rec in caplog.records if "FAKE_3 disabled" in rec.getMessage()]
    assert len(disabled) == 1


def test_every_key_rejected_fails_items_with_auth(fake_provider, monkeypatch):
    keys = set_fake_keys(monkeypatch, "FAKE", 2)
    fake_provider.key_faults = {secret: "403" for secret in keys.values()}
    results = fake_pool(fake_provider, "gemini", "FAKE_*", concurrency=1).run(prompts(4), progress=False)
    assert {r.error_kind for r in results} == {"auth"}
    assert len(fake_provider.hits) == 2  # one rejection per key, then no more traffic


def test_missing_keys_fail_the_batch_naming_the_variables_looked_for(fake_provider, caplog):
    # Every item would fail: the batch (and the asset running it) fails instead of "succeeding" with 0 rows.
    with caplog.at_level(logging.WARNING), pytest.raises(MissingApiKeys, match=r"'ABSENT_KEY_\*' \(e\.g\. ABSENT_KEY_1\)"):
        fake_pool(fake_provider, "openai", "ABSENT_KEY_*").run(prompts(2), progress=False)
    assert any("no API keys found" in rec.getMessage() and "ABSENT_KEY_*" in rec.getMessage() for rec in caplog.records)
    assert fake_provider.hits == []


def test_daily_quota_parks_the_key_and_the_others_carry_on(fake_provider, monkeypatch):
    keys = set_fake_keys(monkeypatch, "FAKE", 3)
    fake_provider.key_faults = {keys["FAKE_2"]: "per_day"}
    results = fake_pool(fake_provider, "gemini", "FAKE_*", concurrency=2).run(prompts(12), progress=False)
    assert all(r.ok for r in results)
    assert len(fake_provider.hits_for(keys["FAKE_2"])) == 1
    assert {r.key_alias for r in results} == {"FAKE_1", "FAKE_3"}


def test_when_all_quota_is_parked_items_fail_instead_of_waiting_a_day(fake_provider, monkeypatch):
    keys = set_fake_keys(monkeypatch, "FAKE", 1)
    fake_provider.key_faults = {keys["FAKE_1"]: "per_day"}
    started = time.monotonic()
    results = fake_pool(fake_provider, "gemini", "FAKE_*", max_wait_s=5).run(prompts(2), progress=False)
    assert time.monotonic() - started < 5
    assert {r.error_kind for r in results} == {"quota_exhausted"}
    assert "max_wait_s" in results[0].error


def test_all_keys_cooling_waits_for_the_earliest_recovery(fake_provider, monkeypatch):
    keys = set_fake_keys(monkeypatch, "FAKE", 2)
    fake_provider.retry_after_s = 0.4
    fake_provider.queue_fault("429", key=keys["FAKE_1"])
    fake_provider.queue_fault("429", key=keys["FAKE_2"])
    started = time.monotonic()
    results = fake_pool(fake_provider, "openai", "FAKE_*", concurrency=2).run(prompts(2), progress=False)
    assert all(r.ok for r in results)
    assert time.monotonic() - started >= 0.4
    assert [h.status for h in fake_provider.hits].count(429) == 2


def test_slow_answers_time_out_and_are_retried(fake_provider, monkeypatch):
    set_fake_keys(monkeypatch, "FAKE", 1)
    fake_provider.slow_s = 1.5
    fake_provider.queue_fault("slow")
    results = fake_pool(fake_provider, "openai", "FAKE_*", timeout_s=0.3).run(prompts(1), progress=False)
    assert results[0].ok and results[0].attempts == 2

    fake_provider.queue_fault("slow", times=2)
    results = fake_pool(fake_provider, "gemini", "FAKE_*", timeout_s=0.3, max_retries=1).run(prompts(1, "other"), progress=False)
    assert results[0].error_kind == "timeout" and "timeout_s=0.3" in results[0].error


def test_quota_pool_limits_are_enforced_before_sending_and_shared_by_a_group(fake_provider, monkeypatch):
    set_fake_keys(monkeypatch, "FAKE", 2)
    fake_provider.rpm_per_key = 10_000  # the server would accept far more: only our limiter paces
    section = {
        "quota_pools": {"project": {"rpm": 600, "burst_s": 0.1}},  # 10 requests/s, shared by both keys
        "teacher": {"quota_pool": "project", "key_groups": {"project_a": ["FAKE_1", "FAKE_2"]}},
        "concurrency": 8,
    }
    started = time.monotonic()
    results = fake_pool(fake_provider, "gemini", "FAKE_*", **section).run(prompts(16), progress=False)
    elapsed = time.monotonic() - started
    assert all(r.ok for r in results)
    assert 1.5 * 0.95 <= elapsed < 15  # 16 requests at 10/s: the first at once, then one per 0.1 s
    arrivals = sorted(hit.t for hit in fake_provider.hits)
    assert arrivals[-1] - arrivals[-11] >= 1.0 * 0.9  # steady state: 10 intervals of 0.1 s at the server
    assert Counter(r.key_alias for r in results) == {"FAKE_1": 8, "FAKE_2": 8}


def test_rerun_is_served_from_cache_with_zero_server_hits(fake_provider, monkeypatch):
    set_fake_keys(monkeypatch, "FAKE", 2)
    requests = [*prompts(5), TeacherRequest(id="multi", prompt="three samples", n=3, params={"temperature": 0.9})]
    first = fake_pool(fake_provider, "openai", "FAKE_*").run(requests, progress=False)
    hits = len(fake_provider.hits)
    assert hits == 8 and len(first[-1].texts) == 3
    second = fake_pool(fake_provider, "openai", "FAKE_*").run(requests, progress=False)
    assert len(fake_provider.hits) == hits
    assert all(r.cached and r.cost == 0 for r in second)
    assert [r.texts for r in second] == [r.texts for r in first]
    changed = [TeacherRequest(id="v2", prompt="question 0", template_version="v2")]
    fake_pool(fake_provider, "openai", "FAKE_*").run(changed, progress=False)
    assert len(fake_provider.hits) == hits + 1  # a new template version is a new call


def test_each_process_shares_one_cache_file_safely(monkeypatch, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from medchat_pipeline.teachers.cache import TeacherCache

    path = tmp_path / "cache.sqlite"
    caches = [TeacherCache(path) for _ in range(4)]

    def write(index: int) -> None:
        for item in range(50):
            caches[index].put(f"{index}-{item}", "openai", "m", "FAKE_1", "text", {"input_tokens": 1}, 0.0)

    with ThreadPoolExecutor(4) as executor:
        list(executor.map(write, range(4)))
    assert len(TeacherCache(path)) == 200
    assert caches[0].get("3-49").text == "text"


def test_another_test_folder_can_start_the_server_without_fixtures(monkeypatch):
    set_fake_keys(monkeypatch, "FAKE", 1)
    with start_fake_provider_server(latency_s=0.0) as server:
        results = fake_pool(server, "nvidia", "FAKE_*").run(prompts(2), progress=False)
    assert [r.text for r in results] == ["answer to: question 0", "answer to: question 1"]
    assert results[0].provider == "nvidia"


def test_concurrent_batches_share_one_pool(fake_provider, monkeypatch):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    set_fake_keys(monkeypatch, "FAKE", 2)
    pool = fake_pool(fake_provider, "openai", "FAKE_*")

    async def two_batches():
        return await asyncio.gather(pool.arun(prompts(4, "a"), progress=False), pool.arun(prompts(4, "b"), progress=False))

    first, second = asyncio.run(two_batches())
    with ThreadPoolExecutor(3) as executor:
        threaded = list(executor.map(lambda prefix: pool.run(prompts(3, prefix), progress=False), ["c", "d", "e"]))
    for batch in (first, second, *threaded):
        assert all(r.ok for r in batch)
    assert [r.text for r in threaded[2]] == [f"answer to: e {i}" for i in range(3)]
    assert len(fake_provider.hits) == 17
