"""The GPU path: the small model served by vLLM and proxied. Its settings are validated everywhere; the
proxy runs here against a real OpenAI-compatible streaming server (ours, on the real small model);
vLLM itself only where CUDA and vllm exist."""

from __future__ import annotations

import importlib.util

import pytest

from medchat_pipeline.config import ConfigError, load_config
from medchat_pipeline.serving import ChatService, OpenAICompatibleChatModel, TeacherChatModel, start_server
from medchat_pipeline.serving.backends import PromptFitter, SmallModelChoice
from medchat_pipeline.serving.vllm import VllmEngine, vllm_available, vllm_command
from medchat_pipeline.teachers import TeacherPool
from medchat_pipeline_tests.serving.conftest import client_for


def test_vllm_settings_are_validated_and_become_a_vllm_serve_command(tmp_path):
    with pytest.raises(ConfigError, match="vllm runs on CUDA only"):
        load_config("demo", overrides={"serving": {"small": {"backend": "vllm", "device": "cpu"}}})
    with pytest.raises(ConfigError, match="gpu_memory_utilization"):
        load_config("demo", overrides={"serving": {"small": {"vllm": {"gpu_memory_utilization": 1.5}}}})

    gpu = load_config("medgemma-27b")
    assert gpu.serving.small.backend == "vllm"
    serving = gpu.serving.model_copy(update={"small": gpu.serving.small.model_copy(update={
        "vllm": gpu.serving.small.vllm.model_copy(update={"port": 9123, "extra_args": ["--enforce-eager"]})})})
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_config.json").write_text('{"r": 24, "peft_type": "LORA"}')
    command = vllm_command(serving, SmallModelChoice("/models/base", str(adapter), None, ""))
    assert command[1:3] == ["serve", "/models/base"]
    flags = dict(zip(command[3::2], command[4::2]))
    assert flags["--host"] == "127.0.0.1" and flags["--port"] == "9123"
    assert "--enable-lora" in command and f"medchat-small={adapter}" in command
    assert command[command.index("--max-lora-rank") + 1] == "32"  # r=24 needs vLLM's next rank up
    assert command[-1] == "--enforce-eager"
    plain = vllm_command(serving, SmallModelChoice("/models/base", None, None, ""))
    assert "--enable-lora" not in plain and plain[plain.index("--served-model-name") + 1] == "medchat-small"


@pytest.mark.skipif(vllm_available() is None, reason="CUDA and vllm are here: the engine can start")
def test_without_cuda_or_vllm_the_vllm_backend_says_why():
    cfg = load_config("medgemma-27b")
    with pytest.raises(RuntimeError, match="backend is vllm, but .*use backend: local here"):
        VllmEngine.launch(cfg.serving, SmallModelChoice("/models/base", None, None, ""))


def test_the_small_lane_proxies_to_an_openai_compatible_engine_and_streams(small_model, teacher_pool, serving_cfg):
    """A second router whose small model is the first server's small model over HTTP (as it would be
    vLLM's): same answer, streamed in pieces, and the proxy's own limits, triage and guard apply."""
    engine_service = ChatService(small_model, TeacherChatModel(teacher_pool, "fake"), serving_cfg.serving)
    engine = start_server(engine_service, serving_cfg.serving, port=0)
    cfg = serving_cfg.serving.model_copy(update={"stream_holdback_words": 1})
    proxied = OpenAICompatibleChatModel(f"{engine.url}/v1", "medchat-router-small", max_new_tokens=8,
                                        fitter=PromptFitter(small_model.tokenizer, 160))
    front_pool = TeacherPool.from_config(serving_cfg)  # a pool serves one event loop: each service has its own
    front_service = ChatService(proxied, TeacherChatModel(front_pool, "fake"), cfg)
    front = start_server(front_service, cfg, port=0)
    try:
        direct = client_for(engine).chat.completions.create(
            model="medchat-router-small", messages=[{"role": "user", "content": "What is anemia?"}])
        chunks = list(client_for(front).chat.completions.create(
            model="medchat-router", messages=[{"role": "user", "content": "What is anemia?"}], stream=True,
            stream_options={"include_usage": True}))
        pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
        assert "".join(pieces) == direct.choices[0].message.content and len(pieces) > 1
        assert chunks[-2].model_extra["medchat_route"]["answered_by"] == "small"
        assert chunks[-1].usage.completion_tokens == direct.usage.completion_tokens
        assert front_service.describe()["small"]["backend"] == "openai_compatible"
    finally:
        front.stop()
        front_service.close()
        front_pool.close()
        engine.stop()
        engine_service.close()


@pytest.mark.slow
@pytest.mark.skipif(vllm_available() is not None, reason=f"no vLLM engine here: {vllm_available()}")
def test_vllm_serves_the_small_model_through_the_router(serving_cfg):  # pragma: no cover - GPU machines only
    from medchat_pipeline.serving.smoke import gpu_smoke_check

    assert importlib.util.find_spec("vllm") is not None
    report = gpu_smoke_check(serving_cfg, max_tokens=16)
    assert report["ok"] and report["first_chunk_s"] <= report["total_s"], report
