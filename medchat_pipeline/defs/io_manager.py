"""Frames travel as Parquet, manifests as JSON, under a UPath base (local by default; s3/gcs by URL).

Models and adapters never pass through here: their assets return a small manifest dict that points
at the directory holding the weights.

Writes are atomic (core.atomic: temp file, fsync, rename; an object store's PUT already is), so a
crash or a full disk leaves the previous value readable. A stored value that cannot be read anyway
(cut short by a copy, edited by hand) fails the reading step with the file, the asset and the command
that rebuilds it, and is moved aside to `<file>.unreadable` so that nothing reads it again.
"""

from __future__ import annotations

import json
import time

import dagster as dg
import polars as pl
from upath import UPath

from medchat_pipeline.core.atomic import atomic_path
from medchat_pipeline.core.data.source_version import frame_content_version


class StoredValueUnreadable(RuntimeError):
    """An upstream asset's stored file is missing or cannot be parsed."""


def rebuild_command(asset_key: dg.AssetKey) -> str:
    return f"medchat run --select {asset_key.to_user_string()}+"


def _is_local(path: UPath) -> bool:
    return path.protocol in ("", "file", "local")


class ParquetIOManager(dg.UPathIOManager):
    extension = ""  # chosen per object: .parquet for frames, .json for everything else

    def dump_to_path(self, context: dg.OutputContext, obj, path: UPath) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(obj, pl.DataFrame):
            target, stale = path.with_suffix(".parquet"), path.with_suffix(".json")
            self._write(target, obj.write_parquet)
        else:
            target, stale = path.with_suffix(".json"), path.with_suffix(".parquet")
            text = json.dumps(obj, indent=2, sort_keys=True, default=str).encode()
            self._write(target, lambda handle: handle.write(text))
        if stale.exists():
            stale.unlink()

    @staticmethod
    def _write(target: UPath, write) -> None:
        if not _is_local(target):
            with target.open("wb") as handle:  # an object store's PUT replaces the object whole
                write(handle)
            return
        with atomic_path(target.path) as temporary, open(temporary, "wb") as handle:
            write(handle)

    def load_from_path(self, context: dg.InputContext, path: UPath):
        parquet, manifest = path.with_suffix(".parquet"), path.with_suffix(".json")
        target = parquet if parquet.exists() else manifest
        if not target.exists():
            raise StoredValueUnreadable(
                f"{_describe(context)} has no stored value ({parquet} and {manifest} are missing); "
                f"build it with: {rebuild_command(context.asset_key)}"
            )
        try:
            if target is parquet:
                with parquet.open("rb") as handle:
                    return pl.read_parquet(handle)
            return json.loads(manifest.read_text())
        except Exception as exc:  # polars, pyarrow and json each raise their own kinds on a damaged file
            moved = _quarantine(target)
            raise StoredValueUnreadable(
                f"{_describe(context)}: its stored file {target} cannot be read ({type(exc).__name__}: {exc}); "
                f"it was cut short or damaged outside the pipeline{f' and is moved to {moved}' if moved else ''}. "
                f"Rebuild it and what reads it with: {rebuild_command(context.asset_key)}"
            ) from exc

    def load_input(self, context: dg.InputContext):
        loaded = super().load_input(context)
        # A non-partitioned asset reading a partitioned one gets every partition: one frame.
        if isinstance(loaded, dict) and loaded and all(isinstance(v, pl.DataFrame) for v in loaded.values()):
            return pl.concat([loaded[k] for k in sorted(loaded)], how="diagonal_relaxed")
        return loaded


def _describe(context: dg.InputContext) -> str:
    name = context.asset_key.to_user_string()
    partitions = context.asset_partition_keys if context.has_asset_partitions else []
    if len(partitions) == 1:
        name += f" [partition {partitions[0]}]"
    return f"asset {name}"


def _quarantine(target: UPath) -> UPath | None:
    """Move an unreadable file aside, so the asset reads as missing (not as fresh) until it is rebuilt."""
    moved = target.with_name(f"{target.name}.unreadable-{time.strftime('%Y%m%dT%H%M%S')}")
    try:
        target.rename(moved)
    except OSError:
        return None
    return moved


class MedchatIOManager(dg.ConfigurableIOManagerFactory):
    """Base path: `base_path` if set, else `<storage_dir>/assets` of the active profile."""

    base_path: str | None = None
    profile: str | None = None

    def create_io_manager(self, context) -> ParquetIOManager:
        if self.base_path:
            return ParquetIOManager(base_path=UPath(self.base_path))
        from medchat_pipeline.config import load_config

        return ParquetIOManager(base_path=UPath(load_config(self.profile).storage_path("assets")))


def frame_output(frame: pl.DataFrame, metadata: dict | None = None, **kwargs) -> dg.Output:
    """`dg.Output` for a frame, with its content hash as the data version: a rerun that gives the same
    rows leaves downstream assets fresh, and a lineage record names exactly the data it was built on.
    Its row count and column schema go into the metadata under Dagster's standard keys (the UI shows them)."""
    table = {"dagster/row_count": frame.height, "dagster/column_schema": column_schema(frame)}
    return dg.Output(frame, data_version=dg.DataVersion(frame_content_version(frame)), metadata={**table, **(metadata or {})}, **kwargs)


def column_schema(frame: pl.DataFrame) -> dg.TableSchema:
    return dg.TableSchema(columns=[dg.TableColumn(name, str(dtype)) for name, dtype in frame.schema.items()])
