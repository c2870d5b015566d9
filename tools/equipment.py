"""Equipment recognition: one photo → what the machine is, how sure we are, and its catalog card.

Why this file: it is the one interface in front of two recognisers — a vision-language model behind
any OpenAI-compatible chat endpoint (`VLMRecognizer`, production on a GPU) and the offline CPU
gallery classifier (`tools.recognizer.EmbeddedRecognizer`). Each returns a `Prediction` (candidate ids
with confidences plus how likely the picture shows no gym equipment at all); `recognize` makes the
open-set decision (recognized / not_sure / not_equipment) and attaches the catalog card from the
knowledge base. The models only recognise: every teaching fact (setup, steps, safety, mistakes,
muscles, demo exercises) comes from `knowledge/`, never from model output.
"""
from __future__ import annotations

import bisect
import json
import logging
import math
import queue
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

from PIL import Image

from runtime.errors import ModelUnavailable
from tools.images import MAX_BYTES, MAX_PIXELS, ImageInputError, load_image, to_data_url
from tools.vlm_prompt import RETRY, closed_set_question, parse_vlm_reply, prompt_sha, vlm_catalog, vlm_schema

log = logging.getLogger(__name__)

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

# With no calibration table a VLM's self-reported confidence is all there is, and it is not calibrated
# (models say 0.9 whether right or not): only a near-certain answer gets a card, the rest the picker.
UNCALIBRATED_ACCEPT = DEFAULT_ONLY_ACCEPT
CALIBRATION_PRECISION = 0.95   # confident answers must be right this often on the calibration photos (#17)
CALIBRATION_MIN_CONFIDENT = 10  # ... and at least this many of them must be confident, or none is


class VLMCalibration:
    """Raw VLM top confidence → P(the top id is right): an isotonic step map fitted on labelled photos.

    Why: the served model's confidences only order its answers; this map (fitted by `python -m bench
    vlm_calibration` through the real server) turns them into how often such an answer was right, and
    `accept_at` is the lowest calibrated value whose answers were right >= CALIBRATION_PRECISION
    (None: no confident answers at all). `prompt_sha` ties the map to the question it was fitted on.
    """

    def __init__(self, edges: list[float], values: list[float], accept_at: float | None, prompt_sha: str = "",
                 model: str = "", n: int = 0):
        if not edges or len(edges) != len(values) or list(edges) != sorted(edges) or list(values) != sorted(values):
            raise ValueError("a VLM calibration needs matching, ascending edges and values")
        self.edges, self.values, self.accept_at = [float(e) for e in edges], [float(v) for v in values], accept_at
        self.prompt_sha, self.model, self.n = prompt_sha, model, n

    def __call__(self, raw: float) -> float:
        """The calibrated value of the block the raw confidence falls in (below the first: the first)."""
        return self.values[max(0, bisect.bisect_right(self.edges, float(raw)) - 1)]

    @classmethod
    def fit(cls, raw: list[float], correct: list[bool], precision: float = CALIBRATION_PRECISION,
            min_confident: int = CALIBRATION_MIN_CONFIDENT, **meta) -> "VLMCalibration":
        """Pool-adjacent-violators on (raw top confidence, was it right), then the accept threshold."""
        if not raw or len(raw) != len(correct):
            raise ValueError("calibration needs one correct/incorrect flag per raw confidence")
        groups: dict[float, list[int]] = {}
        for x, ok in zip(raw, correct):
            g = groups.setdefault(float(x), [0, 0])
            g[0], g[1] = g[0] + bool(ok), g[1] + 1
        blocks: list[list[float]] = []   # [lowest raw, right, count], means ascending
        for x in sorted(groups):
            blocks.append([x, *groups[x]])
            while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
                _, right, count = blocks.pop()
                blocks[-1][1] += right
                blocks[-1][2] += count
        accept_at, right, count = None, 0, 0
        for _, r, c in reversed(blocks):   # the running precision only falls as lower blocks join
            right, count = right + r, count + c
            if right / count < precision:
                break
            if count >= min_confident:
                accept_at = r / c
        return cls([b[0] for b in blocks], [b[1] / b[2] for b in blocks], accept_at, n=len(raw), **meta)

    def to_dict(self) -> dict:
        return {"kind": "isotonic", "edges": self.edges, "values": self.values, "accept_at": self.accept_at,
                "prompt_sha": self.prompt_sha, "model": self.model, "n": self.n}

    @classmethod
    def load(cls, path) -> "VLMCalibration":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("kind") != "isotonic":
            raise ValueError(f"{path}: not an isotonic VLM calibration")
        return cls(data["edges"], data["values"], data.get("accept_at"), data.get("prompt_sha", ""),
                   data.get("model", ""), data.get("n", 0))


class VLMRecognizer:
    """A vision-language model behind any object with `chat(messages, max_tokens, temperature, json_schema)`.

    Asked the closed-set question of `tools.vlm_prompt` (catalog ids + "none"), the photo as a base64 JPEG
    data URL in an `image_url` part (what lmdeploy, vLLM and Ollama accept). An invalid answer is retried
    once with a reminder; the whole call has one deadline. With a `VLMCalibration` the confidences become
    calibrated P(right) and its threshold applies; without one only UNCALIBRATED_ACCEPT gives a card.
    """

    name = "vlm"

    def __init__(self, chat_backend, catalog: dict[str, str], timeout_s: float = VLM_TIMEOUT_S,
                 max_tokens: int = VLM_MAX_TOKENS, accept_confidence: float | None = None,
                 image_side: int = 768, calibration: VLMCalibration | None = None):
        if not catalog:
            raise ValueError("the VLM recogniser needs a non-empty catalog of equipment ids")
        self.backend, self.catalog = chat_backend, dict(catalog)
        self.timeout_s, self.max_tokens, self.image_side = timeout_s, max_tokens, image_side
        if calibration is not None and calibration.prompt_sha != prompt_sha(self.catalog, TOP_K):
            log.warning("VLM calibration ignored: it was fitted on another catalog or question (refit it with "
                        "python -m bench vlm_calibration)")
            calibration = None
        self.calibration = calibration
        if accept_confidence is None:
            fitted = calibration.accept_at if calibration else UNCALIBRATED_ACCEPT
            accept_confidence = math.inf if fitted is None else max(ACCEPT_CONFIDENCE, fitted)
        self.accept_confidence = accept_confidence

    @classmethod
    def from_kb(cls, chat_backend, kb, calibration: "VLMCalibration | str | Path | None" = None,
                **kw) -> "VLMRecognizer":
        """From the knowledge base's catalog; `calibration` may be a path (unreadable: logged, uncalibrated)."""
        if isinstance(calibration, (str, Path)):
            try:
                calibration = VLMCalibration.load(calibration) if str(calibration) else None
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("VLM calibration %s unusable (%s): running uncalibrated", calibration, exc)
                calibration = None
        return cls(chat_backend, vlm_catalog(kb), calibration=calibration, **kw)

    def messages(self, image: Image.Image, k: int = TOP_K) -> list[dict]:
        """One user turn: the photo, then the question (the order the fine-tune data's "<image>\\n" has)."""
        return [{"role": "user", "content": [
            {"type": "image_url", "image_url": {"url": to_data_url(image, self.image_side)}},
            {"type": "text", "text": closed_set_question(self.catalog, k)}]}]

    def predict(self, image: Image.Image, k: int = TOP_K) -> Prediction:
        deadline = time.monotonic() + self.timeout_s
        messages, schema, ids = self.messages(image, k), vlm_schema(list(self.catalog), k), set(self.catalog)
        last = ""
        for attempt in range(2):
            reply = self._chat(messages, schema, deadline)
            try:
                cands, none = parse_vlm_reply(reply, ids)
            except (ValueError, TypeError) as exc:   # json.JSONDecodeError is a ValueError
                last = str(exc)
                messages = [*messages, {"role": "assistant", "content": reply[:2000]},
                            {"role": "user", "content": RETRY}]
                continue
            detail = {"attempts": attempt + 1, "raw": cands[:k], "calibrated": self.calibration is not None}
            if self.calibration is not None:   # a monotone map: the order stays, the values become P(right)
                cands = [(i, self.calibration(c)) for i, c in cands]
            return Prediction(cands[:k], none, "vlm", detail)
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

