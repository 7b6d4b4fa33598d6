"""DrugEHRQA spreadsheets, MIMIC-IV tables (joins, gzip, schema errors) and the dialogue modes."""

from __future__ import annotations

import gzip
import sys

import polars as pl
import pytest

from medchat_pipeline.config.sources import MimicOptions
from medchat_pipeline.core.data.sources import SOURCES
from medchat_pipeline.core.data.sources.dialogue import (
    DOCTOR,
    PATIENT,
    dialogue_pairs,
    merge_consecutive,
)
from medchat_pipeline.core.data.sources.records import RecordRejected
from medchat_pipeline_tests.conftest import FIXTURES

COLUMNS = ["NL_Question", "SQL_Query", "Answer_Structured", "Answer_Unstructured", "Multimodal_Answer"]


def test_drugehrqa_unstructured_xlsx(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    sheet.append(["WHAT IS THE ROUTE OF ADMINISTRATION OF THE DRUG HEPARIN FOR THE PATIENT WITH ADMISSION ID 190201", "SELECT 1", None, "(SC)", None])
    sheet.append([None, None, None, None, None])
    sheet.append(["WHAT IS THE DOSAGE OF ASPIRIN PRESCRIBED TO THE PATIENT WITH ADMISSION ID 190202", "SELECT 1", None, None, None])
    path = tmp_path / "unstructured_queries" / "query4.xlsx"
    path.parent.mkdir()
    workbook.save(path)
    result = SOURCES["drugehrqa"].parse_files([path])
    assert result.read == 2  # the blank spreadsheet row is not a record
    assert result.qac.select("source_id", "group_id", "answer", "topic").rows() == [
        ("unstructured_queries/query4/2", "mimic3-hadm/190201", "SC", "query4")
    ]
    assert result.rejects.select("source_id", "reason").rows() == [("unstructured_queries/query4/4", "empty_answer")]


def test_drugehrqa_xlsx_without_openpyxl_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    path = tmp_path / "query1.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(RuntimeError, match="needs openpyxl"):
        SOURCES["drugehrqa"].parse_files([path])


def _write_csv(path, rows: list[dict]) -> None:
    pl.DataFrame(rows).write_csv(path)


def test_mimic_context_joins_and_gzip(tmp_path):
    hosp = tmp_path / "hosp"
    hosp.mkdir()
    prescriptions = (FIXTURES / "malformed" / "mimic_iv_medications" / "prescriptions.csv").read_bytes()
    (hosp / "prescriptions.csv.gz").write_bytes(gzip.compress(prescriptions))
    _write_csv(hosp / "patients.csv", [{"subject_id": 91000001, "gender": "F", "anchor_age": 70, "anchor_year": 2150, "anchor_year_group": "2014 - 2016", "dod": None}])
    _write_csv(hosp / "admissions.csv", [{"subject_id": 91000001, "hadm_id": 29100001, "admittime": "2150-01-01 07:00:00", "dischtime": "2150-01-04 10:00:00", "admission_type": "URGENT"}])
    _write_csv(hosp / "diagnoses_icd.csv", [
        {"subject_id": 91000001, "hadm_id": 29100001, "seq_num": 2, "icd_code": "I10", "icd_version": 10},
        {"subject_id": 91000001, "hadm_id": 29100001, "seq_num": 1, "icd_code": "I214", "icd_version": 10},
        {"subject_id": 91000001, "hadm_id": 29100001, "seq_num": 3, "icd_code": "Z999", "icd_version": 10},
    ])
    _write_csv(hosp / "d_icd_diagnoses.csv", [
        {"icd_code": "I214", "icd_version": 10, "long_title": "NSTEMI"},
        {"icd_code": "I10", "icd_version": 10, "long_title": "Essential hypertension"},
    ])
    _write_csv(hosp / "pharmacy.csv", [{"pharmacy_id": 61000006, "frequency": "Q8H:PRN", "medication": "Ondansetron"}])
    _write_csv(hosp / "labevents.csv", [{"subject_id": 1}])
    paths = sorted(hosp.iterdir())
    result = SOURCES["mimic_iv_medications"].parse_files(paths, MimicOptions(templates=["dose", "frequency", "timing"], max_diagnoses=2))
    assert result.read == 6
    assert result.stats["ignored_files"] == 1
    rows = {r["source_id"]: r for r in result.qac.iter_rows(named=True)}
    assert set(rows) == {
        "prescriptions/1/dose", "prescriptions/1/frequency", "prescriptions/1/timing",
        "prescriptions/4/timing",  # the bare "Bag" order has only a start time
        "prescriptions/6/frequency", "prescriptions/6/timing",  # frequency from the pharmacy table
    }
    assert set(result.rejects["reason"]) == {"missing_field", "bad_encoding"}
    context = rows["prescriptions/1/dose"]["context"].split("\n")
    assert context[:3] == [
        "Patient: F, 70 years",
        "Admission 29100001: URGENT, admitted 2150-01-01 07:00:00, discharged 2150-01-04 10:00:00",
        "Diagnoses: NSTEMI; Essential hypertension",
    ]
    assert context[3].startswith("Medication order: Aspirin; strength 81mg Tab; dose 81 mg; route PO")
    assert rows["prescriptions/6/frequency"]["answer"] == "Ondansetron: Q8H:PRN."
    assert rows["prescriptions/1/timing"]["answer"] == "Aspirin was started 2150-01-01 08:00:00 and stopped 2150-01-03 08:00:00."
    assert all(r["group_id"] == "mimic4-hadm/29100001" and r["kind"] == "ehr" for r in rows.values())


def test_mimic_schema_errors_are_clear(tmp_path):
    with pytest.raises(ValueError, match="needs hosp/prescriptions"):
        SOURCES["mimic_iv_medications"].parse_files([tmp_path / "patients.csv"])
    bad = tmp_path / "prescriptions.csv"
    _write_csv(bad, [{"subject_id": 1, "hadm_id": 2}])
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['drug'\]"):
        SOURCES["mimic_iv_medications"].parse_files([bad])


TURNS = [(DOCTOR, "How can I help?"), (PATIENT, "I have a cough."), (DOCTOR, "For how long?"), (PATIENT, "Two weeks."), (DOCTOR, "Please get a chest X-ray.")]


def test_dialogue_modes():
    first = dialogue_pairs(TURNS, "first_pair")
    assert first == [(0, "Doctor: How can I help?", "I have a cough.", "For how long?")]
    every = dialogue_pairs(TURNS, "all_pairs")
    assert [p[0] for p in every] == [0, 1]
    assert every[1][1] == "Doctor: How can I help?\nPatient: I have a cough.\nDoctor: For how long?"
    assert dialogue_pairs(TURNS, "last_turn") == [every[1]]
    with pytest.raises(RecordRejected, match="no_patient_doctor_pair"):
        dialogue_pairs([(PATIENT, "hello"), (PATIENT, "anyone?")], "first_pair")


def test_consecutive_turns_merge():
    merged, folded = merge_consecutive([(PATIENT, "a"), (PATIENT, "b"), (DOCTOR, "c"), (DOCTOR, "d"), (PATIENT, "e")])
    assert merged == [(PATIENT, "a\nb"), (DOCTOR, "c\nd"), (PATIENT, "e")] and folded == 2
