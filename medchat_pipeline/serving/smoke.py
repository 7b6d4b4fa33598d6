"""One real request through the router with the small model on vLLM: the GPU smoke check.

    from medchat_pipeline.serving.smoke import gpu_smoke_check
    report = gpu_smoke_check(load_config("medgemma-27b"))     # scripts/gpu_smoke.py, on a CUDA machine
    report["ok"], report["first_chunk_s"], report["total_s"]
"""

from __future__ import annotations

import time
from typing import Any

from medchat_pipeline.serving.server import start_server
from medchat_pipeline.serving.service import build_chat_service


def gpu_smoke_check(cfg: Any, question: str = "What is anemia?", max_tokens: int = 64) -> dict[str, Any]:
    """Serve the profile's small model with vLLM, ask one streamed question through the router over HTTP
    (openai SDK), and report what happened and how fast: for scripts/gpu_smoke.py on a GPU machine."""
    import openai

    serving = cfg.serving.model_copy(update={"small": cfg.serving.small.model_copy(update={"backend": "vllm"}),
                                             "port": 0})
    cfg = cfg.model_copy(update={"serving": serving})
    started = time.perf_counter()
    service = build_chat_service(cfg)
    load_s = time.perf_counter() - started
    server = start_server(service, serving, port=0)
    try:
        client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0, timeout=300)
        sent = time.perf_counter()
        first = None
        text, route = "", None
        for chunk in client.chat.completions.create(
            model=f"{serving.model_name}-small", messages=[{"role": "user", "content": question}],
            max_tokens=max_tokens, stream=True,
        ):
            if chunk.choices and chunk.choices[0].delta.content:
                first = first or time.perf_counter()
                text += chunk.choices[0].delta.content
            route = (chunk.model_extra or {}).get("medchat_route") or route
        total = time.perf_counter() - sent
    finally:
        server.stop()
        service.close()
    return {
        "engine_load_s": round(load_s, 1),
        "answered_by": route["answered_by"] if route else None,
        "first_chunk_s": round((first or sent) - sent, 3),
        "total_s": round(total, 3),
        "answer_chars": len(text),
        "ok": bool(text) and bool(route) and route["answered_by"] == "small",
    }
