"""API keys never reach logs, exceptions, results, the cache, metadata, MLflow or output files."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import dagster as dg
import yaml
from click.testing import CliRunner

from medchat_pipeline.cli.teach import command as teach_command
from medchat_pipeline.config import load_config
from medchat_pipeline.defs.resources import MedchatConfig
from medchat_pipeline.defs.teachers import TeachersResource
from medchat_pipeline.teachers import TeacherRequest, log_summary_to_mlflow, summarize
from medchat_pipeline_tests.teachers.fake_provider_server import fake_teachers_section
from medchat_pipeline_tests.teachers.helpers import FAST, fake_pool, prompts, set_fake_keys


def files_containing(root: Path, secrets: list[str]) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path}: {s[:8]}…" for s in secrets if s.encode() in data]
    return found


def test_a_faulty_batch_leaves_no_key_anywhere(fake_provider, monkeypatch, tmp_path, caplog, capfd, isolated_storage):
    keys = set_fake_keys(monkeypatch, "LEAKCHECK", 3)
    secrets = list(keys.values())
    fake_provider.key_faults = {keys["LEAKCHECK_2"]: "401"}
    fake_provider.fault_rate = 0.4
    fake_provider.transient_faults = ("500", "malformed", "429", "429_retryinfo")
    fake_provider.retry_after_s = 0.01
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")

    with caplog.at_level(logging.DEBUG):
        results = []
        for provider in ("openai", "gemini"):
            pool = fake_pool(fake_provider, provider, "LEAKCHECK_*", max_retries=1)
            results += pool.run([TeacherRequest(id=f"{provider}-{r.id}", prompt=r.prompt) for r in prompts(12)], progress=True)

        # the CLI writes an output file and a summary
        prompts_file, out_file = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
        prompts_file.write_text("".join(json.dumps({"id": f"c{i}", "prompt": f"cli {i}"}) + "\n" for i in range(6)))
        cli = CliRunner().invoke(
            teach_command,
            ["--provider", "openai", "--base-url", fake_provider.openai_base_url, "--model", "fake-model",
             "--keys-env", "LEAKCHECK_*", "--prompts", str(prompts_file), "--out", str(out_file)],
        )
        assert cli.exit_code == 0, cli.output

        # a Dagster asset records the summary as metadata
        profile = tmp_path / "profile.yaml"
        section = fake_teachers_section(fake_provider, keys_env="LEAKCHECK_*", **FAST)
        profile.write_text(yaml.safe_dump(load_config("demo", overrides={"teachers": section}).model_dump()))

        @dg.asset(pool="teacher_api")
        def answers(teachers: TeachersResource) -> dg.MaterializeResult:
            batch = teachers.pool().run(prompts(5, "asset"), progress=False)
            return dg.MaterializeResult(metadata={"teachers": dg.MetadataValue.json(summarize(batch))})

        with dg.DagsterInstance.ephemeral() as instance:
            outcome = dg.materialize(
                [answers], instance=instance, resources={"teachers": TeachersResource(medchat=MedchatConfig(profile=str(profile)))}
            )
            assert outcome.success
            events = [str(e) for e in instance.all_logs(outcome.run_id)]

        import mlflow

        experiment = mlflow.create_experiment("leak-scan", artifact_location=(tmp_path / "mlflow_artifacts").as_uri())
        with mlflow.start_run(experiment_id=experiment) as run:
            log_summary_to_mlflow(summarize(results))
        logged = mlflow.get_run(run.info.run_id).data.metrics

    assert len(results) == 24 and any(r.ok for r in results)
    texts = [r.getMessage() for r in caplog.records] + [str(r.__dict__) for r in caplog.records]
    captured = capfd.readouterr()
    haystacks = {
        "log records": "\n".join(texts),
        "stderr": captured.err + cli.output,
        "stdout": captured.out,
        "results": repr(results),
        "dagster events": "\n".join(events),
    }
    for where, text in haystacks.items():
        for secret in secrets:
            assert secret not in text, f"a key leaked into {where}"
    assert "LEAKCHECK_2 disabled" in haystacks["log records"]  # the alias is what gets reported
    assert len(caplog.records) > 10  # the scan saw real logging (SDK debug lines included)
    leaks = files_containing(isolated_storage, secrets) + files_containing(tmp_path, secrets)
    assert leaks == []
    assert (isolated_storage / "teacher_cache.sqlite").exists()
    assert logged["teacher_requests"] == 24 and "teacher_key_alias_LEAKCHECK_1_requests" in logged
