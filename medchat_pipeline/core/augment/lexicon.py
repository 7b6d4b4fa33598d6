"""The curated lexicon (configs/synonyms.yaml): safe swaps, forbidden pairs, drug names, given names.

Loading validates the reviewed promise the file makes: no forbidden pair may sit inside one safe
group, so no edit can make a clinically distinct swap (cold ↔ flu) reachable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

# A suffix only marks a drug when enough of a stem precedes it ("april" is not an ACE inhibitor).
MIN_DRUG_STEM = 3


class LexiconError(ValueError):
    """A lexicon file that breaks its own rules, with the entry to fix."""


@dataclass(frozen=True)
class Lexicon:
    safe_groups: tuple[tuple[str, ...], ...]
    forbidden_pairs: frozenset[frozenset[str]]
    drug_names: tuple[str, ...] = ()
    drug_suffixes: tuple[str, ...] = ()
    given_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for group in self.safe_groups:
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    if frozenset((a, b)) in self.forbidden_pairs:
                        raise LexiconError(
                            f"safe group {list(group)} contains the forbidden pair ({a!r}, {b!r}); "
                            "remove one of them from the group"
                        )

    def is_forbidden(self, a: str, b: str) -> bool:
        return frozenset((a.lower(), b.lower())) in self.forbidden_pairs

    @cached_property
    def alternatives(self) -> dict[str, tuple[str, ...]]:
        """term → the other members of its safe group (a term in two groups gets both, minus forbidden)."""
        out: dict[str, list[str]] = {}
        for group in self.safe_groups:
            for term in group:
                out.setdefault(term, [])
                out[term].extend(o for o in group if o != term and not self.is_forbidden(term, o))
        return {term: tuple(dict.fromkeys(alts)) for term, alts in out.items() if alts}

    @cached_property
    def drug_pattern(self) -> re.Pattern:
        names = sorted(self.drug_names, key=len, reverse=True)
        parts = [r"\b" + re.escape(n) + r"\b" for n in names]
        if self.drug_suffixes:
            suffixes = "|".join(re.escape(s) for s in sorted(self.drug_suffixes, key=len, reverse=True))
            parts.append(rf"\b[a-z]{{{MIN_DRUG_STEM},}}(?:{suffixes})\b")
        return re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE)


def _terms(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(t, str) and t.strip() for t in raw):
        raise LexiconError(f"{where}: expected a list of non-empty strings, got {raw!r}")
    return tuple(t.strip().lower() for t in raw)


def parse_lexicon(raw: dict, origin: str = "lexicon") -> Lexicon:
    if not isinstance(raw, dict):
        raise LexiconError(f"{origin}: expected a mapping with safe_groups and forbidden_pairs")
    unknown = set(raw) - {"safe_groups", "forbidden_pairs", "drug_names", "drug_suffixes", "given_names"}
    if unknown:
        raise LexiconError(f"{origin}: unknown key(s) {sorted(unknown)}")
    groups = []
    for i, group in enumerate(raw.get("safe_groups") or []):
        terms = _terms(group, f"{origin}: safe_groups[{i}]")
        if len(terms) < 2:
            raise LexiconError(f"{origin}: safe_groups[{i}] needs at least two terms, got {list(terms)}")
        groups.append(terms)
    pairs = set()
    for i, pair in enumerate(raw.get("forbidden_pairs") or []):
        terms = _terms(pair, f"{origin}: forbidden_pairs[{i}]")
        if len(terms) != 2 or terms[0] == terms[1]:
            raise LexiconError(f"{origin}: forbidden_pairs[{i}] must be two different terms, got {list(terms)}")
        pairs.add(frozenset(terms))
    try:
        return Lexicon(
            safe_groups=tuple(groups),
            forbidden_pairs=frozenset(pairs),
            drug_names=_terms(raw.get("drug_names") or [], f"{origin}: drug_names"),
            drug_suffixes=_terms(raw.get("drug_suffixes") or [], f"{origin}: drug_suffixes"),
            given_names=tuple(
                n.strip() for n in raw.get("given_names") or [] if isinstance(n, str) and n.strip()
            ),
        )
    except LexiconError as exc:
        raise LexiconError(f"{origin}: {exc}") from None


def load_lexicon(path: str | Path) -> Lexicon:
    path = Path(path)
    if not path.exists():
        raise LexiconError(f"synonym lexicon not found: {path} (augment.synonyms_path)")
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path}: not valid YAML: {exc}") from exc
    return parse_lexicon(raw, origin=str(path))
