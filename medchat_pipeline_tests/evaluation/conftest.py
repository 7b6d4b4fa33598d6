"""The evaluation backend on the real demo model (SmolLM2-135M), shared by the generation tests."""

from __future__ import annotations

import pytest
import torch

from medchat_pipeline.evaluation.evaluate import TransformersBackend


@pytest.fixture(scope="module")
def backend(demo_model_dir):
    threads = torch.get_num_threads()
    engine = TransformersBackend(str(demo_model_dir), batch_size=4, cpu_threads=1)  # the test machine is shared
    yield engine
    engine.close()
    torch.set_num_threads(threads)
