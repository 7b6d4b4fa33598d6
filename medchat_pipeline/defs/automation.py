"""Declarative Automation: the running daemon rebuilds exactly what a change made stale, once.

Every materializable asset gets `rebuild_when_stale()` (definitions.py applies it to the whole graph,
so assets added later get it too). It is true for an asset partition when

  - it is **stale** in Dagster's own sense, the one the UI shows: an input's data version differs
    from the one recorded when the partition was built. Frames are versioned by content, so a rebuild
    that gives the same rows ends the wave there. One refinement: a source partition of
    augmented/distilled (which reads the unpartitioned merged_qac) is stale only when merged_qac's
    `source_slices[<source>]` differs from the `merged_slice` it recorded, so one source's change
    re-runs that source's partitions and not all nine;
  - **nothing upstream is unsettled**: no ancestor partition is stale, missing, or targeted by an
    unfinished run or backfill (its blocking checks may still be running). It waits for them, then
    runs once; and
  - it is not running, its last run did not fail (a failure waits for a person, it is not retried
    every tick), and the blocking checks of its inputs passed.

Sources are observed by `source_observation_sensor` (defs/data.py), which writes an observation only
for a partition whose file hash changed.

Why not `AutomationCondition.eager()`: in Dagster 1.13 `newly_updated` counts every materialization
as an update (data versions are not consulted), and eager() waits only for its direct parents. In our
graph merged_qac feeds training_mix both directly and through augmented/distilled, and the benchmark
both directly and through the adapters: eager() rebuilds training_mix, both adapters and the report
as soon as merged_qac changes and again after the augmented partition does (a storm of GPU runs), and
it would re-run every augmented partition for a change to one source. The condition below is Python
evaluated on the code server (`use_user_code_server=True`), which Dagster supports for custom
conditions; the rest is built-in.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import dagster as dg

# Internal, but it is what the UI uses to show "stale"; no public API answers the question.
from dagster._core.definitions.data_version import CachingStaleStatusResolver, StaleStatus
from dagster._core.execution.backfill import BulkActionStatus
from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES
from dagster._core.storage.tags import PARTITION_NAME_TAG as PARTITION_TAG

SLICED_INPUT = dg.AssetKey("merged_qac")  # publishes source_slices; per-source readers record merged_slice


class StaleWithSettledUpstream(dg.AutomationCondition):
    """Stale (by data version, per source slice for merged_qac readers), with no stale, missing or
    running partition upstream."""

    @property
    def name(self) -> str:
        return "stale_with_settled_upstream"

    @property
    def description(self) -> str:
        return (
            "an input has a new data version (for a source partition reading merged_qac: that source's rows "
            "changed), and nothing upstream is still stale, missing or running"
        )

    def evaluate(self, context: dg.AutomationContext) -> dg.AutomationResult:
        staleness = _staleness_for_tick(context)
        candidates = context.candidate_subset
        if candidates.is_empty:
            return dg.AutomationResult(context, true_subset=candidates)
        if context.partitions_def is None:
            ready = staleness.ready(context.key, None)
            return dg.AutomationResult(context, true_subset=candidates if ready else context.get_empty_subset())
        keys = {p for p in candidates.expensively_compute_partition_keys() if staleness.ready(context.key, p)}
        return dg.AutomationResult(context, true_subset=candidates.compute_intersection_with_partition_keys(keys))


_tick: list = [None, None]  # (asset graph view, Staleness): one per tick, shared by every asset's evaluation


def _staleness_for_tick(context: dg.AutomationContext) -> "Staleness":
    view = context.asset_graph_view
    if _tick[0] is not view:
        _tick[:] = [view, Staleness(view.instance, context.asset_graph, view)]
    return _tick[1]


class Staleness:
    """Stale status per asset partition for one evaluation (answers are cached by the resolver)."""

    def __init__(self, instance: dg.DagsterInstance, asset_graph, loading_context) -> None:
        self.instance = instance
        self.graph = asset_graph
        self.resolver = CachingStaleStatusResolver(instance, asset_graph, loading_context)
        self._stale: dict[tuple[dg.AssetKey, str | None], bool] = {}
        self._running: set[tuple[dg.AssetKey, str | None]] | None = None

    @property
    def running(self) -> set[tuple[dg.AssetKey, str | None]]:
        """(key, partition) of every asset an unfinished run or backfill targets ("*": any partition).
        Such an asset may be materialized already while its checks still run."""
        if self._running is None:
            self._running = set()
            for run in self.instance.get_runs(filters=dg.RunsFilter(statuses=IN_PROGRESS_RUN_STATUSES)):
                partition = run.tags.get(PARTITION_TAG, "*")
                self._running |= {(key, partition) for key in run.asset_selection or ()}
            for backfill in self.instance.get_backfills(status=BulkActionStatus.REQUESTED):
                self._running |= {(key, "*") for key in backfill.asset_selection or ()}
        return self._running

    def targeted_by_a_run(self, key: dg.AssetKey, partition: str | None) -> bool:
        return (key, partition) in self.running or (key, "*") in self.running

    def ready(self, key: dg.AssetKey, partition: str | None) -> bool:
        # Not while a run that targets it is unfinished: a multi-asset's first output can be recorded before its
        # second, and in between the second looks stale (a clean-clone CI run on a slow machine re-ran distill
        # for medqa that way; the built-in in_progress() did not see the run in time).
        if self.targeted_by_a_run(key, partition):
            return False
        return self.stale(key, partition) and not any(self.unsettled(k, p) for k, p in self.ancestors(key, partition))

    def unsettled(self, key: dg.AssetKey, partition: str | None) -> bool:
        node = self.graph.get(key)
        if not node.is_materializable:
            return False  # an observable source is never stale; its new versions make its children stale
        if self.targeted_by_a_run(key, partition):
            return True
        # Missing: the step would fail to load it. Stale: it will be rebuilt first, and this asset after it.
        return self.resolver.get_status(key, partition) == StaleStatus.MISSING or self.stale(key, partition)

    def stale(self, key: dg.AssetKey, partition: str | None) -> bool:
        if (key, partition) not in self._stale:
            self._stale[(key, partition)] = self._compute_stale(key, partition)
        return self._stale[(key, partition)]

    def _compute_stale(self, key: dg.AssetKey, partition: str | None) -> bool:
        if self.resolver.get_status(key, partition) != StaleStatus.STALE:
            return False
        causes = self.resolver.get_stale_causes(key, partition)
        if partition is None or any(c.dependency_asset_key != SLICED_INPUT for c in causes):
            return True
        # Only merged_qac changed: stale when this source's rows in it changed.
        return self._slice_in_merged(partition) != self._recorded(key, partition, "merged_slice")

    def _slice_in_merged(self, source: str) -> str | None:
        slices = self._recorded(SLICED_INPUT, None, "source_slices") or {}
        return slices.get(source)

    def _recorded(self, key: dg.AssetKey, partition: str | None, name: str):
        record = self.instance.get_latest_data_version_record(key, is_source=False, partition_key=partition)
        if record is None or record.asset_materialization is None:
            return None
        value = record.asset_materialization.metadata.get(name)
        return getattr(value, "value", value)

    def ancestors(self, key: dg.AssetKey, partition: str | None) -> Iterable[tuple[dg.AssetKey, str | None]]:
        """Every ancestor partition: a partitioned child reads the same partition of a partitioned
        parent (all ours are partitioned by source); an unpartitioned child reads every partition."""
        seen: set[tuple[dg.AssetKey, str | None]] = set()
        stack = [(key, partition)]
        while stack:
            child, child_partition = stack.pop()
            for parent in self.graph.get(child).parent_keys:
                parent_partitions = self.graph.get(parent).partitions_def
                if parent_partitions is None:
                    found = [(parent, None)]
                elif child_partition is not None:
                    found = [(parent, child_partition)]
                else:
                    found = [(parent, p) for p in parent_partitions.get_partition_keys()]
                for item in found:
                    if item not in seen:
                        seen.add(item)
                        stack.append(item)
        return seen


def rebuild_when_stale() -> dg.AutomationCondition:
    return (
        StaleWithSettledUpstream()
        & dg.AutomationCondition.all_deps_blocking_checks_passed()
        & ~dg.AutomationCondition.in_progress()
        & ~dg.AutomationCondition.execution_failed()
    ).with_label("rebuild when stale")


def rebuild_reason(spec: dg.AssetSpec) -> str:
    """The sentence added to an asset's description: why the daemon rebuilds it."""
    inputs = sorted(dep.asset_key.to_user_string() for dep in spec.deps)
    if spec.partitions_def is not None and SLICED_INPUT.to_user_string() in inputs:
        changed = "its source's rows in merged_qac change (merged_qac's source_slices)"
        others = [i for i in inputs if i != SLICED_INPUT.to_user_string()]
        if others:
            changed += " or " + " or ".join(others) + " gets a new data version"
    elif inputs:
        changed = " or ".join(inputs) + " gets a new data version"
        if spec.partitions_def is not None:
            changed = "its own partition of " + changed
    else:
        return "Automation: none (no inputs; materialize it from the UI or `medchat run`)."
    return (
        f"Automation (rebuild when stale): the daemon rebuilds it once {changed}, after everything upstream "
        "is fresh again; not while it runs, and not after a failed run until someone reruns it."
    )


def automation_sensor(interval_s: int = 30) -> dg.AutomationConditionSensorDefinition:
    # use_user_code_server is marked beta in Dagster 1.13; it is the documented way to run a custom
    # condition, so the warning is silenced here rather than printed by every process that loads the code.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.BetaWarning)
        return _automation_sensor(interval_s)


def _automation_sensor(interval_s: int) -> dg.AutomationConditionSensorDefinition:
    return dg.AutomationConditionSensorDefinition(
        "rebuild_stale_assets",
        target=dg.AssetSelection.all(),
        # The stale-with-settled-upstream condition is Python: it must run where the code is.
        use_user_code_server=True,
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=interval_s,
        description="Evaluates every asset's automation condition (rebuild when stale, defs/automation.py) and "
        "launches runs for what a source change or a re-distillation made stale; pools (gpu, teacher_api) "
        "still limit how many expensive steps run at once.",
    )
