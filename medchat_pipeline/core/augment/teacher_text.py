"""Teacher prompts for augmentation and the parsers for the messy lists teachers send back."""

from __future__ import annotations

import json
import re

# --- prompts ----------------------------------------------------------------------------------------


def paraphrase_prompt(question: str, n: int) -> str:
    return (
        f"Paraphrase this medical question in {n} different ways, preserving its meaning exactly. "
        "Rephrase only: do not change any fact, number, dose, drug name or negation, and do not answer it. "
        f"Reply with a numbered list of {n} paraphrases and nothing else.\n\n"
        f'Question: "{question}"'
    )


def split_prompt(question: str) -> str:
    return (
        "Split this medical question into single-issue questions, one per issue it asks about. "
        "Keep every fact, number, drug name and negation the part needs; do not answer. "
        "If it asks about only one thing, reply with the question unchanged. "
        "Reply with a numbered list and nothing else.\n\n"
        f'Question: "{question}"'
    )


def synthesis_prompt(subject: str, topic: str | None, n: int) -> str:
    about = f"{topic} ({subject})" if topic else subject
    return (
        f"Write {n} realistic, medically accurate patient-doctor question and answer pairs about {about}. "
        "The patient asks in plain language; the doctor answers accurately and safely, without citations. "
        'Reply with a JSON list of objects with the keys "question" and "answer", and nothing else.'
    )


# --- parsing messy teacher lists --------------------------------------------------------------------

_FENCE = re.compile(r"```(?:json|JSON|text)?\s*(.*?)```", re.DOTALL)
_MARKER = re.compile(r"^\s*(?:[-*•·–—]|\(?\d{1,2}\s*[.):\]]|\(?[a-hA-H][.)])\s+")
_LABEL = re.compile(
    r"^(?:paraphrase|version|option|alternative|rephrasing|question|sub-question|q)\s*\d*\s*[:.)\-–]\s*",
    re.IGNORECASE,
)
_PREAMBLE = re.compile(
    r"^(?:sure|certainly|of course|okay|ok|here (?:are|is)|below (?:are|is)|the following|"
    r"i hope|these|note:|let me know|paraphrases?\b|sub-questions?\b)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"“”«]([^\"“”«»]{3,})[\"“”»]")
_INLINE_NUMBERS = re.compile(r"(?:^|\s)\(?\d{1,2}[.)]\s+")
_QUOTES = "\"'“”‘’«»`"
MIN_ITEM_CHARS = 8


def _clean_item(item: str) -> str:
    item = item.strip()
    item = _MARKER.sub("", item)
    item = re.sub(r"(\*\*|__)", "", item).strip()
    item = _LABEL.sub("", item).strip()
    if len(item) >= 2 and item[0] in _QUOTES and item[-1] in _QUOTES:
        item = item[1:-1].strip()
    elif item and item[0] in _QUOTES and item.count(item[0]) == 1:
        item = item[1:].strip()
    return " ".join(item.split())


def _json_items(text: str) -> list[str] | None:
    start, end = text.find("["), text.rfind("]")
    if start < 0 or end <= start:
        brace, brace_end = text.find("{"), text.rfind("}")
        if brace < 0 or brace_end <= brace:
            return None
        try:
            loaded = json.loads(text[brace : brace_end + 1])
        except json.JSONDecodeError:
            return None
        lists = [v for v in loaded.values() if isinstance(v, list)] if isinstance(loaded, dict) else []
        loaded = lists[0] if lists else None
    else:
        try:
            loaded = json.loads(text[start : end + 1])
        except json.JSONDecodeError:
            return None
    if not isinstance(loaded, list):
        return None
    items = []
    for entry in loaded:
        if isinstance(entry, str):
            items.append(entry)
        elif isinstance(entry, dict):
            texts = [v for v in entry.values() if isinstance(v, str)]
            if texts:
                items.append(texts[0])
    return items


def parse_teacher_list(text: str | None, max_items: int | None = None) -> list[str]:
    """Items of a list a teacher wrote in whatever shape: JSON, numbered, bulleted, quoted, one per
    line, with or without a preamble ("Sure! Here are 3 paraphrases:") or closing remarks."""
    if not text or not text.strip():
        return []
    fenced = _FENCE.search(text)
    body = fenced.group(1) if fenced else text
    raw_items = _json_items(body)
    if raw_items is None:
        lines = [line for line in body.splitlines() if line.strip()]
        marked = [line for line in lines if _MARKER.match(line) or _LABEL.match(line.strip())]
        if len(lines) == 1 and len(_INLINE_NUMBERS.findall(lines[0])) >= 2:
            raw_items = [part for part in _INLINE_NUMBERS.split(lines[0]) if part.strip()]
        elif len(marked) >= 2 or (marked and len(lines) == len(marked)):
            raw_items = marked
        elif len(lines) == 1 and len(_QUOTED.findall(lines[0])) >= 2:
            raw_items = _QUOTED.findall(lines[0])
        else:
            raw_items = [
                line for line in lines if not _PREAMBLE.match(line.strip()) and not line.strip().endswith(":")
            ]
    items: list[str] = []
    seen: set[str] = set()
    for raw in raw_items:
        item = _clean_item(raw)
        key = item.lower()
        if len(item) < MIN_ITEM_CHARS or not re.search(r"[A-Za-z]", item) or key in seen:
            continue
        seen.add(key)
        items.append(item)
    return items[:max_items] if max_items else items


def parse_qa_pairs(text: str | None) -> list[tuple[str, str]]:
    """(question, answer) pairs from a JSON list of objects, or from "Q:/A:" ("Patient:/Doctor:") text."""
    if not text:
        return []
    fenced = _FENCE.search(text)
    body = fenced.group(1) if fenced else text
    start, end = body.find("["), body.rfind("]")
    if 0 <= start < end:
        try:
            loaded = json.loads(body[start : end + 1])
        except json.JSONDecodeError:
            loaded = None
        if isinstance(loaded, list):
            pairs = []
            for entry in loaded:
                if isinstance(entry, dict):
                    lowered = {str(k).lower(): v for k, v in entry.items()}
                    q, a = lowered.get("question"), lowered.get("answer")
                    if isinstance(q, str) and isinstance(a, str) and q.strip() and a.strip():
                        pairs.append((q.strip(), a.strip()))
            return pairs
    pattern = re.compile(
        r"(?:^|\n)\s*(?:\d+[.)]\s*)?(?:\*\*)?(?:Q|Question|Patient)(?:\*\*)?\s*:\s*(.+?)\s*\n\s*(?:\*\*)?"
        r"(?:A|Answer|Doctor)(?:\*\*)?\s*:\s*(.+?)(?=\n\s*(?:\d+[.)]\s*)?(?:\*\*)?(?:Q|Question|Patient)(?:\*\*)?\s*:|\Z)",
        re.DOTALL | re.IGNORECASE,
    )
    return [(q.strip(), " ".join(a.split())) for q, a in pattern.findall(body) if q.strip() and a.strip()]


