"""scripts/gpu_smoke.py: on a machine without CUDA every part is skipped with the reason and the script
exits 0 (it runs in CI like this); a part whose input failed is skipped, naming it; an error is a
failed verdict with the exception, never an exit without a verdict."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

from medchat_pipeline.config import project_root

SCRIPT = project_root() / "scripts" / "gpu_smoke.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("gpu_smoke", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_without_cuda_every_part_is_skipped_with_the_reason(tmp_path):
    out = tmp_path / "smoke.json"
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}  # the same path on a GPU machine: no device visible
    result = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    verdict = json.loads(out.read_text())
    parts = _load_script().PARTS
    assert parts == ("recipe", "qlora_sft", "grpo", "vllm_evaluation", "vllm_serving")
    for part in parts:
        assert verdict[part]["status"] == "skipped" and "CUDA" in verdict[part]["why"], verdict[part]
    assert verdict["cuda"] is False
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {part: "skipped" for part in parts}


def test_a_failed_part_is_recorded_and_its_dependents_skip():
    smoke = _load_script()
    results: dict = {}
    deadline = float("inf")

    def broken():
        raise RuntimeError("bitsandbytes has no CUDA kernels for this GPU")

    def dependent():
        smoke.needs(results, "qlora_sft")
        return {"never": True}

    smoke.run_part("qlora_sft", results, broken, deadline)
    smoke.run_part("grpo", results, dependent, deadline)
    smoke.run_part("vllm_serving", results, lambda: {"answered": 1}, 0.0)  # past the budget
    assert results["qlora_sft"]["status"] == "failed"
    assert "RuntimeError: bitsandbytes has no CUDA kernels" in results["qlora_sft"]["error"]
    assert results["grpo"] == {"status": "skipped", "why": "needs qlora_sft, which is failed", "seconds": results["grpo"]["seconds"]}
    assert results["vllm_serving"]["status"] == "skipped" and "budget" in results["vllm_serving"]["why"]
