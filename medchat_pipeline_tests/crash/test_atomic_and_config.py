"""Atomic writes (core.atomic), the IO manager's clear errors on damaged files, and profile validation."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
import yaml

from medchat_pipeline.config import ConfigError, check_inputs, configs_dir, load_config
from medchat_pipeline.core.atomic import atomic_directory, atomic_path, atomic_write
from medchat_pipeline.defs.io_manager import MedchatIOManager, StoredValueUnreadable


def test_atomic_write_replaces_whole_and_a_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "report.json"
    atomic_write(target, '{"v": 1}')
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text('{"v": 2, "half')
        raise RuntimeError("disk full")
    assert target.read_text() == '{"v": 1}'
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_killed_writer_leaves_the_old_file_and_its_temporary_is_swept(tmp_path):
    target = tmp_path / "frame.parquet"
    pl.DataFrame({"a": [1, 2]}).write_parquet(target)
    # A real process dies (SIGKILL) half-way through an atomic write.
    script = textwrap.dedent(
        f"""
        import os, signal
        from medchat_pipeline.core.atomic import atomic_path
        with atomic_path({str(target)!r}) as tmp:
            open(tmp, "wb").write(b"PAR1 half a file")
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    assert subprocess.run([sys.executable, "-c", script]).returncode == -9
    assert pl.read_parquet(target)["a"].to_list() == [1, 2]
    assert len(list(tmp_path.glob(".frame.parquet.tmp-*"))) == 1
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new" and not list(tmp_path.glob(".frame.parquet.tmp-*"))


def test_atomic_directory_appears_complete_or_not_at_all_and_never_changes(tmp_path):
    target = tmp_path / "adapter"
    with pytest.raises(OSError), atomic_directory(target) as staging:
        (staging / "weights.bin").write_bytes(b"x" * 10)
        raise OSError(28, "No space left on device")
    assert not target.exists() and list(tmp_path.iterdir()) == []
    with atomic_directory(target) as staging:
        (staging / "weights.bin").write_bytes(b"abc")
    with pytest.raises(FileExistsError), atomic_directory(target) as staging:
        (staging / "weights.bin").write_bytes(b"changed")
    assert (target / "weights.bin").read_bytes() == b"abc"


@dg.asset
def upstream_frame() -> pl.DataFrame:
    return pl.DataFrame({"x": [1, 2, 3]})


@dg.asset
def reads_frame(upstream_frame: pl.DataFrame) -> int:
    return upstream_frame.height


def test_a_truncated_parquet_names_file_asset_and_rebuild_command_and_is_moved_aside(tmp_path):
    defs = dg.Definitions(assets=[upstream_frame, reads_frame], resources={"io_manager": MedchatIOManager(base_path=str(tmp_path))})
    with dg.instance_for_test() as instance:
        assert defs.resolve_implicit_global_asset_job_def().execute_in_process(instance=instance).success
        stored = tmp_path / "upstream_frame.parquet"
        stored.write_bytes(stored.read_bytes()[:40])  # a crash of a non-atomic copy, a full disk
        result = defs.resolve_implicit_global_asset_job_def().execute_in_process(
            instance=instance, asset_selection=[dg.AssetKey("reads_frame")], raise_on_error=False
        )
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure).event_specific_data.error
    message = failure.cause.message if failure.cause else failure.message
    assert "StoredValueUnreadable" in message or "stored file" in message
    assert str(stored) in message and "asset upstream_frame" in message
    assert "medchat run --select upstream_frame+" in message
    assert not stored.exists() and list(tmp_path.glob("upstream_frame.parquet.unreadable-*"))
    with pytest.raises(StoredValueUnreadable, match="has no stored value"):
        dg.materialize([upstream_frame.to_source_asset(), reads_frame], resources={"io_manager": MedchatIOManager(base_path=str(tmp_path))})


def _profile(tmp_path: Path, content) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(content if isinstance(content, str) else yaml.safe_dump(content))
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ("- a\n- b\n", "holds a list"),
        ("just text\n", "holds a str"),
    ],
)
def test_profiles_that_are_not_mappings_are_refused(tmp_path, content, message):
    with pytest.raises(ConfigError, match=message):
        load_config(str(_profile(tmp_path, content)))


def test_a_mistyped_profile_path_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(str(tmp_path / "demo-smal.yaml"))
    with pytest.raises(ConfigError, match="unknown profile 'demoo'"):
        load_config("demoo")


def test_check_inputs_names_every_glob_that_matches_nothing(tmp_path):
    profile = yaml.safe_load((configs_dir() / "demo.yaml").read_text())
    profile["data"]["sources"]["medqa"]["paths"] = ["medchat_pipeline/demo_data/medqa/*.jsonll"]
    profile["data"]["sources"]["pubmedqa"]["paths"] = [str(tmp_path / "nowhere" / "*.json")]
    cfg = load_config(str(_profile(tmp_path, profile)))
    with pytest.raises(ConfigError) as raised:
        check_inputs(cfg)
    assert "data.sources.medqa.paths" in str(raised.value) and "*.jsonll" in str(raised.value)
    assert "data.sources.pubmedqa.paths" in str(raised.value)
    check_inputs(load_config("demo"))  # the shipped profile's globs all match
