"""`medchat serve`: the routed chatbot behind an OpenAI-compatible HTTP API."""

from __future__ import annotations

import logging

import click


@click.command("serve")
@click.option("--profile", default=None, help="Profile in configs/ (or a YAML path). Default: $MEDCHAT_PROFILE or demo.")
@click.option("--host", default=None, help="Address to listen on (default serving.host, 127.0.0.1). Another address needs serving.auth_token_env.")
@click.option("--port", type=click.IntRange(0, 65535), default=None, help="Port (default serving.port, 8765; 0 = any free port).")
@click.option("--adapter", default=None, help="Small-model adapter: 'latest', 'none' or a directory (overrides serving.small.adapter).")
@click.option("-v", "--verbose", is_flag=True, help="Log every request.")
def command(profile: str | None, host: str | None, port: int | None, adapter: str | None, verbose: bool) -> None:
    """Serve the routed chatbot: POST /v1/chat/completions (OpenAI wire format), GET /v1/models,
    GET /healthz. Model "medchat-router" routes each question between the small fine-tuned model and
    the large model (a teacher); "medchat-router-small" / "-large" force one. Each response carries
    `medchat_route`: which model answered, the routing score and reasons, failover, latency.

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

    Concurrent requests are batched (serving.max_batch_size, serving.batch_wait_ms). Ctrl-C stops.
    """
    from medchat_pipeline.config import ConfigError, load_config
    from medchat_pipeline.serving import ChatServer, build_chat_service

    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(asctime)s %(levelname)s %(message)s")
    try:
        cfg = load_config(profile)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("loading models…", err=True)
    try:
        service = build_chat_service(cfg, adapter=adapter)
        server = ChatServer(service, cfg.serving, host, port)
    except (FileNotFoundError, ValueError, RuntimeError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    models = service.describe()
    click.echo(f"small: {models['small'].get('adapter_dir') or models['small']['model_dir']} ({models['small'].get('note')})", err=True)
    click.echo(f"large: {models['large']}", err=True)
    click.echo(f"serving {cfg.serving.model_name} on {server.url}/v1 (health: {server.url}/healthz)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopping", err=True)
    finally:
        server.server_close()
