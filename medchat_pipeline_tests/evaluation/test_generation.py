"""Batched generation and option log-likelihoods with the real demo model (SmolLM2-135M)."""

from __future__ import annotations

import pytest
import torch

from medchat_pipeline.evaluation.evaluate import select_backend

PROMPTS = [
    "Name one symptom of anemia.",
    "A 45-year-old man has had a productive cough and fever for three days and crackles over the right "
    "lower lobe. What is the most likely diagnosis?",
]


def test_batched_left_padded_generation_equals_one_prompt_at_a_time(backend):
    chats = [backend.chat(p) for p in PROMPTS]
    batched, generated = backend.generate(chats, max_new_tokens=8)
    single = [backend.generate([c], max_new_tokens=8)[0][0] for c in chats]
    assert batched == single
    assert all(text for text in batched)
    assert 0 < generated <= 8 * len(PROMPTS)
    assert backend.tokenizer.padding_side == "left"


def test_batched_log_likelihoods_equal_a_full_forward_pass(backend):
    prefix = backend.chat("Is aspirin an antiplatelet drug? Answer yes, no or maybe.") + "Final Answer:"
    # single-token choices (scored from one pass over the prefix) and multi-token ones (a pass each)
    continuations = [" yes", " no", " maybe", " Ketotifen eye drops", " probably not"]
    batched = backend.logprobs([prefix] * len(continuations), continuations)
    assert len(backend.tokenizer(" Ketotifen eye drops", add_special_tokens=False)["input_ids"]) > 1
    for continuation, score in zip(continuations, batched):
        prefix_ids = backend.tokenizer(prefix, add_special_tokens=False)["input_ids"]
        cont_ids = backend.tokenizer(continuation, add_special_tokens=False)["input_ids"]
        ids = torch.tensor([prefix_ids + cont_ids])
        with torch.inference_mode():
            logp = torch.log_softmax(backend.model(input_ids=ids).logits[0].float(), dim=-1)
        expected = sum(float(logp[len(prefix_ids) - 1 + k, t]) for k, t in enumerate(cont_ids))
        assert score == pytest.approx(expected, abs=1e-3)
    assert all(score < 0 for score in batched)


def test_backend_selection_on_this_machine():
    expected = "vllm" if torch.cuda.is_available() and _vllm_installed() else "transformers"
    assert select_backend("auto") == expected
    assert select_backend("transformers") == "transformers"
    if expected == "transformers":
        with pytest.raises(RuntimeError, match="vllm needs CUDA"):
            select_backend("vllm")


def _vllm_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("vllm") is not None


def test_length_buckets_bound_padding_and_batch_size():
    from medchat_pipeline.decoding import length_buckets

    lengths = [500, 90, 480, 100, 60, 300, 95]
    assert length_buckets(lengths, batch_size=16) == [[0, 2], [5], [3, 6, 1], [4]]
    assert length_buckets(lengths, batch_size=2) == [[0, 2], [5], [3, 6], [1], [4]]
    assert length_buckets(lengths, batch_size=16, min_fill=0.5) == [[0, 2, 5], [3, 6, 1, 4]]
    assert length_buckets([], batch_size=4) == []
