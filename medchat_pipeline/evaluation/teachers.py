"""The teachers the student was distilled from, on the student's benchmark items, through the gateway.

Each teacher answers the same multiple-choice and yes/no/maybe items (same system prompt, same user
message, greedy) through the TeacherPool — keys rotated, rate-limited and cached, so a rerun costs
nothing — and is scored exactly like the student ("teacher:<name>" rows in the results). Latency is
the gateway's wall time per item over the calls actually made (cached answers take no time and are
left out), which the report sets beside the student's per-item time on this machine.
"""

from __future__ import annotations

import polars as pl

from medchat_pipeline.core.data.templates import chat_messages
from medchat_pipeline.core.evaluation import benchmark
from medchat_pipeline.core.evaluation.reference_points import TEACHER_PREFIX
from medchat_pipeline.teachers.types import TeacherRequest


def teacher_items(items: pl.DataFrame, max_items: int, seed: int) -> pl.DataFrame:
    """The choice items the teachers answer: a seeded sample across sets (accuracy is what they are compared on)."""
    choice = items.filter(pl.col("kind").is_in(benchmark.CHOICE_KINDS))
    return benchmark.sample_items(choice, max_items, seed)


def evaluate_teachers(items: pl.DataFrame, pool, teacher_names: list[str], evaluation, bertscore_model: str,
                      cache_dir) -> tuple[pl.DataFrame, dict[str, dict]]:
    """Scored results ("teacher:<name>" models) and per-teacher throughput (latency, cached share, failures)."""
    rows = items.to_dicts()
    frames, throughput = [], {}
    for name in teacher_names:
        requests = [
            TeacherRequest(
                id=f"bench:{row['item_id']}",
                messages=chat_messages(benchmark.item_prompt(row), evaluation.system_prompt),
                teacher=name,
                params={"temperature": 0.0, "max_tokens": evaluation.max_new_tokens,
                        "max_new_tokens": evaluation.max_new_tokens},
                template_version="benchmark-v1",
            )
            for row in rows
        ]
        results = pool.run(requests, progress=True) if requests else []
        outputs = [(r.text or "") if r.ok else "" for r in results]
        scored = benchmark.score_items(items, outputs, None, bertscore_model, cache_dir)
        frames.append(scored.with_columns(pl.lit(f"{TEACHER_PREFIX}{name}").alias("model")))
        fresh = [r for r in results if r.ok and not r.cached]
        throughput[f"{TEACHER_PREFIX}{name}"] = {
            "backend": "teacher gateway",
            "prompts_generated": len(results),
            "latency_s_per_item": round(sum(r.latency_s for r in fresh) / len(fresh), 4) if fresh else None,
            "cached": sum(r.cached for r in results),
            "failed": sum(not r.ok for r in results),
            "cost_usd": round(sum(r.cost for r in results), 6),
        }
    return (pl.concat(frames, how="vertical_relaxed") if frames else items.clear()), throughput
