"""The triage dataset: hand-written and real conversations labelled emergency or not, by family.

configs/safety/triage_cases.yaml holds families (one situation written several ways); README.md beside
it says how they were made and what each category means. `load_triage_cases` validates the file and
returns one row per case; `triage_frame` gives the same rows as a polars frame (what the
`triage_dataset` asset stores). The split is the family's, so paraphrases never straddle dev and test.

`load_dataset_cases` is what the `triage_dataset` asset holds: those cases, plus every case of the
spent blind sets named in `safety.triage.extra_dev_sets` (flat files in the blind-set format, read by
`load_flat_cases`), each its own family in the dev split, marked with its `origin` (e.g. "blind1").
A blind set still held out for measurement (HELD_OUT_SETS) is refused there.

Real messages of sets that state no licence (iCliniq, CovidDialog: REFERENCED_SOURCES) are not copied into
the repository: their case gives only the `sha256` of the text, which is read at load time from the real
data slice named by the family's `source` ($MEDCHAT_SHARED_DATA, default ../shared/data beside the
repository) with the project's own source readers, and checked against the hash. When the slice, the
record or the hash does not match (a fresh clone without the data, a changed slice), the case is left
out, never silently: each is logged and returned as a `LeftOutCase` with its reason (the triage_dataset
asset records them in its metadata).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, replace
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
# Sets 1-34 are spent (their misses informed later rounds: set 5 round 7, set 6 round 8, set 7 round 9, set 8 round
# 10, set 9 round 11, set 10 round 12, set 11 round 13, set 12 round 14, set 13 round 15, set 14 round 16, set 15
# round 17, set 16 round 18, set 17 round 19, set 18 round 20, set 19 round 21, set 20 round 22, set 21 round 23, set
# 22 round 24, set 23 round 25, set 24 round 26, set 25 round 27, set 26 round 28, set 27 round 29, set 28 round 30,
# set 29 round 31, set 30 round 32, set 31 round 33, set 32 round 34, set 33 round 35, set 34 round 36)
# and train in dev (safety.triage.extra_dev_sets; sets 5 and 6 since round 9, set 7 since round 10, set 8 since round
# 11, sets 9 and 10 since round 12, set 11 since round 13, set 12 since round 14, set 13 since round 15, set 14 since
# round 16, set 15 since round 17, set 16 since round 18, set 17 since round 19, set 18 since round 20, set 19 since
# round 21, set 20 since round 22, set 21 since round 23, set 22 since round 24, set 23 since round 25, set 24 since
# round 26, set 25 since round 27, set 26 since round 28, set 27 since round 29, set 28 since round 30, set 29 since
# round 31, set 30 since round 32, set 31 since round 33, set 32 since round 34, set 33 since round 35, set 34 since
# round 36). Sets 35 (written during round 35) and 36 (written during round 36) are held out.
HELD_OUT_SETS = ("triage_blind_test35.yaml", "triage_blind_test36.yaml")
# Sets whose texts are referenced, not copied (no licence stated): record stem → (file under the data root,
# reader module in core/data/sources). Their first patient turn (`<record>#0`) is the case's text.
REFERENCED_SOURCES = {
    "icliniq_openai_evals_chat_sample": ("icliniq/third_party_derived/icliniq_openai_evals_chat_sample.jsonl", "icliniq"),
    "covid_dialogue_english_sample": ("meddialog/covid_dialogue_english_sample.txt", "meddialog_en"),
}
DEFAULT_DATA_ROOT = "../shared/data"  # beside the repository, as configs/study.yaml reads it
TEXT_HASH_CHARS = 16  # how much of the SHA-256 hex digest a referenced case records

log = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class LeftOutCase:
    """A case whose text could not be read from its real data slice, and why."""

    id: str
    source: str
    reason: str


def default_cases_path() -> Path:
    return configs_dir() / "safety" / "triage_cases.yaml"


def text_sha256(text: str) -> str:
    """What a referenced case records to check its text: the first TEXT_HASH_CHARS hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:TEXT_HASH_CHARS]


def shared_data_root() -> Path:
    """The real data slices: $MEDCHAT_SHARED_DATA, else ../shared/data beside the repository."""
    from medchat_pipeline.core.evaluation.benchmark import data_root

    return data_root(DEFAULT_DATA_ROOT)


def load_triage_cases(
    path: str | Path | None = None, *, data_root: str | Path | None = None, left_out: list[LeftOutCase] | None = None,
) -> list[TriageCase]:
    """Every case of the file, validated; errors name the family and say what to change.

    Referenced real messages are read from `data_root` (None: shared_data_root()); a case that cannot be
    read is logged and appended to `left_out` (when given) with its reason, and not returned."""
    file = Path(path) if path else default_cases_path()
    families = _load_yaml(file.read_text(encoding="utf-8")) or []
    if not isinstance(families, list):
        raise ValueError(f"{file}: expected a list of families at the top level")
    cases: list[TriageCase] = []
    seen: set[str] = set()
    hashes: dict[str, str] = {}  # case id → recorded sha256, for referenced real messages (no turns yet)
    for position, family in enumerate(families):
        cases.extend(_family_cases(file, position, family, seen, hashes))
    referenced = [case for case in cases if case.id in hashes]
    if not referenced:
        return cases
    texts, missing = _resolve_texts(referenced, hashes, Path(data_root) if data_root else shared_data_root())
    by_reason: dict[str, list[str]] = {}
    for case in referenced:
        if case.id in missing:
            by_reason.setdefault(missing[case.id], []).append(case.id)
            if left_out is not None:
                left_out.append(LeftOutCase(case.id, str(case.source), missing[case.id]))
    for reason, ids in by_reason.items():
        log.warning("%d triage case(s) left out (%s): %s", len(ids), ", ".join(ids), reason)
    return [
        _with_text(case, texts[case.id]) if case.id in hashes else case
        for case in cases if case.id not in hashes or case.id in texts
    ]


def _with_text(case: TriageCase, text: str) -> TriageCase:
    style = (*case.style, "long") if len(text) > 400 and "long" not in case.style else case.style
    return replace(case, turns=(text,), style=style)


def _resolve_texts(cases: list[TriageCase], hashes: dict[str, str], root: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(case id → text read from its slice and checked, case id → why it was not) for referenced cases."""
    import importlib

    texts: dict[str, str] = {}
    missing: dict[str, str] = {}
    questions: dict[str, dict[str, str] | str] = {}  # stem → source id → first patient turn, or why not read
    for case in cases:
        stem, _, record = str(case.source).partition("/")
        if stem not in questions:
            relative, reader = REFERENCED_SOURCES[stem]
            file = root / relative
            if not file.is_file():
                questions[stem] = (f"the real data slice {file} is absent (set MEDCHAT_SHARED_DATA to the folder "
                                   "holding PROVENANCE.md); its text is not kept in the repository (no licence)")
            else:
                parsed = importlib.import_module(f"medchat_pipeline.core.data.sources.{reader}").parse_files([file])
                questions[stem] = {row["source_id"]: row["question"]
                                   for row in parsed.qac.select("source_id", "question").iter_rows(named=True)}
        found = questions[stem]
        if isinstance(found, str):
            missing[case.id] = found
        elif f"{case.source}#0" not in found:
            missing[case.id] = f"record {case.source} is not in {root / REFERENCED_SOURCES[stem][0]} (or was rejected by its reader)"
        elif text_sha256(found[f"{case.source}#0"]) != hashes[case.id]:
            missing[case.id] = (f"the text of {case.source} has sha256 {text_sha256(found[f'{case.source}#0'])}, "
                                f"not the recorded {hashes[case.id]}: the slice differs from the one the case was labelled on")
        else:
            texts[case.id] = found[f"{case.source}#0"]
    return texts, missing


def _family_cases(file: Path, position: int, family: dict, seen: set[str], hashes: dict[str, str]) -> list[TriageCase]:
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
        if isinstance(row, dict) and "sha256" in row:
            out.append(_referenced_case(where, index, name, split, category, kind, topic, family, row))
            hashes[out[-1].id] = row["sha256"]
            continue
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


def _referenced_case(where, index, name, split, category, kind, topic, family, row) -> TriageCase:
    """A real message given by its source and hash only: its text is read when the file is loaded."""
    source = str(family.get("source") or "")
    if source.partition("/")[0] not in REFERENCED_SOURCES:
        raise ValueError(f"{where}, case {index + 1}: `sha256` needs the family's `source` in one of "
                         f"{', '.join(REFERENCED_SOURCES)} (got {source!r}); other cases give `text`")
    if set(row) - {"sha256", "style"} or not isinstance(row["sha256"], str) or len(row["sha256"]) != TEXT_HASH_CHARS:
        raise ValueError(f"{where}, case {index + 1}: a referenced case has only `sha256` ({TEXT_HASH_CHARS} hex digits) "
                         "and optional `style`, no text")
    emergency = category is not None
    return TriageCase(
        id=f"{name}/{index + 1}", family=name, split=split, emergency=emergency, category=category,
        kind="emergency" if emergency else kind, topic=category if emergency else topic,
        turns=(), style=tuple(row.get("style") or ()), source=source,
    )


# Parsed blind-set files by content: a process that loads the dataset again (the build, then the evaluation and the
# tests beside it) parses each of the thirty-odd files once (YAML parsing was 3.5 s of each 3.9-s load). The cases are
# frozen; each call gets its own list.
_FLAT_CASES: dict[tuple[str, str, str], tuple[TriageCase, ...]] = {}


def load_flat_cases(path: str | Path, split: str, origin: str) -> list[TriageCase]:
    """A file in the blind-set format (`cases:` with id, label, category, kind, topic, tags, text or turns,
    note) as TriageCases of `split`, one family each, ids prefixed with `origin`; tags go in `style`."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    key = (hashlib.sha256(text.encode()).hexdigest(), split, origin)
    if key not in _FLAT_CASES:
        _FLAT_CASES[key] = tuple(_parse_flat_cases(path, text, split, origin))
    return list(_FLAT_CASES[key])


def _parse_flat_cases(path: Path, text: str, split: str, origin: str) -> list[TriageCase]:
    rows = (_load_yaml(text) or {}).get("cases") or []
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


def load_dataset_cases(config=None, *, left_out: list[LeftOutCase] | None = None) -> list[TriageCase]:
    """The triage dataset: the families file, then each spent blind set of `config.extra_dev_sets` in the
    dev split (config: a TriageTrainingConfig; None = the defaults). Referenced real messages that cannot
    be read are logged and appended to `left_out` (see load_triage_cases)."""
    from medchat_pipeline.config.safety import TriageTrainingConfig

    config = config or TriageTrainingConfig()
    cases = load_triage_cases(config.cases_file, left_out=left_out)
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
