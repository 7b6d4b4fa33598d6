"""The triage dataset: hand-written and real conversations labelled emergency or not, by family.

configs/safety/triage_cases.yaml holds families (one situation written several ways); README.md beside
it says how they were made and what each category means. `load_triage_cases` validates the file and
returns one row per case; `triage_frame` gives the same rows as a polars frame (what the
`triage_dataset` asset stores). The split is the family's, so paraphrases never straddle dev and test.

`load_dataset_cases` is what the `triage_dataset` asset holds: those cases, plus every case of the
spent blind sets named in `safety.triage.extra_dev_sets` (flat files in the blind-set format, read by
`load_flat_cases`), each its own family in the dev split, marked with its `origin` (e.g. "blind1").
A blind set still held out for measurement (HELD_OUT_SETS) is refused there.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from medchat_pipeline.config import configs_dir

CATEGORIES = (
    "cardiac", "stroke", "breathing", "anaphylaxis", "self_harm", "overdose_poisoning", "bleeding_trauma",
    "unresponsive_seizure", "pregnancy", "infant_child", "metabolic_sepsis", "other",
)
NEGATIVE_KINDS = ("education", "history", "figurative", "mild", "medication", "everyday", "patient_case")
HARD_NEGATIVE_KINDS = ("education", "history", "figurative", "mild", "medication")
SPLITS = ("dev", "test")
STYLES = ("lowercase", "typo", "no_apostrophe", "third_person", "non_native", "slang", "numbers", "long", "multi_turn")
# libyaml's loader reads the cases file in 0.6 s where the pure-Python one takes 3.3 s (same result).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
CASES_ORIGIN = "cases"  # the origin of every case of the families file
# Blind sets that are measured only: never trained on, never used to choose a threshold (configs/safety/README.md).
HELD_OUT_SETS = ("triage_blind_test2.yaml",)



def _load_yaml(text: str):
    return yaml.load(text, Loader=_SAFE_LOADER)  # a safe loader (the C one when installed)


def triage_schema() -> dict:
    """The triage_dataset frame's columns (polars is imported here: triage at serving time never needs it)."""
    import polars as pl

    return {
        "id": pl.String(), "family": pl.String(), "split": pl.String(), "emergency": pl.Boolean(),
        "category": pl.String(), "kind": pl.String(), "topic": pl.String(), "turns": pl.List(pl.String()),
        "style": pl.List(pl.String()), "source": pl.String(), "origin": pl.String(),
    }


@dataclass(frozen=True)
class TriageCase:
    id: str  # "<family>/<n>"
    family: str
    split: str
    emergency: bool
    category: str | None  # emergencies only
    kind: str  # "emergency" or the non-emergency kind
    topic: str | None  # the category an emergency has, or a non-emergency sounds like
    turns: tuple[str, ...]  # every user turn, oldest first
    style: tuple[str, ...]
    source: str | None  # the real record it was copied from
    origin: str = CASES_ORIGIN  # which file: "cases" (triage_cases.yaml) or a spent blind set's name ("blind1")

    @property
    def hard_negative(self) -> bool:
        return not self.emergency and self.kind in HARD_NEGATIVE_KINDS


def default_cases_path() -> Path:
    return configs_dir() / "safety" / "triage_cases.yaml"


def load_triage_cases(path: str | Path | None = None) -> list[TriageCase]:
    """Every case of the file, validated; errors name the family and say what to change."""
    file = Path(path) if path else default_cases_path()
    families = _load_yaml(file.read_text(encoding="utf-8")) or []
    if not isinstance(families, list):
        raise ValueError(f"{file}: expected a list of families at the top level")
    cases: list[TriageCase] = []
    seen: set[str] = set()
    for position, family in enumerate(families):
        cases.extend(_family_cases(file, position, family, seen))
    return cases


def _family_cases(file: Path, position: int, family: dict, seen: set[str]) -> list[TriageCase]:
    where = f"{file}: family #{position + 1}"
    if not isinstance(family, dict) or not family.get("family"):
        raise ValueError(f"{where} has no `family:` id")
    name = str(family["family"])
    where = f"{file}: family {name!r}"
    if name in seen:
        raise ValueError(f"{where} appears twice; family ids must be unique")
    seen.add(name)
    unknown = set(family) - {"family", "split", "category", "kind", "topic", "source", "why", "cases"}
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    split, category = family.get("split"), family.get("category")
    if split not in SPLITS:
        raise ValueError(f"{where}: split must be one of {SPLITS}, got {split!r}")
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"{where}: category {category!r} is not one of {', '.join(CATEGORIES)} (null = not an emergency)")
    emergency = category is not None
    kind, topic = family.get("kind"), family.get("topic")
    if emergency and (kind is not None or topic is not None):
        raise ValueError(f"{where}: kind/topic are for non-emergencies; an emergency has only its category")
    if not emergency and kind not in NEGATIVE_KINDS:
        raise ValueError(f"{where}: a non-emergency needs kind: one of {', '.join(NEGATIVE_KINDS)}")
    if topic is not None and topic not in CATEGORIES:
        raise ValueError(f"{where}: topic {topic!r} is not a category")
    rows = family.get("cases") or []
    if not rows:
        raise ValueError(f"{where} has no cases")
    out = []
    for index, row in enumerate(rows):
        turns = [row["text"]] if "text" in row else list(row.get("turns") or [])
        if not turns or not all(isinstance(t, str) and t.strip() for t in turns):
            raise ValueError(f"{where}, case {index + 1}: give `text` or a non-empty `turns` list of non-empty strings")
        style = list(row.get("style") or [])
        bad = sorted(set(style) - set(STYLES))
        if bad:
            raise ValueError(f"{where}, case {index + 1}: unknown style(s) {', '.join(bad)}; known: {', '.join(STYLES)}")
        if len(turns) > 1:
            style.append("multi_turn")
        if sum(len(t) for t in turns) > 400:
            style.append("long")
        out.append(TriageCase(
            id=f"{name}/{index + 1}", family=name, split=split, emergency=emergency, category=category,
            kind="emergency" if emergency else kind, topic=category if emergency else topic,
            turns=tuple(turns), style=tuple(dict.fromkeys(style)), source=family.get("source"),
        ))
    return out


def load_flat_cases(path: str | Path, split: str, origin: str) -> list[TriageCase]:
    """A file in the blind-set format (`cases:` with id, label, category, kind, topic, tags, text or turns,
    note) as TriageCases of `split`, one family each, ids prefixed with `origin`; tags go in `style`."""
    path = Path(path)
    rows = (_load_yaml(path.read_text(encoding="utf-8")) or {}).get("cases") or []
    cases, seen = [], set()
    for row in rows:
        where = f"{path}: case {row.get('id')!r}"
        if not row.get("id") or row["id"] in seen:
            raise ValueError(f"{where}: every case needs a unique id")
        seen.add(row["id"])
        emergency = row.get("label") == "emergency"
        if row.get("label") not in ("emergency", "none") or (row.get("category") in CATEGORIES) != emergency:
            raise ValueError(f"{where}: label emergency needs a category of {CATEGORIES}; label none needs category null")
        if not emergency and row.get("kind") not in NEGATIVE_KINDS:
            raise ValueError(f"{where}: a non-emergency needs kind: one of {NEGATIVE_KINDS}")
        turns = [row["text"]] if "text" in row else list(row.get("turns") or [])
        if not turns or not all(isinstance(t, str) and t.strip() for t in turns):
            raise ValueError(f"{where}: give `text` or a non-empty `turns` list")
        name = f"{origin}/{row['id']}"
        cases.append(TriageCase(
            id=name, family=name, split=split, emergency=emergency, category=row.get("category"),
            kind="emergency" if emergency else row["kind"], topic=row.get("category") if emergency else row.get("topic"),
            turns=tuple(turns), style=tuple(row.get("tags") or ()), source=None, origin=origin))
    return cases


def load_dataset_cases(config=None) -> list[TriageCase]:
    """The triage dataset: the families file, then each spent blind set of `config.extra_dev_sets` in the
    dev split (config: a TriageTrainingConfig; None = the defaults)."""
    from medchat_pipeline.config.safety import TriageTrainingConfig

    config = config or TriageTrainingConfig()
    cases = load_triage_cases(config.cases_file)
    for origin, file in config.extra_dev_sets.items():
        path = Path(file) if Path(file).is_absolute() else configs_dir() / file
        if path.name in HELD_OUT_SETS:
            raise ValueError(f"safety.triage.extra_dev_sets: {path.name} is held out for measurement only "
                             "(configs/safety/README.md); it must never be trained on")
        cases.extend(load_flat_cases(path, "dev", origin))
    return cases


def triage_frame(cases: list[TriageCase]):
    """The cases as a polars DataFrame (one row per case, turns and style as lists)."""
    import polars as pl

    schema = triage_schema()
    rows = [{**asdict(case), "turns": list(case.turns), "style": list(case.style)} for case in cases]
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)


def cases_from_frame(frame) -> list[TriageCase]:
    return [
        TriageCase(**{**row, "turns": tuple(row["turns"]), "style": tuple(row["style"])})
        for row in frame.select(list(triage_schema())).iter_rows(named=True)
    ]


def dataset_version(cases: list[TriageCase]) -> str:
    """A content hash of the cases (ids, labels, splits and texts): the dataset's data version."""
    digest = hashlib.sha256()
    for case in sorted(cases, key=lambda c: c.id):
        digest.update(json.dumps(asdict(case), sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def dataset_summary(cases: list[TriageCase]) -> dict:
    """Counts per split: emergencies per category, non-emergencies per kind, hard negatives, families."""
    summary: dict = {"cases": len(cases), "families": len({c.family for c in cases}),
                     "by_origin": {o: sum(c.origin == o for c in cases) for o in dict.fromkeys(c.origin for c in cases)}}
    for split in SPLITS:
        part = [c for c in cases if c.split == split]
        summary[split] = {
            "cases": len(part),
            "emergencies": sum(c.emergency for c in part),
            "non_emergencies": sum(not c.emergency for c in part),
            "hard_negatives": sum(c.hard_negative for c in part),
            "real": sum(c.source is not None for c in part),
            "by_origin": {o: sum(c.origin == o for c in part) for o in dict.fromkeys(c.origin for c in part)},
            "by_category": {cat: sum(c.category == cat for c in part) for cat in CATEGORIES},
            "by_kind": {kind: sum(c.kind == kind for c in part) for kind in NEGATIVE_KINDS},
        }
    return summary
