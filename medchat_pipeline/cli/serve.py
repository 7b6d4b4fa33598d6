"""`medchat serve`: the routed chatbot behind an OpenAI-compatible HTTP API (FastAPI on uvicorn)."""

from __future__ import annotations

import signal

import click


@click.command("serve")
@click.option("--profile", default=None, help="Profile in configs/ (or a YAML path). Default: $MEDCHAT_PROFILE or demo.")
@click.option("--host", default=None, help="Address to listen on (default serving.host, 127.0.0.1). Another address needs serving.auth_token_env.")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Port (default serving.port, 8765; 0 = any free port).")
@click.option("--adapter", default=None, help="Small-model adapter: 'champion' (what the promotion gate promoted; the default), 'latest' (the newest, whatever the benchmark said), 'none' or a directory (overrides serving.small.adapter).")
@click.option("--log-format", type=click.Choice(["json", "text"]), default=None, help="Log lines on stderr (default serving.log_format, json).")
@click.option("-v", "--verbose", is_flag=True, help="Log every request (one line each) besides warnings.")
def command(profile: str | None, host: str | None, port: int | None, adapter: str | None, log_format: str | None,
            verbose: bool) -> None:
    """Serve the routed chatbot: POST /v1/chat/completions (OpenAI wire format, streaming included),
    GET /v1/models[/{id}], GET /healthz (alive), GET /readyz (models loaded), GET /metrics
    (Prometheus), GET /openapi.json. Model "medchat-router" routes each question between the small
    fine-tuned model and the large model (a teacher); "medchat-router-small" / "-large" force one.
    Each response carries `medchat_route`: which model answered, the routing score and reasons, the
    triage and output-guard decisions, latency including queueing.

    \b
    Try it:
      medchat serve --port 8765
      curl -s localhost:8765/v1/chat/completions -H 'Content-Type: application/json' \\
        -d '{"model": "medchat-router", "messages": [{"role": "user", "content": "What is anemia?"}]}'
    \b
      from openai import OpenAI
      client = OpenAI(base_url="http://127.0.0.1:8765/v1", api_key="unused")
      reply = client.chat.completions.create(model="medchat-router", messages=[...])
      reply.choices[0].message.content, reply.medchat_route

    The server listens at once and loads the models in the background (/readyz answers 503 until
    they are in). Limits (serving.*): request_timeout_s, max_request_bytes, small.max_input_tokens,
    per-model queues (small.max_queue, large.max_queue → 429 with Retry-After), header_timeout_s,
    body_timeout_s. Ctrl-C or SIGTERM stops gracefully: no new connections, answers in flight finish
    (for at most request_timeout_s), then the models are released.
    """
    from medchat_pipeline.config import ConfigError, load_config
    from medchat_pipeline.serving import ChatServer, build_chat_service
    from medchat_pipeline.serving.metrics import configure_logging

    try:
        cfg = load_config(profile)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    configure_logging(log_format or cfg.serving.log_format, verbose)
    try:
        server = ChatServer(None, cfg.serving, host, port)
    except (RuntimeError, OSError) as exc:
        raise click.ClickException(str(exc)) from None

    def load():
        service = build_chat_service(cfg, adapter=adapter)
        models = service.describe()
        small = models["small"]
        click.echo(f"small: {small.get('adapter_dir') or small.get('model_dir') or small.get('base_url')} "
                   f"({small.get('note') or small.get('backend')})", err=True)
        click.echo(f"large: {models['large']}", err=True)
        click.echo(f"ready: {server.url}/readyz", err=True)
        return service

    click.echo(f"serving {cfg.serving.model_name} on {server.url}/v1 (loading models…)", err=True)
    # uvicorn shuts down gracefully on SIGTERM (what docker and Kubernetes send), then raises it again: stop as on
    # Ctrl-C, so the lanes close below (and a vLLM engine we started is stopped, not orphaned on the GPU).
    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever(load)
    except KeyboardInterrupt:  # uvicorn re-raises the Ctrl-C it handled, after a graceful shutdown
        click.echo("stopped", err=True)
    finally:
        if server.service is not None:
            server.service.close()
    if server.load_failure is not None:
        raise click.ClickException(f"loading the models failed: {server.load_failure}")


def _stop(_signum, _frame) -> None:
    raise KeyboardInterrupt
