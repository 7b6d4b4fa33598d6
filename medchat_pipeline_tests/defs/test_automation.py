"""`rebuild_when_stale`, tick by tick on a real instance, over a small graph shaped like ours: a partitioned
observable source → per-source QAC → merged (with source_slices) → per-source augmented/distilled →
mix → SFT → GRPO → report (which also reads merged) → weak areas. Each tick's requests are executed
before the next tick, as the daemon's runs would be. The daemon itself is exercised end to end in
e2e/test_rebuild_on_source_change.py."""

import hashlib
import json

import dagster as dg
import pytest
from dagster._core.utils import make_new_run_id

from medchat_pipeline.defs.automation import rebuild_reason, rebuild_when_stale

PARTS = dg.StaticPartitionsDefinition(["icliniq", "medqa"])
ROWS = {"icliniq": ["i1", "i2"], "medqa": ["m1", "m2"]}  # what each "source file" parses to; tests edit it
FAIL: set[str] = set()  # asset names whose next run raises
TEACHER = {"answers": "v1"}  # what the distillation teacher writes; the weekly re-distillation may change it


def version(value) -> str:
    return hashlib.blake2b(json.dumps(value, sort_keys=True).encode(), digest_size=8).hexdigest()


def out(value, **metadata) -> dg.Output:
    return dg.Output(value, data_version=dg.DataVersion(version(value)), metadata=metadata)


def maybe_fail(name: str) -> None:
    if name in FAIL:
        raise RuntimeError(f"{name} failed on purpose")


@dg.observable_source_asset(key="raw_source", partitions_def=PARTS)
def raw_source():
    return dg.DataVersionsByPartition({s: dg.DataVersion("v1") for s in PARTS.get_partition_keys()})


@dg.asset(partitions_def=PARTS, deps=[raw_source])
def source_qac(context: dg.AssetExecutionContext):
    return out([f"{context.partition_key}:{r}" for r in ROWS[context.partition_key]])


@dg.asset
def merged_qac(source_qac: dict):
    rows = [r for part in sorted(source_qac) for r in source_qac[part]]
    return out(rows, source_slices={s: version([r for r in rows if r.startswith(s)]) for s in PARTS.get_partition_keys()})


def per_source(name: str):
    @dg.asset(name=name, partitions_def=PARTS)
    def _asset(context: dg.AssetExecutionContext, merged_qac: list):
        maybe_fail(name)
        rows = [r for r in merged_qac if r.startswith(context.partition_key)]
        return out([f"{name}({r}) by {TEACHER['answers']}" for r in rows], merged_slice=version(rows))

    return _asset


@dg.asset
def training_mix(merged_qac: list, augmented_qac: dict, distilled_qac: dict):
    return out([*merged_qac, *(r for p in sorted(augmented_qac) for r in augmented_qac[p]),
                *(r for p in sorted(distilled_qac) for r in distilled_qac[p])])  # fmt: skip


@dg.asset
def sft_lora_adapter(training_mix: list):
    return out(f"sft on {version(training_mix)}")


@dg.asset
def grpo_adapter(training_mix: list, sft_lora_adapter: str):
    return out(f"grpo on {sft_lora_adapter}")


@dg.asset
def benchmark_report(grpo_adapter: str, sft_lora_adapter: str, merged_qac: list):
    return out(f"report of {grpo_adapter} on {len(merged_qac)} rows")


@dg.asset
def weak_areas(benchmark_report: str):
    return out(f"weak areas of {benchmark_report}")


ASSETS = [raw_source, source_qac, merged_qac, per_source("augmented_qac"), per_source("distilled_qac"), training_mix,
          sft_lora_adapter, grpo_adapter, benchmark_report, weak_areas]  # fmt: skip


@pytest.fixture
def graph(tmp_path):
    ROWS.update(icliniq=["i1", "i2"], medqa=["m1", "m2"])
    FAIL.clear()
    TEACHER["answers"] = "v1"
    defs = dg.Definitions(
        assets=ASSETS, resources={"io_manager": dg.FilesystemIOManager(base_dir=str(tmp_path / "io"))}
    ).permissive_map_resolved_asset_specs(
        func=lambda spec: spec.replace_attributes(automation_condition=rebuild_when_stale()),
        selection=dg.AssetSelection.all(),
    )
    instance = dg.DagsterInstance.ephemeral()
    instance.report_runless_asset_event(dg.AssetObservation("raw_source", partition="medqa", tags={"dagster/data_version": "v1"}))
    instance.report_runless_asset_event(dg.AssetObservation("raw_source", partition="icliniq", tags={"dagster/data_version": "v1"}))
    for part in PARTS.get_partition_keys():
        execute(defs, instance, [dg.AssetKey("source_qac")], part)
    execute(defs, instance, [dg.AssetKey("merged_qac")], None)
    for part in PARTS.get_partition_keys():
        execute(defs, instance, [dg.AssetKey("augmented_qac"), dg.AssetKey("distilled_qac")], part)
    rest = ["training_mix", "sft_lora_adapter", "grpo_adapter", "benchmark_report", "weak_areas"]
    execute(defs, instance, [dg.AssetKey(k) for k in rest], None)
    return defs, instance


def execute(defs, instance, keys, partition, raise_on_error=True):
    job = defs.resolve_implicit_job_def_def_for_assets(keys)
    return job.execute_in_process(instance=instance, asset_selection=keys, partition_key=partition, raise_on_error=raise_on_error)


def run_daemon_ticks(defs, instance, max_ticks: int = 20) -> list[list[tuple[str, str | None]]]:
    """Evaluate, then run what was requested (one run per partition, as the daemon groups them),
    until a tick requests nothing; returns the requests of each tick."""
    ticks, cursor = [], None
    for _ in range(max_ticks):
        result = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor)
        cursor = result.cursor
        requested = sorted(
            (key.to_user_string(), p)
            for key in defs.resolve_asset_graph().materializable_asset_keys
            for p in result.get_requested_partitions(key)
        )
        if not requested:
            return ticks
        ticks.append(requested)
        for partition in sorted({p for _, p in requested}, key=str):
            keys = [dg.AssetKey(k) for k, p in requested if p == partition]
            execute(defs, instance, keys, partition, raise_on_error=False)
    raise AssertionError(f"no quiet tick after {max_ticks} ticks: {ticks}")


def observe_new_version(instance, source: str, data_version: str) -> None:
    instance.report_runless_asset_event(
        dg.AssetObservation("raw_source", partition=source, tags={"dagster/data_version": data_version})
    )


def test_one_source_change_rebuilds_its_partitions_and_everything_after_once(graph):
    defs, instance = graph
    assert run_daemon_ticks(defs, instance) == []  # nothing changed: nothing requested
    ROWS["medqa"] = ["m1", "m2 edited"]
    observe_new_version(instance, "medqa", "v2")

    ticks = run_daemon_ticks(defs, instance)
    requested = [item for tick in ticks for item in tick]
    assert sorted(requested) == sorted([
        ("source_qac", "medqa"), ("merged_qac", None), ("augmented_qac", "medqa"), ("distilled_qac", "medqa"),
        ("training_mix", None), ("sft_lora_adapter", None), ("grpo_adapter", None), ("benchmark_report", None),
        ("weak_areas", None),
    ])  # fmt: skip
    # Each waits for everything upstream: the report only after the new GRPO adapter.
    order = [k for tick in ticks for k, _ in tick]
    assert order.index("benchmark_report") > order.index("grpo_adapter") > order.index("training_mix")
    assert order.index("training_mix") > max(order.index("augmented_qac"), order.index("distilled_qac"))


def test_an_edit_that_keeps_the_rows_stops_after_the_source_partition(graph):
    defs, instance = graph
    observe_new_version(instance, "medqa", "v2")  # the file changed, the parsed rows did not
    assert run_daemon_ticks(defs, instance) == [[("source_qac", "medqa")]]


def test_the_weekly_redistillation_propagates_once_and_only_when_answers_changed(graph):
    defs, instance = graph
    distilled = [dg.AssetKey("distilled_qac")]
    for part in PARTS.get_partition_keys():  # what redistill_schedule launches: every partition
        execute(defs, instance, distilled, part)
    assert run_daemon_ticks(defs, instance) == []  # the teacher (cache) gave the same answers: nothing is stale

    TEACHER["answers"] = "v2"
    for part in PARTS.get_partition_keys():
        execute(defs, instance, distilled, part)
    requested = [item for tick in run_daemon_ticks(defs, instance) for item in tick]
    assert sorted(requested) == sorted([("training_mix", None), ("sft_lora_adapter", None), ("grpo_adapter", None),
                                        ("benchmark_report", None), ("weak_areas", None)])  # fmt: skip


def test_readers_wait_until_the_run_that_rebuilt_their_input_has_ended(graph):
    """A run materializes an asset, then runs its blocking checks: readers wait for the whole run."""
    defs, instance = graph
    ROWS["medqa"] = ["m1", "m4"]
    observe_new_version(instance, "medqa", "v2")
    execute(defs, instance, [dg.AssetKey("source_qac")], "medqa")  # the step is done...
    still_running = instance.add_run(
        dg.DagsterRun(job_name="__ASSET_JOB", run_id=make_new_run_id(), status=dg.DagsterRunStatus.STARTED,
                      asset_selection=frozenset({dg.AssetKey("source_qac")}), tags={"dagster/partition": "medqa"})
    )  # ...its run is not: its checks still run  # fmt: skip
    result = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    assert result.total_requested == 0
    instance.report_run_canceled(still_running)
    result = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=result.cursor)
    assert result.get_requested_partitions(dg.AssetKey("merged_qac")) == {None}


def test_an_asset_is_not_requested_again_while_a_run_that_targets_it_is_unfinished(graph):
    """The run that rebuilds it has started (its outputs not all recorded yet): the stale partition waits."""
    defs, instance = graph
    ROWS["medqa"] = ["m1", "m5"]
    observe_new_version(instance, "medqa", "v3")
    running = instance.add_run(
        dg.DagsterRun(job_name="__ASSET_JOB", run_id=make_new_run_id(), status=dg.DagsterRunStatus.STARTED,
                      asset_selection=frozenset({dg.AssetKey("source_qac")}), tags={"dagster/partition": "medqa"})
    )  # fmt: skip
    result = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    assert result.get_requested_partitions(dg.AssetKey("source_qac")) == set()
    instance.report_run_canceled(running)
    result = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=result.cursor)
    assert result.get_requested_partitions(dg.AssetKey("source_qac")) == {"medqa"}


def test_a_failed_rebuild_is_not_retried_every_tick_and_blocks_what_is_downstream(graph):
    defs, instance = graph
    FAIL.add("augmented_qac")
    ROWS["medqa"] = ["m1", "m3"]
    observe_new_version(instance, "medqa", "v2")

    requested = [item for tick in run_daemon_ticks(defs, instance) for item in tick]
    assert requested.count(("augmented_qac", "medqa")) == 1
    assert ("distilled_qac", "medqa") in requested
    assert not {"training_mix", "sft_lora_adapter", "grpo_adapter", "benchmark_report"} & {k for k, _ in requested}

    FAIL.clear()  # someone fixes it and reruns the partition: the rest follows by itself
    execute(defs, instance, [dg.AssetKey("augmented_qac")], "medqa")
    requested = {k for tick in run_daemon_ticks(defs, instance) for k, _ in tick}
    assert requested == {"training_mix", "sft_lora_adapter", "grpo_adapter", "benchmark_report", "weak_areas"}


def test_the_reason_is_written_into_each_description():
    specs = {spec.key.to_user_string(): spec for a in ASSETS if isinstance(a, dg.AssetsDefinition) for spec in a.specs}
    assert "its source's rows in merged_qac change" in rebuild_reason(specs["augmented_qac"])
    assert "its own partition of raw_source gets a new data version" in rebuild_reason(specs["source_qac"])
    assert "grpo_adapter or merged_qac or sft_lora_adapter gets a new data version" in rebuild_reason(specs["benchmark_report"])


def test_every_asset_of_the_code_location_gets_the_policies():
    """Applied centrally (definitions.py) by group, so assets added in any module get them too."""
    from medchat_pipeline.definitions import OWNERS, defs

    graph = defs.resolve_asset_graph()
    for key in graph.materializable_asset_keys:
        node = graph.get(key)
        assert node.automation_condition is not None and node.automation_condition.get_label() == "rebuild when stale", key
        assert "Automation (rebuild when stale)" in node.description or "Automation: none" in node.description, key
        assert node.owners and node.owners == OWNERS.get(node.group_name, node.owners), key
    sensor = defs.resolve_sensor_def("rebuild_stale_assets")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
