"""The GPU-pod launch for `training.runner: pipes_k8s` (dagster-k8s's PipesK8sClient, dagster-k8s 0.29.x).

The pod runs the same entry point as the subprocess runner, `python -m medchat_pipeline.training.<stage>
--config <output_dir>/job.json`, so the job file and storage_dir must live on a volume both the Dagster
process and the pod mount (k8s.storage_volume_claim at k8s.storage_mount_path, with storage_dir pointing
there). Pipes carries the trainer's logs and metrics back from the pod's stdout.

Example (configs/medgemma-27b.yaml):

    training:
      runner: pipes_k8s
      k8s:
        image: registry.example.com/medchat-pipeline:2026.11
        namespace: training
        gpus: 1
        memory: 120Gi
        storage_volume_claim: medchat-storage
        storage_mount_path: /medchat-storage
        node_selector: {nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB}
"""

from __future__ import annotations

from medchat_pipeline.config.training import K8sRunnerSettings


def k8s_run_kwargs(settings: K8sRunnerSettings, module: str, config_path: str) -> dict:
    """Keyword arguments for `PipesK8sClient().run(context=…, **kwargs)`."""
    container = {
        "resources": {
            "limits": {settings.gpu_resource: str(settings.gpus), "memory": settings.memory},
            "requests": {settings.gpu_resource: str(settings.gpus), "memory": settings.memory},
        },
    }
    pod_spec: dict = {"containers": [container], "restart_policy": "Never"}
    if settings.storage_volume_claim:
        container["volume_mounts"] = [{"name": "medchat-storage", "mount_path": settings.storage_mount_path}]
        pod_spec["volumes"] = [
            {"name": "medchat-storage", "persistent_volume_claim": {"claim_name": settings.storage_volume_claim}}
        ]
    if settings.node_selector:
        pod_spec["node_selector"] = dict(settings.node_selector)
    return {
        "image": settings.image,
        "command": ["python", "-m", module, "--config", config_path],
        "namespace": settings.namespace,
        "base_pod_spec": pod_spec,
    }
