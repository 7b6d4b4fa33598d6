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

from medchat_pipeline.serving.backends import (
    Generation,
    GenerationJob,
    LocalChatModel,
    OpenAICompatibleChatModel,
    TeacherChatModel,
    latest_adapter_manifest,
    resolve_small_model,
)
from medchat_pipeline.serving.server import ChatServer, start_server
from medchat_pipeline.serving.service import (
    BadConversation,
    ChatAnswer,
    ChatRequest,
    ChatService,
    build_chat_service,
)

__all__ = [
    "BadConversation",
    "ChatAnswer",
    "ChatRequest",
    "ChatServer",
    "ChatService",
    "Generation",
    "GenerationJob",
    "LocalChatModel",
    "OpenAICompatibleChatModel",
    "TeacherChatModel",
    "build_chat_service",
    "latest_adapter_manifest",
    "resolve_small_model",
    "start_server",
]
