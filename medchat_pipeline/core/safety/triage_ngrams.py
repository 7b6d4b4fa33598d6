"""Character and word n-gram TF-IDF features for the triage's emergency head, scored without scikit-learn.

Why beside the MiniLM token embeddings: a mean of static token vectors is a bag of words squeezed into
384 dimensions; it cannot tell "shock advised" from "shock" and "advised", nor "not wake up" from "wake
up", and a misspelling it has never seen falls on an unrelated WordPiece. Character n-grams (2-5, inside
word boundaries) read misspellings and word pieces ("ballooning", "dei", "od'd"); word uni- and bigrams
read short phrases. Measured on the dev split, family-grouped 5-fold, and trained on the hand-written dev
cases then scored on the first blind set (another author): benchmarks/RESULTS.md, "Round 3".

Why hand-written scoring: the learned weights are linear, so a text's contribution is
sum_j tfidf_j(text) * w_j, a dictionary lookup per n-gram. scikit-learn's TfidfVectorizer would do the
same, but importing sklearn.feature_extraction.text costs 4.5-5.8 s on the 2-core box (measured with
`python -X importtime`), half of `medchat chat --route-only`'s 10-second budget for 1,000 questions.
Training (`fit`, `matrix`) builds the same features as a scipy sparse matrix for scikit-learn's logistic
regression; `scores` and `matrix` share one definition of the features (`ngrams`), and a test checks
that `scores` equals the sparse matrix times the weights.

Training reads each text's n-grams once (`count_grams`) and hands the counts to `fit`, `matrix` and `scores`
for every fold: the same features from one pass over the texts instead of twelve (benchmarks/RESULTS.md, "Faster
triage training"). Scoring a new text counts only the n-grams in the vocabulary, as before.

Each block (characters, words) is L2-normalized on its own, with sublinear term frequency
(1 + log count) and smoothed idf (log((1 + n) / (1 + df)) + 1), as TfidfVectorizer does by default.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

# (block name, smallest n, largest n)
BLOCKS = (("char", 2, 5), ("word", 1, 2))


def ngrams(text: str, block: str, low: int, high: int) -> list[str]:
    """The n-grams of one normalized text: characters inside " word " boundaries, or whole words."""
    words = text.split()
    out: list[str] = []
    if block == "char":
        for word in words:
            padded = f" {word} "
            for n in range(low, min(high, len(padded)) + 1):
                out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    else:
        words = [w for w in words if any(ch.isalnum() for ch in w)]  # punctuation is not a word
        for n in range(low, high + 1):
            out.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return out


def count_grams(text: str) -> dict[str, Counter]:
    """Per block, every n-gram of `text` with its count (in order of first appearance), for reuse across folds."""
    return {block: Counter(ngrams(text, block, low, high)) for block, low, high in BLOCKS}


@dataclass
class NgramFeatures:
    """Per block: the vocabulary (n-gram → column), its idf, and, once trained, its weights."""

    vocabularies: dict[str, dict[str, int]]
    idf: dict[str, np.ndarray]
    weights: dict[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def fit(cls, texts: list[str], min_df: int = 2, counts: list[dict[str, Counter]] | None = None) -> NgramFeatures:
        """Vocabulary: every n-gram found in at least `min_df` of `texts`; idf from the same texts (`counts`:
        their `count_grams`, when already computed)."""
        counts = counts if counts is not None else [count_grams(text) for text in texts]
        vocabularies, idf = {}, {}
        for block, _, _ in BLOCKS:
            df = Counter(gram for grams in counts for gram in grams[block])
            kept = sorted(gram for gram, count in df.items() if count >= min_df)
            vocabularies[block] = {gram: i for i, gram in enumerate(kept)}
            idf[block] = np.array([math.log((1 + len(texts)) / (1 + df[gram])) + 1.0 for gram in kept])
        return cls(vocabularies, idf)

    @property
    def size(self) -> int:
        return sum(len(v) for v in self.vocabularies.values())

    def _block_values(self, text: str, block: str, low: int, high: int,
                      grams: Counter | None = None) -> tuple[list[int], np.ndarray]:
        vocabulary = self.vocabularies[block]
        if grams is None:
            counts = Counter(g for g in ngrams(text, block, low, high) if g in vocabulary)
        else:  # the same counts in the same order, read from the text's count_grams
            counts = {g: n for g, n in grams.items() if g in vocabulary}
        columns = [vocabulary[g] for g in counts]
        values = np.array([1.0 + math.log(c) for c in counts.values()]) * self.idf[block][columns]
        norm = float(np.sqrt(values @ values)) if columns else 0.0
        return columns, values / norm if norm > 0 else values

    def matrix(self, texts: list[str], counts: list[dict[str, Counter]] | None = None):
        """The features of `texts` as a scipy CSR matrix (training only: scoring never imports scipy)."""
        import scipy.sparse as sp

        rows, cols, vals = [], [], []
        for row, text in enumerate(texts):
            offset = 0
            for block, low, high in BLOCKS:
                grams = None if counts is None else counts[row][block]
                columns, values = self._block_values(text, block, low, high, grams)
                rows.extend([row] * len(columns))
                cols.extend(offset + c for c in columns)
                vals.extend(values.tolist())
                offset += len(self.vocabularies[block])
        return sp.csr_matrix((vals, (rows, cols)), shape=(len(texts), self.size), dtype=np.float64)

    def with_weights(self, weights: np.ndarray) -> NgramFeatures:
        """The same features with the head's weights for them (in `matrix` column order)."""
        if weights.shape != (self.size,):
            raise ValueError(f"expected {self.size} n-gram weights, got {weights.shape}")
        split, start = {}, 0
        for block, _, _ in BLOCKS:
            end = start + len(self.vocabularies[block])
            split[block] = np.asarray(weights[start:end], dtype=np.float64)
            start = end
        return NgramFeatures(self.vocabularies, self.idf, split)

    def scores(self, texts: list[str], counts: list[dict[str, Counter]] | None = None) -> np.ndarray:
        """Each text's contribution to the emergency logit: features · weights (pure Python and numpy)."""
        out = np.zeros(len(texts))
        for row, text in enumerate(texts):
            for block, low, high in BLOCKS:
                grams = None if counts is None else counts[row][block]
                columns, values = self._block_values(text, block, low, high, grams)
                if columns:
                    out[row] += float(values @ self.weights[block][columns])
        return out

    def arrays(self) -> dict[str, np.ndarray]:
        """What head.npz stores (plain string and float arrays: loadable with allow_pickle=False)."""
        out = {}
        for block, _, _ in BLOCKS:
            vocabulary = self.vocabularies[block]
            out[f"ngram_{block}_vocabulary"] = np.array(sorted(vocabulary, key=vocabulary.get), dtype=str)
            out[f"ngram_{block}_idf"] = self.idf[block]
            out[f"ngram_{block}_weights"] = self.weights[block]
        return out

    @classmethod
    def from_arrays(cls, arrays) -> NgramFeatures:
        vocabularies, idf, weights = {}, {}, {}
        for block, _, _ in BLOCKS:
            grams = arrays[f"ngram_{block}_vocabulary"].tolist()
            vocabularies[block] = {gram: i for i, gram in enumerate(grams)}
            idf[block] = np.asarray(arrays[f"ngram_{block}_idf"], dtype=np.float64)
            weights[block] = np.asarray(arrays[f"ngram_{block}_weights"], dtype=np.float64)
            if not len(grams) == idf[block].size == weights[block].size:
                raise ValueError(f"n-gram block {block}: vocabulary, idf and weights differ in length")
        return cls(vocabularies, idf, weights)

    def describe(self) -> dict:
        return {"blocks": [{"name": b, "n": [low, high], "vocabulary": len(self.vocabularies[b])} for b, low, high in BLOCKS]}
