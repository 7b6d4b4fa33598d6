"""Cheap steps start fast: loading the code location (what every launched run does before its first step)
imports none of the training libraries; they load where they are used."""

import subprocess
import sys

HEAVY = ("torch", "transformers", "peft", "bitsandbytes", "trl", "mlflow")


def test_loading_the_code_location_imports_no_training_library():
    code = "import sys, medchat_pipeline.definitions; print(' '.join(m for m in %r if m in sys.modules))" % (HEAVY,)
    loaded = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "", f"imported at load time: {loaded.stdout.strip()}"


def test_the_tracking_callback_is_still_a_trainer_callback():
    from transformers import TrainerCallback

    from medchat_pipeline.training.tracking import TrackingCallback

    assert issubclass(TrackingCallback, TrainerCallback) and TrackingCallback.on_log is not TrainerCallback.on_log
