"""Materialize the whole asset graph (or a selection) from the command line, in stages.

Dagster runs one partitions definition per run, so the graph is cut into stages: a stage is a
maximal set of assets with the same partitioning whose parents are already done. Unpartitioned
stages run once; partitioned stages run once per partition key. Observable sources are observed
first so that data versions (and staleness) are recorded in the instance.

Why not one Dagster run for everything: a graph mixing partitionings (unpartitioned merged_qac,
per-source augmented_qac, unpartitioned training_mix) runs as a unit only as an asset backfill,
which the daemon executes through a code server; `medchat run` needs neither. So Dagster executes
each stage's sub-graph itself (`execute_in_process`), with its own step dependencies, skips,
retries, blocking checks and pools, and this runner adds what spans stages:

- what is up to date is reused: an asset is materialized again only when `out_of_date` says why
  (missing, another profile or release, an input changed, its stored value unreadable), so the run
  after a crash redoes only what the crash undid;
- failure propagates transitively: an asset none of whose ancestors failed runs; any other is
  skipped in this invocation, with the ancestor that failed as the reason (the root cause);
- before each stage it waits for the stage's pools itself (run_recovery.wait_for_pools: says who
  holds them, sleeps, recovers a holder whose process died meanwhile);
- every run carries this process's pid/host and a heartbeat, so a later invocation can recover
  it if this process is killed (run_recovery.recover_abandoned_runs);
- Ctrl-C or SIGTERM interrupts the running step (Dagster turns it into a step failure) and the
  runner stops there: nothing further is launched.

The console gets a progress summary (one line per stage, step and failure) from a logger attached
to each stage's job; Dagster's full event stream stays in the instance (and on the console with
`console_level="DEBUG"`).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

import dagster as dg
import pyarrow.parquet as pq
from dagster._core.definitions.observe import observe  # not re-exported at top level in 1.13
from dagster._core.events import DagsterEventType
from dagster._core.execution.plan.objects import ErrorSource
from dagster._core.log_manager import get_log_record_metadata, has_log_record_metadata
from dagster._core.utils import make_new_run_id

from medchat_pipeline.config import project_root
from medchat_pipeline.defs.run_recovery import Heartbeat, install_pool_wait_fix, launcher_tags, wait_for_pools

SKIPPED_TAG = "medchat/skipped_upstream_failed"
INTERRUPTS = {"KeyboardInterrupt", "DagsterExecutionInterruptedError"}


@dataclass
class Stage:
    keys: list[dg.AssetKey]
    partitions_def: dg.PartitionsDefinition | None

    @property
    def partition_keys(self) -> list[str | None]:
        return list(self.partitions_def.get_partition_keys()) if self.partitions_def else [None]


@dataclass
class Failure:
    """A step that failed: what it would have materialized, and the innermost error."""

    step_key: str
    assets: list[str]
    partition_key: str | None
    root_cause: str


@dataclass
class StageResult:
    keys: list[dg.AssetKey]
    partition_key: str | None
    run_id: str | None
    success: bool
    seconds: float
    failures: list[Failure] = field(default_factory=list)
    # assets of this stage not run because an ancestor failed: {asset: the failed ancestor}
    skipped: dict[str, str] = field(default_factory=dict)
    materialized: list[str] = field(default_factory=list)
    interrupted: bool = False
    waited_for_pools_s: float = 0.0
    reused: list[str] = field(default_factory=list)  # up to date: not materialized again


class SelectionError(ValueError):
    """A --select item that names no asset, with the closest names."""


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


def resolve_selection(defs: dg.Definitions, items: Iterable[str]) -> set[dg.AssetKey]:
    """`name`, `+name` (with its upstream), `name+` (with its downstream), `+name+` (both).

    Assets computed together by one multi-asset (qac_x + rejects_x, training_mix + its rejects)
    cannot run apart, so selecting one brings its siblings, and their up/downstream as asked."""
    graph = defs.resolve_asset_graph()
    materializable = set(graph.materializable_asset_keys)
    chosen: set[dg.AssetKey] = set()
    for item in items:
        name = item.strip()
        upstream, downstream = name.startswith("+"), name.endswith("+")
        key = dg.AssetKey.from_user_string(name.strip("+"))
        if key not in graph.get_all_asset_keys():
            names = sorted(k.to_user_string() for k in graph.get_all_asset_keys())
            close = difflib.get_close_matches(key.to_user_string(), names, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; assets: {', '.join(names)}"
            raise SelectionError(f"--select {item}: no asset {key.to_user_string()!r} in this profile's graph{hint}")
        picked = {key} | _siblings(graph, key)
        if upstream:
            picked |= {a for k in picked for a in _walk(graph, k, "parent_keys")}
        if downstream:
            picked |= {d for k in set(picked) for d in _walk(graph, k, "child_keys")}
        chosen |= picked
    # Up/downstream walks can reach further multi-asset outputs: their siblings come along too.
    return {s for k in chosen for s in {k} | _siblings(graph, k)} & materializable


def _siblings(graph, key: dg.AssetKey) -> set[dg.AssetKey]:
    node = graph.get(key)
    if not node.is_materializable:
        return set()
    assets_def = node.assets_def
    return set() if assets_def.can_subset else set(assets_def.keys)


def _walk(graph, key: dg.AssetKey, direction: str) -> set[dg.AssetKey]:
    seen: set[dg.AssetKey] = set()
    stack = [key]
    while stack:
        for nxt in getattr(graph.get(stack.pop()), direction):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


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


CONFIG_VERSION_TAG = "medchat/config_version"
INVOCATION_TAG = "medchat/invocation"


def config_version(profile_json: str) -> str:
    """What the stored values were computed with: the validated profile and the package release. A value
    from another profile or release is never reused. Code edited in place (a checkout between releases)
    is not seen, as Dagster does not see it without code versions: rebuild with `medchat run --rebuild`,
    or `--select NAME+` from the asset whose code changed."""
    try:
        release = package_version("medchat_pipeline")
    except PackageNotFoundError:
        release = "not installed"
    return hashlib.sha256(f"{release}\n{profile_json}".encode()).hexdigest()[:16]


def out_of_date(instance: dg.DagsterInstance, graph, key: dg.AssetKey, partition_key: str | None, version: str) -> str | None:
    """Why `key` (one partition of it) must be materialized again, or None when its stored value can be reused:
    it was materialized with this profile and release, from inputs whose data versions are still current, by the
    same run as its multi-asset siblings, and its stored value (and every file it names) is still readable."""
    partition = partition_key if graph.get(key).partitions_def else None
    record = _latest_materialization(instance, key, partition)
    if record is None:
        return "never materialized"
    run = instance.get_run_by_id(record.run_id)
    if run is None or run.tags.get(CONFIG_VERSION_TAG) != version:
        return "built with another profile or release"
    for sibling in _siblings(graph, key) - {key}:
        other = _latest_materialization(instance, sibling, partition)
        if other is None or other.run_id != record.run_id:
            return f"{sibling.to_user_string()} (computed with it) is from another run"
    tags = record.asset_materialization.tags or {}
    for parent in graph.get(key).parent_keys:
        changed = _input_changed(instance, graph, parent, partition_key, tags)
        if changed:
            return changed
    return _stored_value_problem(record.asset_materialization.metadata)


def _latest_materialization(instance, key: dg.AssetKey, partition: str | None):
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition] if partition else None), limit=1
    ).records
    return records[0] if records else None


def _input_changed(instance, graph, parent: dg.AssetKey, partition_key: str | None, tags) -> str | None:
    name = parent.to_user_string()
    recorded = tags.get(f"dagster/input_data_version/{name}")
    pointer = tags.get(f"dagster/input_event_pointer/{name}")
    node = graph.get(parent)
    parent_partition = partition_key if node.partitions_def and partition_key is not None else None
    if node.is_observable:
        current = _observed_version(instance, parent, parent_partition, before=None)
        # What was read: the observation current when the value was built (Dagster's recorded input version
        # of a partitioned observable source is a hash of nothing, so the event pointer is the reliable record).
        consumed = _observed_version(instance, parent, parent_partition, before=int(pointer) + 1) if pointer else recorded
        return None if current is None or current == consumed else f"source {name} changed"
    if not node.is_materializable:
        return None
    if node.partitions_def and parent_partition is None:
        # Read every partition: any partition materialized after this value was built may differ.
        latest = _latest_materialization(instance, parent, None)
        if latest is not None and (pointer is None or latest.storage_id > int(pointer)):
            return f"{name} was materialized again"
        return None
    latest = _latest_materialization(instance, parent, parent_partition)
    if latest is None:
        return f"{name} has no value"
    current = (latest.asset_materialization.tags or {}).get("dagster/data_version")
    if recorded is not None and current is not None:
        return None if current == recorded else f"{name} changed"
    return None if pointer is not None and latest.storage_id <= int(pointer) else f"{name} was materialized again"


def _observed_version(instance, key: dg.AssetKey, partition: str | None, before: int | None) -> str | None:
    records = instance.fetch_observations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition] if partition else None, before_storage_id=before),
        limit=1,
    ).records
    return records[0].asset_observation.data_version if records else None


def _stored_value_problem(metadata) -> str | None:
    """The stored file is readable (a Parquet footer parses, JSON loads), and every absolute path the value
    names (an adapter directory, a report) still exists."""
    path_value = metadata.get("path")
    if path_value is None:
        return None
    base = Path(str(path_value.value))
    parquet, manifest = base.with_suffix(".parquet"), base.with_suffix(".json")
    if not parquet.is_file() and not manifest.is_file():
        return None if base.exists() else "its stored value is gone"  # base: another IO manager's own format
    try:
        if parquet.is_file():
            pq.read_metadata(parquet)
            return None
        value = json.loads(manifest.read_text())
    except Exception as exc:  # a cut-short Parquet raises ArrowInvalid, a cut-short JSON ValueError
        return f"its stored value cannot be read ({type(exc).__name__})"
    missing = [p for p in _absolute_paths(value) if not Path(p).exists()]
    return f"{missing[0]} is gone" if missing else None


def _absolute_paths(value) -> list[str]:
    if isinstance(value, dict):
        return [p for v in value.values() for p in _absolute_paths(v)]
    if isinstance(value, list):
        return [p for v in value for p in _absolute_paths(v)]
    return [value] if isinstance(value, str) and value.startswith("/") and "\n" not in value else []


def observe_sources(defs: dg.Definitions, instance: dg.DagsterInstance, tags: dict[str, str] | None = None) -> list[dg.AssetKey]:
    graph = defs.resolve_asset_graph()
    keys = sorted(graph.observable_asset_keys, key=lambda k: k.to_user_string())
    if keys:
        assets = {graph.get(k).assets_def for k in keys}
        # Assets taken from the resolved graph already carry their resources.
        quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}  # the instance keeps the rest
        result = observe(list(assets), run_config=quiet, instance=instance, tags={**launcher_tags(), **(tags or {})})
        if not result.success:
            raise RuntimeError("observing the source assets failed; see the run's logs in the Dagster UI")
    return keys


def run_stages(
    defs: dg.Definitions,
    stages: list[Stage],
    instance: dg.DagsterInstance,
    on_event: Callable[[str], None] = print,
    tags: dict[str, str] | None = None,
    console_level: str = "WARNING",
    version: str | None = None,
    force: Iterable[dg.AssetKey] = (),
) -> list[StageResult]:
    """Run the stages in order; see the module docstring for what happens on failure and interrupt.

    With a `version` (config_version of the profile), assets whose stored value is up to date
    (`out_of_date` is None) are reused instead of materialized again, except those in `force`;
    without one, everything in the stages is materialized."""
    install_pool_wait_fix()
    force = set(force)
    invocation = uuid.uuid4().hex[:12]
    graph = defs.resolve_asset_graph()
    results: list[StageResult] = []
    failed: dict[dg.AssetKey, str] = {}  # asset -> the failed asset at the root of it (itself if it failed)
    total = sum(len(s.partition_keys) for s in stages)
    step = 0
    with Heartbeat(instance) as heartbeat:
        stage, partition_key = None, None
        try:
            for stage in stages:
                skipped = {k: root for k in stage.keys if (root := _failed_ancestor(graph, k, failed))}
                failed.update(skipped)
                runnable = [k for k in stage.keys if k not in skipped]
                for partition_key in stage.partition_keys:
                    step += 1
                    suffix = f" [partition {partition_key}]" if partition_key else ""
                    skipped_names = {k.to_user_string(): root.to_user_string() for k, root in skipped.items()}
                    if not runnable:
                        on_event(f"[{step}/{total}] skipped{suffix}: {_names(stage.keys)} (upstream failed)")
                        results.append(StageResult(stage.keys, partition_key, None, False, 0.0, skipped=skipped_names))
                        continue
                    todo, reasons = _to_materialize(instance, graph, runnable, partition_key, version, force)
                    reused = sorted(k.to_user_string() for k in runnable if k not in todo)
                    if not todo:
                        on_event(f"[{step}/{total}] up to date{suffix}: {_names(runnable)} (reused)")
                        results.append(StageResult(runnable, partition_key, None, not skipped, 0.0, skipped=skipped_names, reused=reused))
                        continue
                    on_event(f"[{step}/{total}] {_names(todo)}{suffix}")
                    for name, reason in reasons.items():
                        on_event(f"    - {name}: {reason}")
                    if reused:
                        on_event(f"    - reused (up to date): {', '.join(reused)}")
                    for name, root in skipped_names.items():
                        on_event(f"    - {name}: skipped, upstream {root} failed")
                    started = time.perf_counter()
                    pools = {pool for k in todo for pool in graph.get(k).assets_def.node_def.pools}
                    waited = wait_for_pools(instance, pools, on_event)
                    run_id = make_new_run_id()
                    heartbeat.run_id = run_id
                    run_tags = {**launcher_tags(), **(tags or {}), INVOCATION_TAG: invocation}
                    if version:
                        run_tags[CONFIG_VERSION_TAG] = version
                    if skipped_names:
                        run_tags[SKIPPED_TAG] = ",".join(sorted(skipped_names))
                    # The code location's own implicit job: its resources, IO managers and asset checks.
                    # Subset first, then attach our loggers: Dagster 1.13 drops a job's loggers when it
                    # subsets it for execute_in_process(asset_selection=…).
                    job = defs.resolve_implicit_job_def_def_for_assets(todo).get_subset(asset_selection=frozenset(todo))
                    loggers = _console_loggers(on_event, console_level)
                    result = job.with_logger_defs(loggers).execute_in_process(
                        # Dagster starts only the loggers named in the run config.
                        run_config={"loggers": {name: {} for name in loggers}},
                        instance=instance,
                        partition_key=partition_key,
                        raise_on_error=False,
                        run_id=run_id,
                        tags=run_tags,
                    )
                    heartbeat.run_id = None
                    failures = _failures(result, graph, partition_key)
                    materialized = {event.asset_key for event in result.get_asset_materialization_events()}
                    failed_here = {dg.AssetKey.from_user_string(name) for f in failures for name in f.assets}
                    for key in todo:
                        if key not in materialized:
                            # Skipped inside the run by Dagster: the root is the failed step upstream of it.
                            roots = [a for a in _walk(graph, key, "parent_keys") if a in failed_here]
                            failed.setdefault(key, key if key in failed_here or not roots else roots[0])
                    interrupted = _interrupted(result)
                    results.append(
                        StageResult(
                            runnable, partition_key, result.run_id, result.success and not skipped,
                            time.perf_counter() - started, failures, skipped_names,
                            sorted(k.to_user_string() for k in materialized), interrupted, waited, reused,
                        )
                    )
                    if interrupted:
                        return results
        except KeyboardInterrupt:  # outside a step (waiting for a pool, between runs): stop here too
            keys = stage.keys if stage else []
            results.append(StageResult(keys, partition_key, None, False, 0.0, interrupted=True))
    return results


def _to_materialize(instance, graph, runnable: list[dg.AssetKey], partition_key, version, force) -> tuple[list[dg.AssetKey], dict[str, str]]:
    """The assets of this stage run to materialize, and why (see out_of_date). Whatever reads a value
    rebuilt here is rebuilt with it, and multi-asset siblings go together."""
    if version is None:
        return list(runnable), {}
    reasons: dict[dg.AssetKey, str] = {}
    for key in runnable:
        reason = "selected" if key in force else out_of_date(instance, graph, key, partition_key, version)
        if reason:
            reasons[key] = reason
    todo = set(reasons)
    grew = True
    while grew:
        before = len(todo)
        for key in runnable:
            if key not in todo and (_walk(graph, key, "parent_keys") & todo or _siblings(graph, key) & todo):
                todo.add(key)
        grew = len(todo) > before
    shown = {k.to_user_string(): r for k, r in reasons.items() if r not in ("never materialized", "selected")}
    return [k for k in runnable if k in todo], shown


def _failed_ancestor(graph, key: dg.AssetKey, failed: dict[dg.AssetKey, dg.AssetKey]) -> dg.AssetKey | None:
    for ancestor in _walk(graph, key, "parent_keys"):
        if ancestor in failed:
            return failed[ancestor]
    return None


def _names(keys: Iterable[dg.AssetKey]) -> str:
    return ", ".join(k.to_user_string() for k in keys)


def _failures(result, graph, partition_key: str | None) -> list[Failure]:
    failures = []
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        step_assets = sorted(
            k.to_user_string()
            for k in graph.materializable_asset_keys
            if graph.get(k).assets_def.node_def.name == event.step_key
        )
        failures.append(Failure(event.step_key, step_assets, partition_key, _root_cause(event.event_specific_data.error)))
    return failures


def _interrupted(result) -> bool:
    for event in result.all_events:
        if event.is_step_failure and event.event_specific_data.error_source == ErrorSource.INTERRUPT:
            return True
        if event.event_type == DagsterEventType.PIPELINE_FAILURE:
            error = getattr(event.event_specific_data, "error", None)
            if error is not None and error.cls_name in INTERRUPTS:
                return True
    return False


def _root_cause(error) -> str:
    """The outermost error that is not one of Dagster's wrappers: the user's exception, as raised (an error
    raised `from` a library's error, like the IO manager's StoredValueUnreadable, says more than its cause)."""
    if error is None:
        return "unknown error"
    while (error.cls_name or "").startswith("Dagster") and getattr(error, "cause", None) is not None:
        error = error.cause
    message = error.message.strip()
    if not error.cls_name:
        return message
    # Dagster records "module.Class: text" for exceptions outside the builtins: show "Class: text" once.
    named, _, text = message.partition(": ")
    if named.rsplit(".", 1)[-1] == error.cls_name and text:
        return f"{error.cls_name}: {text}"
    return message if message.startswith(error.cls_name) else f"{error.cls_name}: {message}"


def _console_loggers(on_event: Callable[[str], None], level: str) -> dict[str, dg.LoggerDefinition]:
    """The stage job's loggers: our progress lines, plus Dagster's colored stream at DEBUG."""

    @dg.logger(description="medchat run's console: one line per finished step, retry, wait and failure")
    def medchat_progress(_init_context):
        logger = logging.Logger(f"medchat.progress.{uuid.uuid4().hex[:8]}", logging.DEBUG)
        logger.addHandler(_ProgressHandler(on_event, logging.getLevelName(level.upper())))
        return logger

    loggers = {"medchat_progress": medchat_progress}
    if level.upper() == "DEBUG":
        loggers["console"] = dg.colored_console_logger
    return loggers


class _ProgressHandler(logging.Handler):
    """Turns the stage run's log records into short console lines."""

    def __init__(self, on_event: Callable[[str], None], message_level: int) -> None:
        super().__init__(logging.DEBUG)
        self.on_event = on_event
        self.message_level = message_level
        self.materialized: dict[str, list[str]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self._line(record)
        except Exception:  # a console line must never fail the step it describes
            return
        if line:
            self.on_event(line)

    def _line(self, record: logging.LogRecord) -> str | None:
        meta = get_log_record_metadata(record) if has_log_record_metadata(record) else None
        event = meta.get("dagster_event") if meta else None
        if event is None:
            if record.levelno >= self.message_level and meta and meta.get("step_key"):
                return f"    {record.levelname.lower()} {meta['step_key']}: {meta.get('orig_message', record.getMessage())}"
            return None
        step = event.step_key
        kind = event.event_type
        if kind == DagsterEventType.ASSET_MATERIALIZATION:
            self.materialized.setdefault(step, []).append(event.asset_key.to_user_string())
        elif kind == DagsterEventType.STEP_SUCCESS:
            seconds = event.event_specific_data.duration_ms / 1000 if event.event_specific_data else 0.0
            made = self.materialized.pop(step, [])
            return f"    ok {step} -> {', '.join(made)} ({seconds:.1f} s)" if made else f"    ok {step} ({seconds:.1f} s)"
        elif kind == DagsterEventType.STEP_FAILURE:
            return f"    FAILED {step}: {_root_cause(event.event_specific_data.error)}"
        elif kind == DagsterEventType.STEP_UP_FOR_RETRY:
            return f"    retrying {step}: {_root_cause(event.event_specific_data.error)}"
        elif kind == DagsterEventType.STEP_SKIPPED:
            return f"    skipped {step} (an input or blocking check upstream failed)"
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed:
                severity = "blocking check" if evaluation.blocking else "check"
                return f"    {severity} {evaluation.asset_key.to_user_string()}:{evaluation.check_name} failed"
        elif kind == DagsterEventType.ENGINE_EVENT and (event.message or "").startswith("Step blocked by limit for pool"):
            pool = event.message.rsplit(" ", 1)[-1]
            return f"    {step} waits for a {pool} slot: another run took it first (medchat run waits without spinning)"
        return None
