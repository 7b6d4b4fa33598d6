"""Every metric against values computed by hand, and the bootstrap on known distributions."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sacrebleu

from medchat_pipeline.core.evaluation import metrics


def test_correctness_and_accuracy_treat_missing_answers_as_wrong():
    flags = metrics.correctness(["A", "B", None, "c"], ["A", "C", "D", "C"])
    assert flags.tolist() == [1.0, 0.0, 0.0, 1.0]
    assert metrics.accuracy(["A", "B", None, "c"], ["A", "C", "D", "C"]) == 0.5
    with pytest.raises(ValueError, match="equal lengths"):
        metrics.correctness(["A"], ["A", "B"])


def test_rouge_l_matches_the_longest_common_subsequence_by_hand():
    # LCS "the cat on the mat" = 5 of 6 tokens on both sides → P = R = F = 5/6.
    # "fever cough rash pain" vs "fever rash vomiting": LCS 2, P = 2/4, R = 2/3 → F = 4/7.
    scores = metrics.rouge_l(
        ["the cat sat on the mat", "fever cough rash pain"], ["the cat lay on the mat", "fever rash vomiting"]
    )
    assert scores == pytest.approx([5 / 6, 4 / 7])


def test_bleu_matches_the_hand_computed_geometric_mean():
    # n-gram precisions 5/6, 3/5, 2/4, 1/3 and equal lengths (no brevity penalty): (1/12) ** (1/4).
    score = metrics.corpus_bleu(["the cat sat on a mat"], ["the cat sat on the mat"])
    assert score == pytest.approx(100 * (1 / 12) ** 0.25, abs=1e-9)


def test_bleu_from_per_item_statistics_equals_sacrebleu_corpus_bleu():
    preds = ["take ibuprofen with food", "rest and drink fluids", "see a doctor if the fever persists"]
    refs = ["take ibuprofen after food", "drink fluids and rest", "see your doctor if fever lasts"]
    expected = sacrebleu.corpus_bleu(preds, [refs]).score
    assert metrics.corpus_bleu(preds, refs) == pytest.approx(expected)
    estimate = metrics.bootstrap_bleu(preds, refs, resamples=200, seed=3)
    assert estimate.value == pytest.approx(expected)
    assert estimate.low <= estimate.value <= estimate.high and estimate.n == 3


def test_key_terms_prefer_the_multi_word_term():
    assert metrics.key_terms("Crushing chest pain after a heart attack.") == {"chest pain", "heart attack"}
    assert metrics.key_terms("Mild pain only.") == {"pain"}


def test_key_term_f1_by_hand_and_nan_without_reference_terms():
    # reference {chest pain, heart attack, aspirin}, answer {heart attack, ibuprofen}: 2·1 / (3 + 2) = 0.4
    scores = metrics.key_term_f1(
        ["Heart attack is possible; take ibuprofen.", "Anything at all.", "Nothing relevant."],
        ["Chest pain may signal a heart attack; take aspirin.", "Rest well tonight.", "Take aspirin daily."],
    )
    assert scores[0] == pytest.approx(0.4)
    assert math.isnan(scores[1])
    assert scores[2] == 0.0


def test_rescale_maps_the_baseline_to_zero_and_one_to_one():
    assert metrics.rescale(np.array([0.5, 0.2, 1.0]), 0.2).tolist() == pytest.approx([0.375, 0.0, 1.0])
    with pytest.raises(ValueError, match="below 1"):
        metrics.rescale(np.array([0.5]), 1.0)


def test_bertscore_baseline_is_computed_once_and_cached(embedding_model_dir, tmp_path):
    baseline = metrics.bertscore_baseline(str(embedding_model_dir), tmp_path)
    cached = list(tmp_path.glob("bertscore_baseline_*.json"))
    assert len(cached) == 1
    record = json.loads(cached[0].read_text())
    sentences = metrics.baseline_sentences()
    assert record["pairs"] == len(sentences) * (len(sentences) - 1)
    assert 0.0 < baseline < 1.0 and record["baseline_f1"] == baseline
    assert metrics.bertscore_baseline(str(embedding_model_dir), tmp_path) == baseline

    same = "Take paracetamol every six hours for fever."
    scores = metrics.bertscore_rescaled(
        [same, "The ferry to the island was cancelled because of the storm."],
        [same, "Metformin is the first-line drug for type 2 diabetes."],
        str(embedding_model_dir),
        tmp_path,
    )
    assert scores[0] == pytest.approx(1.0, abs=1e-5)
    assert abs(scores[1]) < 0.3  # unrelated text sits near the baseline, i.e. near 0 once rescaled


def test_bootstrap_mean_on_a_known_bernoulli_distribution():
    rng = np.random.default_rng(0)
    values = (rng.random(400) < 0.3).astype(float)
    estimate = metrics.bootstrap_mean(values, resamples=2000, seed=1)
    assert estimate.value == values.mean() and estimate.n == 400
    expected_half_width = 1.96 * math.sqrt(values.mean() * (1 - values.mean()) / 400)
    assert (estimate.high - estimate.low) / 2 == pytest.approx(expected_half_width, rel=0.15)
    assert estimate.low < 0.3 < estimate.high
    assert metrics.bootstrap_mean(values, resamples=2000, seed=1) == estimate  # seeded


def test_bootstrap_mean_on_a_known_normal_distribution_and_nan_handling():
    values = np.random.default_rng(5).normal(5.0, 2.0, size=1000)
    estimate = metrics.bootstrap_mean(np.append(values, [np.nan, np.nan]), resamples=2000, seed=2)
    assert estimate.n == 1000
    assert (estimate.high - estimate.low) / 2 == pytest.approx(1.96 * 2.0 / math.sqrt(1000), rel=0.15)
    empty = metrics.bootstrap_mean([np.nan])
    assert empty.n == 0 and math.isnan(empty.value)


def test_verdict_says_better_only_when_the_interval_excludes_zero():
    ones, zeros = np.ones(50), np.zeros(50)
    assert metrics.compare(ones, zeros)[0] == "better"
    assert metrics.compare(zeros, ones)[0] == "worse"
    assert metrics.compare(ones, ones)[0] == "no clear difference"
    # one extra correct answer out of 20: the interval of the difference straddles 0
    a = np.array([1.0] * 11 + [0.0] * 9)
    b = np.array([1.0] * 10 + [0.0] * 10)
    verdict, difference = metrics.compare(a, b, resamples=2000, seed=0)
    assert verdict == "no clear difference" and difference.value == pytest.approx(0.05)
    assert difference.low <= 0 <= difference.high
    assert metrics.compare(np.ones(4), np.zeros(4))[0] == "too few items"
    with pytest.raises(ValueError, match="same items"):
        metrics.paired_difference(ones, np.ones(3))
