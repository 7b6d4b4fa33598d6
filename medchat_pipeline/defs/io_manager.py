"""Frames travel as Parquet, manifests as JSON, under a UPath base (local by default; s3/gcs by URL).

Models and adapters never pass through here: their assets return a small manifest dict that points
at the directory holding the weights.
"""

from __future__ import annotations

import json

import dagster as dg
import polars as pl
from upath import UPath

from medchat_pipeline.core.data.source_version import frame_content_version


class ParquetIOManager(dg.UPathIOManager):
    extension = ""  # chosen per object: .parquet for frames, .json for everything else

    def dump_to_path(self, context: dg.OutputContext, obj, path: UPath) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(obj, pl.DataFrame):
            with path.with_suffix(".parquet").open("wb") as handle:
                obj.write_parquet(handle)
            stale = path.with_suffix(".json")
        else:
            path.with_suffix(".json").write_text(json.dumps(obj, indent=2, sort_keys=True, default=str))
            stale = path.with_suffix(".parquet")
        if stale.exists():
            stale.unlink()

    def load_from_path(self, context: dg.InputContext, path: UPath):
        parquet = path.with_suffix(".parquet")
        if parquet.exists():
            with parquet.open("rb") as handle:
                return pl.read_parquet(handle)
        return json.loads(path.with_suffix(".json").read_text())

    def load_input(self, context: dg.InputContext):
        loaded = super().load_input(context)
        # A non-partitioned asset reading a partitioned one gets every partition: one frame.
        if isinstance(loaded, dict) and loaded and all(isinstance(v, pl.DataFrame) for v in loaded.values()):
            return pl.concat([loaded[k] for k in sorted(loaded)], how="diagonal_relaxed")
        return loaded


class MedchatIOManager(dg.ConfigurableIOManagerFactory):
    """Base path: `base_path` if set, else `<storage_dir>/assets` of the active profile."""

    base_path: str | None = None
    profile: str | None = None

    def create_io_manager(self, context) -> ParquetIOManager:
        if self.base_path:
            return ParquetIOManager(base_path=UPath(self.base_path))
        from medchat_pipeline.config import load_config

        return ParquetIOManager(base_path=UPath(load_config(self.profile).storage_path("assets")))


def frame_output(frame: pl.DataFrame, **kwargs) -> dg.Output:
    """`dg.Output` for a frame, with its content hash as the data version: a rerun that gives the same
    rows leaves downstream assets fresh, and a lineage record names exactly the data it was built on."""
    return dg.Output(frame, data_version=dg.DataVersion(frame_content_version(frame)), **kwargs)
