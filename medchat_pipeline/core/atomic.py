"""Atomic writes: a reader (or the next run after a crash) sees the old file or the new one, never half.

    with atomic_path(target) as tmp:      # write anything to tmp (polars, pandas, a library's save)
        frame.write_parquet(tmp)
    atomic_write(target, text)            # str or bytes in one call

The data goes to a temporary file beside the target, is flushed and fsynced, then renamed over the
target (os.replace is atomic within one filesystem) and the directory is fsynced so the rename itself
survives a power cut. A crash, `kill -9` or a full disk leaves the previous file intact plus at most a
hidden `.<name>.tmp-<pid>-<random>` file; the next write of the same target removes those whose
process is gone. `atomic_directory` does the same for a directory that must appear complete or not at
all (an adapter, a checkpoint): it is built under a temporary name and renamed into place once.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

TMP_MARK = ".tmp-"


def _temporary_name(target: Path) -> Path:
    return target.with_name(f".{target.name}{TMP_MARK}{os.getpid()}-{uuid.uuid4().hex[:8]}")


def _writer_alive(temporary: Path) -> bool:
    """Whether the process named in a temporary's name still runs (a foreign or odd name counts as alive)."""
    try:
        pid = int(temporary.name.rsplit(TMP_MARK, 1)[1].split("-", 1)[0])
    except (IndexError, ValueError):
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Delete what crashed writers of `target` left behind (temporaries whose process is gone)."""
    removed = []
    if not target.parent.is_dir():
        return removed
    for leftover in target.parent.glob(f".{target.name}{TMP_MARK}*"):
        if _writer_alive(leftover):
            continue
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed


def sweep_stale_temporaries(directory: Path) -> list[Path]:
    """Delete every temporary in `directory` whose writer is gone (any target)."""
    removed = []
    for leftover in directory.glob(f".*{TMP_MARK}*"):
        if _writer_alive(leftover):
            continue
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
        removed.append(leftover)
    return removed


def fsync_path(path: Path) -> None:
    """Flush a file (or every file under a directory, then the directory) to disk."""
    if path.is_dir():
        for child in path.rglob("*"):
            if child.is_file():
                _fsync_fd(child, os.O_RDONLY)
        for directory in sorted({p.parent for p in path.rglob("*")} | {path}, key=lambda p: -len(p.parts)):
            fsync_directory(directory)
    else:
        _fsync_fd(path, os.O_RDONLY)


def _fsync_fd(path: Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_directory(directory: Path) -> None:
    try:
        _fsync_fd(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # some filesystems (and Windows) cannot fsync a directory; the rename still happened
        pass


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[Path]:
    """A temporary path to write `target`'s new content to; renamed over `target` when the block ends
    without an exception, deleted when it raises (the old `target` is then untouched)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    temporary = _temporary_name(target)
    try:
        yield temporary
        fsync_path(temporary)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    fsync_directory(target.parent)


def atomic_write(target: str | os.PathLike, data: str | bytes, encoding: str = "utf-8") -> Path:
    """Write text or bytes to `target` atomically; returns the target path."""
    with atomic_path(target) as temporary:
        with open(temporary, "wb") as handle:
            handle.write(data.encode(encoding) if isinstance(data, str) else data)
    return Path(target)


@contextlib.contextmanager
def atomic_directory(target: str | os.PathLike) -> Iterator[Path]:
    """A temporary directory to fill; renamed to `target` when the block ends without an exception.

    Directories are immutable once in place: if `target` already exists the rename fails with
    FileExistsError and the temporary is deleted (callers check for a finished target first).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    temporary = _temporary_name(target)
    temporary.mkdir()
    try:
        yield temporary
        fsync_path(temporary)
        if target.exists():
            raise FileExistsError(f"{target} already exists; a finished directory is never replaced")
        os.rename(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    fsync_directory(target.parent)
