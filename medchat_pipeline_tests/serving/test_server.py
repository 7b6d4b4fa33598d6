"""The OpenAI-compatible server on 127.0.0.1, driven by the real `openai` SDK."""

from __future__ import annotations

import json
import shutil
import threading
import urllib.error
import urllib.request

import openai
import pytest

from medchat_pipeline.config import load_config
from medchat_pipeline.serving import ChatServer, build_chat_service, start_server


@pytest.fixture
def running(service, serving_cfg):
    """The test service (real demo model + loopback provider) behind the HTTP server on a free port."""
    server, _thread = start_server(service, serving_cfg.serving, port=0)
    yield server
    server.shutdown()
    server.server_close()


def client_for(server, api_key: str = "unused") -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=api_key, max_retries=0, timeout=120)


def get_json(url: str, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_openai_sdk_against_the_full_service_with_the_latest_adapter(serving_cfg, lora_adapter, demo_model_dir, provider_server):
    adapter_dir = serving_cfg.storage_path("adapters", "sft_lora_adapter", "run-1")
    shutil.copytree(lora_adapter, adapter_dir)
    (adapter_dir / "manifest.json").write_text(json.dumps({"base_model_path": str(demo_model_dir)}))
    cfg = serving_cfg.model_copy(
        update={"serving": serving_cfg.serving.model_copy(update={"small": serving_cfg.serving.small.model_copy(update={"max_new_tokens": 6})})}
    )
    service = build_chat_service(cfg)
    server, _thread = start_server(service, cfg.serving, port=0)
    try:
        client = client_for(server)
        simple = client.chat.completions.create(
            model="medchat-router", messages=[{"role": "user", "content": "What is anemia?"}]
        )
        route = simple.model_extra["medchat_route"]
        assert simple.object == "chat.completion" and simple.model == "medchat-router"
        assert simple.choices[0].message.role == "assistant" and simple.choices[0].message.content
        assert route["answered_by"] == "small" and route["routed_to"] == "small"
        assert route["model"]["adapter_dir"] == str(adapter_dir)
        assert any(reason.startswith("simple_phrasing") for reason in route["reasons"])
        assert 0 < simple.usage.completion_tokens <= 6
        assert simple.usage.total_tokens == simple.usage.prompt_tokens + simple.usage.completion_tokens

        question = "My 4 year old has a fever and a rash and is very tired. What could be causing it?"
        diagnostic = client.chat.completions.create(
            model="medchat-router",
            messages=[{"role": "system", "content": "ignored"}, {"role": "user", "content": question}],
            max_tokens=32,
        )
        route = diagnostic.model_extra["medchat_route"]
        assert diagnostic.choices[0].message.content == f"answer to: {question}"
        assert route["answered_by"] == "large" and route["score"] >= route["threshold"]
        assert route["model"]["teacher"] == "fake"

        status, health = get_json(f"{server.url}/healthz")
        assert status == 200 and health["status"] == "ok" and health["requests_answered"] == 2
        assert health["models"]["small"]["adapter_dir"] == str(adapter_dir)
    finally:
        server.shutdown()
        server.server_close()


def test_requests_the_api_cannot_answer_get_openai_errors(running):
    client = client_for(running)
    with pytest.raises(openai.NotFoundError, match="medchat-router"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi there"}])
    with pytest.raises(openai.BadRequestError, match="n: "):
        client.chat.completions.create(model="medchat-router", messages=[{"role": "user", "content": "hi"}], n=2)
    with pytest.raises(openai.BadRequestError, match="last message"):
        client.chat.completions.create(model="medchat-router", messages=[{"role": "assistant", "content": "hello"}])
    with pytest.raises(openai.BadRequestError, match="messages"):
        client.chat.completions.create(model="medchat-router", messages=[])
    raw = urllib.request.Request(f"{running.url}/v1/chat/completions", data=b"{not json", method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(raw, timeout=10)
    assert caught.value.code == 400 and "not valid JSON" in json.loads(caught.value.read())["error"]["message"]
    assert get_json(f"{running.url}/nowhere")[0] == 404
    assert [m.id for m in client.models.list()] == ["medchat-router", "medchat-router-small", "medchat-router-large"]


def test_streaming_clients_get_the_answer_as_server_sent_events(running):
    question = "I have a headache and a stiff neck, what could it be?"
    stream = client_for(running).chat.completions.create(
        model="medchat-router", messages=[{"role": "user", "content": question}], stream=True
    )
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == f"answer to: {question}"
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["medchat_route"]["answered_by"] == "large"


def test_concurrent_requests_are_answered_in_one_batch(service, serving_cfg):
    cfg = serving_cfg.serving.model_copy(update={"batch_wait_ms": 1500.0, "max_batch_size": 4})
    server, _thread = start_server(service, cfg, port=0)
    questions = [f"Is a resting heart rate of {rate} normal for me?" for rate in (55, 65, 75, 85)]
    replies: dict[str, str] = {}
    barrier = threading.Barrier(len(questions))

    def ask(question: str) -> None:
        barrier.wait()
        reply = client_for(server).chat.completions.create(
            model="medchat-router-large", messages=[{"role": "user", "content": question}]
        )
        replies[question] = reply.choices[0].message.content

    try:
        threads = [threading.Thread(target=ask, args=(q,)) for q in questions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert replies == {q: f"answer to: {q}" for q in questions}
        assert server.batcher.answered == 4 and server.batcher.batches == 1
    finally:
        server.shutdown()
        server.server_close()


def test_a_bearer_token_guards_the_api_and_remote_hosts_require_one(service, serving_cfg, monkeypatch):
    monkeypatch.setenv("MEDCHAT_TEST_API_TOKEN", "s3cret-token")
    cfg = serving_cfg.serving.model_copy(update={"auth_token_env": "MEDCHAT_TEST_API_TOKEN"})
    server, _thread = start_server(service, cfg, port=0)
    try:
        with pytest.raises(openai.AuthenticationError):
            client_for(server, "wrong").models.list()
        assert [m.id for m in client_for(server, "s3cret-token").models.list()][0] == "medchat-router"
        assert get_json(f"{server.url}/healthz") == (200, {"status": "ok"})
        status, health = get_json(f"{server.url}/healthz", "s3cret-token")
        assert status == 200 and health["auth"] is True and "s3cret" not in json.dumps(health)
    finally:
        server.shutdown()
        server.server_close()

    with pytest.raises(RuntimeError, match="without authentication"):
        ChatServer(service, serving_cfg.serving, host="0.0.0.0", port=0)
    monkeypatch.delenv("MEDCHAT_TEST_API_TOKEN")
    with pytest.raises(RuntimeError, match="not set"):
        ChatServer(service, cfg, port=0)


def test_demo_profile_defaults_to_loopback():
    assert load_config("demo").serving.host == "127.0.0.1"
