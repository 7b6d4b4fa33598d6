"""Triage round 3: the n-gram features of the emergency head (scoring without scipy equals the training
matrix times the weights; the stored arrays give the same scores back), the spent blind set joining dev with
its origin, and the possible-emergency tier with its safety-net line."""

from __future__ import annotations

import io

import numpy as np
import pytest

from medchat_pipeline.config import load_config
from medchat_pipeline.config.safety import EmergencyNumbers, TriageTrainingConfig
from medchat_pipeline.core.safety.normalize import normalize_for_patterns
from medchat_pipeline.core.safety.triage import CATEGORIES, Triage, safety_net_line
from medchat_pipeline.core.safety.triage_data import load_dataset_cases, load_triage_cases
from medchat_pipeline.core.safety.triage_model import TokenEmbeddingEncoder, TriageHead
from medchat_pipeline.core.safety.triage_ngrams import GramTable, NgramFeatures, count_grams, ngrams
from medchat_pipeline.core.safety.triage_report import triage_report_blocks
from medchat_pipeline.serving import ChatService, TeacherChatModel, start_server
from medchat_pipeline.serving.safety import SafetyGate
from medchat_pipeline.teachers import TeacherPool
from medchat_pipeline_tests.serving.conftest import client_for
from medchat_pipeline_tests.teachers.fake_provider_server import fake_teachers_section, start_fake_provider_server


def test_ngrams_read_inside_word_boundaries_and_skip_punctuation_words():
    assert ngrams("od it", "char", 2, 3) == [" o", "od", "d ", " od", "od ", " i", "it", "t ", " it", "it "]
    assert ngrams("shock advised , now", "word", 1, 2) == [
        "shock", "advised", "now", "shock advised", "advised now"]


def test_counts_read_once_give_the_same_features_bit_for_bit():
    # Training counts each text's n-grams once (count_grams) and hands them to every fold: the vocabulary, idf, sparse
    # matrix and scores must be exactly those read from the texts, or the trained head would change.
    texts = [normalize_for_patterns(t) for case in load_triage_cases()[:200] for t in case.turns] + ["", "a a a a"]
    counts = [count_grams(text) for text in texts]
    plain, counted = NgramFeatures.fit(texts[:150], 2), NgramFeatures.fit(texts[:150], 2, counts[:150])
    assert plain.vocabularies == counted.vocabularies
    assert all(np.array_equal(plain.idf[block], counted.idf[block]) for block in plain.idf)
    a, b = plain.matrix(texts[:150]), counted.matrix(texts[:150], counts[:150])
    assert np.array_equal(a.data, b.data) and np.array_equal(a.indices, b.indices) and np.array_equal(a.indptr, b.indptr)
    weights = np.random.default_rng(1).normal(size=plain.size)
    assert np.array_equal(plain.with_weights(weights).scores(texts[150:]),
                          counted.with_weights(weights).scores(texts[150:], counts[150:]))


def test_a_fold_read_from_the_gram_table_has_the_same_vocabulary_idf_and_features():
    # Training selects each fold's features from one count matrix per block (GramTable): the vocabulary and idf must be
    # exactly `fit`'s, and the matrix `matrix`'s up to the rounding of each row's norm; rows in any order, empty ones too.
    texts = [normalize_for_patterns(t) for case in load_triage_cases()[:200] for t in case.turns] + ["", "a a a a"]
    table = GramTable([count_grams(text) for text in texts])
    rows = np.array(sorted(range(0, len(texts), 2)) + [len(texts) - 2])
    held_out = np.array([i for i in range(len(texts)) if i not in set(rows.tolist())][::-1])
    plain, tabled = NgramFeatures.fit([texts[i] for i in rows], 2), NgramFeatures.fit_rows(table, rows, 2)
    assert plain.vocabularies == tabled.vocabularies
    assert all(np.array_equal(plain.idf[block], tabled.idf[block]) for block in plain.idf)
    for part in (rows, held_out):
        a, b = plain.matrix([texts[i] for i in part]), tabled.table_matrix(table, part)
        a.sort_indices()
        assert np.array_equal(a.indices, b.indices) and np.array_equal(a.indptr, b.indptr)
        assert np.allclose(a.data, b.data, rtol=0, atol=1e-15)
    weights = np.random.default_rng(2).normal(size=plain.size)
    assert np.allclose(plain.with_weights(weights).scores([texts[i] for i in held_out]),
                       tabled.table_matrix(table, held_out) @ weights)


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


def test_the_spent_blind_sets_join_dev_with_their_origin_and_the_held_out_one_is_refused():
    cases = load_dataset_cases()
    for origin, at_least in (("blind1", 300), ("blind2", 450), ("blind3", 450), ("blind4", 450), ("blind5", 450),
                             ("blind6", 450), ("blind7", 450), ("blind8", 450), ("blind9", 450),
                             ("blind10", 450), ("blind11", 450), ("blind12", 450),
                             ("blind13", 450), ("blind14", 450), ("blind15", 450), ("blind16", 450),
                             ("blind17", 450), ("blind18", 450), ("blind19", 450),
                             ("blind20", 450), ("blind21", 450), ("blind22", 450),
                             ("blind23", 450), ("blind24", 450), ("blind25", 450), ("blind26", 450),
                             ("blind27", 450), ("blind28", 450), ("blind29", 450),
                             ("blind30", 450), ("blind31", 450), ("blind32", 450), ("blind33", 450),
                             ("blind34", 450)):
        blind = [case for case in cases if case.origin == origin]
        assert len(blind) >= at_least and all(case.split == "dev" and case.id.startswith(f"{origin}/") for case in blind)
    assert len({case.id for case in cases}) == len(cases)
    assert {case.id for case in load_triage_cases()} == {case.id for case in cases if case.origin == "cases"}
    with pytest.raises(ValueError, match="held out"):
        load_dataset_cases(TriageTrainingConfig(extra_dev_sets={"blind35": "safety/triage_blind_test35.yaml"}))


@pytest.fixture(scope="module")
def encoder():
    return TokenEmbeddingEncoder()


def _head_scoring(probability: float, threshold: float, possible: float | None, dim: int) -> TriageHead:
    """A head whose emergency probability is `probability` for any text (zero weights, a bias) and whose
    category head always says stroke."""
    category_b = np.full(len(CATEGORIES), -1.0)
    category_b[CATEGORIES.index("stroke")] = 1.0
    return TriageHead(np.zeros(dim), float(np.log(probability / (1 - probability))), np.zeros((len(CATEGORIES), dim)),
                      category_b, threshold, possible_threshold=possible)


@pytest.mark.parametrize(("probability", "emergency", "possible"), [(0.9, True, False), (0.6, False, True),
                                                                    (0.3, False, False)])
def test_the_possible_emergency_tier_lies_between_its_threshold_and_the_emergency_one(encoder, probability, emergency,
                                                                                     possible):
    triage = Triage(encoder, _head_scoring(probability, threshold=0.8, possible=0.5, dim=encoder.dim))
    decision = triage.assess(["my left hand feels a bit odd since lunch"])
    assert (decision.emergency, decision.possible_emergency) == (emergency, possible)
    assert decision.possible_category == ("stroke" if possible else None)
    gate = SafetyGate(triage)
    advice = gate.advice(decision)
    if possible:
        assert "possible emergency" in decision.reason and "safety-net threshold 0.50" in decision.reason
        assert advice == safety_net_line("stroke") and "911" in advice and "drooping face" in advice
    elif not emergency:
        assert advice is None
    # A model without the tier (trained before it, or with possible_recall_target null) never raises it.
    assert not Triage(encoder, _head_scoring(probability, 0.8, None, encoder.dim)).assess(["x y z"]).possible_emergency


def test_every_category_has_a_safety_net_line_with_the_deployments_number():
    uk = EmergencyNumbers(emergency="999", crisis_line="116 123", crisis_line_name="Samaritans", poison_control="111")
    for category in (*CATEGORIES, None):
        line = safety_net_line(category, uk)
        assert line.startswith("If you have") and "call 999 now" in line and "911" not in line
    assert "116 123" in safety_net_line("self_harm", uk) and "111" in safety_net_line("overdose_poisoning", uk)


def test_a_possible_emergency_is_served_with_the_safety_net_first_streamed_or_whole(encoder):
    """Through the real server and SDK: the safety-net line leads the model's answer, whole and streamed, and
    the response says why; the route stays the router's (no takeover). Both lanes are a loopback provider
    (real wire format) answering "answer to: <question>"."""
    provider = start_fake_provider_server()
    cfg = load_config("demo", overrides={"teachers": fake_teachers_section(provider, max_retries=0),
                                         "serving": {"large": {"teacher": "fake"}}})
    pools = [TeacherPool.from_config(cfg) for _ in ("small", "large")]  # a pool serves one lane's event loop
    triage = Triage(encoder, _head_scoring(0.6, threshold=0.8, possible=0.5, dim=encoder.dim))
    service = ChatService(*(TeacherChatModel(pool, "fake") for pool in pools), cfg.serving, safety=SafetyGate(triage))
    server = start_server(service, cfg.serving, port=0)
    question = "my left hand feels a bit odd since lunch"
    try:
        client = client_for(server)
        messages = [{"role": "user", "content": question}]
        whole = client.chat.completions.create(model="medchat-router-large", messages=messages)
        streamed = list(client.chat.completions.create(model="medchat-router-large", messages=messages, stream=True))
    finally:
        server.stop()
        service.close()
        for pool in pools:
            pool.close()
        provider.stop()
    expected = f"{safety_net_line('stroke')}\n\nanswer to: {question}"
    assert whole.choices[0].message.content == expected
    assert "".join(c.choices[0].delta.content or "" for c in streamed if c.choices) == expected
    for route in (whole.model_extra["medchat_route"], streamed[-1].model_extra["medchat_route"]):
        assert route["possible_emergency"] and not route["emergency"] and route["answered_by"] == "large"


def test_the_report_gives_the_tiers_figures_when_the_model_has_one(encoder):
    triage = Triage(encoder, _head_scoring(0.6, threshold=0.8, possible=0.5, dim=encoder.dim))
    blocks = triage_report_blocks(load_config("demo"), None, triage, load_triage_cases())
    tier = [text for kind, text in blocks if kind == "p" and text.startswith("Possible-emergency tier")]
    # Every message the patterns pass scores 0.6 here: each emergency is caught by one tier or the other.
    assert len(tier) == 1 and "from 0.500" in tier[0] and "either tier 1.000 [" in tier[0]
