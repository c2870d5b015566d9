"""Equipment recognition: one photo → what the machine is, how sure we are, and its catalog card.

Why this file: it is the one interface in front of two recognisers — a vision-language model behind
any OpenAI-compatible chat endpoint (`VLMRecognizer`, production on a GPU) and the offline CPU
gallery classifier (`tools.gallery.EmbeddedRecognizer`). Each returns a `Prediction` (candidate ids
with confidences plus how likely the picture shows no gym equipment at all); `recognize` makes the
open-set decision (recognized / not_sure / not_equipment) and attaches the catalog card from the
knowledge base. The models only recognise: every teaching fact (setup, steps, safety, mistakes,
muscles, demo exercises) comes from `knowledge/`, never from model output.
"""
from __future__ import annotations

import json
import queue
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Protocol

from PIL import Image

from runtime.errors import ModelUnavailable
from tools.images import MAX_BYTES, MAX_PIXELS, ImageInputError, load_image, to_data_url

TOP_K = 5                  # candidates returned: the picker shows them with their pictures
# Top candidate at or above this (and not "none") → a confident card. Calibrated with
# `python -m bench recognition` so confident answers are right ≥ 95% on dev (cross-validated).
ACCEPT_CONFIDENCE = 0.8
# A label known only from the shipped default gallery (nobody enrolled it here) needs this much: out of
# the box the top guess is right ~15% of the time and its confidence says little, so it shows the picker.
DEFAULT_ONLY_ACCEPT = 0.95
NONE_CONFIDENCE = 0.5      # "no equipment" likelihood at or above this → not_equipment
VLM_TIMEOUT_S = 60.0       # s for the whole VLM answer, retry included
VLM_MAX_TOKENS = 200       # the JSON answer is ~60 tokens

STATUSES = ("recognized", "not_sure", "not_equipment", "error")


class RecognitionError(RuntimeError):
    """The recogniser could not answer (server down, timeout, unusable output)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.detail = code, detail


@dataclass
class Prediction:
    """What a recogniser saw: (id, confidence 0–1) best first, and P(no equipment in view)."""

    candidates: list[tuple[str, float]]
    none_confidence: float
    source: str                      # "vlm", "gallery", "imagenet" or "gallery+imagenet"
    detail: dict = field(default_factory=dict)


class Recognizer(Protocol):
    name: str
    accept_confidence: float

    def predict(self, image: Image.Image, k: int = TOP_K) -> Prediction: ...


@dataclass
class Candidate:
    id: str
    name: str
    confidence: float
    in_catalog: bool
    image: str = ""                   # URL path of its picture (catalog machines): GET /v1/equipment/<id>/image


@dataclass
class Recognition:
    status: str                       # one of STATUSES
    equipment_id: str | None          # set when status == "recognized"
    candidates: list[Candidate]
    none_confidence: float
    card: dict | None                 # catalog card of equipment_id, in the asked language
    message: str                      # one line for the user, in the asked language
    backend: str
    source: str
    ms: float
    error: str = ""                   # stable code when status == "error"

    def to_dict(self) -> dict:
        return asdict(self)


def decide(pred: Prediction, accept: float = ACCEPT_CONFIDENCE, none_at: float = NONE_CONFIDENCE) -> str:
    """The open-set decision on a prediction: recognized, not_sure or not_equipment."""
    top = pred.candidates[0][1] if pred.candidates else 0.0
    accept = max(accept, pred.detail.get("accept_at", 0.0))
    if pred.none_confidence >= none_at and pred.none_confidence >= top:
        return "not_equipment"
    if not pred.candidates:
        return "not_equipment" if pred.none_confidence >= none_at else "not_sure"
    return "recognized" if top >= accept and pred.none_confidence < none_at else "not_sure"


def equipment_card(kb, equipment_id: str, lang: str = "en") -> dict | None:
    """The catalog card for one equipment id, in `lang` (muscle names from the vocabulary)."""
    eq = kb.equipment.get(equipment_id)
    if eq is None:
        return None
    vocab = (getattr(kb, "vocab", None) or {}).get("muscles", {})
    muscles = [{"id": m, "name": (vocab.get(m) or {}).get(lang) or (vocab.get(m) or {}).get("en") or m}
               for m in eq.muscles]
    return {"id": eq.id, "name": eq.name.get(lang), "name_en": eq.name.en, "name_zh": eq.name.zh,
            "category": eq.category, "purpose": eq.purpose.get(lang), "muscles": muscles,
            "setup": list(eq.setup.get(lang)), "steps": list(eq.usage.get(lang)),
            "safety": list(eq.safety.get(lang)), "mistakes": list(eq.mistakes.get(lang)),
            "beginner_tips": list(eq.beginner_tips.get(lang)), "home": eq.home,
            "demo_exercise_ids": list(eq.exercises)}


def picture_url(equipment_id: str) -> str:
    return f"/v1/equipment/{equipment_id}/image"


def equipment_picture(kb, equipment_id: str):
    """A picture of a catalog machine for the picker: the shipped public-domain photo, else the
    demonstration GIF of its first demo exercise; None when it has neither."""
    from indexes.default_gallery import thumbnail

    if equipment_id not in kb.equipment:
        return None
    photo = thumbnail(equipment_id)
    if photo is not None:
        return photo
    from pathlib import Path

    from tools.gif_search import gif_for_exercise

    for ex in kb.equipment[equipment_id].exercises:
        clip = gif_for_exercise(ex)
        if clip and Path(clip["path"]).is_file():
            return Path(clip["path"])
    return None


def display_name(kb, equipment_id: str, lang: str = "en") -> str:
    eq = kb.equipment.get(equipment_id) if kb is not None else None
    return eq.name.get(lang) if eq else equipment_id.replace("_", " ")


def recognize(image, backend: Recognizer, kb, lang: str = "en", k: int = TOP_K,
              max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> dict:
    """Recognise the equipment in one image (bytes, path, PIL or numpy); a plain dict, never raises."""
    start = time.perf_counter()
    name = getattr(backend, "name", type(backend).__name__)
    try:
        img = load_image(image, max_bytes=max_bytes, max_pixels=max_pixels)
        pred = backend.predict(img, k)
    except ImageInputError as exc:
        return _error(exc.code, exc.message(lang), name, start)
    except RecognitionError as exc:
        return _error(exc.code, _text(lang, "backend_" + exc.code if exc.code in ("timeout", "invalid") else
                                      "backend_down"), name, start)
    except ModelUnavailable as exc:   # the packaged network is missing: say so, with the fix in the log
        return _error("model_unavailable", _text(lang, "backend_down") + f" ({exc})", name, start)
    return recognition_from_prediction(pred, kb, lang, k, getattr(backend, "accept_confidence", ACCEPT_CONFIDENCE),
                                       name, (time.perf_counter() - start) * 1000).to_dict()


def recognition_from_prediction(pred: Prediction, kb, lang: str, k: int, accept: float, backend: str,
                                ms: float) -> Recognition:
    """Decision, candidate names, card and message for a prediction (also used per video frame)."""
    status = decide(pred, accept)
    cands = [Candidate(i, display_name(kb, i, lang), round(float(c), 4), i in kb.equipment,
                       picture_url(i) if i in kb.equipment else "")
             for i, c in pred.candidates[:k]]
    eq_id = cands[0].id if status == "recognized" else None
    card = equipment_card(kb, eq_id, lang) if eq_id else None
    if status == "recognized":
        msg = _text(lang, "recognized", name=cands[0].name, pct=round(cands[0].confidence * 100))
        if card is None:
            msg += " " + _text(lang, "no_card")
    elif status == "not_sure":
        msg = _text(lang, "not_sure", names=_join([c.name for c in cands], lang))
    else:
        msg = _text(lang, "not_equipment")
    return Recognition(status, eq_id, cands, round(float(pred.none_confidence), 4), card, msg, backend,
                       pred.source, round(ms, 1))


def _error(code: str, message: str, backend: str, start: float) -> dict:
    return Recognition("error", None, [], 0.0, None, message, backend, "", round((time.perf_counter() - start) * 1000, 1),
                       code).to_dict()


_TEXT = {
    "recognized": ("This looks like a {name} ({pct}% sure).", "这看起来是{name}（把握 {pct}%）。"),
    "no_card": ("It is in your gallery but not in the catalog, so there is no how-to card.",
                "它在你的器械库中，但不在目录里，因此没有使用说明卡。"),
    "not_sure": ("I'm not sure which machine this is. Is it one of these: {names}? Pick it to see how to use "
                 "it, or browse all machines.",
                 "我不太确定这是哪台器械。是下面其中一个吗：{names}？选中即可查看用法，或浏览全部器械。"),
    "not_equipment": ("This doesn't look like gym equipment I know.", "这看起来不像我认识的健身器械。"),
    "backend_timeout": ("The vision model took too long to answer; please try again.", "视觉模型响应超时，请重试。"),
    "backend_invalid": ("The vision model gave no usable answer; please try another photo.",
                        "视觉模型没有给出可用的回答，请换一张照片再试。"),
    "backend_down": ("The vision model is not reachable right now.", "暂时无法连接视觉模型。"),
}


def _text(lang: str, key: str, **fmt) -> str:
    en, zh = _TEXT[key]
    return (zh if lang == "zh" else en).format(**fmt)


def _join(names: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(names) if names else "?"


# --- VLM backend ------------------------------------------------------------------------------

_SYSTEM = ("You identify gym equipment in photos. Answer only with JSON. Use only the ids listed by "
           "the user, or \"none\" when the photo shows no gym equipment or nothing you can tell apart.")
_ASK = ("Which of these gym equipment ids is the main item in the photo? Give up to {k} candidates, most "
        "likely first, with a confidence from 0 to 1. Use \"none\" if it is not gym equipment.\n"
        "Ids:\n{catalog}\n"
        "Answer as JSON: {{\"candidates\": [{{\"id\": \"<id or none>\", \"confidence\": 0.0}}]}}")
_RETRY = ("That reply was not valid. Reply with the JSON object only, ids from the list or \"none\", "
          "confidences between 0 and 1.")


def vlm_schema(ids: list[str], k: int = TOP_K) -> dict:
    """JSON schema constraining the answer to catalog ids plus "none"."""
    item = {"type": "object", "properties": {"id": {"type": "string", "enum": [*ids, "none"]},
                                             "confidence": {"type": "number", "minimum": 0, "maximum": 1}},
            "required": ["id", "confidence"]}
    return {"type": "object", "properties": {"candidates": {"type": "array", "items": item, "minItems": 1,
                                                            "maxItems": k}},
            "required": ["candidates"]}


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
        if 0 <= conf <= 1 and (key in ids or key == "none"):
            best[key] = max(best.get(key, 0.0), float(conf))
    if not best:
        raise ValueError("no candidate with a known id and a 0–1 confidence")
    none = best.pop("none", 0.0)
    return sorted(best.items(), key=lambda kv: -kv[1]), none


class VLMRecognizer:
    """A vision-language model behind any object with `chat(messages, max_tokens, temperature, json_schema)`.

    Images go as base64 JPEG data URLs in an `image_url` part (what lmdeploy, vLLM and Ollama accept).
    An invalid answer is retried once with a reminder; the whole call has one deadline.
    """

    name = "vlm"

    def __init__(self, chat_backend, catalog: dict[str, str], timeout_s: float = VLM_TIMEOUT_S,
                 max_tokens: int = VLM_MAX_TOKENS, accept_confidence: float = ACCEPT_CONFIDENCE,
                 image_side: int = 768):
        if not catalog:
            raise ValueError("the VLM recogniser needs a non-empty catalog of equipment ids")
        self.backend, self.catalog = chat_backend, dict(catalog)
        self.timeout_s, self.max_tokens = timeout_s, max_tokens
        self.accept_confidence, self.image_side = accept_confidence, image_side

    @classmethod
    def from_kb(cls, chat_backend, kb, **kw) -> "VLMRecognizer":
        return cls(chat_backend, {i: e.name.en for i, e in sorted(kb.equipment.items())}, **kw)

    def messages(self, image: Image.Image, k: int = TOP_K) -> list[dict]:
        catalog = "\n".join(f"- {i}: {name}" for i, name in self.catalog.items())
        return [{"role": "system", "content": _SYSTEM},
                {"role": "user", "content": [
                    {"type": "text", "text": _ASK.format(k=k, catalog=catalog)},
                    {"type": "image_url", "image_url": {"url": to_data_url(image, self.image_side)}}]}]

    def predict(self, image: Image.Image, k: int = TOP_K) -> Prediction:
        deadline = time.monotonic() + self.timeout_s
        messages, schema, ids = self.messages(image, k), vlm_schema(list(self.catalog), k), set(self.catalog)
        last = ""
        for attempt in range(2):
            reply = self._chat(messages, schema, deadline)
            try:
                cands, none = parse_vlm_reply(reply, ids)
                return Prediction(cands[:k], none, "vlm", {"attempts": attempt + 1})
            except (ValueError, TypeError) as exc:   # json.JSONDecodeError is a ValueError
                last = str(exc)
                messages = [*messages, {"role": "assistant", "content": reply[:2000]},
                            {"role": "user", "content": _RETRY}]
        raise RecognitionError("invalid", last)

    def _chat(self, messages: list[dict], schema: dict, deadline: float) -> str:
        """One chat call with a hard deadline; a hung backend is left to its own HTTP timeout."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise RecognitionError("timeout", f"no time left of {self.timeout_s:.0f} s")
        box: queue.Queue = queue.Queue(maxsize=1)

        def call():
            try:
                box.put(("ok", self.backend.chat(messages, max_tokens=self.max_tokens, temperature=0.0,
                                                 json_schema=schema)))
            except Exception as exc:  # any backend failure becomes one clean error below
                box.put(("err", exc))

        threading.Thread(target=call, daemon=True, name="vlm-chat").start()
        try:
            kind, value = box.get(timeout=left)
        except queue.Empty:
            raise RecognitionError("timeout", f"no answer within {self.timeout_s:.0f} s") from None
        if kind == "err":
            timed_out = "timed out" in str(value).lower() or "timeout" in type(value).__name__.lower()
            raise RecognitionError("timeout" if timed_out else "unavailable", str(value)) from value
        if getattr(self.backend, "supports_images", True) is False:
            # e.g. agent's FallbackBackend switched to the text-only local model: it never saw the photo
            raise RecognitionError("unavailable", "the model that answered cannot see images")
        return value if isinstance(value, str) else ""


# --- lagent adapter ----------------------------------------------------------------------------

try:  # the agent layer is optional for the domain functions above
    from lagent.actions import BaseAction, tool_api
    from lagent.schema import ActionReturn, ActionStatusCode
except ImportError:  # pragma: no cover
    BaseAction = None

if BaseAction is not None:
    class EquipmentRecognizer(BaseAction):
        """Identify the gym machine or free weight in a photo the user sent, with its how-to card."""

        def __init__(self, recognizer: Recognizer, kb, **kwargs):
            super().__init__(**kwargs)
            self._recognizer, self._kb = recognizer, kb

        @tool_api
        def run(self, image_path: str, lang: str = "en") -> dict:
            """Recognise the equipment in an uploaded photo.

            Args:
                image_path (str): path of the photo the user uploaded (JPEG/PNG)
                lang (str): "en" or "zh", the language of the answer
            """
            out = recognize(image_path, self._recognizer, self._kb, lang)
            if out["status"] == "error":
                return ActionReturn(errmsg=out["message"], state=ActionStatusCode.ARGS_ERROR)
            return out

    class EquipmentGuide(BaseAction):
        """How to set up and use a gym machine or free weight the user names (no photo needed)."""

        def __init__(self, kb, **kwargs):
            super().__init__(**kwargs)
            self._kb = kb

        @tool_api
        def run(self, name: str, lang: str = "en") -> dict:
            """Look a named machine or piece of equipment up in the catalog.

            Args:
                name (str): the equipment in the user's words, e.g. "leg press", "史密斯机", or an exercise done on it
                lang (str): "en" or "zh", the language of the card
            """
            from .catalog import find_equipment, find_exercises

            ids = find_equipment(name, self._kb) or [eq for ex in find_exercises(name, self._kb)[:1]
                                                     for eq in self._kb.exercises[ex].equipment[:1]]
            if not ids:
                return ActionReturn(errmsg=f"no equipment called {name!r} in the catalog; ask which machine",
                                    state=ActionStatusCode.ARGS_ERROR)
            return equipment_card(self._kb, ids[0], lang)
