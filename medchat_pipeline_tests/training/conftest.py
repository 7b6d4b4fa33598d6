"""A small training mix (QAC columns + split + origin), a tiny recipe that trains in seconds on CPU, and
the `graph` fixture: an observed source → training_mix → base_model → sft_lora_adapter (through Dagster
Pipes: a real subprocess running `python -m medchat_pipeline.training.sft`) → grpo_adapter (in
process), materialized once per session in a real instance under a temporary DAGSTER_HOME."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
import yaml
from dagster._core.definitions.observe import observe  # not re-exported at top level in 1.13

from medchat_pipeline.config import load_config
from medchat_pipeline.config.training import GRPOSettings, RewardWeights, SFTSettings, TrainingConfig
from medchat_pipeline.core.data.schema import conform, qac_id
from medchat_pipeline.defs import training
from medchat_pipeline.defs.io_manager import MedchatIOManager
from medchat_pipeline.defs.resources import MedchatConfig
from medchat_pipeline.defs.teachers import TeachersResource

# Hand-written rows in the shapes the real sources produce (MedQA/MedMCQA MCQ, PubMedQA yes/no/maybe,
# MedQuAD QA, HealthCareMagic-style dialogue turns).
ROWS = [
    ("medqa", "mcq", "", "A 45-year-old man has crushing chest pain radiating to the left arm and ST elevation in leads II, III and aVF. Which artery is most likely occluded?",
     "Right coronary artery", ["Left anterior descending artery", "Right coronary artery", "Left circumflex artery", "Left main coronary artery"], "B", "Cardiology"),
    ("medmcqa", "mcq", "", "Drug of choice for absence seizures in a child?",
     "Ethosuximide", ["Phenytoin", "Carbamazepine", "Ethosuximide", "Phenobarbital"], "C", "Pharmacology"),
    ("medmcqa", "mcq", "", "Vitamin deficiency causing Wernicke encephalopathy?",
     "Thiamine", ["Thiamine", "Niacin", "Cobalamin", "Folate"], "A", "Medicine"),
    ("pubmedqa", "yes_no_maybe", "Telephone counseling and tailored print communications increased mammography use in a three-year randomized trial of HMO women.",
     "Can tailored interventions increase mammography use among HMO women?",
     "Tailored telephone counseling increased mammography use compared with usual care.", None, "yes", "Oncology"),
    ("pubmedqa", "yes_no_maybe", "In a cohort of 300 patients, early mobilisation after hip surgery did not change 30-day mortality.",
     "Does early mobilisation after hip surgery reduce 30-day mortality?",
     "Early mobilisation did not reduce 30-day mortality in this cohort.", None, "no", "Orthopedics"),
    ("medquad", "qa", "", "What are the symptoms of iron deficiency anemia?",
     "Fatigue, pale skin, shortness of breath on exertion, brittle nails and cold hands and feet.", None, None, "Hematology"),
    ("medquad", "qa", "", "How is type 2 diabetes diagnosed?",
     "By a fasting plasma glucose of 126 mg/dL or more, an HbA1c of 6.5% or more, or a 2-hour glucose of 200 mg/dL or more on an oral glucose tolerance test.", None, None, "Endocrinology"),
    ("healthcaremagic", "dialogue_turn", "", "I have had a dry cough for three weeks after a cold. Should I worry?",
     "A cough that lingers for a few weeks after a cold is common. See your doctor if it lasts beyond eight weeks, or sooner if you cough blood, lose weight or feel short of breath.", None, None, "Pulmonology"),
    ("healthcaremagic", "dialogue_turn", "", "My 4 year old has a fever of 38.5 C and is drinking well. What can I give him?",
     "Paracetamol at the dose on the label for his weight can make him comfortable; keep him drinking. Seek care if he is drowsy, has a rash that does not fade, or the fever lasts more than three days.", None, None, "Pediatrics"),
    ("medquad", "qa", "", "What causes gout?",
     "Gout is caused by uric acid crystals depositing in joints when blood uric acid is high.", None, None, "Rheumatology"),
]


def training_mix_frame() -> pl.DataFrame:
    records = []
    for i, (source, kind, context, question, answer, options, key, subject) in enumerate(ROWS):
        records.append(
            {
                "id": qac_id(source, context, question, answer),
                "source": source,
                "source_id": f"{source}-{i}",
                "group_id": f"{source}-g{i}",
                "kind": kind,
                "context": context,
                "question": question,
                "answer": answer,
                "rationale": None,
                "options": options,
                "answer_key": key,
                "subject": subject,
                "topic": None,
                "split": "val" if i in (2, 6) else "train",
                "origin": "original",
            }
        )
    return conform(pl.DataFrame(records, infer_schema_length=None))


@pytest.fixture
def training_mix() -> pl.DataFrame:
    return training_mix_frame()


def tiny_recipe(mlflow_uri: str | None = None, **overrides) -> TrainingConfig:
    """A few steps on short sequences: enough to move the LoRA weights, fast on two shared cores.
    Runs may share one MLflow store (`mlflow_uri`): a fresh sqlite store costs ~10 s of migrations."""
    base = {
        "device": "cpu",
        "sft": SFTSettings(
            max_steps=1, learning_rate=1e-3, warmup_ratio=0.0, per_device_train_batch_size=1, per_device_eval_batch_size=1,
            gradient_accumulation_steps=1, max_length=128, gradient_checkpointing=False, logging_steps=1,
            eval_steps=100, save_steps=1, save_total_limit=3, max_eval_rows=1,
        ),
        "grpo": GRPOSettings(
            max_steps=1, learning_rate=1e-4, per_device_train_batch_size=2, gradient_accumulation_steps=1,
            num_generations=2, max_completion_length=8, gradient_checkpointing=False, logging_steps=1,
            save_steps=1, max_train_rows=2,
            # The MiniLM rewards are tested on their own (core/test_rewards.py); loading the model again
            # inside GRPO would double the test's cost.
            rewards=RewardWeights(embedding_similarity=0.0, bertscore=0.0),
        ),
        "mlflow": {"tracking_uri": mlflow_uri, "experiment": "medchat-tests"},
    }
    return TrainingConfig(**{**base, **overrides})


@pytest.fixture(scope="session")
def mlflow_uri(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"


@dg.observable_source_asset(group_name="sources", description="The hand-written rows, versioned by content.")
def raw_fixture_rows():
    return dg.DataVersion(qac_id("fixture", "", json.dumps(ROWS), ""))


@dg.asset(
    name="training_mix",
    deps=[raw_fixture_rows],
    group_name="augment",
    kinds={"polars"},
    description="Stands in for the augmentation engineer's training_mix: a small real frame, same schema.",
)
def fixture_training_mix() -> dg.Output:
    frame = training_mix_frame()
    return dg.Output(frame, metadata={"dagster/row_count": frame.height})


def profile(tmp_path: Path, mlflow_uri: str, runner: str) -> str:
    cfg = load_config("demo").model_dump()
    # Two triage emergencies join SFT (one GRPO), and GRPO keeps a KL to a frozen copy of the SFT adapter.
    recipe = tiny_recipe(mlflow_uri, runner=runner, escalation_examples={"enabled": True, "sft_rows": 2, "grpo_rows": 1})
    recipe.grpo.beta = 0.04
    cfg["training"] = recipe.model_dump()
    cfg["storage_dir"] = str(tmp_path / "storage")
    path = tmp_path / f"training-{runner}.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return str(path)


def definitions(tmp_path: Path, profile_path: str) -> dg.Definitions:
    medchat = MedchatConfig(profile=profile_path)
    return dg.Definitions(
        assets=[raw_fixture_rows, fixture_training_mix, training.base_model, training.sft_lora_adapter, training.grpo_adapter],
        resources={
            "io_manager": MedchatIOManager(base_path=str(tmp_path / "assets")),
            "medchat": medchat,
            "teachers": TeachersResource(medchat=medchat),
            **training.defs.resources,
        },
    )


@pytest.fixture(scope="session")
def graph(tmp_path_factory, demo_model_dir, mlflow_uri):
    """One small graph materialized once per session; the SFT and graph tests read its results."""
    root = tmp_path_factory.mktemp("graph")
    home = root / "dagster_home"
    home.mkdir()
    instance = dg.DagsterInstance.from_config(str(home))
    # SFT out of process through Pipes, GRPO in process: the two runners, one graph, one instance.
    piped = definitions(root, profile(root, mlflow_uri, "pipes_subprocess"))
    in_process = definitions(root, profile(root, mlflow_uri, "in_process"))
    observe([raw_fixture_rows], instance=instance)
    first = dg.materialize(
        [raw_fixture_rows, fixture_training_mix, training.base_model, training.sft_lora_adapter],
        selection=["training_mix", "base_model", "sft_lora_adapter"],
        resources=piped.resources,
        instance=instance,
    )
    second = dg.materialize(
        [raw_fixture_rows, fixture_training_mix, training.base_model, training.sft_lora_adapter, training.grpo_adapter],
        selection=["grpo_adapter"],
        resources=in_process.resources,
        instance=instance,
    )
    yield {"instance": instance, "home": home, "sft_run": first, "grpo_run": second}
    instance.dispose()
