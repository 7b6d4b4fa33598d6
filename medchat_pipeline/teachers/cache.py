"""Persistent completion cache: one SQLite file (WAL) that several processes may share.

Each finished call is committed on its own, so a run killed part-way resumes without repeating
finished calls. Rows hold the text, usage and cost of a call and the alias of the key that paid
for it — never the key.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS completions (
    cache_key TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    key_alias TEXT,
    text TEXT NOT NULL,
    usage TEXT NOT NULL,
    cost REAL NOT NULL,
    created_at REAL NOT NULL
)
"""


def cache_key(
    provider: str,
    model: str,
    messages: list[dict[str, str]],
    params: dict[str, Any],
    template_version: str,
    sample_index: int,
    schema: str | None = None,
) -> str:
    payload = json.dumps(
        {
            "provider": provider,
            "model": model,
            "messages": messages,
            "params": params,
            "template_version": template_version,
            "sample_index": sample_index,
            "schema": schema,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class CachedCompletion:
    text: str
    usage: dict[str, int]
    cost: float
    key_alias: str | None


class TeacherCache:
    """A damaged cache file (a crash of a copy, a full disk, a stray edit) is moved aside to
    `<name>.corrupt-<time>` and a fresh one started, with a warning: the cache only saves calls, so
    losing it costs calls, never a run."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open(check=True)
        except sqlite3.DatabaseError as exc:
            moved = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
            log.warning("teacher cache %s is damaged (%s); moved to %s, starting an empty one", self.path, exc, moved)
            for suffix in ("", "-wal", "-shm"):
                damaged = self.path.with_name(self.path.name + suffix)
                if damaged.exists():
                    damaged.rename(moved.with_name(moved.name + suffix))
            self._db = self._open(check=False)

    def _open(self, check: bool) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA busy_timeout=60000")
            db.execute(_SCHEMA)
            if check and (verdict := db.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
                raise sqlite3.DatabaseError(f"quick_check: {verdict}")
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def get(self, key: str) -> CachedCompletion | None:
        try:
            row = self._db.execute(
                "SELECT text, usage, cost, key_alias FROM completions WHERE cache_key = ?", (key,)
            ).fetchone()
        except sqlite3.DatabaseError as exc:  # damaged after opening: a miss, the teacher is asked again
            log.warning("teacher cache %s unreadable for one entry (%s); calling the teacher", self.path, exc)
            return None
        if row is None:
            return None
        return CachedCompletion(text=row[0], usage=json.loads(row[1]), cost=row[2], key_alias=row[3])

    def put(self, key: str, provider: str, model: str, key_alias: str | None, text: str, usage: dict, cost: float) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO completions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (key, provider, model, key_alias, text, json.dumps(usage), cost, time.time()),
        )

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM completions").fetchone()[0]

    def close(self) -> None:
        self._db.close()
