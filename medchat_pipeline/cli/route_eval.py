"""`medchat route-eval`: measure the router on labelled questions (accuracy, confusion, cost mix)."""

from __future__ import annotations

import json

import click


@click.command("route-eval")
@click.argument("labelled", type=click.File("r"))
@click.option("--profile", default=None, help="Profile in configs/ (or a YAML path). Default: $MEDCHAT_PROFILE or demo.")
@click.option(
    "--failover-rate",
    type=click.FloatRange(0.0, 1.0),
    default=0.0,
    show_default=True,
    help="Share of small answers that fail over (measure it with benchmarks/bench_routing.py); they pay for both models.",
)
@click.option("--mistakes", type=click.IntRange(0), default=10, show_default=True, help="How many misrouted questions to print.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
def command(labelled, profile: str | None, failover_rate: float, mistakes: int, as_json: bool) -> None:
    """Route every question of LABELLED (JSON lines: {"question": "...", "route": "small"|"large"}, '-' =
    stdin) with the profile's `serving.router` rules, and report routing accuracy, the confusion
    matrix, large-model recall (under-routing is the risky error), and the expected cost and latency
    per question against always using the large model (`serving.small_cost` / `large_cost`).

    \b
    Example:
      medchat route-eval my_questions.jsonl --failover-rate 0.1
      medchat route-eval my_questions.jsonl --profile configs/stricter_router.yaml --json
    """
    from medchat_pipeline.config import ConfigError, load_config
    from medchat_pipeline.serving.routing import Router, evaluate_routing

    try:
        cfg = load_config(profile)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    questions, labels = [], []
    for number, line in enumerate(labelled, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(str(row["question"]))
            labels.append(row["route"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise click.ClickException(
                f"line {number}: expected a JSON object with 'question' and 'route' ({type(exc).__name__}: {exc})"
            ) from None
    try:
        report = evaluate_routing(
            questions, labels, Router(cfg.serving.router), cfg.serving.small_cost, cfg.serving.large_cost, failover_rate
        )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
        return
    matrix = report.confusion
    click.echo(f"{report.n} questions, accuracy {report.accuracy:.3f}")
    click.echo(f"  labelled small: {matrix['small->small']} → small, {matrix['small->large']} → large (recall {report.small_recall:.3f})")
    click.echo(f"  labelled large: {matrix['large->large']} → large, {matrix['large->small']} → small (recall {report.large_recall:.3f})")
    click.echo(f"share answered small {report.share_small:.1%}, failover rate {report.failover_rate:.1%}")
    click.echo(
        f"expected per question: ${report.expected_cost_usd:.6f} and {report.expected_latency_s:.2f}s vs always-large "
        f"${report.all_large_cost_usd:.6f} and {report.all_large_latency_s:.2f}s "
        f"(cost -{report.cost_saving:.0%}, latency -{report.latency_saving:.0%})"
    )
    for mistake in report.mistakes[:mistakes]:
        click.echo(f"MISROUTED (label {mistake['label']}): {mistake['question'][:120]}\n  {mistake['why']}")
