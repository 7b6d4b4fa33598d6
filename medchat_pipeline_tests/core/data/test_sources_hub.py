"""The hub path's row mapping, fed datasets.Dataset rows shaped like the hub's (CI cannot reach
the hub): the same row-level code as the native files, with the hub's column names and quirks."""

from __future__ import annotations

import datasets
import polars as pl
import pytest

from medchat_pipeline.config.sources import DialogueOptions, HubDataset, SourcesConfig
from medchat_pipeline.core.data.schema import reason_counts
from medchat_pipeline.core.data.sources import SOURCES, parse_source
from medchat_pipeline_tests.conftest import FIXTURES


def rows(dataset: datasets.Dataset, split: str = "train"):
    return ((split, index, row) for index, row in enumerate(dataset))


MEDMCQA_ITEM = {
    "id": "demo-hub-1",
    "question": "Which vitamin deficiency causes scurvy?",
    "opa": "Vitamin A",
    "opb": "Vitamin D",
    "opc": "Vitamin C",
    "opd": "Vitamin K",
    "choice_type": "single",
    "exp": "Vitamin C is needed for collagen synthesis.",
    "subject_name": "Biochemistry",
    "topic_name": "Vitamins",
}


def test_medmcqa_hub_cop_is_zero_based_and_minus_one_on_test():
    train = datasets.Dataset.from_list([{**MEDMCQA_ITEM, "cop": 2}, {**MEDMCQA_ITEM, "id": "demo-hub-2", "cop": 0, "exp": None}])
    test = datasets.Dataset.from_list([{**MEDMCQA_ITEM, "id": "demo-hub-3", "cop": -1, "exp": ""}])
    result = SOURCES["medmcqa"].parse_hub_rows([*rows(train), *rows(test, "test")])
    assert result.read == 3
    assert result.qac["answer_key"].to_list() == ["C", "A"]
    assert result.qac["answer"].to_list() == ["Vitamin C - Explanation: Vitamin C is needed for collagen synthesis.", "Vitamin A"]
    assert dict(zip(result.rejects["source_id"], result.rejects["reason"], strict=True)) == {"demo-hub-3": "unlabeled_test_item"}


def test_medmcqa_hub_row_equals_native_row(tmp_path):
    native_file = tmp_path / "train.json"
    native_file.write_text(pl.DataFrame([{**MEDMCQA_ITEM, "cop": 3}]).write_ndjson())
    native = SOURCES["medmcqa"].parse_files([native_file])
    hub = SOURCES["medmcqa"].parse_hub_rows(rows(datasets.Dataset.from_list([{**MEDMCQA_ITEM, "cop": 2}])))
    assert native.qac.to_dicts() == hub.qac.to_dicts()


def test_medqa_hub_dict_and_bigbio_list_options():
    gbaker = datasets.Dataset.from_list(
        [{"question": "Which cells make surfactant?", "answer": "Type II pneumocytes", "options": {"A": "Type I pneumocytes", "B": "Type II pneumocytes", "C": "Macrophages", "D": "Club cells"}, "answer_idx": "B", "meta_info": "step1"}]
    )
    bigbio = datasets.Dataset.from_list(
        [{"meta_info": "step2&3", "question": "First imaging for suspected gallstones?", "answer_idx": "A", "answer": "Ultrasound",
          "options": [{"key": "A", "value": "Ultrasound"}, {"key": "B", "value": "CT"}, {"key": "C", "value": "MRI"}, {"key": "D", "value": "X-ray"}, {"key": "E", "value": "HIDA"}]}]
    )
    result = SOURCES["medqa"].parse_hub_rows([*rows(gbaker), *rows(bigbio, "validation")])
    assert result.rejects.is_empty()
    assert result.qac.select("source_id", "answer_key", "answer", "subject").rows() == [
        ("train/0", "B", "Type II pneumocytes", "step1"),
        ("validation/0", "A", "Ultrasound", "step2&3"),
    ]
    assert result.qac["options"].list.len().to_list() == [4, 5]


def test_pubmedqa_hub_labeled_and_unlabeled():
    labeled = datasets.Dataset.from_list(
        [{"pubid": 99000001, "question": "Does walking lower blood pressure?",
          "context": {"contexts": ["Walking is advised.", "BP fell by 5 mm Hg."], "labels": ["BACKGROUND", "RESULTS"], "meshes": ["Walking"],
                      "reasoning_required_pred": "yes", "reasoning_free_pred": "yes"},
          "long_answer": "Walking lowered blood pressure.", "final_decision": "yes"}]
    )
    unlabeled = datasets.Dataset.from_list(
        [{"pubid": 99100001, "question": "Do patients like video visits?",
          "context": {"contexts": ["Most preferred video."], "labels": ["RESULTS"], "meshes": ["Telemedicine"]},
          "long_answer": "Most patients preferred video visits."}]
    )
    result = SOURCES["pubmedqa"].parse_hub_rows([*rows(labeled), *rows(unlabeled)])
    assert result.rejects.is_empty()
    assert result.stats == {"variant_labeled": 1, "variant_unlabeled": 1}
    first, second = result.qac.rows(named=True)
    assert (first["source_id"], first["kind"], first["answer_key"]) == ("99000001", "yes_no_maybe", "yes")
    assert first["context"] == "BACKGROUND: Walking is advised.\nRESULTS: BP fell by 5 mm Hg."
    assert first["answer"] == "Walking lowered blood pressure.\nFinal Answer: yes"
    assert (second["kind"], second["answer"]) == ("qa", "Most patients preferred video visits.")


def test_medquad_hub_both_layouts():
    lavita = datasets.Dataset.from_list(
        [{"document_id": "0000001", "document_source": "CDC", "document_url": "https://example.org", "category": None,
          "question_id": "0000001-1", "question_focus": "Demo", "question_type": "information", "question": "What is Demo ?", "answer": "Demo is an example."},
         {"document_id": "0000002", "document_source": "MPlusDrugs", "document_url": "https://example.org", "category": "Drug",
          "question_id": "0000002-1", "question_focus": "Demoprofen", "question_type": "usage", "question": "How should Demoprofen be used ?", "answer": None}]
    )
    keivalya = datasets.Dataset.from_list([{"qtype": "symptoms", "Question": "What are the symptoms of Demo ?", "Answer": "Fever and cough."}])
    result = SOURCES["medquad"].parse_hub_rows([*rows(lavita), *rows(keivalya, "kv")])
    assert result.read == 3
    assert result.qac.select("source_id", "group_id", "subject", "topic").rows() == [
        ("CDC/0000001-1", "CDC/0000001", "CDC", "information"),
        ("kv/0", "kv/0", None, "symptoms"),
    ]
    assert reason_counts(result.rejects) == {"empty_answer": 1}


def test_meddialog_hub_en_and_processed_en():
    features = datasets.Features(
        {"file_name": datasets.Value("string"), "dialogue_id": datasets.Value("int32"), "dialogue_url": datasets.Value("string"),
         "dialogue_turns": datasets.Sequence({"speaker": datasets.ClassLabel(names=["Patient", "Doctor"]), "utterance": datasets.Value("string")})}
    )
    raw_en = datasets.Dataset.from_list(
        [{"file_name": "qa_en_1.txt", "dialogue_id": 7, "dialogue_url": "https://example.org",
          "dialogue_turns": {"speaker": [0, 1, 0, 1], "utterance": ["I have a rash.", "Where is it?", "On my arm.", "Use a mild steroid cream."]}}],
        features=features,
    )
    processed = datasets.Dataset.from_list(
        [{"description": "rash", "utterances": ["patient: i have a rash on my arm.", "doctor: use a mild steroid cream."]}]
    )
    source = SOURCES["meddialog_en"]
    all_pairs = source.parse_hub_rows([*rows(raw_en), *rows(processed, "validation")], DialogueOptions(dialogue_mode="all_pairs"))
    assert all_pairs.qac.select("source_id", "group_id", "context", "question").rows() == [
        ("qa_en_1.txt/7#0", "qa_en_1.txt/7", "", "I have a rash."),
        ("qa_en_1.txt/7#1", "qa_en_1.txt/7", "Patient: I have a rash.\nDoctor: Where is it?", "On my arm."),
        ("validation/0#0", "validation/0", "", "i have a rash on my arm."),
    ]
    broken = datasets.Dataset.from_list([{"description": "x", "utterances": ["nurse: hello", "doctor: hi"]}])
    assert reason_counts(source.parse_hub_rows(rows(broken)).rejects) == {"malformed_dialogue": 1}


@pytest.mark.parametrize(("source", "answer_column"), [("healthcaremagic", "output"), ("icliniq", "answer_icliniq")])
def test_chatdoctor_hub_rows(source, answer_column):
    dataset = datasets.Dataset.from_list(
        [{"input": "I have a headache every afternoon.", answer_column: "Take screen breaks and drink water."},
         {"input": "My eye is red.", answer_column: ""}]
    )
    result = SOURCES[source].parse_hub_rows(rows(dataset))
    assert result.qac.select("source_id", "answer").rows() == [("train/0#0", "Take screen breaks and drink water.")]
    assert reason_counts(result.rejects) == {"empty_answer": 1}


def test_parse_source_dispatches_on_mode(tmp_path):
    sources = SourcesConfig.model_validate(
        {"medqa": {"mode": "local", "paths": [str(FIXTURES / "malformed" / "medqa" / "*.jsonl")]}}
    )
    assert parse_source("medqa", sources.medqa, tmp_path).read == 8
    with pytest.raises(ValueError, match="credentialed"):
        SOURCES["drugehrqa"].parse_hub(HubDataset(id="none"), sources.drugehrqa.options)
    with pytest.raises(KeyError, match="unknown source"):
        parse_source("nope", sources.medqa, tmp_path)
