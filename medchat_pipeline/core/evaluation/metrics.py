"""Benchmark metrics with bootstrap 95% intervals, and the "better only when intervals say so" rule.

Per-item scores are numpy arrays (NaN = not scorable for that item, e.g. a reference without any
medical key term); every summary is (value, ci_low, ci_high, n) from a seeded percentile bootstrap.
Corpus BLEU is bootstrapped over its sufficient statistics, so each resample is the BLEU sacrebleu
would give for that resampled corpus.

BERTScore uses the packaged MiniLM-L6 (layer 6) so it runs offline. Raw BERTScore is not
interpretable on its own (unrelated text already scores well above 0), so scores are rescaled
with a baseline measured by the project: the mean raw score over all pairs of the unrelated
sentences in configs/eval/bertscore_baseline_sentences.txt — rescaled = (raw − b) / (1 − b), as in
Zhang et al. (2019, §6). 0 then means "like unrelated text", 1 means identical. The baseline is
cached under the caller's cache folder, keyed by model, layer and sentence file.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import numpy as np

from medchat_pipeline.config import configs_dir

BERTSCORE_LAYERS = 6


@dataclass(frozen=True)
class Estimate:
    """A figure with its bootstrap 95% interval; n = items that were scorable."""

    value: float
    low: float
    high: float
    n: int

    def as_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- per-item scores


def correctness(predicted: list[str | None], gold: list[str]) -> np.ndarray:
    """1.0 where the prediction equals the gold label (case-insensitive), else 0.0; None is wrong."""
    if len(predicted) != len(gold):
        raise ValueError(f"correctness needs equal lengths, got {len(predicted)} and {len(gold)}")
    return np.array(
        [float(p is not None and p.strip().lower() == g.strip().lower()) for p, g in zip(predicted, gold)],
        dtype=float,
    )


def accuracy(predicted: list[str | None], gold: list[str]) -> float:
    flags = correctness(predicted, gold)
    return float(flags.mean()) if flags.size else float("nan")


def rouge_l(predictions: list[str], references: list[str]) -> np.ndarray:
    """ROUGE-L F1 per item (rouge_score, Porter stemming)."""
    from rouge_score import rouge_scorer

    _check_pairs(predictions, references)
    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    return np.array([scorer.score(ref, pred)["rougeL"].fmeasure for pred, ref in zip(predictions, references)])


def bleu_statistics(predictions: list[str], references: list[str]) -> np.ndarray:
    """Per-item BLEU sufficient statistics: [sys_len, ref_len, correct_1..4, total_1..4]."""
    from sacrebleu.metrics import BLEU

    _check_pairs(predictions, references)
    # effective_order only changes sentence-level scores, not the counts collected here.
    bleu = BLEU(effective_order=True)
    rows = []
    for pred, ref in zip(predictions, references):
        s = bleu.sentence_score(pred, [ref])
        rows.append([s.sys_len, s.ref_len, *s.counts, *s.totals])
    return np.array(rows, dtype=float).reshape(len(rows), 2 + 2 * bleu.max_ngram_order)


def bleu_from_statistics(stats: np.ndarray) -> float:
    """Corpus BLEU (0–100, sacrebleu defaults: 13a tokens, exp smoothing) from summed statistics."""
    from sacrebleu.metrics import BLEU

    order = (len(stats) - 2) // 2
    return BLEU.compute_bleu(
        correct=[int(c) for c in stats[2 : 2 + order]],
        total=[int(t) for t in stats[2 + order :]],
        sys_len=int(stats[0]),
        ref_len=int(stats[1]),
        smooth_method="exp",
    ).score


def corpus_bleu(predictions: list[str], references: list[str]) -> float:
    if not predictions:
        return float("nan")
    return bleu_from_statistics(bleu_statistics(predictions, references).sum(axis=0))


@lru_cache(maxsize=4)
def load_medical_terms(path: str | None = None) -> tuple[str, ...]:
    """The curated key-term list (configs/eval/medical_terms.txt), longest first."""
    file = Path(path) if path else configs_dir() / "eval" / "medical_terms.txt"
    terms = {
        line.strip().lower() for line in file.read_text().splitlines() if line.strip() and not line.startswith("#")
    }
    return tuple(sorted(terms, key=lambda t: (-len(t), t)))


def key_terms(text: str, terms: tuple[str, ...] | None = None) -> set[str]:
    """Medical terms present in `text`; a multi-word term hides the words inside it."""
    remaining = f" {_normalize_words(text)} "
    found = set()
    for term in terms if terms is not None else load_medical_terms():
        needle = f" {_normalize_words(term)} "
        if needle in remaining:
            found.add(term)
            remaining = remaining.replace(needle, " | ")
    return found


def key_term_f1(predictions: list[str], references: list[str], terms: tuple[str, ...] | None = None) -> np.ndarray:
    """Set F1 between the key terms of each prediction and its reference; NaN when the reference has none."""
    _check_pairs(predictions, references)
    scores = []
    for pred, ref in zip(predictions, references):
        gold, got = key_terms(ref, terms), key_terms(pred, terms)
        if not gold:
            scores.append(float("nan"))
            continue
        hit = len(gold & got)
        scores.append(0.0 if hit == 0 else 2 * hit / (len(gold) + len(got)))
    return np.array(scores, dtype=float)


# ---------------------------------------------------------------- BERTScore


@lru_cache(maxsize=2)
def _bert_scorer(model_path: str, num_layers: int):
    from bert_score import BERTScorer

    return BERTScorer(model_type=model_path, num_layers=num_layers, device="cpu")


def bertscore_raw(
    predictions: list[str], references: list[str], model_path: str, num_layers: int = BERTSCORE_LAYERS
) -> np.ndarray:
    """Raw BERTScore F1 per item."""
    _check_pairs(predictions, references)
    if not predictions:
        return np.zeros(0)
    # Empty candidates make bert_score warn and return 0; keep that meaning without the noise.
    cands = [p if p.strip() else "." for p in predictions]
    _, _, f1 = _bert_scorer(str(model_path), num_layers).score(cands, list(references), verbose=False)
    return f1.numpy().astype(float)


def baseline_sentences(path: Path | None = None) -> list[str]:
    file = path or configs_dir() / "eval" / "bertscore_baseline_sentences.txt"
    return [line.strip() for line in file.read_text().splitlines() if line.strip() and not line.startswith("#")]


def bertscore_baseline(model_path: str, cache_dir: Path, num_layers: int = BERTSCORE_LAYERS) -> float:
    """Mean raw F1 over all pairs of unrelated sentences (both directions), computed once and cached."""
    sentences = baseline_sentences()
    weights = Path(model_path) / "model.safetensors"
    identity = f"{Path(model_path).name}|{weights.stat().st_size if weights.exists() else 0}|{num_layers}|"
    key = hashlib.sha256((identity + "\n".join(sentences)).encode()).hexdigest()[:16]
    cache = Path(cache_dir) / f"bertscore_baseline_{key}.json"
    if cache.exists():
        return float(json.loads(cache.read_text())["baseline_f1"])
    pairs = list(combinations(range(len(sentences)), 2))
    left = [sentences[i] for i, j in pairs] + [sentences[j] for i, j in pairs]
    right = [sentences[j] for i, j in pairs] + [sentences[i] for i, j in pairs]
    baseline = float(bertscore_raw(left, right, model_path, num_layers).mean())
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(
        json.dumps(
            {"baseline_f1": baseline, "pairs": len(left), "model": str(model_path), "num_layers": num_layers}, indent=2
        )
    )
    return baseline


def rescale(raw: np.ndarray, baseline: float) -> np.ndarray:
    """(raw − baseline) / (1 − baseline): 0 ≈ unrelated text, 1 = identical."""
    if not baseline < 1:
        raise ValueError(f"a BERTScore baseline must be below 1, got {baseline}")
    return (np.asarray(raw, dtype=float) - baseline) / (1.0 - baseline)


def bertscore_rescaled(
    predictions: list[str], references: list[str], model_path: str, cache_dir: Path, num_layers: int = BERTSCORE_LAYERS
) -> np.ndarray:
    raw = bertscore_raw(predictions, references, model_path, num_layers)
    return rescale(raw, bertscore_baseline(model_path, cache_dir, num_layers))


# ---------------------------------------------------------------- bootstrap


def resample_indices(n: int, resamples: int, seed: int) -> np.ndarray:
    """(resamples, n) indices drawn with replacement; same seed and n → same draws."""
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def bootstrap_mean(values, resamples: int = 1000, seed: int = 0) -> Estimate:
    """Mean of the scorable (non-NaN) values with a percentile 95% interval."""
    scores = np.asarray(values, dtype=float)
    scores = scores[~np.isnan(scores)]
    if scores.size == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    means = scores[resample_indices(scores.size, resamples, seed)].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return Estimate(float(scores.mean()), float(low), float(high), int(scores.size))


def bootstrap_bleu(predictions: list[str], references: list[str], resamples: int = 1000, seed: int = 0) -> Estimate:
    if not predictions:
        return Estimate(float("nan"), float("nan"), float("nan"), 0)
    stats = bleu_statistics(predictions, references)
    idx = resample_indices(len(stats), resamples, seed)
    # counts[r, i] = how often item i was drawn in resample r; counts @ stats sums each resample at once.
    counts = np.zeros((resamples, len(stats)))
    np.add.at(counts, (np.arange(resamples)[:, None], idx), 1)
    scores = np.array([bleu_from_statistics(row) for row in counts @ stats])
    low, high = np.percentile(scores, [2.5, 97.5])
    return Estimate(bleu_from_statistics(stats.sum(axis=0)), float(low), float(high), len(stats))


def paired_difference(a, b, resamples: int = 1000, seed: int = 0) -> Estimate:
    """Mean of a − b over items scorable in both, with a paired bootstrap 95% interval."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape:
        raise ValueError(f"paired_difference needs scores on the same items, got {x.shape} and {y.shape}")
    return bootstrap_mean(x - y, resamples, seed)


MIN_ITEMS_FOR_VERDICT = 5  # below this a bootstrap interval is too coarse to call anything


def verdict(difference: Estimate) -> str:
    """'better' / 'worse' only when the 95% interval of the difference excludes 0, else 'no clear difference'."""
    if difference.n == 0 or np.isnan(difference.low):
        return "not comparable"
    if difference.n < MIN_ITEMS_FOR_VERDICT:
        return "too few items"
    if difference.low > 0:
        return "better"
    if difference.high < 0:
        return "worse"
    return "no clear difference"


def compare(a, b, resamples: int = 1000, seed: int = 0) -> tuple[str, Estimate]:
    """Is model A better than model B on the same items? (verdict, difference estimate)."""
    difference = paired_difference(a, b, resamples, seed)
    return verdict(difference), difference


# ---------------------------------------------------------------- helpers


def _normalize_words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", (text or "").lower()))


def _check_pairs(predictions: list[str], references: list[str]) -> None:
    if len(predictions) != len(references):
        raise ValueError(f"need one reference per prediction, got {len(predictions)} and {len(references)}")
