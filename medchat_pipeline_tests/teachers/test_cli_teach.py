"""`medchat teach`: one output row per input row, summary line, cache re-use, and resume after a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter

from click.testing import CliRunner

from medchat_pipeline.cli.teach import command as teach_command
from medchat_pipeline.teachers.cache import TeacherCache
from medchat_pipeline_tests.teachers.fake_provider_server import start_fake_provider_server
from medchat_pipeline_tests.teachers.helpers import set_fake_keys


def write_prompts(path, count: int) -> None:
    rows = [{"id": f"p{i}", "prompt": f"prompt {i}"} if i % 2 else {"id": f"p{i}", "messages": [{"role": "user", "content": f"prompt {i}"}]} for i in range(count)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


def test_teach_writes_a_row_per_input_and_a_second_run_is_cached(fake_provider, monkeypatch, tmp_path):
    set_fake_keys(monkeypatch, "NVTEST", 2)
    prompts_file, out_file = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_prompts(prompts_file, 6)
    with open(prompts_file, "a") as handle:
        handle.write("{broken\n" + json.dumps({"id": "p0", "prompt": "again"}) + "\n" + json.dumps({"id": "x"}) + "\n")
    args = ["--provider", "nvidia", "--base-url", fake_provider.openai_base_url, "--keys-env", "NVTEST_*",
            "--rpm", "6000", "--concurrency", "4", "--prompts", str(prompts_file), "--out", str(out_file)]

    first = CliRunner().invoke(teach_command, args)
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout.strip().splitlines()[-1])
    assert {k: summary[k] for k in ("requests", "ok", "failed", "cached")} == {"requests": 9, "ok": 6, "failed": 3, "cached": 0}
    rows = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["p0", "p1", "p2", "p3", "p4", "p5", "line-7", "p0", "x"]
    assert set(rows[0]) >= {"id", "text", "provider", "model", "key_alias", "usage", "cost", "cached", "error"}
    assert rows[1]["text"] == "answer to: prompt 1" and rows[1]["provider"] == "nvidia"
    assert rows[1]["model"] == "meta/llama-3.3-70b-instruct"  # the profile's nvidia teacher
    assert Counter(r["key_alias"] for r in rows[:6]) == {"NVTEST_1": 3, "NVTEST_2": 3}
    assert [r["error"].split(":")[0] for r in rows[6:]] == ["bad_request"] * 3
    assert "duplicate id 'p0'" in rows[7]["error"]
    hits = len(fake_provider.hits)

    second = CliRunner().invoke(teach_command, args)
    assert second.exit_code == 0, second.output
    assert json.loads(second.stdout.strip().splitlines()[-1])["cached"] == 6
    assert len(fake_provider.hits) == hits


def test_a_killed_run_resumes_without_repeating_finished_items(monkeypatch, tmp_path, isolated_storage):
    keys = set_fake_keys(monkeypatch, "RESUME", 1)
    prompts_file, out_file = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_prompts(prompts_file, 40)
    server = start_fake_provider_server(latency_s=0.05)
    command = [
        sys.executable, "-c", "from medchat_pipeline.cli.teach import command; command()",
        "--provider", "openai", "--base-url", server.openai_base_url, "--model", "fake-model",
        "--keys-env", "RESUME_*", "--concurrency", "2", "--prompts", str(prompts_file), "--out", str(out_file),
    ]
    env = {**os.environ, **keys}
    try:
        victim = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len(server.served_ok()) < 12 and time.monotonic() < deadline and victim.poll() is None:
            time.sleep(0.02)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        assert victim.returncode == -signal.SIGKILL and not out_file.exists()
        first_run = {hit.prompt for hit in server.served_ok()}
        committed = len(TeacherCache(isolated_storage / "teacher_cache.sqlite"))
        assert 0 < committed < 40 and len(first_run) - committed <= 2  # at most the 2 calls in flight were lost

        resumed_at = time.monotonic()  # (a call in flight at the kill may still be answered, and listed, after this)
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
    finally:
        server.stop()
    second_run = [hit.prompt for hit in server.hits if hit.t >= resumed_at]
    assert len(second_run) == 40 - committed  # exactly the unfinished items, none twice
    assert len(first_run & set(second_run)) <= 2
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["ok"] == 40 and summary["cached"] == committed
    assert len(out_file.read_text().splitlines()) == 40
