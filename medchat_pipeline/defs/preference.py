"""Dagster wiring for the optional DPO stage: sft_lora_adapter + preference_pairs → dpo_adapter.

Present only when `training.dpo.enabled`; grpo_adapter then continues the DPO adapter instead of the
SFT one (defs/training.py GRPO_PARENT). Same job files, runners, resume, MLflow tracking and
manifest lineage as the other training stages (the helpers of defs/training.py).
"""

import dagster as dg
import polars as pl

from medchat_pipeline.config import load_config
from medchat_pipeline.defs.resources import MedchatConfig
from medchat_pipeline.defs.training import _adapter_output, _job, _train

PAIRS = dg.AssetKey("preference_pairs")


@dg.asset(
    group_name="training",
    kinds={"pytorch", "mlflow"},
    pool="gpu",
    ins={"preference_pairs": dg.AssetIn(key=PAIRS), "sft_lora_adapter": dg.AssetIn(), "base_model": dg.AssetIn()},
    description="DPO adapter (TRL DPOTrainer) continuing the SFT adapter on the judge-ranked preference pairs, "
    "against a frozen copy of the SFT adapter; tracked in MLflow with reward accuracy and margin; GRPO continues it.",
)
def dpo_adapter(
    context: dg.AssetExecutionContext,
    medchat: MedchatConfig,
    pipes_subprocess_client: dg.PipesSubprocessClient,
    preference_pairs: pl.DataFrame,
    sft_lora_adapter: dict,
    base_model: dict,
) -> dg.Output[dict]:
    keys = [PAIRS, dg.AssetKey("sft_lora_adapter"), dg.AssetKey("base_model")]
    job = _job(context, medchat.cfg, "dpo", preference_pairs, base_model, keys, parent=sft_lora_adapter["adapter_dir"])
    return _adapter_output(_train(context, job, pipes_subprocess_client), base_model)


defs = dg.Definitions(assets=[dpo_adapter] if load_config().training.dpo.enabled else [])
