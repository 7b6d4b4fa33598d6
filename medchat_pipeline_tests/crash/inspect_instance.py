"""What the fault-injection suite checks after a run, read from the Dagster instance and the storage folder.

    inspect(instance, defs, version, storage) -> {
        in_progress      runs still NOT_STARTED/STARTING/STARTED/CANCELING (wedged when no process runs them)
        slots            {run_id: {pool: n}} pool slots still held or queued
        out_of_date      {"asset[partition]": why} for every asset the runner would rebuild now (after a
                         completed run: none, so nothing stale or unreadable is left behind)
        stale_successes  materializations made in an invocation after an ancestor failed in it
        artifacts        {folder: sha256 of its files} for every finished adapter folder
    }
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import dagster as dg
from dagster._core.events import DagsterEventType

from medchat_pipeline.defs.run_recovery import IN_PROGRESS, slots_held
from medchat_pipeline.defs.runner import INVOCATION_TAG, _walk, out_of_date


def folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def committed_artifacts(storage: Path) -> dict[str, str]:
    return {str(m.parent): folder_digest(m.parent) for m in sorted(storage.glob("adapters/*/*/adapter/manifest.json"))}


def stale_successes(instance: dg.DagsterInstance, graph) -> list[str]:
    """Per invocation of the runner: any asset materialized after one of its ancestors failed in it."""
    step_assets = {graph.get(k).assets_def.node_def.name: k for k in graph.materializable_asset_keys}
    invocations: dict[str, list[str]] = {}
    for record in instance.get_run_records():
        tag = record.dagster_run.tags.get(INVOCATION_TAG)
        if tag:
            invocations.setdefault(tag, []).append(record.dagster_run.run_id)
    found = []
    for run_ids in invocations.values():
        failed_at: dict[dg.AssetKey, float] = {}
        made: list[tuple[dg.AssetKey, float]] = []
        for run_id in run_ids:
            for entry in instance.all_logs(run_id):
                event = entry.dagster_event
                if event is None:
                    continue
                if event.event_type == DagsterEventType.STEP_FAILURE and event.step_key in step_assets:
                    failed_at.setdefault(step_assets[event.step_key], entry.timestamp)
                elif event.event_type == DagsterEventType.ASSET_MATERIALIZATION:
                    made.append((event.asset_key, entry.timestamp))
        for key, when in made:
            for ancestor in _walk(graph, key, "parent_keys"):
                if ancestor in failed_at and failed_at[ancestor] < when:
                    found.append(f"{key.to_user_string()} after {ancestor.to_user_string()} failed")
    return found


def inspect(instance: dg.DagsterInstance, defs: dg.Definitions, version: str, storage: Path) -> dict:
    graph = defs.resolve_asset_graph()
    stale = {}
    for key in graph.materializable_asset_keys:
        partitions = graph.get(key).partitions_def
        for partition in partitions.get_partition_keys() if partitions else [None]:
            reason = out_of_date(instance, graph, key, partition, version)
            if reason:
                stale[key.to_user_string() + (f"[{partition}]" if partition else "")] = reason
    return {
        "in_progress": [r.dagster_run.run_id for r in instance.get_run_records(filters=dg.RunsFilter(statuses=IN_PROGRESS))],
        "slots": slots_held(instance),
        "out_of_date": stale,
        "stale_successes": stale_successes(instance, graph),
        "artifacts": committed_artifacts(storage),
    }
