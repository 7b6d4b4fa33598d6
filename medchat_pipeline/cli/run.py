"""`medchat run`: materialize the asset graph into the local Dagster instance."""

from __future__ import annotations

import json
import os
import sys

import click


@click.command("run")
@click.option("--profile", default=None, help="Profile in configs/ (or a YAML path). Default: $MEDCHAT_PROFILE or demo.")
@click.option(
    "--select",
    "selection",
    multiple=True,
    help="Asset keys to materialize (repeatable; '+key' adds its upstream). Default: the whole graph.",
)
@click.option("--plan", is_flag=True, help="Print the stages that would run, and exit.")
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    default="INFO",
    show_default=True,
    help="Console log level of the runs (DEBUG shows every Dagster step event). The instance keeps everything.",
)
def command(profile: str | None, selection: tuple[str, ...], plan: bool, log_level: str) -> None:
    """Materialize the whole asset graph (sources → QAC → merged → augment/distill → training mix →
    SFT → GRPO → benchmark report) on a profile, into the Dagster instance at $DAGSTER_HOME
    (default .dagster_home/ at the project root), so that `medchat ui` shows every materialization.

    The demo profile runs offline on CPU: bundled sample data, the local SmolLM2 teacher and base model.
    Exit status is non-zero when any asset failed; assets downstream of a failure are skipped.
    """
    from medchat_pipeline.config import ConfigError, load_config

    if profile:
        os.environ["MEDCHAT_PROFILE"] = profile
    try:
        cfg = load_config(profile)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None

    import dagster as dg

    from medchat_pipeline.defs.runner import default_dagster_home, observe_sources, plan_stages, run_stages

    home = default_dagster_home()
    from medchat_pipeline.definitions import defs

    keys = _resolve_selection(defs, selection) if selection else None
    stages = plan_stages(defs, keys)
    if plan:
        for number, stage in enumerate(stages, 1):
            parts = f" × {len(stage.partition_keys)} partitions" if stage.partitions_def else ""
            click.echo(f"stage {number}{parts}: " + ", ".join(k.to_user_string() for k in stage.keys))
        return
    click.echo(f"profile {cfg.profile}; Dagster instance {home}; storage {cfg.storage_path()}", err=True)
    with dg.DagsterInstance.get() as instance:
        observed = observe_sources(defs, instance)
        click.echo(f"observed {len(observed)} source assets", err=True)
        results = run_stages(
            defs,
            stages,
            instance,
            on_event=lambda m: click.echo(m, err=True),
            tags={"medchat/profile": cfg.profile},
            log_level=log_level.upper(),
        )
    failed = [r for r in results if not r.success]
    summary = {
        "profile": cfg.profile,
        "runs": len(results),
        "failed_runs": len(failed),
        "assets": sorted({k.to_user_string() for r in results if r.success for k in r.keys}),
        "seconds": round(sum(r.seconds for r in results), 1),
        "dagster_home": str(home),
    }
    click.echo(json.dumps(summary))
    if failed:
        sys.exit(1)


def _resolve_selection(defs, selection: tuple[str, ...]):
    import dagster as dg

    graph = defs.resolve_asset_graph()
    chosen: set = set()
    for item in selection:
        with_upstream = item.startswith("+")
        key = dg.AssetKey.from_user_string(item.lstrip("+"))
        if key not in graph.get_all_asset_keys():
            raise click.ClickException(f"unknown asset {key.to_user_string()!r}")
        chosen.add(key)
        if with_upstream:
            chosen |= _ancestors(graph, key)
    return chosen


def _ancestors(graph, key):
    seen, stack = set(), [key]
    while stack:
        for parent in graph.get(stack.pop()).parent_keys:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen
