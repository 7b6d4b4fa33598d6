"""A tiny graph with one asset in the `gpu` pool, run by real processes in the recovery tests.

    python -m medchat_pipeline_tests.crash.pool_graph run          # the staged runner (waits for the pool itself)
    python -m medchat_pipeline_tests.crash.pool_graph direct       # execute_in_process only (Dagster's own wait)

`holds_gpu` writes $POOL_GRAPH_STARTED and then sleeps $POOL_GRAPH_SLEEP seconds while holding its slot.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import dagster as dg


@dg.asset(pool="gpu")
def holds_gpu() -> int:
    Path(os.environ["POOL_GRAPH_STARTED"]).write_text(str(os.getpid()))
    time.sleep(float(os.environ.get("POOL_GRAPH_SLEEP", "0")))
    return 1


@dg.asset
def after_gpu(holds_gpu: int) -> int:
    return holds_gpu + 1


defs = dg.Definitions(
    assets=[holds_gpu, after_gpu],
    resources={"io_manager": dg.FilesystemIOManager(base_dir=os.environ.get("POOL_GRAPH_STORAGE", "pool_graph_storage"))},
)


def main(mode: str) -> int:
    from medchat_pipeline.defs.run_recovery import install_pool_wait_fix, launcher_tags, recover_abandoned_runs
    from medchat_pipeline.defs.runner import plan_stages, run_stages

    with dg.DagsterInstance.get() as instance:
        if mode == "direct":
            install_pool_wait_fix()
            result = dg.materialize([holds_gpu], instance=instance, tags=launcher_tags(), raise_on_error=False)
            print("interrupted" if not result.success else "done", flush=True)
            return 0 if result.success else 130
        for recovered in recover_abandoned_runs(instance):
            print(f"recovered {recovered.describe()}", flush=True)
        results = run_stages(defs, plan_stages(defs), instance, on_event=lambda m: print(m, flush=True))
        if any(r.interrupted for r in results):
            print("interrupted", flush=True)
            return 130
        return 0 if all(r.success for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
