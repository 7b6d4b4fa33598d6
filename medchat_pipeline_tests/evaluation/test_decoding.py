"""The batched decoder (medchat_pipeline/decoding.py) against transformers' own generate and forward
pass, with the real demo model (SmolLM2-135M)."""

from __future__ import annotations

import pytest
import torch

from medchat_pipeline import decoding
from medchat_pipeline.evaluation.evaluate import ANSWER_SEED

QUESTIONS = [
    "Name one symptom of anemia.",
    "A 45-year-old man has had a productive cough and fever for three days and crackles over the right lower lobe. "
    "What is the most likely diagnosis?\nA. Pneumonia\nB. Asthma\nC. Gout\nD. Migraine\n\nThink briefly, then end "
    "with a line 'Final Answer: X' where X is the letter of the correct option.",
    "Is aspirin an antiplatelet drug? End with 'Final Answer: yes', 'Final Answer: no' or 'Final Answer: maybe'.",
    "Say only the word OK.",
]



def _hf_generate(backend, prompts, max_new_tokens):
    encoded = backend.tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)
    with torch.inference_mode():
        out = backend.model.generate(**encoded, max_new_tokens=max_new_tokens, do_sample=False,
                                     pad_token_id=backend.tokenizer.pad_token_id)
    new = out[:, encoded["input_ids"].shape[1] :]
    return [backend.tokenizer.decode(row, skip_special_tokens=True).strip() for row in new]


def _encode(backend, prompts):
    return backend.tokenizer(prompts, return_tensors="pt", padding=True, add_special_tokens=False)


def test_greedy_decode_matches_transformers_generate_while_rows_leave_the_batch(backend):
    prompts = [backend.chat(q) for q in QUESTIONS]
    encoded = _encode(backend, prompts)
    eos = decoding.eos_ids(backend.model, backend.tokenizer)
    decoded = decoding.greedy_decode(backend.model, encoded["input_ids"], encoded["attention_mask"], 24, eos)
    texts = [backend.tokenizer.decode(t, skip_special_tokens=True).strip() for t in decoded.tokens]
    assert texts == _hf_generate(backend, prompts, 24)
    lengths = sorted(len(t) for t in decoded.tokens)
    assert lengths[0] < lengths[-1], "rows should finish at different steps for this test to mean anything"
    # finished rows left the batch: each row costs the steps it ran, not the longest row's
    assert sum(lengths) - len(lengths) <= decoded.decode_row_steps <= sum(lengths)
    assert decoded.decode_row_steps < len(prompts) * (lengths[-1] - 1)


def test_a_stop_rule_ends_one_row_without_changing_the_others(backend):
    prompts = [backend.chat(q) for q in QUESTIONS]
    encoded = _encode(backend, prompts)
    eos = decoding.eos_ids(backend.model, backend.tokenizer)
    free = decoding.greedy_decode(backend.model, encoded["input_ids"], encoded["attention_mask"], 16, eos)
    stopped = decoding.greedy_decode(backend.model, encoded["input_ids"], encoded["attention_mask"], 16, eos,
                                     stop=lambda row, tokens: row == 0 and len(tokens) == 3)
    assert stopped.tokens[0] == free.tokens[0][:3]
    assert stopped.stopped_by_rule == [True, False, False, False]
    assert stopped.tokens[1:] == free.tokens[1:]


def test_a_cache_that_outgrows_its_buffer_still_decodes_the_same(backend, monkeypatch):
    prompts = [backend.chat(q) for q in QUESTIONS[:2]]
    encoded = _encode(backend, prompts)
    eos = decoding.eos_ids(backend.model, backend.tokenizer)
    roomy = decoding.greedy_decode(backend.model, encoded["input_ids"], encoded["attention_mask"], 12, eos)
    real_new_cache = decoding.new_cache
    monkeypatch.setattr(decoding, "new_cache", lambda model, capacity: real_new_cache(model, 4))
    cramped = decoding.greedy_decode(backend.model, encoded["input_ids"], encoded["attention_mask"], 12, eos)
    assert cramped.tokens == roomy.tokens
    cache = decoding.new_cache(backend.model, 8)
    assert type(cache.layers[0]).__name__ == "PreallocatedLayer"


def test_generate_and_score_reads_choices_from_the_generation_prefill(backend):
    prompts = [backend.chat(q) for q in QUESTIONS[1:3]]
    choices = [["A", "B", "C", "D"], ["yes", "no", "maybe"]]
    texts, generated, scores = backend.generate_and_score(prompts, choices, 16)
    plain_texts, plain_generated, no_scores = backend.generate_and_score(prompts, None, 16)
    assert no_scores == [None, None]
    # scoring does not change the generation, and the decoder's texts are transformers' generate's
    assert (texts, generated) == (plain_texts, plain_generated) == backend.generate(prompts, 16)
    for prompt, options, found in zip(prompts, choices, scores):
        expected = backend.logprobs([prompt + ANSWER_SEED] * len(options), [f" {c}" for c in options])
        assert list(found) == options
        assert list(found.values()) == pytest.approx(expected, abs=1e-3)


def test_choices_that_span_several_tokens_fall_back_to_their_own_pass(backend):
    prompt = backend.chat(QUESTIONS[2])
    options = ["yes", "probably not"]
    assert len(backend.tokenizer(" probably not", add_special_tokens=False)["input_ids"]) > 1
    _, _, scores = backend.generate_and_score([prompt], [options], 4)
    expected = backend.logprobs([prompt + ANSWER_SEED] * 2, [" yes", " probably not"])
    assert list(scores[0].values()) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize(
    ("text", "done", "cut"),
    [
        ("Pneumonia fits.\nFinal Answer: A\nBecause", True, "Pneumonia fits.\nFinal Answer: A\n"),
        ("Final Answer: yes", False, "Final Answer: yes"),  # the line is not finished yet
        ("final answer is (B)\n", True, "final answer is (B)\n"),
        ("Final Answer:\n", False, "Final Answer:\n"),  # nothing after the marker
        ("The answer is B.\n", False, "The answer is B.\n"),
    ],
)
def test_final_answer_stop_rule(text, done, cut):
    assert decoding.final_answer_line_done(text) is done
    assert decoding.cut_after_final_answer_line(text) == cut


def test_prompts_prefilled_apart_and_merged_decode_like_one_padded_batch(backend):
    prompts = [backend.chat(q) for q in QUESTIONS]
    eos = decoding.eos_ids(backend.model, backend.tokenizer)
    padded = _encode(backend, prompts)
    together = decoding.greedy_decode(backend.model, padded["input_ids"], padded["attention_mask"], 16, eos)
    short, long = _encode(backend, [prompts[0], prompts[3]]), _encode(backend, [prompts[1], prompts[2]])
    assert short["input_ids"].shape[1] < long["input_ids"].shape[1] // 2
    parts = [
        decoding.prefill(backend.model, enc["input_ids"], enc["attention_mask"], enc["input_ids"].shape[1] + 16)
        for enc in (short, long)
    ]
    merged = decoding.merge(parts, backend.model, long["input_ids"].shape[1] + 16)
    assert merged.mask.shape == (4, long["input_ids"].shape[1])
    decoded = decoding.decode(backend.model, merged, 16, eos)
    assert decoded.tokens == [together.tokens[i] for i in (0, 3, 1, 2)]


def test_backend_generate_merges_prefill_groups_and_keeps_prompt_order(backend):
    prompts = [backend.chat(q) for q in QUESTIONS]
    lengths = [len(ids) for ids in backend.tokenizer(prompts, add_special_tokens=False)["input_ids"]]
    assert decoding.supports_merging(backend.model)
    [groups] = decoding.plan_batches(lengths, backend.batch_size, mergeable=True)
    assert len(groups) > 1 and sorted(i for group in groups for i in group) == [0, 1, 2, 3]
    texts, _, _ = backend.generate_and_score(prompts, None, 12)
    assert texts == [_hf_generate(backend, [p], 12)[0] for p in prompts]


def test_sampling_is_seeded_and_a_tiny_top_p_leaves_only_the_greedy_token(backend):
    prompts = [backend.chat(q) for q in QUESTIONS]
    model, tokenizer = backend.model, backend.tokenizer
    greedy = decoding.generate_many(model, tokenizer, prompts, 12, batch_size=4)
    nucleus = decoding.generate_many(model, tokenizer, prompts, 12, batch_size=4,
                                     sampling=decoding.Sampling(temperature=1.0, top_p=1e-6, seed=3))
    assert nucleus.tokens == greedy.tokens
    hot = decoding.Sampling(temperature=1.5, seed=7)
    first = decoding.generate_many(model, tokenizer, prompts, 12, batch_size=4, sampling=hot)
    again = decoding.generate_many(model, tokenizer, prompts, 12, batch_size=4, sampling=hot)
    other = decoding.generate_many(model, tokenizer, prompts, 12, batch_size=4,
                                   sampling=decoding.Sampling(temperature=1.5, seed=8))
    assert first.tokens == again.tokens
    assert first.tokens != other.tokens and first.tokens != greedy.tokens
    assert greedy.prompt_tokens == [len(ids) for ids in tokenizer(prompts, add_special_tokens=False)["input_ids"]]
    assert greedy.batches == [4]


def test_repetition_penalty_picks_the_tokens_transformers_and_the_evaluation_backend_pick(backend):
    prompts = [backend.chat(q) for q in QUESTIONS]
    model, tokenizer = backend.model, backend.tokenizer
    plain = decoding.generate_many(model, tokenizer, prompts, 32, batch_size=4)
    penalized = decoding.generate_many(model, tokenizer, prompts, 32, batch_size=4, repetition_penalty=1.3)
    texts = [tokenizer.decode(t, skip_special_tokens=True).strip() for t in penalized.tokens]
    assert texts != [tokenizer.decode(t, skip_special_tokens=True).strip() for t in plain.tokens]
    # transformers' RepetitionPenaltyLogitsProcessor, one prompt at a time and as the benchmark batches them
    with torch.inference_mode():
        expected = []
        for prompt in prompts:
            ids = tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
            out = model.generate(**ids, max_new_tokens=32, do_sample=False, repetition_penalty=1.3,
                                 pad_token_id=tokenizer.pad_token_id)
            expected.append(tokenizer.decode(out[0, ids["input_ids"].shape[1]:], skip_special_tokens=True).strip())
    assert texts == expected
    assert backend.generate(prompts, 32, repetition_penalty=1.3)[0] == expected
    with pytest.raises(ValueError, match="repetition_penalty"):
        decoding.RepetitionPenalty(0.0, [[1]])


@pytest.mark.parametrize(("temperature", "top_p", "message"), [(0.0, 1.0, "temperature > 0"), (0.7, 0.0, "top_p")])
def test_sampling_settings_are_checked(temperature, top_p, message):
    with pytest.raises(ValueError, match=message):
        decoding.Sampling(temperature=temperature, top_p=top_p)


def test_batch_plans_with_and_without_cache_merging():
    lengths = [500, 90, 480, 100, 60, 300, 95]
    assert decoding.plan_batches(lengths, 4, mergeable=True) == [[[0, 2], [5], [3]], [[6, 1], [4]]]
    assert decoding.plan_batches(lengths, 4, mergeable=False) == [[[0, 2]], [[5]], [[3, 6, 1]], [[4]]]
