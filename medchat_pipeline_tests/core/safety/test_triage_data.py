"""Real messages of sets that state no licence (iCliniq, CovidDialog) are referenced, not copied: the
loader reads their text from the data slice and checks its hash, and leaves a case out, saying why,
when the slice is absent or differs."""

from __future__ import annotations

import logging
from pathlib import Path

import dagster as dg
import pytest
import yaml

from medchat_pipeline.config.safety import TriageTrainingConfig
from medchat_pipeline.core.safety.triage_data import (
    REFERENCED_SOURCES,
    default_cases_path,
    load_dataset_cases,
    load_triage_cases,
    text_sha256,
)
from medchat_pipeline.defs import safety
from medchat_pipeline.defs.io_manager import MedchatIOManager
from medchat_pipeline.defs.resources import MedchatConfig


def _referenced_families() -> list[dict]:
    families = yaml.safe_load(default_cases_path().read_text(encoding="utf-8"))
    return [f for f in families if str(f.get("source", "")).partition("/")[0] in REFERENCED_SOURCES]


def test_no_text_of_a_set_without_a_licence_is_in_the_cases_file():
    families = _referenced_families()
    assert len(families) == 14
    for family in families:
        assert all(set(case) == {"sha256"} for case in family["cases"]), family["family"]


def test_referenced_messages_are_read_from_the_real_slice_and_match_their_hash(shared_data):
    left_out = []
    cases = {case.id: case for case in load_triage_cases(data_root=shared_data, left_out=left_out)}
    assert left_out == []
    for family in _referenced_families():
        case = cases[f"{family['family']}/1"]
        assert case.source == family["source"] and case.split == family["split"]
        assert case.category == family["category"]
        assert len(case.turns) == 1 and text_sha256(case.turns[0]) == family["cases"][0]["sha256"]


def test_without_the_slices_those_cases_are_left_out_with_the_reason(tmp_path, caplog):
    everything = load_triage_cases(data_root=tmp_path / "no-data", left_out=[])  # the rest still loads
    left_out = []
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="medchat_pipeline.core.safety.triage_data"):
        cases = load_triage_cases(data_root=tmp_path / "no-data", left_out=left_out)
    assert len(cases) == len(everything) >= 400
    assert {case.source.partition("/")[0] for case in left_out} == set(REFERENCED_SOURCES)
    assert len(left_out) == 14 and all("absent" in case.reason and "MEDCHAT_SHARED_DATA" in case.reason
                                       for case in left_out)
    assert not {case.id for case in left_out} & {case.id for case in cases}
    assert "14 triage case(s) left out" not in caplog.text  # one warning per slice, naming its cases
    assert sum(record.message.count("left out") for record in caplog.records) == 2


def test_a_text_that_differs_from_its_hash_is_left_out(shared_data, tmp_path):
    family = _referenced_families()[0]
    changed = {**family, "cases": [{"sha256": "0123456789abcdef"}]}
    path = tmp_path / "cases.yaml"
    path.write_text(yaml.safe_dump([changed]), encoding="utf-8")
    left_out = []
    assert load_triage_cases(path, data_root=shared_data, left_out=left_out) == []
    assert len(left_out) == 1 and "not the recorded 0123456789abcdef" in left_out[0].reason


def test_a_hash_without_a_referenced_source_is_refused(tmp_path):
    path = tmp_path / "cases.yaml"
    path.write_text(yaml.safe_dump([{"family": "x", "split": "dev", "category": "cardiac",
                                     "source": "chatdoctor5k_sample/7", "cases": [{"sha256": "0" * 16}]}]))
    with pytest.raises(ValueError, match="`sha256` needs the family's `source`"):
        load_triage_cases(path)


def test_the_dataset_asset_records_the_cases_it_left_out(tmp_path, monkeypatch):
    monkeypatch.setenv("MEDCHAT_SHARED_DATA", str(tmp_path / "no-data"))
    monkeypatch.setenv("MEDCHAT_STORAGE_DIR", str(tmp_path / "storage"))
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize([safety.triage_dataset], instance=instance,
                                resources={"io_manager": MedchatIOManager(), "medchat": MedchatConfig()})
        assert result.success
        metadata = instance.get_latest_materialization_event(dg.AssetKey("triage_dataset")).asset_materialization.metadata
    assert metadata["left_out"].value == 14
    rows = metadata["left_out_cases"].value
    assert {row["id"] for row in rows} == {f"{f['family']}/1" for f in _referenced_families()}
    assert all(Path(str(tmp_path / "no-data")).as_posix() in row["reason"] for row in rows)


@pytest.mark.parametrize("name", ["triage_blind_test35.yaml", "triage_blind_test36.yaml"])
def test_the_held_out_blind_set_is_refused_for_training_before_it_is_read(name):
    # (both sets exist and are refused by name, before they are read)
    with pytest.raises(ValueError, match="held out for measurement only"):
        load_dataset_cases(TriageTrainingConfig(extra_dev_sets={"held_out": f"safety/{name}"}))


def test_a_blind_set_file_is_parsed_once_per_content_and_an_edit_is_read_again(tmp_path):
    from medchat_pipeline.core.safety.triage_data import load_flat_cases

    path = tmp_path / "set.yaml"
    row = {"id": "a-1", "label": "none", "category": None, "kind": "mild", "text": "a sore knee after a run"}
    path.write_text(yaml.safe_dump({"cases": [row]}))
    first, again = load_flat_cases(path, "dev", "b"), load_flat_cases(path, "dev", "b")
    assert first == again and first is not again  # each call gets its own list
    assert load_flat_cases(path, "test", "b")[0].split == "test"
    path.write_text(yaml.safe_dump({"cases": [{**row, "text": "a sore ankle after a run"}]}))
    assert load_flat_cases(path, "dev", "b")[0].turns == ("a sore ankle after a run",)
    path.write_text(yaml.safe_dump({"cases": [{**row, "kind": "nonsense"}]}))
    with pytest.raises(ValueError, match="kind"):  # a bad file is refused every time, never remembered
        load_flat_cases(path, "dev", "b")
    with pytest.raises(ValueError, match="kind"):
        load_flat_cases(path, "dev", "b")
