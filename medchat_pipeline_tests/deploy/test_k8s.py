"""The Kubernetes path, checked against the Kubernetes API's own models: the GPU training pod that
PipesK8sClient creates (built by dagster-k8s's build_pod_body from our kwargs), the Helm values for
Dagster's chart, and the training namespace's RBAC."""

from __future__ import annotations

import json
import tomllib
from types import SimpleNamespace

import kubernetes
import pytest
import yaml
from dagster_k8s.pipes import build_pod_body
from dagster_pipes import DAGSTER_PIPES_CONTEXT_ENV_VAR, DAGSTER_PIPES_MESSAGES_ENV_VAR
from pydantic import ValidationError

from medchat_pipeline.config import load_config
from medchat_pipeline.config.training import K8sRunnerSettings
from medchat_pipeline.training.runners import k8s_run_kwargs
from medchat_pipeline_tests.deploy.compose import ROOT, service_definitions

HELM_VALUES = ROOT / "deploy" / "helm" / "values.yaml"
TRAINING_RBAC = ROOT / "deploy" / "k8s" / "training-rbac.yaml"


def _api_client() -> kubernetes.client.ApiClient:
    configuration = kubernetes.client.Configuration()
    configuration.client_side_validation = True  # required fields and enums, as the API server checks them
    return kubernetes.client.ApiClient(configuration)


def _deserialize(data, model: str):
    """Load API-server JSON (camelCase) into a kubernetes client model, as `kubectl apply` input would be."""
    response = SimpleNamespace(data=json.dumps(data))
    return _api_client().deserialize(response, model)


def _pipes_pod(settings: K8sRunnerSettings, module="medchat_pipeline.training.sft", job="/medchat-storage/a/job.json"):
    """The pod PipesK8sClient.run would submit: dagster-k8s's own builder over our kwargs and the Pipes env."""
    kwargs = k8s_run_kwargs(settings, module, job)
    env = {**kwargs["env"], DAGSTER_PIPES_CONTEXT_ENV_VAR: "e30=", DAGSTER_PIPES_MESSAGES_ENV_VAR: "e30="}
    pod = build_pod_body("dagster-medchat-sft", kwargs["image"], kwargs["command"], env,
                         kwargs.get("base_pod_meta"), kwargs["base_pod_spec"])
    # What goes over the wire, read back by the client's models with validation on.
    wire = _api_client().sanitize_for_serialization(pod)
    return kwargs, wire, _deserialize(wire, "V1Pod")


def test_training_pod_of_the_production_profile_is_a_valid_gpu_pod():
    settings = load_config("medgemma-27b").training.k8s
    kwargs, wire, pod = _pipes_pod(settings)
    assert kwargs["namespace"] == settings.namespace
    spec = pod.spec
    (container,) = spec.containers
    assert container.image == settings.image
    assert container.command == ["python", "-m", "medchat_pipeline.training.sft", "--config", "/medchat-storage/a/job.json"]
    assert spec.restart_policy == "Never"
    # One whole GPU, requested = limited; memory too; CPU requested only.
    assert container.resources.limits["nvidia.com/gpu"] == container.resources.requests["nvidia.com/gpu"] == "1"
    assert container.resources.limits["memory"] == container.resources.requests["memory"] == settings.memory
    assert "cpu" in container.resources.requests and "cpu" not in container.resources.limits
    for quantity in (settings.memory, settings.cpu, settings.shm_size):
        kubernetes.utils.parse_quantity(quantity)
    # Scheduled on the GPU pool, tolerating its taint.
    assert spec.node_selector == settings.node_selector
    assert any(t.key == "nvidia.com/gpu" and t.effect == "NoSchedule" and t.operator == "Exists" for t in spec.tolerations)
    # Every mount names a volume of the pod; storage and model cache are the profile's claims.
    volumes = {volume.name: volume for volume in spec.volumes}
    mounts = {mount.mount_path: mount.name for mount in container.volume_mounts}
    assert set(mounts.values()) <= set(volumes)
    assert volumes[mounts[settings.storage_mount_path]].persistent_volume_claim.claim_name == settings.storage_volume_claim
    assert volumes[mounts[settings.model_cache_mount_path]].persistent_volume_claim.claim_name == settings.model_cache_volume_claim
    assert volumes[mounts["/dev/shm"]].empty_dir.medium == "Memory"
    env = {item.name: item.value for item in container.env}
    assert env["MEDCHAT_STORAGE_DIR"] == settings.storage_mount_path
    assert env["HF_HOME"] == settings.model_cache_mount_path
    assert DAGSTER_PIPES_CONTEXT_ENV_VAR in env
    # Credentials come from a secret by name; no value is in the spec.
    assert [source.secret_ref.name for source in container.env_from] == settings.env_from_secrets
    assert "HF_TOKEN" not in env and "token" not in json.dumps(wire).lower().replace("hf_token", "")


def test_minimal_settings_give_a_valid_pod_without_optional_parts():
    settings = K8sRunnerSettings(tolerations=[], shm_size=None, cpu=None)
    kwargs, _wire, pod = _pipes_pod(settings, module="medchat_pipeline.training.grpo")
    assert pod.spec.volumes is None and pod.spec.tolerations is None
    assert pod.spec.containers[0].resources.requests == {"nvidia.com/gpu": "1", "memory": "120Gi"}
    assert kwargs["command"][2] == "medchat_pipeline.training.grpo"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"memory": "120GB"}, "not a Kubernetes quantity"),
        ({"tolerations": [{"key": "gpu", "operator": "Exists", "value": "x"}]}, "takes no value"),
        ({"tolerations": [{"key": "gpu", "effect": "NoSchedule", "toleration_seconds": 5}]}, "NoExecute only"),
        ({"storage_volume_claim": "a", "model_cache_volume_claim": "b", "model_cache_mount_path": "/medchat-storage"},
         "must differ"),
    ],
)
def test_k8s_settings_refuse_what_the_api_server_would(settings, message):
    with pytest.raises(ValidationError, match=message):
        K8sRunnerSettings(**settings)


def _helm_values() -> dict:
    return yaml.safe_load(HELM_VALUES.read_text())


def test_helm_values_deploy_this_image_and_code_location():
    values = _helm_values()
    user_code = values["dagster-user-deployments"]
    assert user_code["enabled"] is True and user_code["enableSubchart"] is True
    (deployment,) = user_code["deployments"]
    module = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["dagster"]["module_name"]
    assert deployment["codeServerArgs"] == ["-m", module]
    compose_code = service_definitions(host_env={})["code"].argv
    assert compose_code[compose_code.index("-m") + 1] == module  # the code server compose runs
    # Runs launched from it carry its environment, secrets and volumes (includeConfigInLaunchedRuns).
    assert deployment["includeConfigInLaunchedRuns"]["enabled"] is True
    # The same image trains: the production profile's training pods use the user-code image.
    training = load_config("medgemma-27b").training.k8s
    image = deployment["image"]
    assert f"{image['repository']}:{image['tag']}" == training.image
    env = {item["name"]: item.get("value") for item in deployment["env"]}
    assert env["MEDCHAT_PROFILE"] == "medgemma-27b"
    assert env["MEDCHAT_STORAGE_DIR"] == training.storage_mount_path  # the job file the GPU pod reads is here
    # The code server's pod pieces are valid Kubernetes objects.
    for item in deployment["env"]:
        _deserialize(item, "V1EnvVar")
    volumes = [_deserialize(volume, "V1Volume") for volume in deployment["volumes"]]
    mounts = [_deserialize(mount, "V1VolumeMount") for mount in deployment["volumeMounts"]]
    assert {mount.name for mount in mounts} <= {volume.name for volume in volumes}
    storage = {m.mount_path: m.name for m in mounts}[training.storage_mount_path]
    claim = {v.name: v for v in volumes}[storage].persistent_volume_claim.claim_name
    assert claim == training.storage_volume_claim
    _deserialize(deployment["resources"], "V1ResourceRequirements")
    for secret in deployment["envSecrets"]:
        _deserialize(secret, "V1SecretEnvSource")


def test_helm_values_launch_runs_on_kubernetes_with_postgres():
    values = _helm_values()
    launcher = values["runLauncher"]
    assert launcher["type"] == "K8sRunLauncher"
    k8s = launcher["config"]["k8sRunLauncher"]
    # The run pod's container and pod spec, as dagster-k8s validates them at launch.
    run_config = k8s["runK8sConfig"]
    _deserialize(run_config["containerConfig"] | {"name": "dagster"}, "V1Container")
    _deserialize(run_config["podSpecConfig"] | {"containers": []}, "V1PodSpec")
    for secret in k8s["envSecrets"]:
        _deserialize(secret, "V1SecretEnvSource")

    # Postgres: an external server, the driver named as in docker/dagster.yaml, the password from a secret.
    postgres = values["postgresql"]
    docker_instance = yaml.safe_load((ROOT / "docker" / "dagster.yaml").read_text())
    assert postgres["postgresqlScheme"] == docker_instance["storage"]["postgres"]["postgres_db"]["scheme"]
    assert postgres["enabled"] is False and postgres["postgresqlHost"]
    assert values["generatePostgresqlPasswordSecret"] is False and values["global"]["postgresqlSecretName"]
    assert "postgresqlPassword" not in postgres
    # The same pool limits as the compose instance; the daemon runs schedules, sensors and automation.
    assert values["concurrency"]["enabled"] is True
    assert values["concurrency"]["pools"]["defaultLimit"] == docker_instance["concurrency"]["pools"]["default_limit"]
    assert values["dagsterDaemon"]["enabled"] is True


def test_training_rbac_lets_the_run_pods_manage_training_pods():
    documents = list(yaml.safe_load_all(TRAINING_RBAC.read_text()))
    role = _deserialize(next(d for d in documents if d["kind"] == "Role"), "V1Role")
    binding = _deserialize(next(d for d in documents if d["kind"] == "RoleBinding"), "V1RoleBinding")
    training = load_config("medgemma-27b").training.k8s
    assert role.metadata.namespace == binding.metadata.namespace == training.namespace
    granted = {(resource, verb) for rule in role.rules for resource in rule.resources for verb in rule.verbs}
    # What PipesK8sClient does: create the pod, watch it, read its logs, delete it when done.
    assert {("pods", "create"), ("pods", "get"), ("pods", "watch"), ("pods", "delete"), ("pods/log", "get")} <= granted
    assert binding.role_ref.name == role.metadata.name
    values = _helm_values()
    subject = binding.subjects[0]
    assert subject.kind == "ServiceAccount" and subject.name == values["serviceAccount"]["name"]
