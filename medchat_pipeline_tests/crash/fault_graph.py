"""The graph the fault-injection suite kills, fills and corrupts, run the way `medchat run` runs the real one.

    FAULT_ROOT=... python -m medchat_pipeline_tests.crash.fault_graph [--select NAME]

It has the real graph's shape in four assets, so that every piece of crash safety `medchat run` relies on is
exercised in a few seconds instead of minutes of model training:

    source (observable: the content hash of $FAULT_ROOT/source.txt)
      -> rows                       one Parquet frame, through the project's IO manager (atomic writes)
      -> teacher_answers[a, b]      partitioned, pool teacher_api, answers through the real TeacherCache
      -> adapter                    pool gpu: a content-addressed training folder (training.jobs.output_dir_for)
                                    with checkpoints written by core.atomic.atomic_directory and resumed by
                                    training.jobs.last_checkpoint, and the finished adapter renamed into place
      -> report                     a JSON manifest naming the adapter folder

The main function does what cli/run.py does (recover abandoned runs, observe the source, run_stages with
reuse of what is up to date, SIGTERM as Ctrl-C, exit status 0/1/130, a JSON summary as the last stdout
line). The real trainer's checkpoint save is faulted on the real model in test_training_crash.py.

$FAULT_HOLD names a point (`teacher_answers`, `inside-checkpoint-<step>`) where the step
writes $FAULT_ROOT/held (its pid) and sleeps, so that the suite injects its fault there; $FAULT_ROWS makes
`rows` that many rows (a large value fills a small disk).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import sys
import time
import warnings
from pathlib import Path

import dagster as dg
import polars as pl
from upath import UPath

from medchat_pipeline.core.atomic import atomic_directory
from medchat_pipeline.core.data.source_version import frame_content_version
from medchat_pipeline.defs.io_manager import ParquetIOManager, frame_output
from medchat_pipeline.training.jobs import CHECKPOINT_MARKER, last_checkpoint, output_dir_for

ROOT = Path(os.environ.get("FAULT_ROOT", "fault_graph"))
STORAGE = ROOT / "storage"
STEPS = 2  # checkpoints per training, as max_steps
RECIPE = "fault-graph-recipe-1"
PARTS = dg.StaticPartitionsDefinition(["a", "b"])


def hold(point: str) -> None:
    """Stop here for the suite's fault when $FAULT_HOLD names this point."""
    if os.environ.get("FAULT_HOLD") == point:
        (ROOT / "held").write_text(str(os.getpid()))
        time.sleep(600)


with warnings.catch_warnings():  # observable source assets are beta; as in defs/data.py
    warnings.simplefilter("ignore", dg.BetaWarning)

    @dg.observable_source_asset(description="The input file; its data version is its content hash.")
    def source() -> dg.DataVersion:
        return dg.DataVersion(hashlib.sha256((ROOT / "source.txt").read_bytes()).hexdigest()[:16])


@dg.asset(deps=[source], kinds={"polars"}, description="The source's lines as rows, split over two partitions.")
def rows() -> dg.Output:
    text = (ROOT / "source.txt").read_text().strip()
    count = int(os.environ.get("FAULT_ROWS", "40"))
    # Hex digests barely compress, so a large FAULT_ROWS really takes that much disk.
    questions = [f"{text} #{i} " + hashlib.sha256(f"{text}{i}".encode()).hexdigest() * 2 for i in range(count)]
    return frame_output(pl.DataFrame({"id": range(count), "part": ["ab"[i % 2] for i in range(count)], "question": questions}))


@dg.asset(partitions_def=PARTS, pool="teacher_api", kinds={"sqlite"},
          description="One answer per row of this partition, through the teacher cache.")
def teacher_answers(context, rows: pl.DataFrame) -> dg.Output:
    from medchat_pipeline.teachers.cache import TeacherCache

    hold("teacher_answers")
    cache = TeacherCache(STORAGE / "teacher_cache.sqlite")
    answers, hits = [], 0
    try:
        for question in rows.filter(pl.col("part") == context.partition_key)["question"]:
            key = hashlib.sha256(question.encode()).hexdigest()
            cached = cache.get(key)
            hits += cached is not None
            text = cached.text if cached else f"answer to {question[:20]}"
            if cached is None:
                cache.put(key, "local", "fault-teacher", None, text, {"output_tokens": 3}, 0.0)
            answers.append(text)
    finally:
        cache.close()
    return frame_output(pl.DataFrame({"answer": answers}), metadata={"cache_hits": hits})


@dg.asset(pool="gpu", kinds={"pytorch"}, description="Trains (checkpoint by checkpoint) into a content-addressed folder.")
def adapter(teacher_answers: pl.DataFrame) -> dict:
    version = frame_content_version(teacher_answers)
    folder = output_dir_for(STORAGE / "adapters", "sft", RECIPE, [version])
    finished = folder / "adapter"
    if (finished / "manifest.json").is_file():  # equal inputs and recipe: the finished folder, unchanged
        return json.loads((finished / "manifest.json").read_text())
    resumed = last_checkpoint(folder / "checkpoints")
    start = int(resumed.rsplit("-", 1)[1]) if resumed else 0
    weights = (Path(resumed) / "weights.bin").read_bytes() if resumed else version.encode()
    for step in range(start + 1, STEPS + 1):
        weights = hashlib.sha256(weights + f"step {step}".encode()).digest() * 4096  # one "training step"
        with atomic_directory(folder / "checkpoints" / f"checkpoint-{step}") as staging:
            (staging / "weights.bin").write_bytes(weights)
            hold(f"inside-checkpoint-{step}")
            (staging / CHECKPOINT_MARKER).write_text(json.dumps({"step": step, "files": {"weights.bin": len(weights)}}))
    manifest = {"adapter_dir": str(finished), "global_step": STEPS, "input_version": version,
                "resumed_from_checkpoint": resumed, "weights_sha256": hashlib.sha256(weights).hexdigest()}
    with atomic_directory(finished) as staging:
        (staging / "weights.bin").write_bytes(weights)
        (staging / "manifest.json").write_text(json.dumps(manifest))
    return manifest


@dg.asset(kinds={"json"}, description="What was trained, on which data.")
def report(adapter: dict) -> dict:
    return {"adapter_dir": adapter["adapter_dir"], "global_step": adapter["global_step"], "input_version": adapter["input_version"]}


defs = dg.Definitions(
    assets=[source, rows, teacher_answers, adapter, report],
    resources={"io_manager": ParquetIOManager(base_path=UPath(STORAGE / "assets"))},
)
VERSION = hashlib.sha256(f"{RECIPE} steps={STEPS}".encode()).hexdigest()[:16]


def main(argv: list[str]) -> int:
    from medchat_pipeline.defs.run_recovery import recover_abandoned_runs
    from medchat_pipeline.defs.runner import observe_sources, plan_stages, resolve_selection, run_stages

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--select", action="append", default=[], help="asset to rebuild (as medchat run --select)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results, recovered, interrupted = [], [], False
    with dg.DagsterInstance.get() as instance:
        recovered = recover_abandoned_runs(instance)
        for run in recovered:
            say(f"recovered {run.describe()}")
        keys = resolve_selection(defs, args.select) if args.select else None
        stages = plan_stages(defs, keys)
        try:
            observe_sources(defs, instance)
            results = run_stages(defs, stages, instance, on_event=say, version=VERSION, force=keys or ())
        except KeyboardInterrupt:
            interrupted = True
    interrupted = interrupted or any(r.interrupted for r in results)
    failed = [r for r in results if not r.success]
    print(json.dumps({
        "assets": sorted({n for r in results for n in r.materialized}),
        "reused": sorted({n for r in results for n in r.reused} - {n for r in results for n in r.materialized}),
        "failed": sorted({n for r in results for f in r.failures for n in f.assets}),
        "root_causes": [f.root_cause for r in results for f in r.failures],
        "skipped": sorted({n for r in results for n in r.skipped}),
        "recovered_runs": [r.run_id for r in recovered],
        "interrupted": interrupted,
    }), flush=True)
    if interrupted:
        return 130
    return 1 if failed or len(results) < sum(len(s.partition_keys) for s in stages) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
