"""Totals over a batch of results, for asset metadata, MLflow and the CLI summary line."""

from __future__ import annotations

from collections import Counter
from typing import Any

from medchat_pipeline.teachers.types import TeacherResult


def summarize(results: list[TeacherResult]) -> dict[str, Any]:
    """Counts, tokens and cost overall and per provider, model and key alias (aliases, never keys)."""

    def totals(group: list[TeacherResult]) -> dict[str, Any]:
        return {
            "requests": len(group),
            "ok": sum(r.ok for r in group),
            "failed": sum(not r.ok for r in group),
            "cached": sum(r.cached for r in group),
            "input_tokens": sum(r.usage.get("input_tokens", 0) for r in group),
            "output_tokens": sum(r.usage.get("output_tokens", 0) for r in group),
            "cost_usd": round(sum(r.cost for r in group), 6),
        }

    def by(field: str) -> dict[str, dict[str, Any]]:
        groups: dict[str, list[TeacherResult]] = {}
        for result in results:
            groups.setdefault(str(getattr(result, field) or "none"), []).append(result)
        return {name: totals(group) for name, group in sorted(groups.items())}

    return {
        **totals(results),
        "errors": dict(Counter(r.error_kind for r in results if not r.ok)),
        "by_provider": by("provider"),
        "by_model": by("model"),
        "by_key_alias": by("key_alias"),
    }


def log_summary_to_mlflow(summary: dict[str, Any], prefix: str = "teacher") -> None:
    """Flat metrics into the active MLflow run (started by the caller)."""
    import mlflow

    metrics = {f"{prefix}_{name}": float(summary[name]) for name in ("requests", "ok", "failed", "cached", "input_tokens", "output_tokens", "cost_usd")}
    for grouping in ("by_provider", "by_key_alias"):
        for name, group in summary[grouping].items():
            safe = "".join(ch if ch.isalnum() or ch in "_-." else "_" for ch in name)
            metrics[f"{prefix}_{grouping[3:]}_{safe}_cost_usd"] = float(group["cost_usd"])
            metrics[f"{prefix}_{grouping[3:]}_{safe}_requests"] = float(group["requests"])
    mlflow.log_metrics(metrics)
