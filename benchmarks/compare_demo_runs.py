"""Compare two demo runs' outputs and lineage: the run of an older commit and the run of this one.

    .venv/bin/python benchmarks/compare_demo_runs.py --before /tmp/bl/st --after STORAGE \
        [--before-lineage /tmp/bl/lineage.json --after-lineage LINEAGE.json]

For every frame asset (Parquet under <storage>/assets, one file per partition) and every export file
(<storage>/exports/<format>/<split>.jsonl): the rows on each side, whether the content is equal (as a
multiset of rows over the columns both sides have, so a changed row order alone is not a difference),
how many rows are on both sides, and the columns only one side has. Asset keys renamed by the
source-partitioned layout (issue 10) are matched: qac_<source> is source_qac[<source>], rejects_<source>
is source_rejects[<source>]. With the two `medchat lineage --json` outputs it also says, per source,
whether each lineage names that source's data version and whether the versions are equal.
Prints a Markdown table (for benchmarks/RESULTS.md) and, with --json, the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from pathlib import Path

import polars as pl

RENAMED = {"qac_": "source_qac", "rejects_": "source_rejects"}  # old flat key prefix -> partitioned asset


def frames(storage: Path) -> dict[str, Path]:
    """'asset' or 'asset[partition]' -> file, with the old per-source keys under their new names."""
    found: dict[str, Path] = {}
    assets = storage / "assets"
    for path in sorted(assets.rglob("*.parquet")):
        relative = path.relative_to(assets).with_suffix("")
        if len(relative.parts) == 2:
            name = f"{relative.parts[0]}[{relative.parts[1]}]"
        else:
            name = relative.name
            for prefix, new in RENAMED.items():
                if name.startswith(prefix) and name != "qac_rejects":
                    name = f"{new}[{name.removeprefix(prefix)}]"
        found[name] = path
    for path in sorted((storage / "exports").rglob("*.jsonl")):
        found["exports/" + "/".join(path.relative_to(storage / "exports").with_suffix("").parts)] = path
    return found


def read(path: Path) -> pl.DataFrame:
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        return pl.DataFrame({"row": [json.dumps(row, sort_keys=True) for row in rows]}, schema={"row": pl.String})
    return pl.read_parquet(path)


def row_digests(frame: pl.DataFrame, columns: list[str]) -> Counter:
    digests: Counter = Counter()
    for row in frame.select(columns).iter_rows():
        digests[hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()] += 1
    return digests


def compare(before: Path | None, after: Path | None) -> dict:
    old = read(before) if before else None
    new = read(after) if after else None
    result = {"rows_before": None if old is None else old.height, "rows_after": None if new is None else new.height}
    if old is None or new is None:
        return {**result, "equal": False, "common_rows": 0, "columns_differing": [], "columns_only_before": [],
                "columns_only_after": []}  # fmt: skip
    common = [c for c in old.columns if c in new.columns]
    a, b = row_digests(old, common), row_digests(new, common)
    return {
        **result,
        "equal": a == b and set(old.columns) == set(new.columns),
        "common_rows": sum((a & b).values()),
        # Columns whose values differ as a multiset: where a difference lies (e.g. only the ids).
        "columns_differing": [c for c in common if a != b and row_digests(old, [c]) != row_digests(new, [c])],
        "columns_only_before": [c for c in old.columns if c not in new.columns],
        "columns_only_after": [c for c in new.columns if c not in old.columns],
    }


def source_versions(lineage: dict) -> dict[str, str]:
    """source -> the raw data version a lineage names (old layout: raw_<source>; new: raw_source[<source>])."""
    versions: dict[str, str] = {}
    for entry in lineage.get("upstream", []):
        key, partition = entry["asset_key"], entry.get("partition")
        if key == "raw_source" and partition:
            versions[partition] = entry["data_version"]
        elif key.startswith("raw_"):
            versions[key.removeprefix("raw_")] = entry["data_version"]
    return versions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="storage folder of the older run")
    parser.add_argument("--after", type=Path, required=True, help="storage folder of the newer run")
    parser.add_argument("--before-lineage", type=Path, help="`medchat lineage grpo_adapter --json` of the older run")
    parser.add_argument("--after-lineage", type=Path, help="the same for the newer run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of Markdown")
    args = parser.parse_args()

    old, new = frames(args.before), frames(args.after)
    table = {name: compare(old.get(name), new.get(name)) for name in sorted(old.keys() | new.keys())}
    figures: dict = {"assets": table}
    if args.before_lineage and args.after_lineage:
        a = source_versions(json.loads(args.before_lineage.read_text()))
        b = source_versions(json.loads(args.after_lineage.read_text()))
        figures["source_versions"] = {s: {"before": a.get(s), "after": b.get(s)} for s in sorted(a.keys() | b.keys())}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print("| asset | rows before | rows after | content equal | rows on both sides | columns differing "
          "| columns only before / after |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for name, row in table.items():
        columns = " / ".join(", ".join(c) or "-" for c in (row["columns_only_before"], row["columns_only_after"]))
        print(f"| {name} | {row['rows_before']} | {row['rows_after']} | {'yes' if row['equal'] else 'no'} "
              f"| {row['common_rows']} | {', '.join(row['columns_differing']) or '-'} | {columns} |")  # fmt: skip
    for source, pair in figures.get("source_versions", {}).items():
        print(f"- {source}: before {pair['before']}, after {pair['after']}"
              f"{' (equal)' if pair['before'] == pair['after'] else ''}")  # fmt: skip


if __name__ == "__main__":
    main()
