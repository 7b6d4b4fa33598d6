"""Distillation rows of the design notes, through the real gateway and SDKs against the loopback
provider server: teacher routing by the serving Router with the cost it saves, ensembles (several
samples per question) with agreement as a filter, and originals kept on merit in the training mix."""

from __future__ import annotations

from collections import defaultdict

import polars as pl
import pytest

from medchat_pipeline.config import load_config
from medchat_pipeline.config.augment import MixConfig
from medchat_pipeline.core.distill.partition import distill_partition
from medchat_pipeline.core.distill.routing import route_teacher, teacher_prices
from medchat_pipeline.core.distill.training_mix import training_mix
from medchat_pipeline.serving.routing import Router
from medchat_pipeline.teachers import TeacherPool
from medchat_pipeline_tests.core.generation_fixtures import qac_frame, qac_row
from medchat_pipeline_tests.teachers.fake_provider_server import start_fake_provider_server

SIMPLE = "What is hypertension?"
COMPLEX = ("I have had a fever and an itchy rash on my arms for three days, my knees ache and I feel dizzy when I "
           "stand up. I take metformin. What could be causing this and should I stop my medication?")
MCQ = "Which drug is first line for absence seizures in children?"
ANSWERS = {  # what the teachers write, sample after sample
    SIMPLE: ["Hypertension is persistently raised blood pressure, 130/80 mmHg or more.",
             "Hypertension means blood pressure that stays high.",
             "It is high blood pressure over a long time."],
    COMPLEX: ["A viral illness or a drug reaction are possible; see a doctor today and do not stop metformin alone."] * 3,
    MCQ: ["Final Answer: C) Ethosuximide", "Final Answer: A) Phenytoin", "Final Answer: B) Valproate"],
}


def _reply_script():
    served: dict[str, int] = defaultdict(int)

    def reply(prompt: str, messages) -> str:
        question = next(q for q in ANSWERS if q in prompt)
        text = ANSWERS[question][served[question] % 3]
        served[question] += 1
        return text

    return reply


def test_routed_ensemble_distillation_through_the_gateway(monkeypatch, isolated_storage):
    server = start_fake_provider_server(reply=_reply_script())
    try:
        monkeypatch.setenv("FAKE_GEMINI_1", "g-secret-1")
        monkeypatch.setenv("FAKE_NVIDIA_1", "n-secret-1")
        teachers = {
            "default": "gemini", "timeout_s": 5.0, "backoff": {"initial_s": 0.02, "max_s": 0.2, "jitter": 0.5},
            "teachers": {
                "gemini": {"provider": "gemini", "model": "gemini-2.5-flash", "base_url": server.gemini_base_url,
                           "keys_env": "FAKE_GEMINI_*", "quota_pool": None},
                "nvidia": {"provider": "nvidia", "model": "meta/llama-3.3-70b-instruct",
                           "base_url": server.openai_base_url, "keys_env": "FAKE_NVIDIA_*", "quota_pool": None},
            },
        }
        cfg = load_config("demo", overrides={"teachers": teachers, "distill": {
            "teachers": ["gemini", "nvidia"], "modes": ["response"], "routing": {"enabled": True},
            "samples_per_question": 3, "temperature": 0.7, "min_agreement": 0.5, "max_questions_per_partition": None}})
        rows = qac_frame([
            qac_row("medquad", SIMPLE, "High blood pressure."),
            qac_row("healthcaremagic", COMPLEX, "See your doctor.", kind="dialogue_turn"),
            qac_row("medmcqa", MCQ, "Ethosuximide", kind="mcq", options=["Phenytoin", "Valproate", "Ethosuximide"],
                    answer_key="C"),
        ])
        router = Router(cfg.serving.router)
        expected = {q: route_teacher(q, router, cfg.distill.routing) for q in (SIMPLE, COMPLEX, MCQ)}
        assert expected[SIMPLE] == "nvidia" and expected[COMPLEX] == "gemini"  # the serving Router's own decision

        result = distill_partition(rows, "mixed", TeacherPool.from_config(cfg).run, cfg.distill,
                                   router=router, prices=teacher_prices(cfg))
    finally:
        server.stop()

    asked = defaultdict(list)
    for hit in server.hits:
        asked[next(q for q in ANSWERS if q in hit.prompt)].append(hit.model)
    for question, teacher in expected.items():  # one teacher per question, three samples each
        model = cfg.teachers.teachers[teacher].model
        assert asked[question] == [model] * 3, (question, asked[question])

    routing = result.stats["routing"]
    assert routing["requests_by_teacher"] == {t: list(expected.values()).count(t) for t in set(expected.values())}
    assert routing["requests_if_every_teacher"] == 6
    # NVIDIA's trial is free in configs/prices.yaml, Gemini Flash is not: routing saves the Gemini calls it avoided
    assert routing["cost_usd_every_teacher"] > routing["cost_usd_routed"] > 0
    assert routing["saved_usd"] == pytest.approx(routing["cost_usd_every_teacher"] - routing["cost_usd_routed"], abs=2e-6)

    kept = result.kept
    assert sorted(kept.filter(pl.col("question") == SIMPLE)["answer"].to_list()) == sorted(ANSWERS[SIMPLE])
    assert kept.filter(pl.col("question") == COMPLEX).height == 1  # three identical samples: one row
    reasons = result.rejects.group_by("reason").len().sort("reason").rows()
    # the MCQ's three samples pick C, A, B: agreement 1/3 < 0.5; gold filter keeps only C, then the filter drops it
    assert ("duplicate_sample", 2) in reasons and ("low_agreement", 1) in reasons
    assert kept.filter(pl.col("question") == MCQ).is_empty()
    assert result.produced == 9  # every sample is a kept row or a reject with its reason


def test_originals_are_kept_on_merit_not_at_random():
    concise = [qac_row("medquad", f"What is condition {i}?", f"Condition {i} is a common, treatable problem.")
               for i in range(4)]
    hedging = qac_row("medquad", "What causes gout?", "I'm not sure, but it might be diet.")
    rambling = qac_row("medquad", "What is asthma?", " ".join(["Asthma narrows the airways."] * 60))
    merged = qac_frame(concise + [hedging, rambling])
    distilled = qac_frame([qac_row("medquad", "What is condition 0?", "Teacher answer.", parent_id=concise[0]["id"])
                           .__or__({"origin": "distilled"})])
    for seed in (1, 2, 3):  # whatever the seed, the clean concise originals are the ones kept
        mix = training_mix(merged, distilled, qac_frame([]), MixConfig(distilled_share=0.2, original_max_words=100), seed)
        originals = mix.frame.filter(pl.col("origin") == "original")
        assert originals.height == 4 and set(originals["id"]) == {r["id"] for r in concise}
    assert mix.stats["originals_by_merit"] == {"concise_and_clean": 4, "hedging": 1, "not_concise": 1}
    random = training_mix(merged, distilled, qac_frame([]), MixConfig(distilled_share=0.2, original_selection="random"), 3)
    assert random.frame.filter(pl.col("origin") == "original").height == 4
