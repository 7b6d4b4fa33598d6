"""The staged runner behind `medchat run`, on a small graph with the same shape as ours."""


import dagster as dg

from medchat_pipeline.defs.runner import observe_sources, plan_stages, run_stages

PARTS = dg.StaticPartitionsDefinition(["medqa", "pubmedqa"])


@dg.observable_source_asset
def raw_notes():
    return dg.DataVersion("v1")


@dg.asset(deps=[raw_notes])
def merged() -> dict:
    return {"rows": {"medqa": 3, "pubmedqa": 4}}


@dg.asset(partitions_def=PARTS)
def augmented(context: dg.AssetExecutionContext, merged: dict) -> dict:
    return {"rows": merged["rows"][context.partition_key] * 2}


@dg.asset
def mix(augmented: dict) -> dict:
    return {"rows": sum(v["rows"] for v in augmented.values())}


@dg.asset
def broken(merged: dict) -> dict:
    raise ValueError("disk on fire")


@dg.asset
def after_broken(broken: dict) -> dict:
    return broken


def _defs(*extra):
    return dg.Definitions(
        assets=[raw_notes, merged, augmented, mix, *extra],
        resources={"io_manager": dg.FilesystemIOManager(base_dir="runner_storage")},
    )


def test_stages_group_by_partitioning_in_dependency_order():
    stages = plan_stages(_defs())
    names = [[k.to_user_string() for k in s.keys] for s in stages]
    assert names == [["merged"], ["augmented"], ["mix"]]
    assert stages[1].partition_keys == ["medqa", "pubmedqa"]
    assert stages[0].partition_keys == [None]


def test_run_materializes_every_partition_and_records_observations(tmp_path, monkeypatch):
    defs = _defs()
    monkeypatch.chdir(tmp_path)
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        observed = observe_sources(defs, instance)
        assert observed == [dg.AssetKey("raw_notes")]
        results = run_stages(defs, plan_stages(defs), instance, on_event=lambda _: None)
        assert [r.success for r in results] == [True, True, True, True]
        assert instance.get_materialized_partitions(dg.AssetKey("augmented")) == {"medqa", "pubmedqa"}
        mix_event = instance.get_latest_materialization_event(dg.AssetKey("mix"))
        assert mix_event is not None
        observation = instance.fetch_observations(dg.AssetKey("raw_notes"), limit=1).records[0]
        assert observation.asset_observation.data_version == "v1"


def test_failure_skips_downstream_and_is_reported(tmp_path, monkeypatch):
    defs = _defs(broken, after_broken)
    monkeypatch.chdir(tmp_path)
    messages: list[str] = []
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        results = run_stages(defs, plan_stages(defs), instance, on_event=messages.append)
        failed = [r for r in results if not r.success]
        assert len(failed) == 1
        assert failed[0].failures == ["broken: ValueError: disk on fire"]
        assert instance.get_latest_materialization_event(dg.AssetKey("after_broken")) is None
        assert instance.get_latest_materialization_event(dg.AssetKey("mix")) is not None
        assert any("FAILED" in m for m in messages)
