"""The learned layer of triage: the shipped MiniLM's token embeddings and two small logistic heads.

Encoder: a message is cut into WordPiece tokens by the MiniLM tokenizer, and its vector is the mean of
the MiniLM input-embedding rows of those tokens (L2-normalized), per window of `window_tokens` tokens.
Why not the full transformer? Measured on the dev split (family-grouped 5-fold, logistic head, see
benchmarks/RESULTS.md): ROC AUC 0.946 for these token embeddings, 0.925 for MiniLM sentence embeddings,
0.928 for model2vec-style distilled token vectors; and the token embeddings cost one tokenizer call
and a table lookup (≈0.1 s per 1,000 real questions, no torch import) where the transformer costs
≈10 s, which would break `medchat chat --route-only`'s 10-second budget for 1,000 questions.

Heads (scikit-learn logistic regression, stored as plain arrays in head.npz, never pickled):
- emergency: P(emergency | message), trained on the dev split with balanced class weights, on the embedding,
  character (2-5) and word (1-2) n-gram TF-IDF features (triage_ngrams.py: they read misspellings, word
  pieces and short phrases such as "shock advised" that a mean of token vectors loses; scored without
  scikit-learn at serving time) and, beside them, the pattern layer's context flags (patterns.CONTEXT_FEATURES: minimizing words, a symptom
  that settled, past history, an idiom, a hypothetical, a medication question, a question about no one in
  particular). Token embeddings alone put "my mother had a stroke years ago" and "dying of laughter" close to
  emergencies; with the flags the head learns on dev how much each context lowers the score (family-grouped
  5-fold on dev: ROC AUC 0.947 → 0.971, recall at 5% hard false alarms 0.57 → 0.86; benchmarks/RESULTS.md);
- category: which of the 12 categories, trained on the dev emergencies (used when no pattern names one).

Threshold: family-grouped cross-validation on the dev split gives every dev case an out-of-fold score;
the threshold is the highest whose out-of-fold recall reaches `recall_target`, unless that raises more
out-of-fold false alarms on the dev hard negatives than the classifier's budget allows, in which case it
is the lowest threshold within the budget (`threshold_rule` records which). The budget is a share
(`classifier_budget_share`, 0.5) of what the goal for the whole triage (`hard_false_alarm_goal`, 0.10)
leaves after the false alarms the patterns already raise on the dev hard negatives: the two layers
together stay well within the goal on dev, leaving room for phrasings the dev cases do not hold. The
test split is never read here.

Possible-emergency tier: a second, lower threshold (`possible_threshold`), chosen the same way on the same
out-of-fold dev scores for `possible_recall_target` within `possible_false_alarm_budget`. A message scoring
between the two is not an emergency (no takeover, no routing change) but is answered with a one-line safety
net first (triage.safety_net_line: "if you have X or Y, call 911 now"): when unsure, say where to go.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from medchat_pipeline.config.safety import TriageTrainingConfig
from medchat_pipeline.core.safety.normalize import normalize_for_patterns
from medchat_pipeline.core.safety.patterns import CONTEXT_FEATURES, context_features, find_emergencies, reading_units
from medchat_pipeline.core.safety.triage_data import CATEGORIES, HARD_NEGATIVE_KINDS, TriageCase
from medchat_pipeline.core.safety.triage_ngrams import GramTable, NgramFeatures, count_grams

MODEL_FORMAT = "medchat-triage/1"
ENCODER = "minilm-token-embeddings"
EMBEDDING_TENSOR = "embeddings.word_embeddings.weight"


class TokenEmbeddingEncoder:
    """Mean MiniLM input embedding over the WordPiece tokens of each window of a text."""

    def __init__(self, model_path: str | Path | None = None, window_tokens: int = 256, max_windows: int = 48) -> None:
        from safetensors import safe_open
        from tokenizers import Tokenizer

        from medchat_pipeline.models import embedding_model_path

        self.model_path = Path(model_path) if model_path else embedding_model_path()
        self.tokenizer = Tokenizer.from_file(str(self.model_path / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        with safe_open(str(self.model_path / "model.safetensors"), framework="numpy") as weights:
            self.table = weights.get_tensor(EMBEDDING_TENSOR).astype(np.float32)
        self.window_tokens = window_tokens
        self.max_windows = max_windows
        self.dim = int(self.table.shape[1])
        self._special = np.array(sorted({self.tokenizer.token_to_id(t) for t in ("[CLS]", "[SEP]", "[PAD]")} - {None}))

    def fingerprint(self) -> str:
        """Hash of the embedding table: a model trained on one table must not score with another."""
        return hashlib.sha256(self.table.tobytes()).hexdigest()[:16]

    def windows(self, texts: list[str], with_texts: bool = False) -> list[tuple]:
        """Per text: (one normalized vector per window, tokens not read because of max_windows), and with
        `with_texts` the text of each window (what the n-gram features read) as a third item."""
        out = []
        for text, encoding in zip(texts, self.tokenizer.encode_batch(list(texts), add_special_tokens=False)):
            ids = np.asarray(encoding.ids, dtype=np.int64)
            keep = ~np.isin(ids, self._special)
            ids = ids[keep]
            if ids.size == 0:
                out.append((np.zeros((0, self.dim), dtype=np.float32), 0) + (([],) if with_texts else ()))
                continue
            step = max(1, self.window_tokens * 3 // 4)
            starts = list(range(0, max(1, ids.size - self.window_tokens + step), step))[: self.max_windows]
            unread = max(0, ids.size - (starts[-1] + self.window_tokens))
            vectors = np.stack([self.table[ids[s : s + self.window_tokens]].mean(axis=0) for s in starts])
            if not with_texts:
                out.append((_unit(vectors), unread))
                continue
            offsets = [o for o, k in zip(encoding.offsets, keep) if k]
            spans = [text[offsets[s][0] : offsets[min(s + self.window_tokens, ids.size) - 1][1]] for s in starts]
            out.append((_unit(vectors), unread, spans))
        return out

    def encode(self, texts: list[str]) -> np.ndarray:
        """One vector per text (its first window): what the heads are trained on."""
        rows = [w[0] if len(w) else np.zeros(self.dim, dtype=np.float32) for w, _ in self.windows(texts)]
        return np.stack(rows) if rows else np.zeros((0, self.dim), dtype=np.float32)

    def first_window_texts(self, texts: list[str]) -> list[str]:
        """The text of each text's first window (all of it when shorter): what the n-gram features are trained on."""
        return [spans[0] if spans else "" for _, _, spans in self.windows(texts, with_texts=True)]


# While a triage build runs (build_memo), each text's normalization, pattern findings and context flags are computed
# once: training reads every dev case and the evaluation after it reads the same texts again (about 30 s of a 150 s
# build on 15,600 dev cases). Outside a build nothing is kept, so a serving process never holds a user's text.
_BUILD_MEMO: dict[str, dict[str, Any]] | None = None


@contextmanager
def build_memo() -> Iterator[None]:
    """Within this block, `memoized` computes each (function, text) once; the results are the functions' own."""
    global _BUILD_MEMO
    previous, _BUILD_MEMO = _BUILD_MEMO, {}
    try:
        yield
    finally:
        _BUILD_MEMO = previous


def memoized(kind: str, function: Callable[[str], Any], text: str) -> Any:
    """`function(text)`, from the build's memo when one is open (`kind` names the function's table). Findings and
    context flags come back as tuples, which callers only read."""
    memo = _BUILD_MEMO
    if memo is None:
        return function(text)
    table = memo.setdefault(kind, {})
    if text not in table:
        value = function(text)
        table[text] = tuple(value) if isinstance(value, list) else value
    return table[text]


def context_matrix(texts: list[str]) -> np.ndarray:
    """The context flags (patterns.CONTEXT_FEATURES) of each normalized text, one row per text."""
    return np.array([memoized("context", context_features, text) for text in texts], dtype=np.float64).reshape(len(texts), len(CONTEXT_FEATURES))


def _with_context(vectors: np.ndarray, context: np.ndarray | None, k: int) -> np.ndarray:
    if k == 0:
        return vectors
    if context is None:
        raise ValueError("this triage head was trained with context features; pass the text's context flags")
    context = np.broadcast_to(np.asarray(context, dtype=np.float64), (vectors.shape[0], k))
    return np.hstack([vectors, context])


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


@dataclass
class TriageHead:
    emergency_w: np.ndarray  # (dim + len(context_features),): the embedding's weights, then the context flags'
    emergency_b: float
    category_w: np.ndarray  # (categories, dim)
    category_b: np.ndarray  # (categories,)
    threshold: float
    context_features: tuple[str, ...] = ()  # patterns.CONTEXT_FEATURES when trained with them, () without
    ngrams: NgramFeatures | None = None  # the n-gram TF-IDF block and its weights, when trained with it
    possible_threshold: float | None = None  # the lower `possible_emergency` tier's threshold (None: no tier)

    def emergency_proba(self, vectors: np.ndarray, context: np.ndarray | None = None,
                        texts: list[str] | None = None) -> np.ndarray:
        """P(emergency) per row of `vectors` (n, dim); `context` is the text's context flags (k,) or (n, k),
        required when the head was trained with them; `texts` the text of each row (its window), required
        when the head has n-gram features."""
        logit = _with_context(vectors, context, len(self.context_features)) @ self.emergency_w + self.emergency_b
        if self.ngrams is not None:
            if texts is None or len(texts) != vectors.shape[0]:
                raise ValueError("this triage head reads n-gram features; pass the text of each window")
            logit = logit + self.ngrams.scores(texts)
        return 1.0 / (1.0 + np.exp(-logit))

    def categories(self, vectors: np.ndarray) -> list[str]:
        return [CATEGORIES[i] for i in np.argmax(vectors @ self.category_w.T + self.category_b, axis=1)]


@dataclass
class TrainedTriage:
    head: TriageHead
    threshold_rule: str
    possible_threshold_rule: str | None
    oof: dict  # out-of-fold dev figures at the threshold
    training: dict
    encoder: dict = field(default_factory=dict)


def training_text(case: TriageCase) -> str:
    """What the classifier is trained on for one case: every user turn, normalized, one per line (a turn that continues
    the one before on the same line, as triage reads it)."""
    return "\n".join(text for _, text in reading_units([memoized("normalized", normalize_for_patterns, turn)
                                                         for turn in case.turns]))


def _fit_heads(vectors: np.ndarray, cases: list[TriageCase], c: float, context: np.ndarray | None = None,
               ngram_matrix=None) -> tuple[np.ndarray, float, np.ndarray, np.ndarray, np.ndarray | None]:
    """Emergency head on the vectors (and the context flags and n-gram features beside them, when given);
    category head on the vectors of the emergencies. The n-gram weights come back apart (last item)."""
    from sklearn.linear_model import LogisticRegression

    labels = np.array([case.emergency for case in cases])
    inputs = vectors if context is None else np.hstack([vectors, context])
    dense_width = inputs.shape[1]
    if ngram_matrix is not None:
        import scipy.sparse as sp

        inputs = sp.hstack([sp.csr_matrix(inputs), ngram_matrix]).tocsr()
    emergency = LogisticRegression(C=c, class_weight="balanced", max_iter=5000).fit(inputs, labels)
    positive = [i for i, case in enumerate(cases) if case.emergency]
    present = sorted({cases[i].category for i in positive}, key=CATEGORIES.index)
    category_w = np.zeros((len(CATEGORIES), vectors.shape[1]), dtype=np.float64)
    category_b = np.full(len(CATEGORIES), -1e6)  # a category never seen in training is never predicted
    if len(present) > 1:
        model = LogisticRegression(C=c, max_iter=5000).fit(vectors[positive], [cases[i].category for i in positive])
        for row, name in enumerate(model.classes_):
            category_w[CATEGORIES.index(name)] = model.coef_[row] if len(model.classes_) > 2 else (
                model.coef_[0] if row == 1 else -model.coef_[0])
            category_b[CATEGORIES.index(name)] = model.intercept_[row] if len(model.classes_) > 2 else (
                model.intercept_[0] if row == 1 else -model.intercept_[0])
    elif present:
        category_b[CATEGORIES.index(present[0])] = 0.0
    coef = emergency.coef_[0].astype(np.float64)
    ngram_w = coef[dense_width:] if ngram_matrix is not None else None
    return coef[:dense_width], float(emergency.intercept_[0]), category_w, category_b, ngram_w


def choose_threshold(scores: np.ndarray, emergency: np.ndarray, hard: np.ndarray, recall_target: float,
                     max_hard_false_alarm_rate: float) -> tuple[float, str]:
    """The dev threshold (see the module docstring) and which constraint set it. `max_hard_false_alarm_rate`
    is the classifier's budget: scores at or above the threshold may flag at most that share of the hard
    negatives."""
    positives = np.sort(scores[emergency])[::-1]
    if positives.size == 0:
        raise ValueError("the dev split has no emergencies; cannot choose a threshold")
    needed = int(np.ceil(recall_target * positives.size))
    recall_threshold = float(positives[needed - 1])
    hard_scores = np.sort(scores[hard])[::-1]
    allowed = int(np.floor(max_hard_false_alarm_rate * hard_scores.size))
    # Scores strictly above the (allowed+1)-th highest hard negative keep the false alarms within budget.
    budget_threshold = float(np.nextafter(hard_scores[allowed], 1.0)) if allowed < hard_scores.size else 0.0
    if recall_threshold >= budget_threshold:
        return recall_threshold, f"recall: highest threshold with out-of-fold dev recall >= {recall_target}"
    return budget_threshold, (f"false-alarm budget: reaching recall {recall_target} would exceed "
                              f"{max_hard_false_alarm_rate} out-of-fold false alarms on the dev hard negatives")


def train_triage(cases: list[TriageCase], config: TriageTrainingConfig | None = None,
                 encoder: TokenEmbeddingEncoder | None = None) -> TrainedTriage:
    """Heads and threshold from the dev split (family-grouped out-of-fold scores choose the threshold)."""
    from sklearn.model_selection import GroupKFold

    config = config or TriageTrainingConfig()
    dev = [case for case in cases if case.split == "dev"]
    if sum(case.emergency for case in dev) < config.folds or sum(not case.emergency for case in dev) < config.folds:
        raise ValueError(f"the dev split needs at least {config.folds} emergencies and {config.folds} non-emergencies")
    encoder = encoder or TokenEmbeddingEncoder(window_tokens=config.window_tokens, max_windows=config.max_windows)
    texts = [training_text(case) for case in dev]
    vectors = encoder.encode(texts)
    features = CONTEXT_FEATURES if config.context_features else ()
    context = context_matrix(texts) if features else None
    emergency = np.array([case.emergency for case in dev])
    hard = np.array([case.kind in HARD_NEGATIVE_KINDS for case in dev])
    families = [case.family for case in dev]

    windows = encoder.first_window_texts(texts) if config.ngram_features else None
    # each text's n-grams read once, into one sparse count matrix per block that every fold selects from
    table = None if windows is None else GramTable([count_grams(window) for window in windows])

    def ngram_block(train_idx):  # the vocabulary and idf come from the training rows only (honest folds)
        return None if table is None else NgramFeatures.fit_rows(table, train_idx, config.ngram_min_df)

    oof = np.zeros(len(dev))
    for train_idx, test_idx in GroupKFold(n_splits=config.folds).split(vectors, emergency, families):
        ngrams = ngram_block(train_idx)
        w, b, _, _, ngram_w = _fit_heads(
            vectors[train_idx], [dev[i] for i in train_idx], config.regularization_c,
            None if context is None else context[train_idx],
            None if ngrams is None else ngrams.table_matrix(table, train_idx))
        held_out = _with_context(vectors[test_idx], None if context is None else context[test_idx], len(features))
        logit = held_out @ w + b
        if ngrams is not None:
            logit += ngrams.table_matrix(table, test_idx) @ ngram_w
        oof[test_idx] = 1.0 / (1.0 + np.exp(-logit))
    pattern_flags = np.array([_patterns_flag(case) for case in dev])
    pattern_hard_rate = float(pattern_flags[hard].mean()) if hard.any() else 0.0
    budget = config.classifier_budget_share * max(0.0, config.hard_false_alarm_goal - pattern_hard_rate)
    threshold, rule = choose_threshold(oof, emergency, hard, config.recall_target, budget)
    possible, possible_rule = None, None
    if config.possible_recall_target is not None:
        possible, possible_rule = choose_threshold(oof, emergency, hard, config.possible_recall_target,
                                                   config.possible_false_alarm_budget)
        if possible >= threshold:  # the lower tier never asks for more than the top one
            possible, possible_rule = None, f"none: {possible_rule} gives no threshold below the emergency one"

    every_row = np.arange(len(dev))
    ngrams = ngram_block(every_row)
    w, b, category_w, category_b, ngram_w = _fit_heads(vectors, dev, config.regularization_c, context,
                                                       None if ngrams is None else ngrams.table_matrix(table, every_row))
    flagged = oof >= threshold
    either = oof >= (threshold if possible is None else possible)
    return TrainedTriage(
        head=TriageHead(w, b, category_w, category_b, threshold, features,
                        None if ngrams is None else ngrams.with_weights(ngram_w), possible),
        threshold_rule=rule,
        possible_threshold_rule=possible_rule,
        oof={
            "recall": float(flagged[emergency].mean()),
            "false_alarm_rate": float(flagged[~emergency].mean()),
            "hard_false_alarm_rate": float(flagged[hard].mean()) if hard.any() else float("nan"),
            "recall_either_tier": float(either[emergency].mean()),
            "hard_false_alarm_rate_either_tier": float(either[hard].mean()) if hard.any() else float("nan"),
            "emergencies": int(emergency.sum()),
            "non_emergencies": int((~emergency).sum()),
            "hard_negatives": int(hard.sum()),
        },
        training={
            "dev_cases": len(dev), "folds": config.folds, "regularization_c": config.regularization_c,
            "recall_target": config.recall_target, "hard_false_alarm_goal": config.hard_false_alarm_goal,
            "classifier_budget_share": config.classifier_budget_share,
            "possible_recall_target": config.possible_recall_target,
            "possible_false_alarm_budget": config.possible_false_alarm_budget,
            "patterns_dev_hard_false_alarm_rate": pattern_hard_rate, "classifier_false_alarm_budget": budget,
            "context_features": list(features),
            "ngram_features": None if ngrams is None else {**ngrams.describe(), "min_df": config.ngram_min_df},
            "context_weights": {name: float(weight) for name, weight in zip(features, w[vectors.shape[1]:])},
        },
        encoder={"name": ENCODER, "embedding_model": str(encoder.model_path), "table_sha256": encoder.fingerprint(),
                 "window_tokens": encoder.window_tokens, "max_windows": encoder.max_windows, "dim": encoder.dim},
    )


def _patterns_flag(case: TriageCase) -> bool:
    """Whether the pattern layer alone calls the case an emergency (any turn, or all turns together)."""
    texts = [text for _, text in reading_units([memoized("normalized", normalize_for_patterns, turn) for turn in case.turns])]
    if len(texts) > 1:
        texts.append("\n".join(texts))
    return any(f.suppressed is None for text in texts for f in memoized("findings", find_emergencies, text))


def save_model(trained: TrainedTriage, model_dir: Path, manifest_extra: dict) -> Path:
    """head.npz + manifest.json in model_dir (written to a temporary folder first, then renamed)."""
    model_dir = Path(model_dir)
    tmp = model_dir.with_name(model_dir.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    head = trained.head
    np.savez(tmp / "head.npz", emergency_w=head.emergency_w, emergency_b=np.array([head.emergency_b]),
             category_w=head.category_w, category_b=head.category_b,
             **(head.ngrams.arrays() if head.ngrams is not None else {}))
    manifest = {
        "format": MODEL_FORMAT, "encoder": trained.encoder, "categories": list(CATEGORIES),
        "context_features": list(head.context_features), "ngram_features": head.ngrams is not None,
        "threshold": head.threshold, "threshold_rule": trained.threshold_rule, "dev_out_of_fold": trained.oof,
        "possible_threshold": head.possible_threshold, "possible_threshold_rule": trained.possible_threshold_rule,
        "training": trained.training, "head_sha256": file_sha256(tmp / "head.npz"), **manifest_extra,
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str))
    if model_dir.exists():
        import shutil

        shutil.rmtree(model_dir)
    tmp.rename(model_dir)
    return model_dir


def load_head(model_dir: Path) -> tuple[TriageHead, dict]:
    """The heads and manifest of a model directory; ValueError says what is wrong with it."""
    manifest_path = Path(model_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != MODEL_FORMAT:
        raise ValueError(f"{manifest_path}: format {manifest.get('format')!r}, expected {MODEL_FORMAT!r}")
    if list(manifest.get("categories", [])) != list(CATEGORIES):
        raise ValueError(f"{manifest_path}: trained for other categories ({manifest.get('categories')})")
    head_path = Path(model_dir) / "head.npz"
    if file_sha256(head_path) != manifest.get("head_sha256"):
        raise ValueError(f"{head_path} does not match the sha256 its manifest records (changed after training?)")
    features = tuple(manifest.get("context_features") or ())  # models from before the flags have none
    if features and features != CONTEXT_FEATURES:
        raise ValueError(f"{manifest_path}: trained with context features {list(features)}, this code computes "
                         f"{list(CONTEXT_FEATURES)}; materialize triage_model again")
    with np.load(head_path, allow_pickle=False) as arrays:
        ngrams = NgramFeatures.from_arrays(arrays) if manifest.get("ngram_features") else None
        head = TriageHead(arrays["emergency_w"], float(arrays["emergency_b"][0]), arrays["category_w"],
                          arrays["category_b"], float(manifest["threshold"]), features, ngrams,
                          None if manifest.get("possible_threshold") is None else float(manifest["possible_threshold"]))
    if head.emergency_w.shape[0] != head.category_w.shape[1] + len(features):
        raise ValueError(f"{head_path}: the emergency head has {head.emergency_w.shape[0]} weights, expected "
                         f"{head.category_w.shape[1]} + {len(features)} context features")
    return head, manifest


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
