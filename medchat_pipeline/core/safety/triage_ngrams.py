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
from functools import lru_cache

import numpy as np

# (block name, smallest n, largest n)
BLOCKS = (("char", 2, 5), ("word", 1, 2))
_WORD_CACHE_SIZE = 1 << 18  # words whose in-vocabulary grams a scorer keeps (cleared whole when full)


@lru_cache(maxsize=1 << 17)
def word_char_grams(word: str, low: int, high: int) -> tuple[str, ...]:
    """The character n-grams of one word inside " word " boundaries. A word's grams do not depend on its
    neighbours, and words repeat (a few thousand make up most of any text), so they are cut once per word."""
    padded = f" {word} "
    return tuple(padded[i : i + n] for n in range(low, min(high, len(padded)) + 1) for i in range(len(padded) - n + 1))


def ngrams(text: str, block: str, low: int, high: int) -> list[str]:
    """The n-grams of one normalized text: characters inside " word " boundaries, or whole words."""
    words = text.split()
    out: list[str] = []
    if block == "char":
        for word in words:
            out.extend(word_char_grams(word, low, high))
    else:
        words = [w for w in words if any(ch.isalnum() for ch in w)]  # punctuation is not a word
        for n in range(low, high + 1):
            out.extend(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return out


def count_grams(text: str) -> dict[str, Counter]:
    """Per block, every n-gram of `text` with its count (in order of first appearance), for reuse across folds."""
    return {block: Counter(ngrams(text, block, low, high)) for block, low, high in BLOCKS}


_TF = np.array([0.0] + [1.0 + math.log(c) for c in range(1, 256)])  # 1 + log(count) for the usual small counts


def _sublinear_tf(counts: np.ndarray) -> np.ndarray:
    """1 + log(count), each value math.log of the integer count (a table lookup below 256, the same floats)."""
    if counts.size == 0 or int(counts.max()) < len(_TF):
        return _TF[counts.astype(np.int64, copy=False)]
    unique, inverse = np.unique(counts, return_inverse=True)
    return np.array([1.0 + math.log(int(c)) for c in unique])[inverse]


class GramTable:
    """Every training text's n-gram counts as one sparse matrix per block, over every gram seen, in sorted order.

    Training scores five folds and fits once more on all of dev; `NgramFeatures.fit` and `matrix` read each text's
    counts in Python for every fold (about 30 s of a 150 s triage build on 12,900 dev cases). From the table, a fold's
    document frequencies are a column count and its features are a column selection and sparse arithmetic."""

    def __init__(self, counts: list[dict[str, Counter]]) -> None:
        import scipy.sparse as sp

        self.grams: dict[str, list[str]] = {}
        self.counts = {}
        for block, _, _ in BLOCKS:
            grams = sorted({gram for text in counts for gram in text[block]})
            index = {gram: i for i, gram in enumerate(grams)}
            indices, data, indptr = [], [], [0]
            for text in counts:
                indices.extend(index[gram] for gram in text[block])
                data.extend(text[block].values())
                indptr.append(len(indices))
            matrix = sp.csr_matrix((np.array(data, dtype=np.float64), np.array(indices, dtype=np.int64),
                                    np.array(indptr, dtype=np.int64)), shape=(len(counts), len(grams)))
            matrix.sort_indices()
            self.grams[block], self.counts[block] = grams, matrix


@dataclass
class NgramFeatures:
    """Per block: the vocabulary (n-gram → column), its idf, and, once trained, its weights."""

    vocabularies: dict[str, dict[str, int]]
    idf: dict[str, np.ndarray]
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    # `fit_rows` only: per block, the columns of the GramTable that are this vocabulary (for `table_matrix`)
    table_columns: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)
    # scoring only: per word, the columns of its character n-grams in the vocabulary, in order (`_block_values`)
    _word_grams: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False, compare=False)

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

    @classmethod
    def fit_rows(cls, table: GramTable, rows, min_df: int = 2) -> NgramFeatures:
        """`fit` on the texts of `table` at `rows`, from its count matrices: the same vocabulary and idf."""
        rows = np.asarray(rows)
        vocabularies, idf, kept = {}, {}, {}
        for block, _, _ in BLOCKS:
            sub = table.counts[block][rows]
            df = np.bincount(sub.indices, minlength=sub.shape[1])  # each text holds each gram once: texts with it
            kept[block] = np.flatnonzero(df >= min_df)  # ascending, so in sorted gram order, as `fit` keeps them
            vocabularies[block] = {table.grams[block][k]: i for i, k in enumerate(kept[block].tolist())}
            idf[block] = np.array([math.log((1 + len(rows)) / (1 + int(df[k]))) + 1.0 for k in kept[block].tolist()])
        return cls(vocabularies, idf, table_columns=kept)

    def table_matrix(self, table: GramTable, rows):
        """`matrix` of the texts of `table` at `rows` (features from `fit_rows` on the same table), with sparse
        arithmetic: the same values but for the rounding of each row's norm (summed in another order)."""
        import scipy.sparse as sp

        rows, blocks = np.asarray(rows), []
        for block, _, _ in BLOCKS:
            sub = table.counts[block][rows][:, self.table_columns[block]].tocsr()
            sub.sort_indices()
            values = _sublinear_tf(sub.data) * self.idf[block][sub.indices]
            sums = np.zeros(sub.shape[0])
            nonempty = np.diff(sub.indptr) > 0
            sums[nonempty] = np.add.reduceat(values * values, sub.indptr[:-1][nonempty])
            norms = np.repeat(np.sqrt(sums), np.diff(sub.indptr))
            values = np.divide(values, norms, out=values.copy(), where=norms > 0)
            blocks.append(sp.csr_matrix((values, sub.indices, sub.indptr), shape=sub.shape))
        return sp.hstack(blocks, format="csr", dtype=np.float64)

    @property
    def size(self) -> int:
        return sum(len(v) for v in self.vocabularies.values())

    def _block_values(self, text: str, block: str, low: int, high: int,
                      grams: Counter | None = None) -> tuple[list[int], np.ndarray]:
        vocabulary = self.vocabularies[block]
        if grams is None and block == "char":
            # the columns of the grams filtering ngrams(text) keeps, in the same order, from a per-word cache of each
            # word's grams in the vocabulary (a text's character grams are its words' grams, word after word)
            cache, kept = self._word_grams, []
            for word in text.split():
                found = cache.get(word)
                if found is None:
                    if len(cache) >= _WORD_CACHE_SIZE:
                        cache.clear()
                    found = cache[word] = tuple(vocabulary[g] for g in word_char_grams(word, low, high)
                                                if g in vocabulary)
                kept.extend(found)
            by_column = Counter(kept)
            columns = list(by_column)
            counts = by_column.values()
        else:
            if grams is None:
                found = Counter(g for g in ngrams(text, block, low, high) if g in vocabulary)
            else:  # the same counts in the same order, read from the text's count_grams
                found = {g: n for g, n in grams.items() if g in vocabulary}
            columns = [vocabulary[g] for g in found]
            counts = found.values()
        values = _sublinear_tf(np.fromiter(counts, dtype=np.int64, count=len(columns))) * self.idf[block][columns]
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
