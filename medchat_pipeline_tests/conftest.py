"""Fixtures every test module shares: the real data slices, the real demo model, isolated storage."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from medchat_pipeline.config import project_root

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

FIXTURES = Path(__file__).parent / "fixtures"

# The real PostgreSQL server and compose topology fixtures (deploy/ and e2e/ use them).
pytest_plugins = ["medchat_pipeline_tests.deploy.fixtures"]


def shared_data_root() -> Path:
    """The real dataset slices: $MEDCHAT_SHARED_DATA, else ../shared/data beside the repo."""
    env = os.environ.get("MEDCHAT_SHARED_DATA")
    return Path(env) if env else project_root().parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Skip (or, under CI=true, fail) when the real slices are absent."""
    root = shared_data_root()
    if not (root / "PROVENANCE.md").exists():
        message = (
            f"real dataset slices not found at {root} "
            "(set MEDCHAT_SHARED_DATA to the folder holding PROVENANCE.md)"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return root


@pytest.fixture(scope="session")
def demo_model_dir() -> Path:
    """SmolLM2-135M-Instruct as a plain safetensors directory (converted once from the packaged GGUF)."""
    from medchat_pipeline.models import DEMO_BASE_MODEL, resolve_base_model

    return Path(resolve_base_model(DEMO_BASE_MODEL))


@pytest.fixture(scope="session")
def embedding_model_dir() -> Path:
    from medchat_pipeline.models import embedding_model_path

    return embedding_model_path()


@pytest.fixture(autouse=True)
def isolated_storage(tmp_path_factory, monkeypatch) -> Path:
    """Every test writes its assets, caches and MLflow runs under a fresh temporary folder."""
    storage = tmp_path_factory.mktemp("storage")
    monkeypatch.setenv("MEDCHAT_STORAGE_DIR", str(storage))
    return storage


# The suite runs on three workers (pytest-xdist, `-n 3 --dist loadgroup --no-loadscope-reorder` in pyproject.toml;
# `-n 0` runs it in one process). Each test file runs whole on one worker, so a module-scoped fixture is built once;
# the folders whose tests share a costly session fixture (the materialized demo graph and its daemon, the trained
# training graph, the serving models, the PostgreSQL server) run whole on one worker too. The end-to-end folder is the
# longest (the whole graph, then a daemon-driven rebuild), so it is queued first and the other workers take the rest
# meanwhile. Each worker, and what it starts, computes on one thread: two workers of two threads each on two cores ran
# torch-bound tests slower than one thread each; three single-threaded workers on two cores keep both cores busy while
# one waits on a daemon's tick, a process starting or a server coming up (benchmarks/RESULTS.md, "CI time").
SHARED_FIXTURE_FOLDERS = ("e2e", "training", "serving", "deploy")
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")


def _folder(item: pytest.Item) -> str | None:
    parts = item.nodeid.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "medchat_pipeline_tests" else None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        folder = _folder(item)
        item.add_marker(pytest.mark.xdist_group(folder if folder in SHARED_FIXTURE_FOLDERS else item.nodeid.split("::")[0]))
    items.sort(key=lambda item: _folder(item) != "e2e")  # stable: the e2e tests first, each file in its own order


def pytest_configure(config):
    # pytest-xdist 3.8 groups a worker's tests by renaming each one nodeid@group; pytest 9.2 keeps a node's id
    # elsewhere and ignores the rename, so files would be split across the workers with their module fixtures built on
    # each, silently. Stop with the fix instead.
    if getattr(config.option, "dist", "no") == "loadgroup" and pytest.version_tuple[:2] >= (9, 2):
        raise pytest.UsageError(f"pytest {pytest.__version__}: pytest-xdist cannot group the tests; use pytest<9.2 "
                                "(pyproject.toml), or -n 0")
