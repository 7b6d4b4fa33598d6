"""Data versions: of a configured source (what must change for its rows to change), and of a
produced frame (its content).

Sources in local files: a blake2b hash over every matched file's path (relative to the project root) and
bytes, so editing, adding, removing or renaming a file gives a new version. Hub datasets: the id,
config, splits and revision — pin the revision and the version is exact; leave it null and a new
upload on the hub is not noticed until the revision is pinned (the version says "unpinned").
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

_READ_BYTES = 1 << 20


def source_data_version(source_cfg, root: Path) -> str:
    if source_cfg.mode == "hub":
        hub = source_cfg.hub
        spec = {"id": hub.id, "config": hub.config, "splits": list(hub.splits), "revision": hub.revision or "unpinned"}
        if hub.data_dir:  # only when set, so the versions of existing hub sources stay as they were
            spec["data_dir"] = hub.data_dir
        return "hub-" + hashlib.blake2b(json.dumps(spec, sort_keys=True).encode(), digest_size=12).hexdigest()
    digest = hashlib.blake2b(digest_size=12)
    for path in source_cfg.resolve_paths(root):
        name = path.relative_to(root) if path.is_relative_to(root) else path
        digest.update(str(name).encode() + b"\0")
        with path.open("rb") as handle:
            while block := handle.read(_READ_BYTES):
                digest.update(block)
        digest.update(b"\0")
    return "files-" + digest.hexdigest()


_HASH_SLICE_ROWS = 50_000


def frame_content_version(frame) -> str:
    """The data version of a produced frame: a blake2b hash of its schema and every value, in row
    order, so that a rerun giving the same rows keeps the version and downstream assets stay fresh
    (Dagster's default would derive a new one from code and input versions alone).

    Values are hashed as NDJSON, slice by slice so memory stays bounded: a canonical text of the
    values, whatever their memory layout (Arrow buffers are not: what lies under a null list slot,
    or how strings are chunked, differs between frames holding the same rows).
    """
    digest = hashlib.blake2b(digest_size=12)
    digest.update(json.dumps({name: str(dtype) for name, dtype in frame.schema.items()}).encode())
    for start in range(0, frame.height, _HASH_SLICE_ROWS):
        digest.update(frame.slice(start, _HASH_SLICE_ROWS).write_ndjson().encode())
    return "rows-" + digest.hexdigest()
