"""Sentence-embedding similarity with the packaged MiniLM-L6 model (offline).

One loader, cached per process, shared by the augmentation drift gate, the GRPO similarity reward
and the benchmark, so all three measure "same meaning" the same way.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=2)
def load_embedder(model_path: str | None = None):
    from sentence_transformers import SentenceTransformer

    from medchat_pipeline.models import embedding_model_path

    return SentenceTransformer(str(model_path or embedding_model_path()), device="cpu")


def embed(texts: list[str], model_path: str | None = None, batch_size: int = 64) -> np.ndarray:
    """L2-normalised embeddings, shape (len(texts), dim)."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    model = load_embedder(model_path)
    return model.encode(
        list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )


def paired_cosine(a: list[str], b: list[str], model_path: str | None = None) -> np.ndarray:
    """cos(a[i], b[i]) for each i, in [-1, 1]."""
    if len(a) != len(b):
        raise ValueError(f"paired_cosine needs equal lengths, got {len(a)} and {len(b)}")
    if not a:
        return np.zeros(0, dtype=np.float32)
    vectors = embed(list(a) + list(b), model_path)
    return np.sum(vectors[: len(a)] * vectors[len(a) :], axis=1)
