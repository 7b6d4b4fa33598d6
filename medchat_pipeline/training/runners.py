"""The GPU-pod launch for `training.runner: pipes_k8s` (dagster-k8s's PipesK8sClient).

The pod runs the same entry point as the subprocess runner, `python -m medchat_pipeline.training.<stage>
--config <output_dir>/job.json`, so the job file and storage_dir must live on a volume both the Dagster
run pod and the training pod mount (k8s.storage_volume_claim at k8s.storage_mount_path, with storage_dir
pointing there; deploy/helm/values.yaml mounts the same claim at the same path). Pipes carries the
trainer's logs and metrics back from the pod's stdout.

Example (configs/medgemma-27b.yaml):

    training:
      runner: pipes_k8s
      k8s:
        image: registry.example.com/medchat-pipeline:2026.11
        namespace: training
        gpus: 1
        memory: 120Gi
        storage_volume_claim: medchat-storage
        model_cache_volume_claim: medchat-models
        env_from_secrets: [medchat-training-env]
        node_selector: {nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB}
        tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
"""

from __future__ import annotations

from medchat_pipeline.config.training import K8sRunnerSettings

STORAGE_VOLUME = "medchat-storage"
MODEL_CACHE_VOLUME = "medchat-model-cache"
SHM_VOLUME = "dshm"


def k8s_run_kwargs(settings: K8sRunnerSettings, module: str, config_path: str) -> dict:
    """Keyword arguments for `PipesK8sClient().run(context=…, **kwargs)`: image, command, namespace, env and
    a base pod spec (snake_case keys, as dagster-k8s accepts) with the GPU, memory, volumes, node
    selector and tolerations."""
    requests = {settings.gpu_resource: str(settings.gpus), "memory": settings.memory}
    if settings.cpu:
        requests["cpu"] = settings.cpu
    container: dict = {
        "image_pull_policy": settings.image_pull_policy,
        # GPUs cannot be overcommitted (request = limit); memory likewise, so the pod is never OOM-evicted
        # for a neighbour. CPU has no limit: throttling the dataloader only slows the GPU.
        "resources": {"requests": requests, "limits": {settings.gpu_resource: str(settings.gpus), "memory": settings.memory}},
        "volume_mounts": [],
    }
    volumes: list[dict] = []
    env: dict[str, str] = {}
    if settings.storage_volume_claim:
        container["volume_mounts"].append({"name": STORAGE_VOLUME, "mount_path": settings.storage_mount_path})
        volumes.append({"name": STORAGE_VOLUME, "persistent_volume_claim": {"claim_name": settings.storage_volume_claim}})
        env["MEDCHAT_STORAGE_DIR"] = settings.storage_mount_path
    if settings.model_cache_volume_claim:
        container["volume_mounts"].append({"name": MODEL_CACHE_VOLUME, "mount_path": settings.model_cache_mount_path})
        volumes.append(
            {"name": MODEL_CACHE_VOLUME, "persistent_volume_claim": {"claim_name": settings.model_cache_volume_claim}}
        )
        env["HF_HOME"] = settings.model_cache_mount_path
    if settings.shm_size:
        container["volume_mounts"].append({"name": SHM_VOLUME, "mount_path": "/dev/shm"})
        volumes.append({"name": SHM_VOLUME, "empty_dir": {"medium": "Memory", "size_limit": settings.shm_size}})
    if settings.env_from_secrets:
        container["env_from"] = [{"secret_ref": {"name": name}} for name in settings.env_from_secrets]
    if not container["volume_mounts"]:
        del container["volume_mounts"]

    pod_spec: dict = {"containers": [container], "restart_policy": "Never"}
    if volumes:
        pod_spec["volumes"] = volumes
    if settings.node_selector:
        pod_spec["node_selector"] = dict(settings.node_selector)
    if settings.tolerations:
        pod_spec["tolerations"] = [toleration.model_dump(exclude_none=True) for toleration in settings.tolerations]
    if settings.service_account:
        pod_spec["service_account_name"] = settings.service_account
    kwargs = {
        "image": settings.image,
        "command": ["python", "-m", module, "--config", config_path],
        "namespace": settings.namespace,
        "env": env,
        "base_pod_spec": pod_spec,
    }
    if settings.labels:
        kwargs["base_pod_meta"] = {"labels": dict(settings.labels)}
    return kwargs
