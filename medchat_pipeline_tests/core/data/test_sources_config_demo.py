"""data.sources config validation, and the bundled demo samples parsed through the demo profile."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from medchat_pipeline.config import ConfigError, load_config, project_root
from medchat_pipeline.config.sources import SourceConfig, SourcesConfig
from medchat_pipeline.core.data.schema import reason_counts
from medchat_pipeline.core.data.sources import SOURCES, parse_source


def test_every_source_has_a_config_field_and_a_parser():
    assert list(SourcesConfig.model_fields) == list(SOURCES)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"medqa": {"mode": "local", "paths": []}}, "mode is local but paths is empty"),
        ({"medqa": {"mode": "hub", "hub": None}}, "mode is hub but no hub"),
        ({"mimic_iv_medications": {"mode": "hub", "hub": {"id": "x/y"}}}, "no hub copy"),
        ({"meddialog_en": {"options": {"dialogue_mode": "every_pair"}}}, "first_pair"),
        ({"medqa": {"pathz": ["a"]}}, "Extra inputs are not permitted"),
    ],
)
def test_invalid_source_entries_say_what_to_change(entry, message):
    with pytest.raises(ValidationError, match=message):
        SourcesConfig.model_validate(entry)


def test_disabled_source_needs_no_paths_and_profile_errors_name_the_key(tmp_path):
    assert not SourcesConfig.model_validate({"medqa": {"enabled": False, "paths": []}}).medqa.enabled
    profile = tmp_path / "bad.yaml"
    profile.write_text("data:\n  sources:\n    medqa: {mode: local, paths: []}\n")
    with pytest.raises(ConfigError, match=r"data\.sources\.medqa: mode is local but paths is empty"):
        load_config(str(profile))


def test_globs_resolve_sorted_and_a_glob_matching_nothing_is_an_error(tmp_path):
    for name in ("b.jsonl", "a.jsonl", "c.txt"):
        (tmp_path / name).write_text("{}\n")
    config = SourceConfig(paths=["*.jsonl", str(tmp_path / "a.jsonl")])
    assert [p.name for p in config.resolve_paths(tmp_path)] == ["a.jsonl", "b.jsonl"]
    with pytest.raises(FileNotFoundError, match="no file matches 'missing/\\*.json'"):
        SourceConfig(paths=["missing/*.json"]).resolve_paths(tmp_path)


def test_paths_read_environment_variables_with_defaults(tmp_path, monkeypatch):
    (tmp_path / "shared" / "medqa").mkdir(parents=True)
    (tmp_path / "shared" / "medqa" / "x.jsonl").write_text("{}\n")
    config = SourceConfig(paths=["${MEDCHAT_TEST_DATA:-shared}/medqa/*.jsonl"])
    monkeypatch.delenv("MEDCHAT_TEST_DATA", raising=False)
    assert config.resolve_paths(tmp_path) == [tmp_path / "shared" / "medqa" / "x.jsonl"]  # the default
    monkeypatch.setenv("MEDCHAT_TEST_DATA", str(tmp_path / "elsewhere"))
    with pytest.raises(FileNotFoundError, match="elsewhere/medqa"):  # the variable wins over the default
        config.resolve_paths(tmp_path)
    with pytest.raises(ValueError, match=r"uses \$\{MEDCHAT_UNSET_VARIABLE\}, which is not set"):
        SourceConfig(paths=["${MEDCHAT_UNSET_VARIABLE}/a.json"]).resolve_paths(tmp_path)


# (read, kept rows, parse rejects by reason) for the bundled samples (medqa, pubmedqa, medquad: real)
DEMO_COUNTS = {
    "meddialog_en": (16, 16, {}),
    "healthcaremagic": (18, 18, {}),
    "icliniq": (19, 19, {}),
    "medmcqa": (35, 32, {"unlabeled_test_item": 3}),
    "medqa": (24, 24, {}),  # real: 24 MedQA test questions outside the shared slice
    "pubmedqa": (22, 22, {}),  # real: 20 PQA-L, 1 PQA-A and 1 PQA-U record
    "medquad": (22, 13, {"empty_answer": 9}),  # real: 6 documents; the publisher removed the drug answers
    "drugehrqa": (17, 17, {}),
    "mimic_iv_medications": (18, 49, {"no_medication_details": 1}),
}


@pytest.mark.parametrize("source", list(DEMO_COUNTS))
def test_demo_profile_parses_the_bundled_samples(source):
    cfg = load_config("demo")
    result = parse_source(source, getattr(cfg.data.sources, source), project_root())
    read, kept, reasons = DEMO_COUNTS[source]
    assert (result.read, result.qac.height, reason_counts(result.rejects)) == (read, kept, reasons)
    assert result.qac["id"].n_unique() == result.qac.height


def test_demo_mcq_samples_spread_over_subjects():
    cfg = load_config("demo")
    medmcqa = parse_source("medmcqa", cfg.data.sources.medmcqa, project_root())
    assert medmcqa.qac["subject"].n_unique() >= 15
    assert medmcqa.qac["answer_key"].n_unique() == 4
    medqa = parse_source("medqa", cfg.data.sources.medqa, project_root())
    assert set(medqa.qac["subject"]) == {"step1", "step2&3"}


def test_real_demo_samples_ship_their_licence_and_never_overlap_the_shared_benchmark_slices(shared_data):
    import json

    demo = project_root() / "medchat_pipeline" / "demo_data"
    for folder, licence in (("medqa", "LICENSE"), ("pubmedqa", "LICENSE"), ("medquad", "LICENSE.txt")):
        assert (demo / folder / licence).read_text().strip() and (demo / folder / "SOURCE.md").exists()
    assert "MIT License" in (demo / "medqa" / "LICENSE").read_text()
    assert "Attribution 4.0 International" in (demo / "medquad" / "LICENSE.txt").read_text()
    # The demo trains on these; the demo profile benchmarks the shared slices: no item may be in both.
    shared_medqa = set((shared_data / "medqa" / "us_test_sample.jsonl").read_text().splitlines())
    assert not shared_medqa & set((demo / "medqa" / "us_test_demo_sample.jsonl").read_text().splitlines())
    shared_pmids = set(json.loads((shared_data / "pubmedqa" / "ori_pqal_sample.json").read_text()))
    assert not shared_pmids & set(json.loads((demo / "pubmedqa" / "ori_pqal_demo_sample.json").read_text()))
