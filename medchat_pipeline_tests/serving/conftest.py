"""Serving fixtures: the real demo model as the small model, a loopback provider server as the large one.

The large model goes through the real teacher gateway (TeacherPool → OpenAI SDK → HTTP on 127.0.0.1),
answering "answer to: <question>", so a test can tell exactly which model answered what.
"""

from __future__ import annotations

import openai
import pytest

from medchat_pipeline.config import load_config
from medchat_pipeline.serving import ChatService, LocalChatModel, TeacherChatModel, start_server
from medchat_pipeline_tests.teachers.fake_provider_server import fake_teachers_section, start_fake_provider_server

SMALL_MAX_NEW_TOKENS = 8


@pytest.fixture(scope="session")
def small_model(demo_model_dir) -> LocalChatModel:
    """SmolLM2-135M-Instruct, greedy, short answers; a small input budget so 'too long' is cheap to reach."""
    return LocalChatModel(demo_model_dir, max_new_tokens=SMALL_MAX_NEW_TOKENS, max_input_tokens=160, batch_size=8)


@pytest.fixture(scope="session")
def provider_server():
    server = start_fake_provider_server()
    yield server
    server.stop()


@pytest.fixture
def serving_cfg(provider_server):
    """The demo profile with the large model = teacher 'fake' on the loopback provider server."""
    teachers = fake_teachers_section(provider_server, max_retries=0, backoff={"initial_s": 0.01, "max_s": 0.02})
    return load_config("demo", overrides={"teachers": teachers, "serving": {"large": {"teacher": "fake"}}})


@pytest.fixture
def teacher_pool(serving_cfg):
    from medchat_pipeline.teachers import TeacherPool

    pool = TeacherPool.from_config(serving_cfg)
    yield pool
    pool.close()


@pytest.fixture
def service(small_model, teacher_pool, serving_cfg) -> ChatService:
    large = TeacherChatModel(teacher_pool, "fake", max_new_tokens=64)
    service = ChatService(small_model, large, serving_cfg.serving)
    yield service
    service.close()


@pytest.fixture
def running(service, serving_cfg):
    """The test service (real demo model + loopback provider) behind the HTTP server on a free port."""
    server = start_server(service, serving_cfg.serving, port=0)
    yield server
    server.stop()


def client_for(server, api_key: str = "unused") -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=api_key, max_retries=0, timeout=120)


@pytest.fixture(scope="session")
def lora_adapter(demo_model_dir, tmp_path_factory):
    """A real (freshly initialized) PEFT LoRA adapter on the demo model, as the training assets save one."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(demo_model_dir, dtype=torch.float32)
    peft_model = get_peft_model(base, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM"))
    out = tmp_path_factory.mktemp("lora") / "adapter"
    peft_model.save_pretrained(out)
    return out


@pytest.fixture(autouse=True)
def one_torch_thread():
    """The CPUs here are shared by parallel jobs; one intra-op thread avoids oversubscription (20× faster)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
