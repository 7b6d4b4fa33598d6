"""The staged runner behind `medchat run`, on a small graph with the same shape as ours."""

import dagster as dg
import pytest

from medchat_pipeline.defs.runner import SelectionError, observe_sources, plan_stages, resolve_selection, run_stages

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


@dg.asset(partitions_def=PARTS)
def per_source_after_broken(after_broken: dict) -> dict:
    return after_broken


@dg.asset
def far_downstream(per_source_after_broken: dict, mix: dict) -> dict:
    return mix


@dg.multi_asset(outs={"pair_kept": dg.AssetOut(), "pair_rejects": dg.AssetOut()})
def pair(mix: dict):
    yield dg.Output(mix, output_name="pair_kept")
    yield dg.Output({}, output_name="pair_rejects")


@dg.asset
def reads_pair(pair_kept: dict) -> dict:
    return pair_kept


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
        # Every run names the process that ran it, for recovery after a kill.
        run = instance.get_run_by_id(results[0].run_id)
        assert {"medchat/pid", "medchat/host", "medchat/heartbeat"} <= set(run.tags)


def test_failure_skips_everything_downstream_transitively_and_is_reported(tmp_path, monkeypatch):
    defs = _defs(broken, after_broken, per_source_after_broken, far_downstream)
    monkeypatch.chdir(tmp_path)
    messages: list[str] = []
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        # An old far_downstream value exists: a skipped asset must not be rebuilt from stale inputs.
        results = run_stages(defs, plan_stages(defs), instance, on_event=messages.append)
        failures = [f for r in results for f in r.failures]
        assert [(f.step_key, f.assets, f.root_cause) for f in failures] == [("broken", ["broken"], "ValueError: disk on fire")]
        skipped = {name: root for r in results for name, root in r.skipped.items()}
        # after_broken is skipped inside broken's run by Dagster itself; the runner skips the rest, whatever their stage.
        assert skipped == {"per_source_after_broken": "broken", "far_downstream": "broken"}
        for name in ("after_broken", "per_source_after_broken", "far_downstream"):
            assert instance.get_latest_materialization_event(dg.AssetKey(name)) is None
        assert instance.get_latest_materialization_event(dg.AssetKey("mix")) is not None
        assert not all(r.success for r in results)
        assert any("FAILED broken: ValueError: disk on fire" in m for m in messages)


def test_selection_understands_up_and_downstream_and_brings_multi_asset_siblings():
    defs = _defs(pair, reads_pair)

    def names(*items):
        return sorted(k.to_user_string() for k in resolve_selection(defs, items))

    assert names("pair_kept") == ["pair_kept", "pair_rejects"]
    assert names("mix+") == ["mix", "pair_kept", "pair_rejects", "reads_pair"]
    assert names("+mix") == ["augmented", "merged", "mix"]
    assert names("+reads_pair") == ["augmented", "merged", "mix", "pair_kept", "pair_rejects", "reads_pair"]
    with pytest.raises(SelectionError, match="did you mean mix"):
        resolve_selection(defs, ["mixx"])


def test_a_selected_sibling_runs_with_its_multi_asset(tmp_path, monkeypatch):
    defs = _defs(pair, reads_pair)
    monkeypatch.chdir(tmp_path)
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        run_stages(defs, plan_stages(defs), instance, on_event=lambda _: None)
        results = run_stages(defs, plan_stages(defs, resolve_selection(defs, ["pair_rejects"])), instance, on_event=lambda _: None)
    assert [r.materialized for r in results] == [["pair_kept", "pair_rejects"]]


@dg.asset(deps=[raw_notes], name="merged")
def merged_versioned() -> dg.Output[dict]:
    # Content-versioned, as our frames are (frame_output): a rebuild with equal content keeps readers fresh.
    return dg.Output({"rows": {"medqa": 3, "pubmedqa": 4}}, data_version=dg.DataVersion("rows-3-4"))


def test_up_to_date_assets_are_reused_and_a_damaged_or_changed_one_is_rebuilt(tmp_path):
    from medchat_pipeline.defs.io_manager import MedchatIOManager

    defs = dg.Definitions(
        assets=[raw_notes, merged_versioned, augmented, mix],
        resources={"io_manager": MedchatIOManager(base_path=str(tmp_path / "assets"))},
    )

    def run(instance, version, force=()):
        results = run_stages(defs, plan_stages(defs), instance, on_event=lambda _: None, version=version, force=force)
        assert all(r.success for r in results)
        return sorted({name for r in results for name in r.materialized})

    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        observe_sources(defs, instance)
        assert run(instance, "v1") == ["augmented", "merged", "mix"]
        assert run(instance, "v1") == []  # nothing changed: every stored value reused
        stored = tmp_path / "assets" / "merged.json"
        stored.write_text(stored.read_text()[:5])  # cut short outside the pipeline
        # merged is rebuilt; its content (data version) is the same, so what reads it stays up to date.
        assert run(instance, "v1") == ["merged"]
        assert run(instance, "v1", force={dg.AssetKey("mix")}) == ["mix"]
        assert run(instance, "v2") == ["augmented", "merged", "mix"]  # another profile or other code


def test_a_root_cause_names_its_error_class_once():
    from dagster._utils.error import SerializableErrorInfo

    from medchat_pipeline.defs.runner import _root_cause

    def info(message: str, cls_name: str, cause=None) -> SerializableErrorInfo:
        return SerializableErrorInfo(message, [], cls_name, cause)

    ours = info("medchat_pipeline.defs.io_manager.StoredValueUnreadable: asset x: its stored file cannot be read\n",
                "StoredValueUnreadable")
    assert _root_cause(info("dagster wrapper", "DagsterExecutionStepExecutionError", ours)) == (
        "StoredValueUnreadable: asset x: its stored file cannot be read"
    )
    assert _root_cause(info("ValueError: disk on fire", "ValueError")) == "ValueError: disk on fire"
    assert _root_cause(info("no class prefix", "OSError")) == "OSError: no class prefix"
