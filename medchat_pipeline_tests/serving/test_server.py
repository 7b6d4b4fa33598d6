"""The OpenAI-compatible server on 127.0.0.1, driven by the real `openai` SDK and httpx."""

from __future__ import annotations

import json
import logging
import shutil

import httpx
import openai
import pytest

from medchat_pipeline.config import load_config
from medchat_pipeline.serving import ChatServer, ChatService, TeacherChatModel, build_chat_service, start_server
from medchat_pipeline.serving.metrics import JsonLogFormatter
from medchat_pipeline_tests.serving.conftest import SMALL_MAX_NEW_TOKENS, client_for


def test_openai_sdk_against_the_full_service_with_the_latest_adapter(serving_cfg, lora_adapter, demo_model_dir, provider_server):
    adapter_dir = serving_cfg.storage_path("adapters", "sft_lora_adapter", "run-1")
    shutil.copytree(lora_adapter, adapter_dir)
    (adapter_dir / "manifest.json").write_text(json.dumps({"base_model_path": str(demo_model_dir)}))
    cfg = serving_cfg.model_copy(
        update={"serving": serving_cfg.serving.model_copy(update={"small": serving_cfg.serving.small.model_copy(update={"max_new_tokens": 6, "adapter": "latest"})})}
    )
    service = build_chat_service(cfg)
    server = start_server(service, cfg.serving, port=0)
    try:
        assert service.describe()["small"]["adapter_dir"] == str(adapter_dir)
        client = client_for(server)
        simple = client.chat.completions.with_raw_response.create(
            model="medchat-router", messages=[{"role": "user", "content": "What is anemia?"}]
        )
        request_id = simple.headers["x-request-id"]
        simple = simple.parse()
        route = simple.model_extra["medchat_route"]
        assert simple.id == f"chatcmpl-{request_id}"
        assert simple.object == "chat.completion" and simple.model == "medchat-router"
        assert simple.choices[0].message.role == "assistant" and simple.choices[0].message.content
        assert route["answered_by"] == "small" and route["routed_to"] == "small" and route["emergency"] is False
        assert any(reason.startswith("simple_phrasing") for reason in route["reasons"])
        assert route["latency_s"] >= route["queue_s"] >= 0
        assert 0 < simple.usage.completion_tokens <= 6
        assert simple.usage.total_tokens == simple.usage.prompt_tokens + simple.usage.completion_tokens

        question = "My 4 year old has a fever and a rash and is very tired. What could be causing it?"
        diagnostic = client.chat.completions.create(
            model="medchat-router",
            messages=[{"role": "system", "content": "ignored"}, {"role": "user", "content": question}],
            max_tokens=6,
        )
        route = diagnostic.model_extra["medchat_route"]
        assert diagnostic.choices[0].message.content == f"answer to: {question}"
        assert route["answered_by"] == "large" and route["score"] >= route["threshold"]
        # Clients learn which model answered, never where it lives (paths, hosts, teacher names).
        shown = json.dumps(route)
        assert str(adapter_dir) not in shown and "127.0.0.1" not in shown and "fake" not in shown

        assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
        ready = httpx.get(f"{server.url}/readyz").json()
        assert ready["status"] == "ready" and ready["lanes"]["small"]["ready"] and ready["lanes"]["large"]["ready"]
    finally:
        server.stop()
        service.close()


def error_of(response: httpx.Response) -> dict:
    """The OpenAI error object of a response, checking its shape and the request id header."""
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}
    assert response.headers["x-request-id"]
    return body["error"]


def test_requests_the_api_cannot_answer_get_openai_errors(running):
    client = client_for(running)
    with pytest.raises(openai.NotFoundError, match="medchat-router"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi there"}])
    with pytest.raises(openai.BadRequestError, match="one choice per request"):
        client.chat.completions.create(model="medchat-router", messages=[{"role": "user", "content": "hi"}], n=2)
    with pytest.raises(openai.BadRequestError, match="last message"):
        client.chat.completions.create(model="medchat-router", messages=[{"role": "assistant", "content": "hello"}])
    with pytest.raises(openai.BadRequestError, match="messages"):
        client.chat.completions.create(model="medchat-router", messages=[])
    with pytest.raises(openai.BadRequestError, match="response_format: only type 'text'"):
        client.chat.completions.create(model="medchat-router", messages=[{"role": "user", "content": "hi"}],
                                       response_format={"type": "json_object"})
    # A larger budget than the model generates is refused, naming the limit (never silently capped).
    with pytest.raises(openai.BadRequestError, match=rf"max_tokens: 500 is more than medchat-router-small generates "
                                                     rf"\({SMALL_MAX_NEW_TOKENS} tokens at most\)"):
        client.chat.completions.create(model="medchat-router-small", messages=[{"role": "user", "content": "hi"}],
                                       max_tokens=500)
    with pytest.raises(openai.BadRequestError, match="only text parts"):
        client.chat.completions.create(model="medchat-router", messages=[{"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": "https://example.org/x.png"}}]}])

    url = f"{running.url}/v1/chat/completions"
    bad_json = httpx.post(url, content=b"{not json", headers={"content-type": "application/json"})
    assert bad_json.status_code == 400 and "not valid JSON" in error_of(bad_json)["message"]
    wrong_type = httpx.post(url, json={"model": "medchat-router", "messages": [{"role": "user", "content": 5}]})
    assert wrong_type.status_code == 400 and error_of(wrong_type)["param"] == "messages"
    nowhere = httpx.get(f"{running.url}/nowhere")
    assert nowhere.status_code == 404 and error_of(nowhere)["code"] == "not_found"
    wrong_method = httpx.delete(f"{running.url}/v1/models")
    assert wrong_method.status_code == 405 and error_of(wrong_method)["type"] == "invalid_request_error"

    assert [m.id for m in client.models.list()] == ["medchat-router", "medchat-router-small", "medchat-router-large"]
    small = client.models.retrieve("medchat-router-small")
    assert small.id == "medchat-router-small" and small.model_extra["max_completion_tokens"] == SMALL_MAX_NEW_TOKENS
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        client.models.retrieve("gpt-4o")


def test_text_parts_stop_and_client_request_ids_are_honoured(running):
    client = client_for(running)
    question = "What is anemia?"
    plain = client.chat.completions.create(model="medchat-router-small", messages=[{"role": "user", "content": question}])
    parts = client.chat.completions.create(
        model="medchat-router-small",
        messages=[{"role": "user", "content": [{"type": "text", "text": "What is"}, {"type": "text", "text": "anemia?"}]}],
    )
    text = plain.choices[0].message.content
    assert parts.model_extra["medchat_route"]["answered_by"] == "small" and parts.choices[0].message.content

    # `stop`: the answer ends before the first stop string, and generation stops there.
    words = text.split()
    assert len(words) >= 3, text
    stop = max(words[1:4], key=len)
    stopped = client.chat.completions.create(model="medchat-router-small", messages=[{"role": "user", "content": question}],
                                             stop=[stop, "never in this answer"])
    assert stopped.choices[0].message.content == text[: text.index(stop)].rstrip()
    assert stopped.choices[0].finish_reason == "stop"
    assert stopped.usage.completion_tokens < plain.usage.completion_tokens

    echoed = httpx.get(f"{running.url}/healthz", headers={"x-request-id": "trace-42.a"})
    assert echoed.headers["x-request-id"] == "trace-42.a"
    replaced = httpx.get(f"{running.url}/healthz", headers={"x-request-id": "no spaces/slashes"})
    assert len(replaced.headers["x-request-id"]) == 32


def test_streaming_sends_chunks_in_order_as_tokens_are_produced(small_model, teacher_pool, serving_cfg):
    # The test model writes 8 tokens: hold back 2 words (not the default 8) so that some leave early.
    cfg = serving_cfg.serving.model_copy(update={"stream_holdback_words": 2})
    service = ChatService(small_model, TeacherChatModel(teacher_pool, "fake", max_new_tokens=64), cfg)
    server = start_server(service, cfg, port=0)
    try:
        check_stream_order(client_for(server))
    finally:
        server.stop()
        service.close()


def check_stream_order(client: openai.OpenAI) -> None:
    question = "What is anemia?"
    whole = client.chat.completions.create(model="medchat-router-small", messages=[{"role": "user", "content": question}])
    chunks = list(client.chat.completions.create(
        model="medchat-router-small", messages=[{"role": "user", "content": question}], stream=True,
        stream_options={"include_usage": True},
    ))
    content_chunks = [c for c in chunks if c.choices and c.choices[0].delta.content]
    # role first, then content pieces, then the finish chunk with medchat_route, then usage alone
    assert chunks[0].choices[0].delta.role == "assistant"
    assert len(content_chunks) > 1, "the answer must arrive in pieces, not whole"
    finish = chunks[-2]
    assert finish.choices[0].finish_reason == whole.choices[0].finish_reason and finish.choices[0].delta.content is None
    assert finish.model_extra["medchat_route"]["answered_by"] == "small"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == whole.usage.completion_tokens
    assert all(c.usage is None for c in chunks[:-1])
    assert len({c.id for c in chunks}) == 1 and chunks[0].id.startswith("chatcmpl-")
    # Greedy decoding: the streamed pieces add up to exactly the whole answer.
    assert "".join(c.choices[0].delta.content for c in content_chunks) == whole.choices[0].message.content

    large = list(client.chat.completions.create(
        model="medchat-router-large", messages=[{"role": "user", "content": "My knee has been swollen for a week, what could it be?"}],
        stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in large if c.choices).startswith("answer to:")
    assert large[-1].choices[0].finish_reason == "stop" and large[-1].usage is None


def test_a_bearer_token_guards_the_api_and_remote_hosts_require_one(service, serving_cfg, monkeypatch):
    monkeypatch.setenv("MEDCHAT_TEST_API_TOKEN", "s3cret-token")
    cfg = serving_cfg.serving.model_copy(update={"auth_token_env": "MEDCHAT_TEST_API_TOKEN"})
    server = start_server(service, cfg, port=0)
    try:
        with pytest.raises(openai.AuthenticationError):
            client_for(server, "wrong").models.list()
        refused = httpx.get(f"{server.url}/metrics")
        assert refused.status_code == 401 and error_of(refused)["code"] == "invalid_api_key"
        assert refused.headers["www-authenticate"] == "Bearer"
        assert [m.id for m in client_for(server, "s3cret-token").models.list()][0] == "medchat-router"
        assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
        assert httpx.get(f"{server.url}/metrics", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        assert "s3cret" not in httpx.get(f"{server.url}/openapi.json").text
        leaked = logging.LogRecord("medchat_pipeline.serving.http", logging.ERROR, __file__, 1,
                                   "upstream said: Authorization: Bearer %s", ("s3cret-token",), None)
        assert "s3cret" not in JsonLogFormatter().format(leaked)
    finally:
        server.stop()

    with pytest.raises(RuntimeError, match="without authentication"):
        ChatServer(service, serving_cfg.serving, host="0.0.0.0", port=0)
    monkeypatch.delenv("MEDCHAT_TEST_API_TOKEN")
    with pytest.raises(RuntimeError, match="not set"):
        ChatServer(service, cfg, port=0)


def test_the_server_answers_health_before_the_models_are_loaded(serving_cfg):
    server = ChatServer(None, serving_cfg.serving, port=0).start()
    try:
        assert httpx.get(f"{server.url}/healthz").json() == {"status": "ok"}
        not_ready = httpx.get(f"{server.url}/readyz")
        assert not_ready.status_code == 503 and error_of(not_ready)["code"] == "not_ready"
        assert not_ready.headers["retry-after"]
        early = httpx.post(f"{server.url}/v1/chat/completions",
                           json={"model": "medchat-router", "messages": [{"role": "user", "content": "hi"}]})
        assert early.status_code == 503 and "still loading" in error_of(early)["message"]
        spec = httpx.get(f"{server.url}/openapi.json").json()
        assert {"/v1/chat/completions", "/v1/models", "/v1/models/{model_id}", "/healthz", "/readyz", "/metrics"} <= set(spec["paths"])
    finally:
        server.stop()


def test_demo_profile_defaults_to_loopback():
    assert load_config("demo").serving.host == "127.0.0.1"


def test_an_internal_error_is_a_500_in_the_openai_shape_without_its_details(running, monkeypatch):
    def broken(_request):
        raise RuntimeError("secret detail /srv/models/key=MEDCHAT_KEY_1")

    monkeypatch.setattr(running.state.service, "prepare", broken)
    failed = httpx.post(f"{running.url}/v1/chat/completions",
                        json={"model": "medchat-router", "messages": [{"role": "user", "content": "What is anemia?"}]})
    error = error_of(failed)
    assert failed.status_code == 500 and error["type"] == "server_error" and error["code"] == "internal_error"
    assert failed.headers["x-request-id"] in error["message"]
    assert "secret" not in failed.text and "RuntimeError" not in failed.text and "MEDCHAT_KEY" not in failed.text
    assert httpx.get(f"{running.url}/healthz").status_code == 200  # and the server carries on
