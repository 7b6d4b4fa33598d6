"""`medchat chat`: ask the routed chatbot one or more questions from the shell, and see why it routed."""

from __future__ import annotations

import json
import sys

import click


@click.command("chat")
@click.argument("questions", nargs=-1)
@click.option("--file", "question_file", type=click.File("r"), help="More questions, one per line ('-' = stdin).")
@click.option("--profile", default=None, help="Profile in configs/ (or a YAML path). Default: $MEDCHAT_PROFILE or demo.")
@click.option("--adapter", default=None, help="Small-model adapter: 'champion' (what the promotion gate promoted; the default), 'latest' (the newest, whatever the benchmark said), 'none' or a directory (overrides serving.small.adapter).")
@click.option(
    "--model",
    "force",
    type=click.Choice(["auto", "small", "large"]),
    default="auto",
    show_default=True,
    help="Route automatically or force one model (an emergency still goes to the large model).",
)
@click.option("--explain", is_flag=True, help="Print the routing decision (score, every feature that fired) with each answer.")
@click.option("--route-only", is_flag=True, help="Print only the routing decision; loads no model (instant).")
@click.option("--max-new-tokens", type=click.IntRange(1), default=None, help="Cap the answer length (tokens).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per question: answer, route, reasons, latency.")
def command(
    questions: tuple[str, ...],
    question_file,
    profile: str | None,
    adapter: str | None,
    force: str,
    explain: bool,
    route_only: bool,
    max_new_tokens: int | None,
    as_json: bool,
) -> None:
    """Answer QUESTIONS with the routed chatbot: simple factual questions go to the small fine-tuned
    model, diagnostic, multi-part, dosing and emergency questions to the large model; a small answer
    that hedges ("I'm not sure"), is cut short or loops is answered again by the large model.

    \b
    Examples:
      medchat chat "What is hypertension?" --explain
      medchat chat --route-only "I have fever and a rash for 3 days, what's wrong?"
      medchat chat --file questions.txt --json > answers.jsonl
      medchat chat --model large --adapter none "Define tachycardia."

    Questions are answered together (one batch per model). The routing rules are the `serving.router`
    section of the profile; `medchat serve` puts the same service behind an OpenAI-compatible API.
    """
    from medchat_pipeline.config import ConfigError, load_config
    from medchat_pipeline.serving.routing import build_router

    asked = [q.strip() for q in questions if q.strip()]
    if question_file is not None:
        asked += [line.strip() for line in question_file if line.strip()]
    if not asked:
        raise click.UsageError("give at least one question (as an argument or with --file)")
    try:
        cfg = load_config(profile)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    route = None if force == "auto" else force

    if route_only:
        router = build_router(cfg)  # the latest triage_model decides emergencies (else the patterns; says so)
        for question, decision in zip(asked, router.route_many(asked, route)):
            if as_json:
                click.echo(json.dumps({"question": question, **decision.to_dict()}))
            else:
                click.echo(f"{decision.explain()}\n  {question}")
        if router.triage.fallback_reason and not as_json:  # JSON rows carry it in triage.reason
            click.echo(f"triage: {router.triage.fallback_reason}", err=True)
        return

    from medchat_pipeline.serving import build_chat_service

    click.echo("loading models…", err=True)
    try:
        service = build_chat_service(cfg, adapter=adapter)
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    try:
        answers = service.answer_batch(asked, force=[route] * len(asked), max_new_tokens=max_new_tokens)
    finally:
        service.close()
    failed = 0
    for answer in answers:
        failed += answer.text is None
        if answer.fallback:
            # Never quietly: a forced --model large answered by the small model is a failure, and any
            # fallback is said on stderr whether or not --explain is given.
            click.echo(f"warning: {answer.fallback}", err=True)
            failed += route == "large" and answer.text is not None
        if as_json:
            click.echo(json.dumps({"question": answer.question, "answer": answer.text, "error": answer.error,
                                   **answer.route_info()}))
            continue
        if len(answers) > 1:
            click.echo(f"Q: {answer.question}")
        click.echo(answer.text if answer.text is not None else f"[no answer: {answer.error}]")
        if explain:
            who = answer.answered_by or "nobody"
            extra = f"; failover: {answer.failover.kind} ({answer.failover.detail})" if answer.failover else ""
            extra += f"; fallback: {answer.fallback}" if answer.fallback else ""
            extra += f"; guard replaced it: {', '.join(answer.guard.reasons)}" if answer.guard else ""
            click.echo(f"  ↳ answered by {who} in {answer.latency_s:.2f}s{extra}\n  ↳ route: {answer.decision.explain()}")
        if len(answers) > 1:
            click.echo()
    if failed:
        sys.exit(1)
