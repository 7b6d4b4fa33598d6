"""The augment group on a real ephemeral Dagster instance, through the real teacher gateway (OpenAI SDK)
talking to the loopback fake provider: every source partition, the mix, review, preferences, and the
re-distillation schedule with weak areas and the gateway cache."""

from __future__ import annotations

import datetime as dt
import re

import dagster as dg
import polars as pl
import pytest
import yaml

from medchat_pipeline.config import configs_dir, load_config
from medchat_pipeline.core.data.source_version import frame_content_version
from medchat_pipeline.defs import augment as augment_defs
from medchat_pipeline.defs.data import source_partitions, source_slice
from medchat_pipeline.defs.io_manager import MedchatIOManager
from medchat_pipeline.defs.resources import MedchatConfig
from medchat_pipeline.defs.teachers import TeachersResource
from medchat_pipeline_tests.core.generation_fixtures import qac_frame, qac_row
from medchat_pipeline_tests.teachers.fake_provider_server import fake_teachers_section, start_fake_provider_server

OPTIONS = ["Aspirin", "Atenolol", "Amoxicillin", "Insulin"]


def merged_rows() -> pl.DataFrame:
    rows = [
        qac_row("medqa", f"A 60-year-old has crushing chest pain (case {i}). Which drug is given first?", "A) Aspirin",
                kind="mcq", options=OPTIONS, answer_key="A", subject="Emergency")
        for i in range(4)
    ]  # fmt: skip
    # The teacher sees the first questions by id; the last one is the weak area a benchmark will flag.
    rows[max(range(4), key=lambda i: rows[i]["id"])]["subject"] = "Cardiology"
    rows += [qac_row("medqa", "Held-out: which drug treats strep throat?", "C) Amoxicillin", kind="mcq",
                     options=OPTIONS, answer_key="C", split="test")]  # fmt: skip
    rows += [
        qac_row("pubmedqa", "Does exercise lower blood pressure in adults?", "Yes, modestly.", kind="yes_no_maybe",
                context="Trial of 300 adults.", answer_key="yes"),
        qac_row("pubmedqa", "Is coffee linked to arrhythmia?", "No clear link was found.", kind="yes_no_maybe",
                context="Cohort of 1,000 adults."),
        qac_row("healthcaremagic", "I am a 45-year-old man with no allergies taking metformin 500 mg. "
                "What causes my tiredness and how is it treated?",
                "Tiredness can come from high sugar. It is treated by adjusting metformin.", kind="dialogue_turn"),
        qac_row("healthcaremagic", "Which medicine helps my back pain?", "Paracetamol 500 mg and rest.",
                kind="dialogue_turn", split="val"),
        qac_row("medquad", "What is gout?", "Gout is a form of arthritis.", subject="Rheumatology", topic="Gout"),
        qac_row("medquad", "What are the symptoms of anemia?", "Tiredness and pale skin.", subject="Hematology"),
    ]  # fmt: skip
    return qac_frame(rows)


def teacher_reply(prompt: str, messages) -> str:
    """What a cooperative teacher writes for each prompt this group sends."""
    if prompt.startswith("Paraphrase this medical question"):
        question = re.search(r'Question: "(.*)"', prompt, re.S).group(1)
        return f"Sure! Here are 2 paraphrases:\n1. Could you tell me: {question}\n2. {question} Please explain."
    if prompt.startswith("Split this medical question"):
        return "1. " + re.search(r'Question: "(.*)"', prompt, re.S).group(1)
    if prompt.startswith("Write "):
        return '[{"question": "What is gouty tophus?", "answer": "A deposit of urate crystals under the skin."}]'
    if prompt.startswith("You are a senior physician"):
        return "2 > 1"
    letter = "A" if "crushing chest pain" in prompt else None
    if prompt.startswith("Explain step-by-step"):
        final = letter or ("yes" if "Question: Does" in prompt or "Question: Is" in prompt else "see a doctor")
        return f"Step 1: consider the history.\nStep 2: weigh the options.\nFinal Answer: {final}"
    if prompt.startswith("As a doctor"):
        return "Rest and fluids help; see a doctor if it persists." + (f"\nFinal Answer: {letter}" if letter else "\nFinal Answer: yes")
    raise AssertionError(f"unexpected prompt: {prompt[:80]}")


@dg.asset(name="merged_qac", group_name="data", kinds={"polars"}, description="A small real merged QAC frame for tests.")
def merged_qac() -> pl.DataFrame:
    return merged_rows()


@pytest.fixture()
def setup(tmp_path, isolated_storage):
    server = start_fake_provider_server(reply=teacher_reply)
    raw = yaml.safe_load((configs_dir() / "demo.yaml").read_text())
    raw["teachers"] = fake_teachers_section(server, backoff={"initial_s": 0.01, "max_s": 0.05})
    raw["distill"].update(max_questions_per_partition=3, weak_area_extra_questions=1,
                          weak_areas_path=str(tmp_path / "weak_areas.csv"))  # fmt: skip
    raw["augment"]["max_questions_per_partition"] = 3
    raw["mix"]["distilled_share"] = 0.5
    raw["review"]["fraction"] = 0.5
    profile = tmp_path / "test_profile.yaml"
    profile.write_text(yaml.safe_dump(raw))
    medchat = MedchatConfig(profile=str(profile))
    resources = {
        "medchat": medchat,
        "teachers": TeachersResource(medchat=medchat),
        "io_manager": MedchatIOManager(base_path=str(isolated_storage / "assets")),
    }
    yield server, resources, medchat.cfg, dg.DagsterInstance.ephemeral()
    server.stop()


PARTITIONS = source_partitions(load_config("demo"))
SOURCES = PARTITIONS.get_partition_keys()
ASSETS = [merged_qac, *augment_defs.per_source_assets(PARTITIONS), augment_defs.preferences, augment_defs.mix,
          augment_defs.review_sample_asset, augment_defs.training_mix_excludes_test]  # fmt: skip


def latest_metadata(instance: dg.DagsterInstance, key: str, partition: str | None = None) -> dict:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(key), asset_partitions=[partition] if partition else None), limit=1
    ).records
    return {k: v.value for k, v in records[0].asset_materialization.metadata.items()}


def test_whole_augment_group_on_an_ephemeral_instance(setup):
    server, resources, cfg, instance = setup
    assert dg.materialize([merged_qac], instance=instance, resources=resources).success
    per_source = dg.AssetSelection.assets("augmented_qac", "augment_rejects", "distilled_qac", "distill_rejects")
    for source in SOURCES:
        result = dg.materialize(ASSETS, selection=per_source, partition_key=source, instance=instance, resources=resources)
        assert result.success
        for kept_key in ("augmented_qac", "distilled_qac"):
            meta = latest_metadata(instance, kept_key, source)
            assert meta["produced"] == meta["kept"] + meta["rejected"]  # counts add up, per partition
            assert sum(meta["reasons"].values()) == meta["rejected"]
            # the slice it read, which automation compares with merged_qac's source_slices (rejects too)
            assert meta["merged_slice"] == frame_content_version(source_slice(merged_rows(), source))
            rejects_key = "augment_rejects" if kept_key == "augmented_qac" else "distill_rejects"
            assert latest_metadata(instance, rejects_key, source)["merged_slice"] == meta["merged_slice"]
    assert instance.get_materialized_partitions(dg.AssetKey("distilled_qac")) == set(SOURCES)

    tail = dg.AssetSelection.assets("training_mix", "training_mix_rejects", "review_sample", "preference_pairs",
                                    "preference_rejects")  # fmt: skip
    result = dg.materialize(ASSETS, selection=tail, instance=instance, resources=resources)
    assert result.success
    [check] = result.get_asset_check_evaluations()
    assert check.check_name == "no_test_split_rows" and check.passed
    mix = result.output_for_node("mix", "training_mix")
    test_ids = set(merged_rows().filter(pl.col("split") == "test")["id"])
    assert set(mix["split"]) <= {"train", "val"} and not test_ids & set(mix["id"])
    assert not test_ids & set(mix["parent_id"].drop_nulls())
    assert {"original", "distilled", "augmented", "synthetic"} <= set(mix["origin"])
    distilled = mix.filter(pl.col("origin") == "distilled")
    assert set(distilled["teacher"]) == {"openai/fake-model"}
    assert not any("Held-out" in hit.prompt for hit in server.hits)  # test questions never reach a teacher

    review = result.output_for_node("review_sample")
    assert review.height > 0 and set(review["origin"]) <= {"distilled", "augmented", "synthetic"}
    assert (cfg.storage_path("review", "review_sample.csv")).exists()
    assert "<table>" in cfg.storage_path("review", "review_sample.html").read_text()
    pairs = result.output_for_node("preferences", "preference_pairs")
    assert pairs.height > 0 and (pairs["chosen"] != pairs["rejected"]).all()

    # A reviewer rejects one distilled row: the next mix leaves it out and says why.
    vetoed = distilled["id"][0]
    cfg.storage_path("review").mkdir(parents=True, exist_ok=True)
    pl.DataFrame({"id": [vetoed], "verdict": ["reject"], "note": ["dose unclear"]}).write_csv(
        cfg.storage_path("review", "verdicts.csv")
    )
    again = dg.materialize(ASSETS, selection=dg.AssetSelection.assets("training_mix", "training_mix_rejects"),
                           instance=instance, resources=resources)  # fmt: skip
    assert vetoed not in set(again.output_for_node("mix", "training_mix")["id"])
    assert again.output_for_node("mix", "training_mix_rejects")["reason"].to_list() == ["reviewer_rejected"]


def test_redistill_schedule_runs_weak_areas_and_reuses_the_cache(setup, tmp_path):
    server, resources, cfg, instance = setup
    job = augment_defs.redistill_job(PARTITIONS)
    defs = dg.Definitions(
        assets=ASSETS, jobs=[job], schedules=[augment_defs.redistill_schedule(job, "15 4 * * 0", "UTC")], resources=resources,
    )  # fmt: skip
    schedule = defs.resolve_schedule_def("redistill_schedule")
    assert schedule.cron_schedule == "15 4 * * 0"
    built = augment_defs.build_augment_defs(cfg).get_unresolved_schedule_def("redistill_schedule")
    assert built.cron_schedule == cfg.distill.schedule_cron == "0 3 * * 1"  # weekly by default, from config
    assert built.default_status == dg.DefaultScheduleStatus.RUNNING
    job = defs.resolve_job_def("redistill_job")
    assert job.partitions_def.get_partition_keys() == list(SOURCES)

    context = dg.build_schedule_context(
        instance=instance, scheduled_execution_time=dt.datetime(2026, 1, 5, 3, tzinfo=dt.UTC),
        repository_def=defs.get_repository_def(),
    )  # fmt: skip
    requests = list(schedule.evaluate_tick(context).run_requests)
    assert [r.partition_key for r in requests] == list(SOURCES)
    assert len({r.run_key for r in requests}) == len(requests)

    assert dg.materialize([merged_qac], instance=instance, resources=resources).success
    medqa = next(r for r in requests if r.partition_key == "medqa")
    first = job.execute_in_process(partition_key=medqa.partition_key, tags=medqa.tags, instance=instance)
    assert first.success
    calls_first = len(server.hits)
    weak_question = merged_rows().filter(pl.col("subject") == "Cardiology")["question"][0]
    assert calls_first > 0 and not any(weak_question in h.prompt for h in server.hits)

    # The benchmark reports Cardiology as weak: the next scheduled run adds its question; the rest is cached.
    (tmp_path / "weak_areas.csv").write_text(
        "source,subject,topic,metric,value,n,threshold\nmedqa,Cardiology,,accuracy,0.2,12,0.5\n"
    )
    second = job.execute_in_process(partition_key="medqa", instance=instance)
    assert second.success
    new_prompts = [h.prompt for h in server.hits[calls_first:]]
    assert new_prompts and all(weak_question in p for p in new_prompts)  # only the weak-area question cost calls
    meta = latest_metadata(instance, "distilled_qac", "medqa")
    assert meta["stats"]["weak_area_questions"] == 1
    assert meta["teacher_calls"]["cached"] == meta["teacher_calls"]["requests"] - len(new_prompts)


def test_no_test_split_check_fails_on_a_leaked_mix():
    merged = merged_rows()
    leaked = merged.with_columns(pl.lit(None, pl.String()).alias("parent_id"))  # the test row included as is
    result = augment_defs.training_mix_excludes_test(training_mix=leaked, merged_qac=merged)
    assert not result.passed and result.metadata["leaked_rows"].value == 1


@pytest.mark.slow
def test_one_partition_with_the_real_local_teacher(tmp_path, isolated_storage):
    """The demo's own teacher (SmolLM2-135M on CPU) behind the real gateway: whatever it writes, every
    output ends up kept or rejected with a reason, and each distilled row names the local model."""
    raw = yaml.safe_load((configs_dir() / "demo.yaml").read_text())
    raw["augment"].update(methods=["paraphrase"], max_questions_per_partition=1, max_rule_rows_per_partition=1, max_tokens=24)
    raw["distill"].update(modes=["response"], max_questions_per_partition=1, weak_area_extra_questions=0, max_tokens=24)
    profile = tmp_path / "local_teacher.yaml"
    profile.write_text(yaml.safe_dump(raw))
    medchat = MedchatConfig(profile=str(profile))
    resources = {"medchat": medchat, "teachers": TeachersResource(medchat=medchat),
                 "io_manager": MedchatIOManager(base_path=str(isolated_storage / "assets"))}  # fmt: skip
    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize([merged_qac], instance=instance, resources=resources).success
    selection = dg.AssetSelection.assets("augmented_qac", "augment_rejects", "distilled_qac", "distill_rejects")
    result = dg.materialize(ASSETS, selection=selection, partition_key="medquad", instance=instance, resources=resources)
    assert result.success
    for key in ("augmented_qac", "distilled_qac"):
        meta = latest_metadata(instance, key, "medquad")
        assert meta["produced"] == meta["kept"] + meta["rejected"] >= 1
        assert meta["teacher_calls"]["ok"] == meta["teacher_calls"]["requests"] == 1
    distilled = result.output_for_node("distill", "distilled_qac")
    assert set(distilled["teacher"]) <= {f"local/{raw['teachers']['teachers']['local']['model']}"}
