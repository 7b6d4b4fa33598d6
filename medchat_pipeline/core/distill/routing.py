"""Teacher routing during distillation: simple questions to the cheaper teacher, complex ones to the
stronger one, decided by the serving Router (serving/routing.py: same features, same threshold, an
emergency always to the large side), and what that saved against asking every teacher.

    router = Router(cfg.serving.router)
    teacher = route_teacher(question, router, cfg.distill.routing)     # "nvidia" or "gemini"
    report = routing_savings(calls, ["nvidia", "gemini"], teacher_prices(cfg))

The saving is an estimate on both sides from the same token counts: each routed call's own usage
(input and output tokens) priced at the teacher it went to, against the same usage priced at every
teacher (configs/prices.yaml). Calls answered from the cache count with the usage they first had.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from medchat_pipeline.teachers.prices import ModelPrice, PriceTable


def route_teacher(question: str, router, routing) -> str:
    """The teacher for one question: `routing.complex_teacher` when the Router sends it to the large model."""
    decision = router.route(question)
    return routing.complex_teacher if decision.route == "large" else routing.simple_teacher


def teacher_prices(cfg) -> dict[str, ModelPrice | None]:
    """Teacher name → its price (None when the table has none), from the PipelineConfig."""
    from medchat_pipeline.config import project_root

    path = Path(cfg.teachers.prices_path)
    table = PriceTable.load(path if path.is_absolute() else project_root() / path)
    return {name: table.price(t.provider, t.model) for name, t in cfg.teachers.teachers.items()}


def _priced(price: ModelPrice | None, usage: dict) -> float:
    if price is None:
        return 0.0
    return (usage.get("input_tokens", 0) * price.input + usage.get("output_tokens", 0) * price.output) / 1_000_000


def routing_savings(calls: list[tuple[str, dict]], teachers: list[str], prices: dict[str, ModelPrice | None]) -> dict:
    """`calls`: (teacher it was routed to, usage) per request made. Returns the routed and the
    every-teacher cost estimates, the saving, and how many requests went to each teacher."""
    routed = sum(_priced(prices.get(teacher), usage) for teacher, usage in calls)
    every = sum(_priced(prices.get(t), usage) for _, usage in calls for t in teachers)
    unpriced = sorted(t for t in teachers if prices.get(t) is None)
    return {
        "requests_by_teacher": dict(Counter(teacher for teacher, _ in calls)),
        "requests_if_every_teacher": len(calls) * len(teachers),
        "cost_usd_routed": round(routed, 6),
        "cost_usd_every_teacher": round(every, 6),
        "saved_usd": round(every - routed, 6),
        "saved_share": round((every - routed) / every, 4) if every else None,
        "unpriced_teachers": unpriced,
    }
