"""Teacher gateway throughput: K keys × R requests/minute each against the local fake provider
(latency L, a fraction of transient faults), gateway vs the seed's sequential round-robin loop.

    .venv/bin/python benchmarks/bench_teacher.py                       # 5 keys × 120 rpm, L=0.2 s, 30 % faults
    .venv/bin/python benchmarks/bench_teacher.py --keys 3 --rpm 60 --items 100

Both sides talk to the same loopback server through the real openai SDK (NVIDIA's wire format).
The server enforces R per key over a sliding minute (429 + Retry-After beyond it) and injects
transient faults at random: HTTP 500, a malformed 200 body, an answer slower than the 1 s
timeout, and a spurious 429 with Retry-After 0.2 s, in equal shares.

Reported for each side:
  quota use  = requests sent per second / aggregate limit (K × R / 60): how much of what the keys
               allow is used, over the whole run (start-up and the retry tail included);
  steady     = the same between the 5th and 95th percentile of request arrivals at the server
               (the stretch where work is queued; the tail is items waiting out their backoff).
Faulted calls spend quota too, so
  goodput    = answers per second / aggregate limit is bounded by 1 − fault rate;
  lost       = items that never got an answer (the seed swallows failures; the gateway retries).
The seed loop is the design note's: `itertools.cycle(keys)`, one blocking call at a time,
`except Exception: pass`, with the openai SDK's default client settings (2 retries with backoff,
Retry-After honoured, a 600 s timeout), which is what that code gets without extra work. The
gateway runs with a 1 s timeout and 10 retries (its demo-profile style settings).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from medchat_pipeline.config import load_config  # noqa: E402
from medchat_pipeline.teachers import TeacherPool, TeacherRequest  # noqa: E402
from medchat_pipeline_tests.teachers.fake_provider_server import (  # noqa: E402
    fake_teachers_section,
    start_fake_provider_server,
)

TIMEOUT_S = 1.0


def start_server(args):
    return start_fake_provider_server(
        latency_s=args.latency,
        fault_rate=args.fault_rate,
        transient_faults=("500", "malformed", "slow", "429"),
        retry_after_s=0.2,
        slow_s=TIMEOUT_S + 1.0,
        rpm_per_key=args.rpm,
        seed=7,
    )


def run_gateway(args, key_env: dict[str, str]) -> dict:
    server = start_server(args)
    os.environ.update(key_env)
    section = fake_teachers_section(
        server,
        provider="nvidia",
        keys_env="BENCH_KEY_*",
        concurrency=args.concurrency,
        timeout_s=TIMEOUT_S,
        max_retries=10,
        backoff={"initial_s": 0.2, "max_s": 2.0},
        quota_pools={"bench": {"rpm": args.rpm}},
        teacher={"quota_pool": "bench"},
    )
    pool = TeacherPool.from_config(load_config("demo", overrides={"teachers": section}))
    requests = [TeacherRequest(id=f"g{i}", prompt=f"gateway question {i}") for i in range(args.items)]
    started = time.monotonic()
    results = pool.run(requests, progress=False)
    elapsed = time.monotonic() - started
    time.sleep(TIMEOUT_S + 1.0)  # let answers the client already gave up on reach the server's log
    server.stop()
    return measure("gateway", args, server, elapsed, args.items, sum(r.ok for r in results))


def run_seed_loop(args, key_env: dict[str, str]) -> dict:
    from openai import OpenAI

    server = start_server(args)
    # The SDK's own defaults, as the seed code gets them: max_retries=2 (exponential backoff from
    # 0.5 s, Retry-After honoured) and a 600 s timeout, so a slow answer is waited for, not retried.
    clients = [OpenAI(api_key=secret, base_url=server.openai_base_url) for secret in key_env.values()]
    key_cycle = itertools.cycle(clients)
    answers = []
    started = time.monotonic()
    for i in range(args.seed_items):
        client = next(key_cycle)
        try:
            response = client.chat.completions.create(model="fake-model", messages=[{"role": "user", "content": f"seed question {i}"}])
            answers.append(response.choices[0].message.content)
        except Exception:  # the seed's behaviour, reproduced for comparison: the item is lost once the SDK gives up
            pass
    elapsed = time.monotonic() - started
    time.sleep(TIMEOUT_S + 1.0)
    server.stop()
    return measure("seed round-robin loop (SDK default retries)", args, server, elapsed, args.seed_items, len(answers))


def measure(name: str, args, server, elapsed: float, items: int, answered: int) -> dict:
    limit_per_s = args.keys * args.rpm / 60
    sent = len(server.hits)
    arrivals = sorted(hit.t for hit in server.hits)
    low, high = arrivals[int(0.05 * (sent - 1))], arrivals[int(0.95 * (sent - 1))]
    steady = sum(low <= t <= high for t in arrivals) / (high - low) / limit_per_s if high > low else 0.0
    return {
        "variant": name,
        "items": items,
        "answered": answered,
        "lost": items - answered,
        "requests_sent": sent,
        "server_429_over_limit": sum(1 for h in server.hits if h.fault == "limit"),
        "seconds": round(elapsed, 2),
        "quota_use": round(sent / elapsed / limit_per_s, 3),
        "quota_use_steady": round(steady, 3),
        "goodput": round(answered / elapsed / limit_per_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keys", type=int, default=5)
    parser.add_argument("--rpm", type=float, default=120.0, help="limit per key")
    parser.add_argument("--latency", type=float, default=0.2, help="server latency per answer, seconds")
    parser.add_argument("--fault-rate", type=float, default=0.3)
    parser.add_argument("--items", type=int, default=400, help="items for the gateway")
    parser.add_argument("--seed-items", type=int, default=100, help="items for the seed loop (slow)")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    key_env = {f"BENCH_KEY_{i}": f"bench-secret-{i}" for i in range(1, args.keys + 1)}
    with tempfile.TemporaryDirectory() as storage:
        os.environ["MEDCHAT_STORAGE_DIR"] = storage  # a cold cache: every item really goes to the server
        rows = [run_gateway(args, key_env), run_seed_loop(args, key_env)]
    print(json.dumps({"setup": vars(args) | {"python": platform.python_version(), "cpus": os.cpu_count()}, "results": rows}, indent=2))
    print("\n| variant | items | answered | lost | requests sent | 429 over limit | seconds | quota use | steady | goodput |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['variant']} | {r['items']} | {r['answered']} | {r['lost']} | {r['requests_sent']} | {r['server_429_over_limit']} | {r['seconds']} | {r['quota_use']} | {r['quota_use_steady']} | {r['goodput']} |")


if __name__ == "__main__":
    main()
