"""The one Definitions object of the medchat_pipeline code location.

Each module in defs/ owns one part of the graph and exports `defs`; they are merged here with the
resources every part shares. Policies are then applied to every asset by group, so an asset added
in any module gets them without asking:

  - automation: `rebuild_when_stale` (defs/automation.py), and its reason in the description;
  - owners: the team that answers for the group (OWNERS).
"""

import dagster as dg

from medchat_pipeline.config import load_config
from medchat_pipeline.config.automation import RunsConfig
from medchat_pipeline.defs import augment, data, evaluation, exports, preference, promotion, safety, teachers, training
from medchat_pipeline.defs.automation import automation_sensor, rebuild_reason, rebuild_when_stale
from medchat_pipeline.defs.io_manager import MedchatIOManager
from medchat_pipeline.defs.resources import MedchatConfig

# Who to ask about an asset, by group (Dagster owners: team:<name> or an e-mail address).
OWNERS = {
    "sources": ["team:data"],
    "data": ["team:data"],
    "augment": ["team:distillation"],
    "training": ["team:training"],
    "evaluation": ["team:evaluation"],
    "serving": ["team:serving"],
}
DEFAULT_OWNERS = ["team:ml-platform"]


def with_policies(spec: dg.AssetSpec) -> dg.AssetSpec:
    description = "\n\n".join(part for part in (spec.description, rebuild_reason(spec)) if part)
    return spec.replace_attributes(
        automation_condition=spec.automation_condition or rebuild_when_stale(),
        owners=spec.owners or OWNERS.get(spec.group_name, DEFAULT_OWNERS),
        description=description,
    )


# Imported once per run by the forkserver, so that each step, forked from it, starts with them loaded: this code
# location and the instance's storage classes, SQLite and Postgres (each step opens the instance again).
PRELOAD = ["dagster._core.storage.base_storage", "dagster._core.storage.sqlite_storage", "dagster_postgres",
           "medchat_pipeline.definitions"]


def run_executor(runs: RunsConfig) -> dg.ExecutorDefinition:
    """The executor of every run Dagster launches (UI, sensors, backfills), from the profile's `runs:`."""
    if runs.executor == "in_process":
        return dg.in_process_executor
    start = {"preload_modules": PRELOAD} if runs.start_method == "forkserver" else {}
    return dg.multiprocess_executor.configured({"start_method": {runs.start_method: start}})


def build_definitions() -> dg.Definitions:
    config = load_config()
    merged = dg.Definitions.merge(
        dg.Definitions(
            resources={"io_manager": MedchatIOManager(), "medchat": MedchatConfig()},
            sensors=[automation_sensor(config.automation.evaluate_interval_s)],
            executor=run_executor(config.runs),
        ),
        data.defs,
        teachers.defs,
        augment.defs,
        training.defs,
        evaluation.defs,
        preference.defs,  # dpo_adapter, when training.dpo.enabled
        exports.defs,  # qac_exports; merged_model when training.merged_model.enabled
        promotion.defs,  # serving_champion
        safety.defs,  # triage_dataset, triage_model
    )
    # The permissive variant accepts the observable raw_source (a SourceAsset, which map_resolved_asset_specs
    # refuses); the selection leaves it alone: it is observed, never materialized.
    return merged.permissive_map_resolved_asset_specs(func=with_policies, selection=dg.AssetSelection.all())


# Dagster loads the one Definitions object it finds at module scope.
defs = build_definitions()
