"""The routed medical chatbot: a small fine-tuned model for simple questions, a large one for the rest.

    from medchat_pipeline.serving import build_chat_service, start_server
    service = build_chat_service(load_config("demo"))          # small = base + latest adapter
    service.answer("What is anemia?").text
    server, _ = start_server(service, cfg.serving)              # OpenAI-compatible, loopback

Routing rules live in serving/routing.py; the `serving:` config section is config/serving.py.
"""

from medchat_pipeline.serving.backends import (
    Generation,
    LocalChatModel,
    TeacherChatModel,
    latest_adapter_manifest,
    resolve_small_model,
)
from medchat_pipeline.serving.server import ChatServer, start_server
from medchat_pipeline.serving.service import BadConversation, ChatAnswer, ChatService, build_chat_service

__all__ = [
    "BadConversation",
    "ChatAnswer",
    "ChatServer",
    "ChatService",
    "Generation",
    "LocalChatModel",
    "TeacherChatModel",
    "build_chat_service",
    "latest_adapter_manifest",
    "resolve_small_model",
    "start_server",
]
