"""The n-gram features of the triage head: scoring without scipy equals the training matrix times the
weights, the stored arrays give the same scores back, and the spent blind set joins dev with its origin."""

from __future__ import annotations

import io

import numpy as np
import pytest

from medchat_pipeline.config.safety import TriageTrainingConfig
from medchat_pipeline.core.safety.normalize import normalize_for_patterns
from medchat_pipeline.core.safety.triage_data import load_dataset_cases, load_triage_cases
from medchat_pipeline.core.safety.triage_ngrams import NgramFeatures, ngrams


def test_ngrams_read_inside_word_boundaries_and_skip_punctuation_words():
    assert ngrams("od it", "char", 2, 3) == [" o", "od", "d ", " od", "od ", " i", "it", "t ", " it", "it "]
    assert ngrams("shock advised , now", "word", 1, 2) == [
        "shock", "advised", "now", "shock advised", "advised now"]


def test_scores_equal_the_training_matrix_times_the_weights_and_survive_storage():
    texts = [normalize_for_patterns(t) for case in load_triage_cases()[:120] for t in case.turns]
    features = NgramFeatures.fit(texts, min_df=2)
    weights = np.random.default_rng(0).normal(size=features.size)
    trained = features.with_weights(weights)
    expected = features.matrix(texts) @ weights
    assert np.allclose(trained.scores(texts), expected)
    buffer = io.BytesIO()
    np.savez(buffer, **trained.arrays())
    buffer.seek(0)
    with np.load(buffer, allow_pickle=False) as arrays:
        restored = NgramFeatures.from_arrays(arrays)
    unseen = ["my face is ballooning after the pad thai", "", "\u01c2\u01c2\u01c2"]
    assert np.allclose(restored.scores(texts + unseen), trained.scores(texts + unseen))
    assert restored.scores(["\u01c2\u01c2\u01c2"])[0] == 0.0  # nothing known: no contribution
    with pytest.raises(ValueError, match="n-gram weights"):
        features.with_weights(weights[:-1])


def test_the_spent_blind_set_joins_dev_with_its_origin_and_the_held_out_one_is_refused():
    cases = load_dataset_cases()
    blind = [case for case in cases if case.origin == "blind1"]
    assert len(blind) >= 300 and all(case.split == "dev" and case.id.startswith("blind1/") for case in blind)
    assert len({case.id for case in cases}) == len(cases)
    assert {case.id for case in load_triage_cases()} == {case.id for case in cases if case.origin == "cases"}
    with pytest.raises(ValueError, match="held out"):
        load_dataset_cases(TriageTrainingConfig(extra_dev_sets={"blind2": "safety/triage_blind_test2.yaml"}))
