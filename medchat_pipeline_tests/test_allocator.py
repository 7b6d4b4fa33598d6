"""Importing medchat_pipeline sets polars' allocator to hand freed pages back at once (see its
__init__), so a process's RSS follows its live data; an explicit setting still wins."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# A fresh process, as the CLI and the Dagster code location start: medchat_pipeline first, then polars;
# ~300 MB of polars columns are built and dropped, and RSS is read back.
PROBE = """
import json, os, time
import medchat_pipeline
import polars as pl

def rss_mb():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

numbers = pl.int_range(20_000_000, eager=True)
doubled = numbers * 2
peak = rss_mb()
del numbers, doubled
time.sleep(0.1)
print(json.dumps({"conf": os.environ.get("_RJEM_MALLOC_CONF"), "peak": peak, "after": rss_mb()}))
"""


def _probe(**env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"} | env
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=environment, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_freed_polars_memory_goes_back_to_the_system():
    found = _probe()
    assert found["conf"].endswith("dirty_decay_ms:0,muzzy_decay_ms:0")  # polars prepends its own default
    assert found["peak"] - found["after"] > 200, found  # the two 160 MB columns were returned


def test_an_explicit_setting_wins():
    found = _probe(_RJEM_MALLOC_CONF="")  # empty: polars' own default, which keeps freed pages a while
    assert not found["conf"].endswith("dirty_decay_ms:0,muzzy_decay_ms:0")
    assert found["peak"] - found["after"] < 100, found
