"""A real, throwaway PostgreSQL server for tests: initdb + pg_ctl into a temporary folder, on a free
loopback port, with password (SCRAM) authentication over TCP as a deployment has it.

PostgreSQL refuses to run as root, and CI runs as root: the cluster then belongs to an unprivileged
system user (`postgres` where the Debian package created it, else `nobody`) and every server command
runs through `runuser`. The binaries come from the Debian packages (`.ci/run` installs `postgresql`
when they are missing) or from $MEDCHAT_PG_BINDIR.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_pg_bindir() -> Path | None:
    """The folder holding initdb/pg_ctl: $MEDCHAT_PG_BINDIR, the newest /usr/lib/postgresql/*/bin, or PATH."""
    if os.environ.get("MEDCHAT_PG_BINDIR"):
        return Path(os.environ["MEDCHAT_PG_BINDIR"])
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if versions:
        return Path(versions[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class PostgresServer:
    """Where the server listens and how to log in. `database` is the one created at start-up;
    `create_database(name)` gives each test (or topology) a fresh one on the same server."""

    host: str
    port: int
    user: str
    password: str
    database: str
    data_dir: Path

    def dagster_env(self, database: str | None = None) -> dict[str, str]:
        """The DAGSTER_POSTGRES_* variables docker/dagster.yaml reads."""
        return {
            "DAGSTER_POSTGRES_HOST": self.host,
            "DAGSTER_POSTGRES_PORT": str(self.port),
            "DAGSTER_POSTGRES_USER": self.user,
            "DAGSTER_POSTGRES_PASSWORD": self.password,
            "DAGSTER_POSTGRES_DB": database or self.database,
        }

    def connect(self, database: str | None = None):
        import psycopg2

        return psycopg2.connect(
            host=self.host, port=self.port, user=self.user, password=self.password, dbname=database or self.database
        )

    def create_database(self, name: str) -> str:
        """CREATE DATABASE name (dropping an older one of that name); returns the name."""
        connection = self.connect("postgres")
        connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                cursor.execute(f'CREATE DATABASE "{name}" OWNER "{self.user}"')
        finally:
            connection.close()
        return name


class PostgresCluster:
    """initdb, start, stop and remove one cluster. Use as a context manager."""

    def __init__(self, bindir: Path, user: str = "dagster", database: str = "dagster"):
        self.bindir = bindir
        self.user = user
        self.database = database
        self.password = secrets.token_urlsafe(16)
        self.port = free_port()
        # Not under pytest's tmp_path: its parents are root-only (0700) and the server runs unprivileged.
        self.root = Path(tempfile.mkdtemp(prefix="medchat-pg-"))
        self.data_dir = self.root / "data"
        self.owner = self._unprivileged_owner()

    @staticmethod
    def _unprivileged_owner() -> pwd.struct_passwd | None:
        if os.geteuid() != 0:
            return None
        for name in ("postgres", "nobody"):
            try:
                return pwd.getpwnam(name)
            except KeyError:
                continue
        raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to own the cluster")

    def _run(self, *args: str, timeout: float = 120) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.owner is not None:
            command = ["runuser", "-u", self.owner.pw_name, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(args[:2])} failed ({result.returncode}): {result.stderr.strip()}\n{tail}")

    def __enter__(self) -> PostgresServer:
        password_file = self.root / "password"
        password_file.write_text(self.password + "\n")
        if self.owner is not None:
            for path in (self.root, password_file):
                os.chown(path, self.owner.pw_uid, self.owner.pw_gid)
        self._run(
            "initdb", "-D", str(self.data_dir), "-U", self.user, f"--pwfile={password_file}",
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
        )
        password_file.unlink()
        # Loopback TCP only; the socket lives in the cluster folder (the default /var/run/postgresql may
        # not exist or belong to someone else). fsync off: a throwaway server need not survive a crash.
        options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -c fsync=off -c max_connections=200"
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.root / "server.log"), "-o", options, "-w", "start")
        server = PostgresServer("127.0.0.1", self.port, self.user, self.password, self.database, self.data_dir)
        server.create_database(self.database)
        return server

    def __exit__(self, *exc) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop", timeout=60)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
