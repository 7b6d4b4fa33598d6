"""`medchat teach`: run a JSONL batch of prompts through the teacher gateway."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

PROVIDERS = ("gemini", "nvidia", "openai", "local")


def read_rows(path: Path) -> list:
    """One entry per input row, in order: a TeacherRequest, or a failed TeacherResult saying why the row is bad.

    Rows are {"id", "prompt"} or {"id", "messages": [{"role", "content"}]}.
    """
    from medchat_pipeline.teachers import TeacherRequest, TeacherResult

    entries, seen = [], set()
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                entries.append(TeacherResult(id=f"line-{number}", error_kind="bad_request", error=f"line {number} is not JSON: {exc.msg}"))
                continue
            if not isinstance(row, dict):
                entries.append(TeacherResult(id=f"line-{number}", error_kind="bad_request", error=f"line {number} is not a JSON object"))
                continue
            row_id = str(row.get("id") or f"line-{number}")
            prompt, messages = row.get("prompt"), row.get("messages")
            if row_id in seen:
                problem = f"line {number}: duplicate id {row_id!r}"
            elif not (isinstance(prompt, str) and prompt.strip()) and not isinstance(messages, list):
                problem = f"line {number}: needs a non-empty 'prompt' string or a 'messages' list"
            else:
                problem = None
            seen.add(row_id)
            entries.append(
                TeacherResult(id=row_id, error_kind="bad_request", error=problem)
                if problem
                else TeacherRequest(id=row_id, prompt=prompt, messages=messages)
            )
    return entries


def teachers_section(cfg, provider, model, base_url, keys_env, rpm, concurrency) -> dict:
    """The profile's `teachers:` section with one teacher "cli" built from the options."""
    section = cfg.teachers.model_dump()
    named = section["teachers"].get(provider)
    teacher = dict(named) if named and named["provider"] == provider else {"provider": provider}
    if provider != "local":
        teacher.pop("batch_size", None)
    for name, value in (("model", model), ("base_url", base_url), ("keys_env", keys_env)):
        if value is not None:
            teacher[name] = value
    if "model" not in teacher:
        raise click.UsageError(f"--model is needed: the profile defines no {provider} teacher")
    if rpm is not None:
        section["quota_pools"]["cli_rpm"] = {"rpm": rpm}
        teacher.update(quota_pool="cli_rpm", key_groups={})
    if concurrency is not None:
        section["concurrency"] = concurrency
        teacher["concurrency"] = None
    section["teachers"]["cli"] = teacher
    section["default"] = "cli"
    return section


def output_row(result) -> dict:
    return {
        "id": result.id,
        "text": result.text,
        "provider": result.provider,
        "model": result.model,
        "key_alias": result.key_alias,
        "usage": result.usage,
        "cost": result.cost,
        "cached": result.cached,
        "error": None if result.ok else f"{result.error_kind}: {result.error}",
        "error_kind": result.error_kind,
    }


@click.command("teach")
@click.option("--provider", type=click.Choice(PROVIDERS), required=True,
              help="gemini (google-genai), nvidia (API catalog), openai (any OpenAI-compatible server), local (transformers).")
@click.option("--model", default=None, help="Model id; default: the profile's teacher of that provider.")
@click.option("--base-url", default=None, help="API root, e.g. http://localhost:8000/v1 for vLLM (required for openai).")
@click.option("--keys-env", default=None, metavar="GLOB",
              help="Glob over environment variable NAMES holding keys, e.g. 'NVIDIA_COS30018_*'.")
@click.option("--rpm", type=float, default=None, help="Requests per minute allowed per key (enforced before sending).")
@click.option("--concurrency", type=int, default=None, help="Calls in flight at once.")
@click.option("--prompts", "prompts_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help='Input JSONL: {"id", "prompt"} or {"id", "messages": [{"role", "content"}]} per line.')
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Output JSONL, one row per input row.")
@click.option("--profile", default=None, help="Profile in configs/ (or a YAML path). Default: $MEDCHAT_PROFILE or demo.")
def command(provider, model, base_url, keys_env, rpm, concurrency, prompts_path, out_path, profile) -> None:
    """Send a batch of prompts to a teacher through the gateway (key rotation, rate limits, retries,
    cache) and write one output row per input row:
    {"id", "text", "provider", "model", "key_alias", "usage", "cost", "cached", "error"}.

    \b
    Failed items are rows with "error" set (kind: reason); the command still exits 0.
    Finished calls are cached under the profile's storage dir, so re-running the same command
    (or resuming a killed one) pays only for what is missing.
    Prints a progress bar on stderr and a JSON summary line on stdout:
      {"requests", "ok", "failed", "cached", "seconds", "cost_usd"}

    \b
    Example:
      medchat teach --provider nvidia --keys-env 'NVIDIA_COS30018_*' --rpm 40 \\
          --prompts questions.jsonl --out answers.jsonl
    """
    from medchat_pipeline.config import ConfigError, load_config
    from medchat_pipeline.teachers import TeacherPool, TeacherRequest

    started = time.monotonic()
    try:
        cfg = load_config(profile)
        cfg = load_config(
            profile,
            overrides={"teachers": teachers_section(cfg, provider, model, base_url, keys_env, rpm, concurrency)},
        )
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    entries = read_rows(prompts_path)
    requests = [entry for entry in entries if isinstance(entry, TeacherRequest)]
    pool = TeacherPool.from_config(cfg)
    try:
        answered = iter(pool.run(requests, progress=True))
    finally:
        pool.close()
    everything = [next(answered) if isinstance(entry, TeacherRequest) else entry for entry in entries]
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_name(out_path.name + ".partial")
    with open(partial, "w", encoding="utf-8") as handle:
        for result in everything:
            handle.write(json.dumps(output_row(result), ensure_ascii=False) + "\n")
    partial.replace(out_path)
    summary = {
        "requests": len(everything),
        "ok": sum(r.ok for r in everything),
        "failed": sum(not r.ok for r in everything),
        "cached": sum(r.cached for r in everything),
        "seconds": round(time.monotonic() - started, 3),
        "cost_usd": round(sum(r.cost for r in everything), 6),
    }
    click.echo(json.dumps(summary))
