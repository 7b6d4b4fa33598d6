"""The routed medical chatbot: a small fine-tuned model for simple questions, a large one for the rest.

    from medchat_pipeline.serving import build_chat_service, start_server
    service = build_chat_service(load_config("demo"))          # small = base + latest adapter
    service.answer("What is anemia?").text
    server = start_server(service, cfg.serving)                 # OpenAI-compatible, loopback
    server.url; server.stop(); service.close()

Routing rules live in serving/routing.py, safety (triage, advice, output guard) in serving/safety.py,
the per-model queues in serving/lanes.py, the HTTP API in serving/api.py on uvicorn (server.py);
the `serving:` config section is config/serving.py.
"""

import importlib

# Loaded on first use (PEP 562): `medchat chat --route-only` imports serving.routing, and importing
# the package eagerly would pull in FastAPI, uvicorn and the model backends it never needs.
_EXPORTS = {
    "Generation": "backends", "GenerationJob": "backends", "LocalChatModel": "backends",
    "OpenAICompatibleChatModel": "backends", "TeacherChatModel": "backends", "latest_adapter_manifest": "backends",
    "resolve_small_model": "backends", "ChatServer": "server", "start_server": "server",
    "BadConversation": "service", "ChatAnswer": "service", "ChatRequest": "service", "ChatService": "service",
    "build_chat_service": "service",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
