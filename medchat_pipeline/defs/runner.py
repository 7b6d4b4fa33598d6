"""Materialize the whole asset graph (or a selection) from the command line, in stages.

Dagster runs one partitions definition per run, so the graph is cut into stages: a stage is a
maximal set of assets with the same partitioning whose parents are already done. Unpartitioned
stages run once; partitioned stages run once per partition key. Observable sources are observed
first so that data versions (and staleness) are recorded in the instance.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
from dagster._core.definitions.observe import observe  # not re-exported at top level in 1.13

from medchat_pipeline.config import project_root


@dataclass
class Stage:
    keys: list[dg.AssetKey]
    partitions_def: dg.PartitionsDefinition | None

    @property
    def partition_keys(self) -> list[str | None]:
        return list(self.partitions_def.get_partition_keys()) if self.partitions_def else [None]


@dataclass
class StageResult:
    keys: list[dg.AssetKey]
    partition_key: str | None
    run_id: str
    success: bool
    seconds: float
    failures: list[str] = field(default_factory=list)


def default_dagster_home() -> Path:
    """$DAGSTER_HOME, else .dagster_home at the project root (created with our dagster.yaml)."""
    home = Path(os.environ.get("DAGSTER_HOME") or project_root() / ".dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    instance_yaml = home / "dagster.yaml"
    template = project_root() / "dagster.yaml"
    if not instance_yaml.exists() and template.exists():
        instance_yaml.write_text(template.read_text())
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def plan_stages(defs: dg.Definitions, selection: Iterable[dg.AssetKey] | None = None) -> list[Stage]:
    graph = defs.resolve_asset_graph()
    wanted = set(selection) if selection is not None else set(graph.materializable_asset_keys)
    wanted &= set(graph.materializable_asset_keys)
    order = [key for key in graph.toposorted_asset_keys if key in wanted]
    done: set[dg.AssetKey] = set()
    stages: list[Stage] = []

    def parents_ready(key: dg.AssetKey, stage_keys: set[dg.AssetKey]) -> bool:
        return all(p in done or p in stage_keys or p not in wanted for p in graph.get(key).parent_keys)

    while len(done) < len(order):
        ready = [k for k in order if k not in done and parents_ready(k, set())]
        # Unpartitioned work first: it usually feeds the partitioned stages.
        ready.sort(key=lambda k: graph.get(k).partitions_def is not None)
        partitions_def = graph.get(ready[0]).partitions_def
        stage_keys: set[dg.AssetKey] = set()
        grew = True
        while grew:
            grew = False
            for key in order:
                if key in done or key in stage_keys:
                    continue
                if graph.get(key).partitions_def == partitions_def and parents_ready(key, stage_keys):
                    stage_keys.add(key)
                    grew = True
        stages.append(Stage([k for k in order if k in stage_keys], partitions_def))
        done |= stage_keys
    return stages


def observe_sources(defs: dg.Definitions, instance: dg.DagsterInstance) -> list[dg.AssetKey]:
    graph = defs.resolve_asset_graph()
    keys = sorted(graph.observable_asset_keys, key=lambda k: k.to_user_string())
    if keys:
        assets = {graph.get(k).assets_def for k in keys}
        # Assets taken from the resolved graph already carry their resources.
        result = observe(list(assets), instance=instance)
        if not result.success:
            raise RuntimeError("observing the source assets failed; see the run's logs in the Dagster UI")
    return keys


def run_stages(
    defs: dg.Definitions,
    stages: list[Stage],
    instance: dg.DagsterInstance,
    on_event: Callable[[str], None] = print,
    tags: dict[str, str] | None = None,
    log_level: str = "INFO",
) -> list[StageResult]:
    graph = defs.resolve_asset_graph()
    results: list[StageResult] = []
    failed_keys: set[dg.AssetKey] = set()
    total = sum(len(s.partition_keys) for s in stages)
    step = 0
    for stage in stages:
        blocked = [k for k in stage.keys if any(p in failed_keys for p in graph.get(k).parent_keys)]
        runnable = [k for k in stage.keys if k not in blocked]
        failed_keys |= set(blocked)
        for partition_key in stage.partition_keys:
            step += 1
            if not runnable:
                continue
            names = ", ".join(k.to_user_string() for k in runnable)
            suffix = f" [partition {partition_key}]" if partition_key else ""
            on_event(f"[{step}/{total}] materializing {names}{suffix}")
            started = time.perf_counter()
            # The code location's own implicit job: its resources, IO managers and asset checks.
            job = defs.resolve_implicit_job_def_def_for_assets(runnable)
            result = job.execute_in_process(
                run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
                instance=instance,
                asset_selection=runnable,
                partition_key=partition_key,
                raise_on_error=False,
                tags=tags,
            )
            failures = [
                f"{event.step_key}: {_root_cause(event.event_specific_data.error)}"
                for event in result.all_events
                if event.is_step_failure
            ]
            materialized = {event.asset_key for event in result.get_asset_materialization_events()}
            results.append(
                StageResult(runnable, partition_key, result.run_id, result.success, time.perf_counter() - started, failures)
            )
            failed_keys |= set(runnable) - materialized
            for failure in failures:
                on_event(f"    FAILED {failure}")
    return results


def _root_cause(error) -> str:
    """The innermost error message: the user's exception, not Dagster's wrapper around it."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return error.message.strip()
