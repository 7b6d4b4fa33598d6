"""The one Definitions object of the medchat_pipeline code location.

Each module in defs/ owns one part of the graph and exports `defs`; they are merged here with the
resources every part shares.
"""

import dagster as dg

from medchat_pipeline.defs import augment, data, evaluation, exports, preference, teachers, training
from medchat_pipeline.defs.io_manager import MedchatIOManager
from medchat_pipeline.defs.resources import MedchatConfig

defs = dg.Definitions.merge(
    dg.Definitions(resources={"io_manager": MedchatIOManager(), "medchat": MedchatConfig()}),
    data.defs,
    teachers.defs,
    augment.defs,
    training.defs,
    evaluation.defs,
    preference.defs,  # dpo_adapter, when training.dpo.enabled
    exports.defs,  # qac_exports; merged_model when training.merged_model.enabled
)
