"""The closed-set question a vision-language model is asked about a photo, and how its answer is read.

Why this file: the served recogniser (`tools.equipment.VLMRecognizer`) and the fine-tune data builder
(`finetune/build_dataset.py`) must ask the model *exactly* the same question about the same catalog and
expect the same JSON, or fine-tuning teaches a prompt the app never sends. Everything that defines that
contract lives here once: the catalog listing, the question, the JSON schema, the answer text a training
example carries and the parser the app applies to a reply. The whole instruction sits in the user turn
(no system message), because a chat template may replace or drop a system message at training time.
"""
from __future__ import annotations

import hashlib
import json
import re

NONE_ID = "none"          # the "other / no gym equipment" choice, offered next to the catalog ids

QUESTION = ("You identify gym equipment in photos. Which of these gym equipment ids is the main item in the "
            "photo? Give up to {k} candidates, most likely first, with a confidence from 0 to 1. Use \"none\" "
            "if the photo shows no gym equipment or nothing you can tell apart.\n"
            "Ids:\n{catalog}\n"
            "Answer only with JSON: {{\"candidates\": [{{\"id\": \"<id or none>\", \"confidence\": 0.0}}]}}")
RETRY = ("That reply was not valid. Reply with the JSON object only, ids from the list or \"none\", "
         "confidences between 0 and 1.")


def vlm_catalog(kb) -> dict[str, str]:
    """Equipment id → English name, sorted by id: the list both the app and the training data show."""
    return {i: e.name.en for i, e in sorted(kb.equipment.items())}


def closed_set_question(catalog: dict[str, str], k: int) -> str:
    """The user text of the recognition turn (the photo goes beside it as an image part)."""
    listing = "\n".join(f"- {i}: {name}" for i, name in catalog.items())
    return QUESTION.format(k=k, catalog=listing)


def prompt_sha(catalog: dict[str, str], k: int) -> str:
    """A short fingerprint of the question: a calibration fitted for another catalog or wording is stale."""
    return hashlib.sha256(closed_set_question(catalog, k).encode("utf-8")).hexdigest()[:16]


def vlm_schema(ids: list[str], k: int) -> dict:
    """JSON schema constraining the answer to catalog ids plus "none"."""
    item = {"type": "object", "properties": {"id": {"type": "string", "enum": [*ids, NONE_ID]},
                                             "confidence": {"type": "number", "minimum": 0, "maximum": 1}},
            "required": ["id", "confidence"]}
    return {"type": "object", "properties": {"candidates": {"type": "array", "items": item, "minItems": 1,
                                                            "maxItems": k}},
            "required": ["candidates"]}


def answer_text(candidates: list[tuple[str, float]]) -> str:
    """The reply a training example carries: the JSON `parse_vlm_reply` reads back."""
    return json.dumps({"candidates": [{"id": i, "confidence": round(float(c), 4)} for i, c in candidates]})


def parse_vlm_reply(text: str, ids: set[str]) -> tuple[list[tuple[str, float]], float]:
    """(candidates best first, none confidence) from a reply; ValueError when nothing usable."""
    text = re.sub(r"^```(?:json)?|```$", "", (text or "").strip(), flags=re.M).strip()
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        raise ValueError("no JSON object in the reply")
    data = json.loads(text[start:end + 1])
    items = data.get("candidates") if isinstance(data, dict) else None
    if items is None and isinstance(data, dict) and "id" in data:
        items = [data]
    if not isinstance(items, list):
        raise ValueError("no candidates list")
    best: dict[str, float] = {}
    for it in items:
        if not isinstance(it, dict) or not isinstance(it.get("id"), str):
            continue
        conf = it.get("confidence")
        if isinstance(conf, bool) or not isinstance(conf, (int, float)):
            continue
        conf = conf / 100 if 1 < conf <= 100 else conf   # some models answer in percent
        key = it["id"].strip().lower()
        if 0 <= conf <= 1 and (key in ids or key == NONE_ID):
            best[key] = max(best.get(key, 0.0), float(conf))
    if not best:
        raise ValueError("no candidate with a known id and a 0–1 confidence")
    none = best.pop(NONE_ID, 0.0)
    return sorted(best.items(), key=lambda kv: -kv[1]), none
