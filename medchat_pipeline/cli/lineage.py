"""`medchat lineage`: where an adapter (or any asset) came from, read from the Dagster event log."""

from __future__ import annotations

import json

import click


@click.command("lineage")
@click.argument("target", metavar="ASSET_KEY_OR_ADAPTER_DIR")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with an `upstream` list instead of text.")
def command(target: str, as_json: bool) -> None:
    """Print the upstream chain of an asset or adapter: every asset event it was built from (source data
    versions → QAC → merged → training mix → SFT → GRPO), with data versions, run ids and timestamps;
    a partitioned asset is listed once per source partition it was built from.

    \b
    ASSET_KEY_OR_ADAPTER_DIR is an asset key (grpo_adapter, sft_lora_adapter, a/b for multi-part keys;
    its latest materialization) or an adapter directory holding manifest.json (the exact run that wrote it).
    The instance is $DAGSTER_HOME, else .dagster_home at the project root.

    serving_champion traces the adapter serving loads: the GRPO run it came from (even when later adapters
    were benchmarked and kept out by the promotion gate) and the benchmark report behind the decision.

    \b
    Examples:
      medchat lineage grpo_adapter
      medchat lineage serving_champion
      medchat lineage .medchat/adapters/sft/3f2a9c1d0e4b/adapter --json
    """
    from medchat_pipeline.training.lineage import instance_for_cli, lineage_of

    try:
        with instance_for_cli() as instance:
            result = lineage_of(instance, target)
    except (FileNotFoundError, LookupError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(f"{result['asset_key']}  data_version={result['data_version']}  run={result['run_id']}  at {result['timestamp']}")
    if result["adapter_dir"]:
        click.echo(f"  adapter_dir: {result['adapter_dir']}")
    if not result["upstream"]:
        click.echo("  (no recorded inputs)")
    for entry in result["upstream"]:
        indent = "  " * entry["depth"]
        rows = f"  rows={entry['row_count']}" if entry["row_count"] is not None else ""
        partition = f" [{entry['partition']}]" if entry.get("partition") else ""
        if entry["event"] == "missing":
            click.echo(f"{indent}<- {entry['asset_key']}  (no materialization or observation in this instance)")
            continue
        click.echo(
            f"{indent}<- {entry['asset_key']}{partition}  data_version={entry['data_version']}  run={entry['run_id']}  "
            f"at {entry['timestamp']}  ({entry['event']}){rows}"
        )
