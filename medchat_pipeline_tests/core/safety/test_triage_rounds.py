"""The triage rounds (issue 11) as one table: each round's described miss families, told in phrasings that are not in
the cases file, must be flagged by the pattern layer with their category, and their hard negatives must not be.
The table (triage_rounds.yaml beside this file) holds rounds 4 onwards; a new round adds rows, not a test file.
A row's text is one message, or a list of user turns (oldest first) for a conversation (round 8 on)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from medchat_pipeline.core.safety.triage import Triage
from medchat_pipeline.core.safety.triage_data import CATEGORIES, load_triage_cases

TABLE = yaml.safe_load((Path(__file__).with_name("triage_rounds.yaml")).read_text(encoding="utf-8"))
PATTERNS = Triage.load(None)


def _turns(row: dict) -> list[str]:
    return row["text"] if isinstance(row["text"], list) else [row["text"]]


def _row_id(row: dict) -> str:
    return f"r{row['round']}-{row['category'] or 'negative'}-{_turns(row)[-1][:40]}"


@pytest.mark.parametrize("row", TABLE, ids=[_row_id(row) for row in TABLE])
def test_each_round_is_decided_as_its_table_says(row):
    decision = PATTERNS.assess(_turns(row))
    if row["category"] is None:
        assert not decision.emergency, decision.reason
    else:
        assert decision.emergency and decision.category == row["category"], decision.reason


def test_the_table_is_well_formed_and_never_repeats_a_training_case():
    assert {row["round"] for row in TABLE} >= {4, 5, 6, 7, 8, 9, 10, 11, 12}
    assert all(set(row) == {"round", "category", "text"} and row["category"] in (*CATEGORIES, None) for row in TABLE)
    assert all(all(isinstance(turn, str) and turn.strip() for turn in _turns(row)) for row in TABLE)
    texts = [tuple(_turns(row)) for row in TABLE]
    assert len(set(texts)) == len(texts)
    # From round 7 on, no row repeats a case the classifier trains on (one round 4 negative, "what should I do if
    # someone is choking and cannot cough?", is also a case; it stays, as every earlier row does).
    training = {turn for case in load_triage_cases() for turn in case.turns}
    assert not training.intersection(turn for row in TABLE if row["round"] >= 7 for turn in _turns(row))
