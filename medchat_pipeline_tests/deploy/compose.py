"""docker-compose.yml and the Dockerfile, read as data, and the compose topology run as local processes.

There is no container engine on the machines that run the tests, so the topology runs as processes
started with the services' own commands and environment: the Dockerfile's ENV, the service's
`environment:` (compose `${VAR:-default}` interpolation included), and its `command:`. Only what a
container network provides differently is mapped: service host names and published ports become
loopback addresses and free ports, and the image's folders become temporary ones (the project
folder becomes this checkout). `ComposeService.mapped` records every such substitution, so a test
can check that nothing else differs.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from medchat_pipeline.config import project_root

ROOT = project_root()
DAGSTER_SERVICES = ("code", "webserver", "daemon")
_INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?::-(?P<default>[^}]*))?\}")


def interpolate(value: str, host_env: dict[str, str]) -> str:
    """Compose's variable substitution: ${VAR} and ${VAR:-default} from the host environment."""

    def replace(match: re.Match) -> str:
        name, default = match["name"], match["default"]
        found = host_env.get(name)
        return found if found else (default or "")

    return _INTERPOLATION.sub(replace, value)


def read_compose(path: Path = ROOT / "docker-compose.yml") -> dict:
    return yaml.safe_load(path.read_text())


def read_dockerfile(path: Path = ROOT / "Dockerfile") -> dict:
    """{"env": ENV variables in order, "copies": [(sources, destination)], "workdir": WORKDIR}."""
    text = re.sub(r"\\\n", " ", path.read_text())  # join continuation lines
    env: dict[str, str] = {}
    copies: list[tuple[list[str], str]] = []
    workdir = "/"
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        if not words:
            continue
        instruction, args = words[0].upper(), words[1:]
        if instruction == "ENV":
            for pair in args:
                name, _, value = pair.partition("=")
                env[name] = _expand_env(value, env)
        elif instruction == "COPY":
            copies.append((args[:-1], _expand_env(args[-1], env)))
        elif instruction == "WORKDIR":
            workdir = args[0]
    return {"env": env, "copies": copies, "workdir": workdir}


def _expand_env(value: str, env: dict[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: env.get(m[1], m[0]), value)


@dataclass
class ComposeService:
    """One service's process as the container would run it, and its local mapping."""

    name: str
    argv: list[str]  # the container's command
    env: dict[str, str]  # Dockerfile ENV + the service's environment, as the container sees them
    local_argv: list[str] = field(default_factory=list)
    local_env: dict[str, str] = field(default_factory=dict)
    mapped: dict[str, tuple[str, str]] = field(default_factory=dict)  # what → (container value, local value)


def service_definitions(host_env: dict[str, str] | None = None) -> dict[str, ComposeService]:
    """The Dagster services of docker-compose.yml with the image's environment (not yet mapped)."""
    host_env = dict(os.environ if host_env is None else host_env)
    compose = read_compose()
    image_env = read_dockerfile()["env"]
    services = {}
    for name in DAGSTER_SERVICES:
        spec = compose["services"][name]
        env = dict(image_env)
        env.update({key: interpolate(str(value), host_env) for key, value in (spec.get("environment") or {}).items()})
        services[name] = ComposeService(name=name, argv=shlex.split(spec["command"]), env=env)
    return services


@dataclass
class LocalMapping:
    """How container addresses and folders translate to this machine."""

    ports: dict[str, int]  # service name → local port for its `-p`
    env: dict[str, str]  # variables whose value differs outside a container network (addresses, database)
    folders: dict[str, str]  # image folder → local folder (longest prefix wins)

    def path(self, value: str) -> str:
        for prefix in sorted(self.folders, key=len, reverse=True):
            if value == prefix or value.startswith(prefix.rstrip("/") + "/"):
                return self.folders[prefix] + value[len(prefix):]
        return value


def map_service(service: ComposeService, mapping: LocalMapping) -> ComposeService:
    """Fill local_argv / local_env / mapped: folders, hosts and ports change; nothing else does."""
    argv, mapped = [], {}
    args = iter(service.argv)
    for arg in args:
        if arg in ("-h", "--host"):
            value = next(args)
            argv += [arg, "127.0.0.1"]
            mapped["argv host"] = (value, "127.0.0.1")
        elif arg in ("-p", "--port"):
            value = next(args)
            local = str(mapping.ports[service.name])
            argv += [arg, local]
            mapped["argv port"] = (value, local)
        else:
            local = mapping.path(arg)
            if local != arg:
                mapped[f"argv {arg}"] = (arg, local)
            argv.append(local)
    env = {}
    for key, value in service.env.items():
        local = mapping.env.get(key, mapping.path(value))
        if local != value:
            mapped[f"env {key}"] = (value, local)
        env[key] = local
    service.local_argv, service.local_env, service.mapped = argv, env, mapped
    return service


def install_dagster_home(dagster_home: Path) -> None:
    """Copy into a local DAGSTER_HOME what the Dockerfile COPYs into the image's $DAGSTER_HOME."""
    docker = read_dockerfile()
    target = docker["env"]["DAGSTER_HOME"].rstrip("/")
    dagster_home.mkdir(parents=True, exist_ok=True)
    for sources, destination in docker["copies"]:
        if destination.rstrip("/") == target:
            for source in sources:
                shutil.copy(ROOT / source, dagster_home / Path(source).name)


@dataclass
class RunningService:
    service: ComposeService
    process: subprocess.Popen
    log_path: Path
    stop_seconds: float | None = None

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""


def start_service(service: ComposeService, log_dir: Path) -> RunningService:
    """Start one service's command in its own process group (so stop_service ends its children too).
    The image has the console scripts on PATH; here they are beside this interpreter."""
    env = dict(service.local_env)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    for passthrough in ("HOME", "LANG", "TMPDIR", "PYTHONPATH", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE",
                        "MEDCHAT_MODEL_CACHE", "MEDCHAT_SHARED_DATA"):
        if passthrough in os.environ and passthrough not in env:
            env[passthrough] = os.environ[passthrough]
    log_path = log_dir / f"{service.name}.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        service.local_argv, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()
    return RunningService(service, process, log_path)


def stop_service(running: RunningService, timeout: float = 20) -> None:
    """SIGTERM the service's process group (its own children: run workers, the code server's loader),
    then SIGKILL what is left after `timeout`."""
    import signal

    started = time.monotonic()
    if running.process.poll() is None:
        try:
            os.killpg(running.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while running.process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
    try:
        os.killpg(running.process.pid, signal.SIGKILL)  # stragglers in the group, if any
    except ProcessLookupError:
        pass
    running.process.wait(timeout=10)
    running.stop_seconds = time.monotonic() - started
