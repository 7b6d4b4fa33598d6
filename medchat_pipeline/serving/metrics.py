"""What the server tells its operators: Prometheus metrics (GET /metrics) and one JSON log line per event.

Metrics live in a registry per server (tests run several servers in one process):

    medchat_http_requests_total{path,method,status}        every HTTP request
    medchat_http_request_duration_seconds{path}            arrival to last byte
    medchat_answers_total{routed_to,answered_by}           chat answers (answered_by "none": only advice or an error)
    medchat_answer_latency_seconds{route}                  arrival to finished answer, queueing included
    medchat_first_chunk_seconds{route}                     arrival to the first streamed text
    medchat_queue_wait_seconds{lane}, medchat_queue_depth{lane}
    medchat_emergencies_total{category}
    medchat_failovers_total{kind,reason}                   kind: failover (small → large) | fallback (large → small)
    medchat_guard_replacements_total{reason}
    medchat_tokens_total{route,kind}                       kind: prompt | completion
    medchat_rejections_total{reason}                       queue_full, input_too_long, bad_request, …
    medchat_client_disconnects_total, medchat_large_breaker_open

Logs never hold a question's text, an answer, a key or its variable name: only what routing, safety
and timing decided about a request (a guard replacement's reasons quote the replaced model text, for
audit).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from medchat_pipeline.teachers.keys import redact

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 120.0)


class ServingMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("medchat_http_requests", "HTTP requests", ["path", "method", "status"], registry=r)
        self.request_seconds = Histogram("medchat_http_request_duration_seconds", "HTTP request duration",
                                         ["path"], buckets=LATENCY_BUCKETS, registry=r)
        self.answers = Counter("medchat_answers", "Chat answers by route and by the model that answered",
                               ["routed_to", "answered_by"], registry=r)
        self.answer_seconds = Histogram("medchat_answer_latency_seconds",
                                        "Arrival to finished answer, queueing included, by the model that answered",
                                        ["route"], buckets=LATENCY_BUCKETS, registry=r)
        self.first_chunk_seconds = Histogram("medchat_first_chunk_seconds", "Arrival to the first streamed text",
                                             ["route"], buckets=LATENCY_BUCKETS, registry=r)
        self.queue_seconds = Histogram("medchat_queue_wait_seconds", "Time a request waited for its model",
                                       ["lane"], buckets=LATENCY_BUCKETS, registry=r)
        self.queue_depth = Gauge("medchat_queue_depth", "Requests waiting for a model", ["lane"], registry=r)
        self.emergencies = Counter("medchat_emergencies", "Emergencies triaged", ["category"], registry=r)
        self.failovers = Counter("medchat_failovers", "Answers moved to the other model", ["kind", "reason"], registry=r)
        self.guard_replacements = Counter("medchat_guard_replacements", "Answers the output guard replaced",
                                          ["reason"], registry=r)
        self.tokens = Counter("medchat_tokens", "Tokens by route", ["route", "kind"], registry=r)
        self.rejections = Counter("medchat_rejections", "Requests refused before any model ran", ["reason"], registry=r)
        self.disconnects = Counter("medchat_client_disconnects", "Clients gone before their answer was done", registry=r)
        self.breaker_open = Gauge("medchat_large_breaker_open", "1 while the large model is skipped after failures",
                                  registry=r)

    def watch_lanes(self, lanes: dict[str, Any]) -> None:
        for name, lane in lanes.items():
            self.queue_depth.labels(name).set_function(lane.depth)
        large = lanes.get("large")
        if large is not None and hasattr(large, "breaker_open"):
            self.breaker_open.set_function(lambda: float(large.breaker_open()))

    def observe_answer(self, answer: Any, first_chunk_s: float | None = None) -> None:
        route = answer.answered_by or "none"
        self.answers.labels(answer.decision.route, route).inc()
        self.answer_seconds.labels(route).observe(answer.latency_s)
        if first_chunk_s is not None:
            self.first_chunk_seconds.labels(route).observe(first_chunk_s)
        if answer.answered_by:
            self.queue_seconds.labels(answer.answered_by).observe(answer.queue_s)
        if answer.triage.emergency:
            self.emergencies.labels(answer.triage.category or "other").inc()
        if answer.failover is not None:
            self.failovers.labels("failover", answer.failover.kind).inc()
        if answer.fallback:
            self.failovers.labels("fallback", answer.fallback).inc()
        for check in answer.guard_checks:
            self.guard_replacements.labels(check).inc()
        self.tokens.labels(route, "prompt").inc(answer.usage["prompt_tokens"])
        self.tokens.labels(route, "completion").inc(answer.usage["completion_tokens"])


def answer_log_fields(answer: Any) -> dict[str, Any]:
    """What a log line says about an answer (decisions and timings; never the texts)."""
    return {
        "routed_to": answer.decision.route,
        "answered_by": answer.answered_by,
        "score": answer.decision.score,
        "emergency": answer.triage.emergency,
        "category": answer.triage.category,
        "possible_emergency": answer.triage.possible_emergency,  # a safety-net line led the answer
        "triage_layer": answer.triage.layer,
        "failover": None if answer.failover is None else answer.failover.kind,
        "fallback": answer.fallback,
        "guard_replaced": answer.guard is not None,
        "guard_reasons": list(answer.guard.reasons) if answer.guard is not None else [],
        "error": answer.error,
        "finish_reason": answer.finish_reason,
        "latency_s": round(answer.latency_s, 4),
        "queue_s": round(answer.queue_s, 4),
        "prompt_tokens": answer.usage["prompt_tokens"],
        "completion_tokens": answer.usage["completion_tokens"],
    }


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the record's `fields` and any traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        # A traceback or an SDK message can echo a request's headers: no loaded key or token leaves in a line.
        return redact(json.dumps(line, default=str))


def configure_logging(fmt: str, verbose: bool) -> None:
    """Root logging for `medchat serve`: JSON lines (or plain text) on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLogFormatter() if fmt == "json" else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO if verbose else logging.WARNING)
    # Request lines are ours (medchat_pipeline.serving.api); uvicorn's access log would repeat them.
    logging.getLogger("medchat_pipeline.serving").setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
