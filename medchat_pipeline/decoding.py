"""Batched decoding for evaluation and the local teacher: one prefill per prompt, finished rows
leave the batch.

`transformers.generate` keeps every row of a batch in every decode step until the longest one is
done, pads a batch to its longest prompt, and an evaluation that also scores options by
log-likelihood runs a second forward pass over the same prompt. Short multiple-choice answers after
long prompts make all three costly: the prefill is most of the work and most rows end after a few
tokens. `generate_many`

- sorts prompts by length, prefills them in groups whose lengths differ by at most 10 %, and merges
  the groups' caches (right-aligned, left padding masked) into decode batches of `batch_size` rows;
- runs each prompt once; when choices are given, it feeds the answer seed ("Final Answer:") on top
  of that cache, reads every single-token choice's log-probability from the last position, crops the
  seed off the cache again and generates from the same prefill;
- drops a row from the batch (and from the KV cache) as soon as it emits an end-of-sequence token,
  reaches its token budget, or a stop rule says it is done (a completed "Final Answer: X" line), so
  a decode step costs what the rows still running cost;
- keeps keys and values in buffers sized for prompt + budget up front: the default cache
  concatenates a whole new copy of itself in every step (about a fifth of a 16-row decode step of
  SmolLM2 on CPU with 350-token prompts).

Greedy by default: argmax over raw logits, the same tokens `generate(do_sample=False)` picks for
models whose generation config adds no logits processors (asserted by the tests against
`generate`). `Sampling` draws with temperature and nucleus (top-p) filtering instead.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

_FINAL_LINE = re.compile(r"final\s+answer\s*(?:is)?\s*[:\-–]?[ \t]*[^\s:\-–][^\n]*\n", re.IGNORECASE)


def final_answer_line_done(text: str) -> bool:
    """True once the text holds a completed 'Final Answer: …' line (the newline after it is out)."""
    return _FINAL_LINE.search(text) is not None


def cut_after_final_answer_line(text: str) -> str:
    """The text up to and including its first completed 'Final Answer: …' line — what the stop rule
    leaves — for engines that cannot stop on it themselves."""
    found = _FINAL_LINE.search(text)
    return text[: found.end()] if found else text


@functools.cache
def _preallocated_layer_class():
    """A `DynamicLayer` that writes new keys/values into buffers with room for the whole sequence
    (grown by copy only if a sequence outruns them) instead of concatenating a fresh copy per step.
    Built on first use so that importing this module does not import transformers."""
    import torch
    from transformers.cache_utils import DynamicLayer

    class PreallocatedLayer(DynamicLayer):
        def __init__(self, capacity: int):
            super().__init__()
            self.capacity = capacity
            self._key_buffer = self._value_buffer = None

        def update(self, key_states, value_states, *args, **kwargs):
            if not self.is_initialized:
                self.lazy_initialization(key_states, value_states)
            used, new = self.get_seq_length(), key_states.shape[-2]
            if self._key_buffer is None or used + new > self._key_buffer.shape[-2]:
                length = max(self.capacity, 2 * (used + new))
                keys = key_states.new_empty((*key_states.shape[:2], length, key_states.shape[-1]))
                values = value_states.new_empty((*value_states.shape[:2], length, value_states.shape[-1]))
                if used:
                    keys[..., :used, :], values[..., :used, :] = self.keys, self.values
                self._key_buffer, self._value_buffer = keys, values
            self._key_buffer[..., used : used + new, :] = key_states
            self._value_buffer[..., used : used + new, :] = value_states
            self._expose(used + new)
            return self.keys, self.values

        def batch_select_indices(self, indices: torch.Tensor) -> None:
            used = self.get_seq_length()
            if used > 0:
                self._key_buffer, self._value_buffer = self._key_buffer[indices], self._value_buffer[indices]
                self._expose(used)

        def adopt(self, keys: torch.Tensor, values: torch.Tensor, used: int) -> None:
            """Take buffers whose first `used` positions hold the cache (see `merge`)."""
            self.lazy_initialization(keys, values)
            self._key_buffer, self._value_buffer = keys, values
            self._expose(used)

        def _expose(self, used: int) -> None:
            self.keys = self._key_buffer[..., :used, :]
            self.values = self._value_buffer[..., :used, :]

    return PreallocatedLayer


def new_cache(model, capacity: int):
    """A DynamicCache whose full-attention layers preallocate `capacity` positions; models with other
    layer kinds (sliding windows, recurrent state) keep the stock layers."""
    from transformers import DynamicCache
    from transformers.cache_utils import DynamicLayer

    cache = DynamicCache(config=model.config)
    if cache.layers and all(type(layer) is DynamicLayer for layer in cache.layers):
        cache.layers = [_preallocated_layer_class()(capacity) for _ in cache.layers]
    return cache


def supports_merging(model) -> bool:
    """Whether prefilled caches of this model can be left-padded and merged into one decode batch."""
    layers = new_cache(model, 1).layers
    return bool(layers) and all(type(layer) is _preallocated_layer_class() for layer in layers)


@dataclass
class Prefilled:
    """A batch after its prompt pass: the cache, its mask, where each row goes on, the next-token
    logits, and (when asked) the choices' log-probabilities after the answer seed."""

    cache: object
    mask: object  # (rows, cached length) attention mask
    next_positions: object  # (rows,) position id of each row's next token
    logits: object  # (rows, vocab) float logits for the first generated token
    choice_logprobs: list[dict[int, float] | None]
    scoring_s: float = 0.0


@dataclass
class DecodedBatch:
    tokens: list[list[int]]  # generated ids per row, end-of-sequence token excluded
    choice_logprobs: list[dict[int, float] | None]  # token id → log P(token | prompt + seed), per row
    scoring_s: float = 0.0  # time spent on the answer-seed pass
    decode_row_steps: int = 0  # rows × decode steps actually computed
    stopped_by_rule: list[bool] = field(default_factory=list)
    ended: list[bool] = field(default_factory=list)  # the row emitted an end-of-sequence token


def prefill(
    model, input_ids, attention_mask, capacity: int, *, seed_ids: Sequence[int] | None = None,
    choice_token_ids: Sequence[Sequence[int]] | None = None,
) -> Prefilled:
    """One forward pass over a left-padded batch of prompts into a cache with room for `capacity`
    positions. seed_ids / choice_token_ids: when given, row r also gets log P(c | prompt_r + seed) for
    every token id c in choice_token_ids[r] (rows with an empty list get None); the seed is cropped
    off the cache again afterwards."""
    import torch

    rows = input_ids.shape[0]
    cache = new_cache(model, capacity)
    positions = (attention_mask.cumsum(-1) - 1).clamp(min=0)
    choice_logprobs: list[dict[int, float] | None] = [None] * rows
    scoring_s = 0.0
    with torch.inference_mode():
        out = model(
            input_ids=input_ids, attention_mask=attention_mask, position_ids=positions, cache=cache, use_cache=True,
            logits_to_keep=1,
        )
        logits = out.logits[:, -1].float()
        if seed_ids and choice_token_ids and any(choice_token_ids):
            started = time.perf_counter()
            n = len(seed_ids)
            seed = torch.tensor([list(seed_ids)] * rows, device=input_ids.device)
            seed_out = model(
                input_ids=seed, attention_mask=torch.cat([attention_mask, torch.ones_like(seed)], dim=-1),
                position_ids=positions[:, -1:] + torch.arange(1, n + 1, device=input_ids.device), cache=cache,
                use_cache=True, logits_to_keep=1,
            )
            logp = torch.log_softmax(seed_out.logits[:, -1].float(), dim=-1).cpu()
            for r, ids in enumerate(choice_token_ids):
                if ids:
                    choice_logprobs[r] = {int(t): float(logp[r, t]) for t in ids}
            cache.crop(-n)
            scoring_s = time.perf_counter() - started
    return Prefilled(cache, attention_mask, positions[:, -1] + 1, logits, choice_logprobs, scoring_s)


def merge(parts: list[Prefilled], model, capacity: int) -> Prefilled:
    """Rows of several prefilled batches as one batch: each part's keys/values are right-aligned in
    buffers of the longest part's length (left padding, masked out), so that prompts of very
    different lengths, each prefilled without padding waste, decode together."""
    import torch

    if len(parts) == 1:
        return parts[0]
    length = max(part.mask.shape[1] for part in parts)
    cache = new_cache(model, capacity)
    for index, layer in enumerate(cache.layers):
        pieces = [part.cache.layers[index] for part in parts]
        keys = _right_aligned([piece.keys for piece in pieces], length, capacity)
        values = _right_aligned([piece.values for piece in pieces], length, capacity)
        layer.adopt(keys, values, length)
    mask = torch.cat(
        [torch.nn.functional.pad(part.mask, (length - part.mask.shape[1], 0)) for part in parts], dim=0
    )
    return Prefilled(
        cache, mask, torch.cat([part.next_positions for part in parts]), torch.cat([part.logits for part in parts]),
        [found for part in parts for found in part.choice_logprobs], sum(part.scoring_s for part in parts),
    )


def _right_aligned(tensors: list, length: int, capacity: int):
    first = tensors[0]
    rows = sum(t.shape[0] for t in tensors)
    buffer = first.new_zeros((rows, first.shape[1], max(capacity, length), first.shape[-1]))
    start = 0
    for t in tensors:
        buffer[start : start + t.shape[0], :, length - t.shape[-2] : length] = t
        start += t.shape[0]
    return buffer


@dataclass(frozen=True)
class Sampling:
    """Draw each token from softmax(logits / temperature), restricted to the smallest set of tokens
    whose probability reaches top_p; seeded for repeatable draws."""

    temperature: float
    top_p: float = 1.0
    seed: int | None = None

    def __post_init__(self) -> None:
        if not self.temperature > 0:
            raise ValueError(f"sampling needs a temperature > 0 (got {self.temperature}); use greedy decoding for 0")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1] (got {self.top_p})")

    def chooser(self, device) -> Callable:
        import torch

        generator = torch.Generator(device=device)
        if self.seed is None:
            generator.seed()
        else:
            generator.manual_seed(self.seed)

        def choose(logits):
            probs = torch.softmax(logits / self.temperature, dim=-1)
            if self.top_p < 1:
                sorted_probs, order = probs.sort(dim=-1, descending=True)
                outside = sorted_probs.cumsum(dim=-1) - sorted_probs >= self.top_p  # the top token always stays
                probs = probs.scatter(-1, order, sorted_probs.masked_fill(outside, 0.0))
            return torch.multinomial(probs, 1, generator=generator).squeeze(-1)

        return choose


@dataclass(frozen=True)
class RepetitionPenalty:
    """The CTRL repetition penalty (Keskar et al., 2019) as transformers' `repetition_penalty` and vLLM apply it:
    the logit of every token already in the row's prompt or its answer so far is divided by `factor` when
    positive and multiplied by it when negative. `prompts` holds each row's prompt ids."""

    factor: float
    prompts: Sequence[Sequence[int]]

    def __post_init__(self) -> None:
        if not self.factor > 0:
            raise ValueError(f"repetition_penalty must be > 0 (got {self.factor}); 1.0 turns it off")

    def seen_mask(self, logits):
        import torch

        seen = torch.zeros(logits.shape, dtype=torch.bool, device=logits.device)
        for row, ids in enumerate(self.prompts):
            seen[row, list(ids)] = True
        return seen

    def apply(self, logits, seen):
        import torch

        penalized = torch.where(logits < 0, logits * self.factor, logits / self.factor)
        return torch.where(seen, penalized, logits)


def decode(
    model, state: Prefilled, max_new_tokens: int, eos_token_ids: set[int],
    stop: Callable[[int, list[int]], bool] | None = None, choose: Callable | None = None,
    penalty: RepetitionPenalty | None = None,
) -> DecodedBatch:
    """Tokens from a prefilled batch, greedy unless `choose` (see Sampling.chooser) picks them; a row
    leaves the batch (and the cache) once it emits an end-of-sequence token, reaches
    max_new_tokens, or stop(row, tokens) says so. `penalty` (its rows in the batch's row order)
    rescales the logits of tokens already seen before each choice."""
    import torch

    cache, mask, next_positions, logits = state.cache, state.mask, state.next_positions, state.logits
    rows = logits.shape[0]
    tokens: list[list[int]] = [[] for _ in range(rows)]
    stopped = [False] * rows
    ended = [False] * rows
    active = list(range(rows))
    row_steps = 0
    seen = penalty.seen_mask(logits) if penalty is not None else None
    with torch.inference_mode():
        for _ in range(max_new_tokens):
            if seen is not None:
                logits = penalty.apply(logits, seen)
            chosen = logits.argmax(dim=-1) if choose is None else choose(logits)
            if seen is not None:
                seen[torch.arange(len(active), device=seen.device), chosen] = True
            keep: list[int] = []
            for j, row in enumerate(active):
                token = int(chosen[j])
                if token in eos_token_ids:
                    ended[row] = True
                    continue
                tokens[row].append(token)
                if stop is not None and stop(row, tokens[row]):
                    stopped[row] = True
                elif len(tokens[row]) < max_new_tokens:
                    keep.append(j)
            if not keep:
                break
            if len(keep) < len(active):
                index = torch.tensor(keep, device=mask.device)
                cache.batch_select_indices(index)
                mask, chosen, next_positions = mask[index], chosen[index], next_positions[index]
                if seen is not None:
                    seen = seen[index]
                active = [active[j] for j in keep]
            mask = torch.cat([mask, mask.new_ones((len(active), 1))], dim=-1)
            out = model(
                input_ids=chosen[:, None], attention_mask=mask, position_ids=next_positions[:, None], cache=cache,
                use_cache=True,
            )
            logits = out.logits[:, -1].float()
            next_positions = next_positions + 1
            row_steps += len(active)
    return DecodedBatch(tokens, state.choice_logprobs, state.scoring_s, row_steps, stopped, ended)


def greedy_decode(
    model,
    input_ids,
    attention_mask,
    max_new_tokens: int,
    eos_token_ids: set[int],
    *,
    seed_ids: Sequence[int] | None = None,
    choice_token_ids: Sequence[Sequence[int]] | None = None,
    stop: Callable[[int, list[int]], bool] | None = None,
) -> DecodedBatch:
    """Greedy completions for one left-padded batch: `prefill`, then `decode`."""
    capacity = input_ids.shape[1] + len(seed_ids or ()) + max_new_tokens
    state = prefill(model, input_ids, attention_mask, capacity, seed_ids=seed_ids, choice_token_ids=choice_token_ids)
    return decode(model, state, max_new_tokens, eos_token_ids, stop)


@dataclass
class Generated:
    tokens: list[list[int]]  # per prompt, in prompt order, end-of-sequence token excluded
    prompt_tokens: list[int]
    choice_logprobs: list[dict[int, float] | None]
    ended: list[bool]  # the prompt's generation reached an end-of-sequence token (not the budget or a stop rule)
    scoring_s: float = 0.0
    batches: list[int] = field(default_factory=list)  # rows per decode batch


# Prompts prefilled together may differ by at most 10 % in length: prefill is most of the work when
# prompts are long, and the groups' caches are merged for decoding anyway.
PREFILL_MIN_FILL = 0.9


def length_buckets(lengths: list[int], batch_size: int, min_fill: float = 0.75) -> list[list[int]]:
    """Indices grouped longest first, at most batch_size a batch, and a new batch whenever a prompt is
    shorter than min_fill × the batch's longest: left padding then wastes at most 1 − min_fill of a
    batch's prefill."""
    batches: list[list[int]] = []
    for i in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        if batches and len(batches[-1]) < batch_size and lengths[i] >= min_fill * lengths[batches[-1][0]]:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def plan_batches(lengths: list[int], batch_size: int, mergeable: bool) -> list[list[list[int]]]:
    """Decode batches, each as its prefill groups of prompt indices. With mergeable caches a batch is
    the next batch_size prompts by length, prefilled in groups padded ≤ 10 %; otherwise each batch is
    one padded prefill, cut where padding would waste a quarter."""
    if not mergeable:
        return [[batch] for batch in length_buckets(lengths, batch_size)]
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    plan = []
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        groups = length_buckets([lengths[i] for i in batch], batch_size, PREFILL_MIN_FILL)
        plan.append([[batch[k] for k in group] for group in groups])
    return plan


def generate_many(
    model, tokenizer, prompts: Sequence[str] | Sequence[Sequence[int]], max_new_tokens: int, batch_size: int, *,
    sampling: Sampling | None = None, stop: Callable[[int, list[int]], bool] | None = None,
    seed_ids: Sequence[int] | None = None, choice_token_ids: Sequence[Sequence[int]] | None = None,
    progress: str | None = None, repetition_penalty: float = 1.0,
) -> Generated:
    """Completions of already-templated prompts, given as text or as token ids (see the module
    docstring for how they are batched).

    stop(prompt_index, tokens) ends a prompt's generation early; seed_ids / choice_token_ids as in
    `prefill`, indexed by prompt; progress: a tqdm description, or None for no bar; repetition_penalty:
    see `RepetitionPenalty` (1.0: none, the same tokens as `generate` without it).
    """
    import torch
    from tqdm.auto import tqdm

    texts = [p for p in prompts if isinstance(p, str)]
    if texts and len(texts) != len(prompts):
        raise TypeError("generate_many takes prompts as all text or all token ids, not a mix")
    encoded = tokenizer(list(prompts), add_special_tokens=False)["input_ids"] if texts else [list(p) for p in prompts]
    if any(not ids for ids in encoded):
        raise ValueError("generate_many got an empty prompt")
    lengths = [len(ids) for ids in encoded]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    device = model.device
    eos = eos_ids(model, tokenizer)
    choose = sampling.chooser(device) if sampling else None
    out = Generated([[] for _ in prompts], lengths, [None] * len(prompts), [False] * len(prompts))
    plan = plan_batches(lengths, batch_size, supports_merging(model))
    for groups in tqdm(plan, desc=progress, disable=progress is None or not prompts, leave=False):
        parts = []
        for group in groups:
            longest = max(lengths[i] for i in group)
            ids = torch.tensor([[pad] * (longest - lengths[i]) + encoded[i] for i in group], device=device)
            mask = torch.tensor([[0] * (longest - lengths[i]) + [1] * lengths[i] for i in group], device=device)
            choices = [choice_token_ids[i] for i in group] if choice_token_ids is not None else None
            parts.append(prefill(model, ids, mask, longest + len(seed_ids or ()) + max_new_tokens,
                                 seed_ids=seed_ids, choice_token_ids=choices))
        order = [i for group in groups for i in group]
        state = merge(parts, model, max(part.mask.shape[1] for part in parts) + max_new_tokens)
        # used by this iteration's decode() only, so binding the loop's `order` late is right
        row_stop = (lambda row, tokens: stop(order[row], tokens)) if stop is not None else None  # noqa: B023
        penalty = RepetitionPenalty(repetition_penalty, [encoded[i] for i in order]) if repetition_penalty != 1.0 else None
        decoded = decode(model, state, max_new_tokens, eos, row_stop, choose, penalty)
        out.scoring_s += decoded.scoring_s
        out.batches.append(len(order))
        for row, i in enumerate(order):
            out.tokens[i] = decoded.tokens[row]
            out.choice_logprobs[i] = decoded.choice_logprobs[row]
            out.ended[i] = decoded.ended[row]
    return out


def eos_ids(model, tokenizer) -> set[int]:
    """End-of-sequence ids from the generation config (int or list) and the tokenizer."""
    ids: set[int] = set()
    configured = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    if isinstance(configured, int):
        ids.add(configured)
    elif configured:
        ids.update(int(i) for i in configured)
    if tokenizer.eos_token_id is not None:
        ids.add(int(tokenizer.eos_token_id))
    return ids
