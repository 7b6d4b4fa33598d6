"""Walk a Dagster instance's event log upstream from one asset event.

Dagster tags every materialization with the data version and the event-log pointer (storage id) of
each input it read (`dagster/input_data_version/<key>`, `dagster/input_event_pointer/<key>`), so the
exact chain an adapter came from (source observations → QAC → merged → training mix → SFT → GRPO,
each partitioned asset once per source partition)
can be read back from the log alone, without loading any code. Used by the training assets (to put
the chain in manifest.json) and by `medchat lineage`.
"""

from __future__ import annotations

import json
import os
from collections import deque
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

DATA_VERSION_TAG = "dagster/data_version"
INPUT_POINTER_PREFIX = "dagster/input_event_pointer/"
INPUT_VERSION_PREFIX = "dagster/input_data_version/"
ROW_COUNT_KEYS = ("dagster/row_count", "row_count", "rows")
LINEAGE_OVERRIDE_PREFIX = "lineage/"


@dataclass
class LineageEntry:
    asset_key: str
    data_version: str | None
    run_id: str | None
    timestamp: str | None  # ISO 8601, UTC
    row_count: int | None
    event: str  # materialization | observation | missing
    storage_id: int | None
    depth: int  # 1 = a direct input
    inputs: list[str]
    partition: str | None = None  # the partition key, for an event of a partitioned asset

    def as_dict(self) -> dict:
        return asdict(self)


def instance_for_cli() -> dg.DagsterInstance:
    """DAGSTER_HOME's instance, else the project's .dagster_home (what `dagster dev` and `medchat run` use)."""
    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    from medchat_pipeline.config import project_root

    home = project_root() / ".dagster_home"
    if not home.is_dir():
        raise FileNotFoundError(
            f"no Dagster instance: DAGSTER_HOME is unset and {home} does not exist; "
            "materialize the graph first (medchat run / dagster dev) or set DAGSTER_HOME"
        )
    return dg.DagsterInstance.from_config(str(home))


def _event_tags_and_metadata(record) -> tuple[dict, dict, str]:
    if record.asset_materialization is not None:
        return dict(record.asset_materialization.tags or {}), dict(record.asset_materialization.metadata), "materialization"
    observation = record.event_log_entry.asset_observation
    return dict(observation.tags or {}), dict(observation.metadata), "observation"


def _row_count(metadata: dict) -> int | None:
    for key in ROW_COUNT_KEYS:
        if key in metadata:
            value = getattr(metadata[key], "value", metadata[key])
            if isinstance(value, int):
                return value
    return None


def _record_by_storage_id(instance: dg.DagsterInstance, key: dg.AssetKey, storage_id: int):
    found = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key, storage_ids=[storage_id]), limit=1)
    if found.records:
        return found.records[0]
    found = instance.fetch_observations(dg.AssetRecordsFilter(asset_key=key, storage_ids=[storage_id]), limit=1)
    return found.records[0] if found.records else None


def latest_record(instance: dg.DagsterInstance, key: dg.AssetKey, before_storage_id: int | None = None, partition: str | None = None):
    """The latest materialization of `key` (or observation, for source assets) before a storage id,
    of one partition when `partition` is given."""
    records_filter = dg.AssetRecordsFilter(
        asset_key=key, before_storage_id=before_storage_id, asset_partitions=[partition] if partition else None
    )
    found = instance.fetch_materializations(records_filter, limit=1).records
    if found:
        return found[0]
    found = instance.fetch_observations(records_filter, limit=1).records
    return found[0] if found else None


def record_for_run(instance: dg.DagsterInstance, key: dg.AssetKey, run_id: str):
    """The materialization of `key` written by one run (the one named in an adapter's manifest)."""
    for record in instance.fetch_materializations(key, limit=1000).records:
        if record.run_id == run_id:
            return record
    return None


def entry_for(record, key: dg.AssetKey, depth: int) -> LineageEntry:
    tags, metadata, kind = _event_tags_and_metadata(record)
    return LineageEntry(
        asset_key=key.to_user_string(),
        data_version=tags.get(DATA_VERSION_TAG),
        run_id=record.run_id or None,
        timestamp=datetime.fromtimestamp(record.timestamp, tz=timezone.utc).isoformat(),
        row_count=_row_count(metadata),
        event=kind,
        storage_id=record.storage_id,
        depth=depth,
        inputs=sorted(_input_pointers(tags)),
        partition=record.partition_key,
    )


def _input_pointers(tags: dict) -> dict[str, int | None]:
    pointers: dict[str, int | None] = {}
    for tag, value in tags.items():
        if tag.startswith(INPUT_POINTER_PREFIX):
            pointers[tag.removeprefix(INPUT_POINTER_PREFIX)] = int(value) if value.isdigit() else None
        elif tag.startswith(INPUT_VERSION_PREFIX):
            pointers.setdefault(tag.removeprefix(INPUT_VERSION_PREFIX), None)
    return pointers


def parents_of(instance: dg.DagsterInstance, record) -> list[tuple[dg.AssetKey, object]]:
    """The exact input events a materialization read (by pointer; by time when no pointer was recorded).

    For a partitioned input Dagster points at one event of whichever partition was written last, so
    the partitions are looked up here: a partitioned reader read the same partition of its input (our
    assets are all partitioned by source), an unpartitioned reader read every partition."""
    tags, metadata, _ = _event_tags_and_metadata(record)
    parents = []
    for input_key_text, pointer in sorted(_input_pointers(tags).items()):
        input_key = dg.AssetKey.from_user_string(input_key_text)
        # An asset whose value came from an older event of an input than the one it read (the serving
        # champion kept from an earlier GRPO run) names that event in `lineage/<input>`.
        pointer = _lineage_override(metadata, input_key_text, pointer)
        parent = (
            _record_by_storage_id(instance, input_key, pointer)
            if pointer is not None
            else latest_record(instance, input_key, before_storage_id=record.storage_id)
        )
        if parent is None or parent.partition_key is None:
            parents.append((input_key, parent))
        elif record.partition_key is not None:
            parents.append((input_key, latest_record(instance, input_key, record.storage_id, record.partition_key)))
        else:
            parents.extend((input_key, p) for p in latest_partition_records(instance, input_key, record.storage_id))
    return parents


def _lineage_override(metadata: dict, input_key_text: str, pointer: int | None) -> int | None:
    value = metadata.get(LINEAGE_OVERRIDE_PREFIX + input_key_text)
    value = getattr(value, "value", value)
    return value if isinstance(value, int) else pointer


def latest_partition_records(instance: dg.DagsterInstance, key: dg.AssetKey, before_storage_id: int) -> list:
    """The latest event (materialization, else observation) of each partition of `key` before a storage id."""
    for fetch in (instance.fetch_materializations, instance.fetch_observations):
        latest: dict[str, object] = {}
        cursor = None
        while True:
            page = fetch(dg.AssetRecordsFilter(asset_key=key, before_storage_id=before_storage_id), limit=1000, cursor=cursor)
            for found in page.records:  # newest first
                latest.setdefault(found.partition_key, found)
            if not page.has_more:
                break
            cursor = page.cursor
        if latest:
            return [latest[k] for k in sorted(latest)]
    return []


def upstream_of(instance: dg.DagsterInstance, starts: list[tuple[dg.AssetKey, object]], depth: int = 1) -> list[LineageEntry]:
    """Every asset event upstream of the given (key, record) starting points, breadth first, each once.

    A start's record may be None (an input that was never materialized): it is listed as `missing`.
    """
    chain: list[LineageEntry] = []
    seen: set[tuple[str, int | None]] = set()
    queue = deque((key, record, depth) for key, record in starts)
    while queue:
        key, record, level = queue.popleft()
        if record is None:
            marker = (key.to_user_string(), None)
            if marker not in seen:
                seen.add(marker)
                chain.append(LineageEntry(key.to_user_string(), None, None, None, None, "missing", None, level, []))
            continue
        marker = (key.to_user_string(), record.storage_id)
        if marker in seen:
            continue
        seen.add(marker)
        chain.append(entry_for(record, key, level))
        queue.extend((parent_key, parent, level + 1) for parent_key, parent in parents_of(instance, record))
    return chain


def upstream_of_inputs(instance: dg.DagsterInstance, input_keys: list[dg.AssetKey]) -> list[LineageEntry]:
    """The chain behind a step's inputs, read while the step runs (its own event does not exist yet)."""
    return upstream_of(instance, [(key, latest_record(instance, key)) for key in input_keys])


def lineage_of(instance: dg.DagsterInstance, target: str) -> dict:
    """`target` is an asset key ('sft_lora_adapter', 'a/b') or an adapter directory holding manifest.json."""
    path = Path(target)
    manifest = None
    if (path / "manifest.json").exists():
        manifest = json.loads((path / "manifest.json").read_text())
        dagster_info = manifest.get("dagster") or {}
        if not dagster_info.get("asset_key"):
            raise ValueError(f"{path}/manifest.json names no Dagster asset: the adapter was trained outside Dagster")
        key = dg.AssetKey.from_user_string(dagster_info["asset_key"])
        record = record_for_run(instance, key, dagster_info.get("run_id", ""))
        if record is None:
            raise LookupError(
                f"the instance holds no materialization of {key.to_user_string()} from run "
                f"{dagster_info.get('run_id')} (was it materialized under another DAGSTER_HOME?)"
            )
    else:
        key = dg.AssetKey.from_user_string(target)
        record = latest_record(instance, key)
        if record is None:
            raise LookupError(
                f"{target!r} is neither an adapter directory with manifest.json nor an asset key with a "
                "materialization in this instance"
            )
    head = entry_for(record, key, depth=0)
    upstream = upstream_of(instance, parents_of(instance, record))
    return {
        "asset_key": head.asset_key,
        "data_version": head.data_version,
        "run_id": head.run_id,
        "timestamp": head.timestamp,
        "adapter_dir": str(path) if manifest else None,
        "upstream": [entry.as_dict() for entry in upstream],
    }
