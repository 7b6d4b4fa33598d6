"""Structured output: pull JSON out of a completion and validate it against a pydantic type."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import TypeAdapter, ValidationError

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def extract_json(text: str) -> Any:
    """The first JSON value in the text: a fenced block, else the outermost {...} or [...] span."""
    fenced = _FENCE.search(text)
    candidates = [fenced.group(1)] if fenced else []
    for opener, closer in (("{", "}"), ("[", "]")):
        start, end = text.find(opener), text.rfind(closer)
        if start != -1 and end > start:
            candidates.append(text[start : end + 1])
    candidates.append(text)
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            continue
    raise ValueError("no JSON value found in the reply")


def parse_structured(text: str, schema: Any) -> Any:
    """Validate the reply against `schema` (a pydantic model or any type TypeAdapter accepts)."""
    value = extract_json(text)
    try:
        return TypeAdapter(schema).validate_python(value)
    except ValidationError as exc:
        raise ValueError(f"JSON does not match {schema_name(schema)}: {exc.errors(include_url=False)[:3]}") from None


def schema_name(schema: Any) -> str | None:
    if schema is None:
        return None
    return getattr(schema, "__name__", None) or str(schema)


def json_schema(schema: Any) -> dict:
    return TypeAdapter(schema).json_schema()


def repair_messages(messages: list[dict[str, str]], reply: str, problem: str, schema: Any) -> list[dict[str, str]]:
    """The conversation plus the bad reply and a request to answer again with valid JSON only."""
    return [
        *messages,
        {"role": "assistant", "content": reply},
        {
            "role": "user",
            "content": f"That reply could not be used ({problem}). Answer again with only JSON matching "
            f"this JSON schema, no other text:\n{json.dumps(json_schema(schema))}",
        },
    ]
