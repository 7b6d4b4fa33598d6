"""MLflow's SQLite store (`<storage>/mlflow/mlflow.db`), created whole or not at all.

MLflow builds its schema on first use in some fifty migration steps. A crash or a full disk between two
of them leaves a store on which every later run fails ("table _alembic_tmp_trace_tags already exists"),
until someone deletes it by hand. So the store is built under a temporary name and linked into place
complete; a store found damaged (a half-applied migration, no schema, a failed quick_check) is moved
aside to `mlflow.db.broken-<time>` (its runs stay readable there) and a fresh one is built.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from medchat_pipeline.core.atomic import TMP_MARK, fsync_directory, fsync_path, remove_stale_temporaries

log = logging.getLogger(__name__)
SQLITE_PREFIX = "sqlite:///"


def ensure_sqlite_store(tracking_uri: str) -> None:
    """Make a `sqlite:///` tracking store usable before MLflow touches it; other URIs are left alone."""
    if not tracking_uri.startswith(SQLITE_PREFIX):
        return
    path = Path(tracking_uri.removeprefix(SQLITE_PREFIX))
    if path.exists():
        problem = store_problem(path)
        if problem is None:
            return
        moved = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%dT%H%M%S')}")
        log.warning("MLflow store %s is damaged (%s); moved to %s, building a fresh one", path, problem, moved)
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                path.with_name(path.name + suffix).rename(moved.with_name(moved.name + suffix))
    _build(path)


def store_problem(path: Path) -> str | None:
    try:
        with contextlib.closing(sqlite3.connect(path)) as db:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                return f"quick_check: {verdict}"
            names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        return str(exc)
    half = sorted(name for name in names if name.startswith("_alembic_tmp_"))
    if half:
        return f"a migration was cut short ({half[0]} left behind)"
    if "alembic_version" not in names:
        return "no MLflow schema"
    return None


def _build(path: Path) -> None:
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}{TMP_MARK}{os.getpid()}-")
    os.close(fd)
    temporary = Path(name)
    try:
        temporary.unlink()  # MLflow creates the file itself
        store = SqlAlchemyStore(f"{SQLITE_PREFIX}{temporary}", (path.parent / "artifacts").as_uri())
        store.engine.dispose()
        fsync_path(temporary)
        try:
            os.link(temporary, path)  # never replaces: a store another process built meanwhile is kept
        except FileExistsError:
            pass
        fsync_directory(path.parent)
    finally:
        temporary.unlink(missing_ok=True)
