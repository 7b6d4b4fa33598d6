"""Damaged caches: the teacher cache starts afresh, the converted model is rebuilt, or fails loudly."""

from __future__ import annotations

import json
import logging
import resource
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from medchat_pipeline.config import project_root
from medchat_pipeline.core.atomic import TMP_MARK
from medchat_pipeline.models import DEMO_BASE_MODEL, cache_problem, resolve_base_model
from medchat_pipeline.teachers.cache import TeacherCache


def _filled_cache(path: Path, rows: int) -> None:
    cache = TeacherCache(path)
    for i in range(rows):
        cache.put(f"key-{i}", "local", "m", None, "answer " * 50, {"output_tokens": 3}, 0.0)
    cache.close()


@pytest.mark.parametrize("where", ["header", "a middle page"])
def test_a_damaged_teacher_cache_is_moved_aside_and_a_fresh_one_started(tmp_path, caplog, where):
    path = tmp_path / "teacher_cache.sqlite"
    _filled_cache(path, 400)
    with open(path, "r+b") as handle:
        handle.seek(0 if where == "header" else 4096 * 3)
        handle.write(b"\x5a" * 4096)
    with caplog.at_level(logging.WARNING):
        cache = TeacherCache(path)
    assert len(cache) == 0 and cache.get("key-1") is None
    cache.put("key-new", "local", "m", None, "fresh", {}, 0.0)
    assert cache.get("key-new").text == "fresh"
    assert list(tmp_path.glob("teacher_cache.sqlite.corrupt-*"))
    assert any("is damaged" in message for message in caplog.messages)


@pytest.fixture
def own_model_cache(tmp_path, demo_model_dir) -> Path:
    """A private copy of the converted demo model (never the shared cache)."""
    cache = tmp_path / "models"
    shutil.copytree(demo_model_dir, cache / demo_model_dir.name)
    return cache


@pytest.mark.slow
def test_a_cut_short_model_cache_is_rebuilt_and_changed_files_are_noticed(own_model_cache):
    """Rebuilt once: a second process that wants the model meanwhile waits for the rebuild and uses it."""
    folder = next(own_model_cache.iterdir())
    weights = folder / "model.safetensors"
    with open(weights, "r+b") as handle:
        handle.truncate(weights.stat().st_size // 3)
    assert "cut short" in cache_problem(folder)
    result: dict = {}
    rebuild = threading.Thread(target=lambda: result.update(
        path=Path(resolve_base_model(DEMO_BASE_MODEL, cache_dir=own_model_cache))))
    rebuild.start()
    deadline = time.monotonic() + 120
    while not list(own_model_cache.glob(f".{folder.name}{TMP_MARK}*")) and rebuild.is_alive():
        assert time.monotonic() < deadline, "the rebuild never started writing"
        time.sleep(0.05)
    script = ("import logging; logging.basicConfig(level=logging.INFO); from pathlib import Path; "
              "from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model; "
              f"print(resolve_base_model(DEMO_BASE_MODEL, cache_dir=Path({str(own_model_cache)!r})))")
    second = subprocess.run([sys.executable, "-c", script], cwd=project_root(), capture_output=True, text=True,
                            timeout=600)
    rebuild.join(timeout=600)
    rebuilt = result["path"]
    assert rebuilt == folder and cache_problem(rebuilt) is None
    assert second.returncode == 0 and Path(second.stdout.strip()) == folder, second.stderr[-2000:]
    assert "another process is converting" in second.stderr  # it waited, and then converted nothing itself
    assert len(list(own_model_cache.glob(f"{folder.name}.broken-*"))) == 1
    recorded = json.loads((rebuilt / "medchat_conversion.json").read_text())["files"]
    assert recorded["model.safetensors"]["size"] == (rebuilt / "model.safetensors").stat().st_size
    # Same size, other bytes (a stray edit): the recorded hash tells.
    tokenizer = rebuilt / "tokenizer.json"
    text = tokenizer.read_bytes()
    tokenizer.write_bytes(text.replace(b"a", b"b", 1))
    assert "changed after conversion" in cache_problem(rebuilt)


@pytest.mark.slow
def test_a_model_cache_that_cannot_be_rebuilt_fails_loudly(own_model_cache):
    """The rebuild runs out of room (RLIMIT_FSIZE: any file over 50 MB fails with EFBIG): the error names
    the folder and the way out, and nothing answers in the model's place."""
    folder = next(own_model_cache.iterdir())
    (folder / "config.json").write_text("{ not json")
    script = (
        "from pathlib import Path; from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model;"
        f"resolve_base_model(DEMO_BASE_MODEL, cache_dir=Path({str(own_model_cache)!r}))"
    )
    limit = 50 * 1024 * 1024
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=project_root(), capture_output=True, text=True, timeout=900,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )
    assert done.returncode != 0
    assert "ModelCacheError" in done.stderr and str(folder) in done.stderr and "MEDCHAT_MODEL_CACHE" in done.stderr
    assert not folder.exists() or cache_problem(folder) is not None  # never a half-written folder passed off as good


@pytest.mark.slow
def test_the_mlflow_store_is_built_whole_and_a_half_migrated_one_set_aside(tmp_path):
    from mlflow.tracking import MlflowClient

    from medchat_pipeline.training.mlflow_store import ensure_sqlite_store, store_problem

    store = tmp_path / "mlflow" / "mlflow.db"
    uri = f"sqlite:///{store}"
    # A process killed while MLflow builds the schema leaves nothing at the store's path.
    builder = subprocess.Popen(
        [sys.executable, "-c", f"from medchat_pipeline.training.mlflow_store import ensure_sqlite_store; ensure_sqlite_store({uri!r})"],
        cwd=project_root(),
    )
    deadline = time.monotonic() + 300
    while not list(store.parent.glob(".mlflow.db.tmp-*")) and time.monotonic() < deadline and builder.poll() is None:
        time.sleep(0.01)
    builder.kill()
    builder.wait()
    assert not store.exists() or store_problem(store) is None
    ensure_sqlite_store(uri)
    assert store_problem(store) is None
    assert not list(store.parent.glob(".mlflow.db.tmp-*"))
    # What older code left after a full disk mid-migration: every later run failed on it.
    with sqlite3.connect(store) as db:
        db.execute("CREATE TABLE _alembic_tmp_trace_tags (x INTEGER)")
    assert "cut short" in store_problem(store)
    ensure_sqlite_store(uri)
    assert store_problem(store) is None and list(store.parent.glob("mlflow.db.broken-*"))
    assert MlflowClient(tracking_uri=uri).create_experiment("after-recovery")
