"""Equipment in videos and live webcam frames: sample, recognise, vote over time, make a timeline.

Why this file: a walk-through clip of a gym, or a webcam pointed at a machine, gives many views of
the same few items. Frames are sampled with OpenCV (uniform, or scene-aware: a frame is kept when
the picture changes), each is recognised with the same recogniser as photos, a sliding majority
vote removes one-frame flickers, and runs of the same answer become a timeline of what equipment
appears when. Broken, empty or over-long videos give a clear bilingual error or warning, never a
crash. `LiveRecognizer` serves webcam streams: it skips frames while a recognition is running and
smooths answers over the last few frames.
"""
from __future__ import annotations

import threading
import time
from collections import Counter, deque
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from runtime.errors import ModelUnavailable
from tools.equipment import (ACCEPT_CONFIDENCE, TOP_K, Prediction, RecognitionError, display_name, equipment_card,
                             recognition_from_prediction)
from tools.images import ImageInputError, load_image

MAX_VIDEO_BYTES = 200 * 2**20   # bytes; callers pass their own upload limit
MAX_SECONDS = 600.0             # s of video analysed; the rest is skipped with a warning
MAX_FRAMES = 120                # frames recognised at most (CPU: ~50 ms each)
INTERVAL_S = 1.0                # s between uniform samples; also the longest gap in scene mode
SCENE_PROBE_FPS = 4.0           # frames a second looked at (cheaply) to find scene changes
SCENE_DIFF = 18.0               # mean abs difference (0–255) of 32×32 grey thumbnails that counts as a new scene
VOTE_RADIUS = 1                 # samples each side in the majority vote
BATCH = 8                       # frames per network pass
NONE = "none"                   # timeline label for "no equipment / not sure"


class VideoInputError(ValueError):
    """A video the app cannot use; `code` is stable, `en` / `zh` are messages for people."""

    def __init__(self, code: str, en: str, zh: str):
        super().__init__(f"{en} / {zh}")
        self.code, self.en, self.zh = code, en, zh

    def message(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


_ERRORS = {
    "missing": ("The video file was not found.", "找不到视频文件。"),
    "too_large": ("The video is {mb:.0f} MB; the limit is {limit:.0f} MB.", "视频 {mb:.0f} MB，超过上限 {limit:.0f} MB。"),
    "unreadable": ("This file is not a video we can read (MP4, WebM, AVI, MOV).",
                   "无法读取该视频文件（支持 MP4、WebM、AVI、MOV）。"),
    "no_frames": ("The video has no readable frames; it may be broken or empty.", "视频没有可读取的画面，可能已损坏或为空。"),
}
_WARNINGS = {
    "truncated": ("Only the first {s:g} s were analysed.", "只分析了前 {s:g} 秒。"),
    "frame_cap": ("Only {n} frames were analysed.", "只分析了 {n} 帧。"),
    "broken_tail": ("The video ended early at {s:.1f} s (damaged file?).", "视频在 {s:.1f} 秒处提前结束（文件可能损坏）。"),
    "bad_frames": ("{n} frames could not be used.", "{n} 帧无法使用。"),
    "failed_frames": ("The recogniser failed on {n} frames.", "识别器在 {n} 帧上失败。"),
}
_FAILED = ("The recogniser could not analyse this video ({detail}).", "识别器无法分析该视频（{detail}）。")


def _verr(code: str, **fmt) -> VideoInputError:
    en, zh = _ERRORS[code]
    return VideoInputError(code, en.format(**fmt), zh.format(**fmt))


def _warn(code: str, lang: str, **fmt) -> str:
    en, zh = _WARNINGS[code]
    return (zh if lang == "zh" else en).format(**fmt)


def sample_frames(path: Path | str, mode: str = "scene", interval_s: float = INTERVAL_S,
                  max_seconds: float = MAX_SECONDS, max_frames: int = MAX_FRAMES,
                  max_bytes: int = MAX_VIDEO_BYTES) -> tuple[list[tuple[float, np.ndarray]], dict]:
    """([(time_s, BGR frame)], info) with info = fps, duration_s, warnings codes; raises VideoInputError."""
    if mode not in ("scene", "uniform"):
        raise ValueError(f"mode must be 'scene' or 'uniform', not {mode!r}")
    path = Path(path)
    if not path.is_file():
        raise _verr("missing")
    size = path.stat().st_size
    if size > max_bytes:
        raise _verr("too_large", mb=size / 2**20, limit=max_bytes / 2**20)
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise _verr("unreadable")
        fps = cap.get(cv2.CAP_PROP_FPS)
        fps = fps if 0.5 <= fps <= 240 else 25.0      # broken headers report 0 or nonsense
        n_declared = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        step = max(1, round(fps / (SCENE_PROBE_FPS if mode == "scene" else 1.0 / interval_s)))
        frames, warnings, last_thumb, last_t = [], [], None, -1e9
        index, read_any = 0, False
        while True:
            t = index / fps
            if t > max_seconds:
                warnings.append("truncated")
                break
            if not cap.grab():
                break
            if index % step == 0:
                ok, frame = cap.retrieve()
                if ok and frame is not None and frame.size:
                    read_any = True
                    keep, thumb = True, None
                    if mode == "scene":
                        thumb = cv2.resize(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY), (32, 32),
                                           interpolation=cv2.INTER_AREA).astype(np.float32)
                        changed = last_thumb is None or float(np.abs(thumb - last_thumb).mean()) > SCENE_DIFF
                        keep = changed or t - last_t >= interval_s - 1e-6
                    if keep:
                        if len(frames) >= max_frames:
                            warnings.append("frame_cap")
                            break
                        frames.append((round(t, 3), frame))
                        last_t, last_thumb = t, thumb if thumb is not None else last_thumb
            index += 1
        if not read_any:
            raise _verr("no_frames")
        duration = index / fps
        if n_declared > 0 and index < 0.9 * n_declared and "truncated" not in warnings and "frame_cap" not in warnings:
            warnings.append("broken_tail")
        return frames, {"fps": round(fps, 2), "duration_s": round(duration, 2), "warnings": warnings}
    finally:
        cap.release()


def vote(labels: list[str], confidences: list[float], radius: int = VOTE_RADIUS) -> list[str]:
    """Sliding confidence-weighted majority over ±radius samples (removes single-frame flickers)."""
    out = []
    for i in range(len(labels)):
        score: Counter = Counter()
        for j in range(max(0, i - radius), min(len(labels), i + radius + 1)):
            score[labels[j]] += confidences[j] + (1e-3 if j == i else 0.0)   # ties go to the frame itself
        out.append(score.most_common(1)[0][0])
    return out


def timeline(times: list[float], labels: list[str], confidences: list[float], end_s: float) -> list[dict]:
    """Runs of one label → [{label, start_s, end_s, frames, confidence}] covering 0…end_s."""
    segs: list[dict] = []
    for i, (t, lab) in enumerate(zip(times, labels)):
        if segs and segs[-1]["label"] == lab:
            segs[-1]["frames"] += 1
            segs[-1]["_conf"].append(confidences[i])
        else:
            if segs:
                segs[-1]["end_s"] = t
            segs.append({"label": lab, "start_s": 0.0 if not segs else t, "end_s": end_s, "frames": 1,
                         "_conf": [confidences[i]]})
    for s in segs:
        s["confidence"] = round(float(np.mean(s.pop("_conf"))), 3)
        s["start_s"], s["end_s"] = round(s["start_s"], 2), round(max(s["end_s"], s["start_s"]), 2)
    return segs


def recognize_video(path: Path | str, backend, kb, lang: str = "en", mode: str = "scene",
                    interval_s: float = INTERVAL_S, max_seconds: float = MAX_SECONDS, max_frames: int = MAX_FRAMES,
                    max_bytes: int = MAX_VIDEO_BYTES) -> dict:
    """Timeline of the equipment in a video; a plain dict, never raises on bad input."""
    start = time.perf_counter()
    try:
        frames, info = sample_frames(path, mode, interval_s, max_seconds, max_frames, max_bytes)
    except VideoInputError as exc:
        return {"status": "error", "error": exc.code, "message": exc.message(lang), "timeline": [], "summary": [],
                "main": None, "frames": [], "warnings": []}
    images, times, bad = [], [], 0
    for t, frame in frames:
        try:
            images.append(load_image(frame, bgr=True))
            times.append(t)
        except ImageInputError:
            bad += 1
    preds, failure = _predict_all(backend, images)
    failed = sum(p is None for p in preds)
    if images and failed == len(images):
        en, zh = _FAILED
        return {"status": "error", "error": "recognizer", "message": (zh if lang == "zh" else en).format(detail=failure),
                "timeline": [], "summary": [], "main": None, "frames": [], "warnings": []}
    accept = getattr(backend, "accept_confidence", ACCEPT_CONFIDENCE)
    per_frame, labels, confs = [], [], []
    for t, pred in zip(times, preds):
        if pred is None:   # this frame failed (e.g. a VLM timeout): it votes for nothing
            labels.append(NONE)
            confs.append(0.0)
            per_frame.append({"t_s": t, "status": "error", "label": NONE, "confidence": 0.0})
            continue
        rec = recognition_from_prediction(pred, kb, lang, TOP_K, accept, getattr(backend, "name", "?"), 0.0)
        # a 'not sure' frame still votes for its best guess, at its (low) confidence
        lab = rec.candidates[0].id if rec.status != "not_equipment" and rec.candidates else NONE
        conf = rec.candidates[0].confidence if lab != NONE else rec.none_confidence
        labels.append(lab)
        confs.append(conf)
        per_frame.append({"t_s": t, "status": rec.status, "label": lab, "confidence": conf})
    smoothed = vote(labels, confs)
    for row, lab in zip(per_frame, smoothed):
        row["voted"] = lab
    segs = timeline(times, smoothed, confs, info["duration_s"])
    for s in segs:
        s["equipment_id"] = None if s["label"] == NONE else s["label"]
        s["name"] = "" if s["label"] == NONE else display_name(kb, s["label"], lang)
    summary = _summary(segs, kb, lang)
    main = next((m for m in summary if m["mean_confidence"] >= accept / 2), None)
    warnings = [_warn(w, lang, s=min(max_seconds, info["duration_s"]), n=len(frames)) for w in info["warnings"]]
    if bad:
        warnings.append(_warn("bad_frames", lang, n=bad))
    if failed:
        warnings.append(_warn("failed_frames", lang, n=failed))
    return {"status": "ok", "duration_s": info["duration_s"], "fps": info["fps"], "frames_analysed": len(images),
            "mode": mode, "timeline": segs, "summary": summary,
            "main": {**main, "card": equipment_card(kb, main["equipment_id"], lang)} if main else None,
            "frames": per_frame, "warnings": warnings, "ms": round((time.perf_counter() - start) * 1000, 1)}


def _predict_all(backend, images: list[Image.Image]) -> tuple[list[Prediction | None], str]:
    """A prediction per frame (None where the recogniser failed) and the last failure's text."""
    preds: list[Prediction | None] = []
    failure = ""
    batch = BATCH if hasattr(backend, "predict_batch") else 1
    for i in range(0, len(images), batch):
        chunk = images[i:i + batch]
        try:
            preds += backend.predict_batch(chunk, TOP_K) if batch > 1 else [backend.predict(chunk[0], TOP_K)]
        except (RecognitionError, ModelUnavailable) as exc:
            preds += [None] * len(chunk)
            failure = str(exc)
    return preds, failure


def _summary(segs: list[dict], kb, lang: str) -> list[dict]:
    """Equipment by seconds on screen, most first."""
    total: dict[str, list] = {}
    for s in segs:
        if s["equipment_id"]:
            acc = total.setdefault(s["equipment_id"], [0.0, []])
            acc[0] += s["end_s"] - s["start_s"]
            acc[1] += [s["confidence"]] * s["frames"]
    span = sum(s["end_s"] - s["start_s"] for s in segs) or 1.0
    return sorted(({"equipment_id": k, "name": display_name(kb, k, lang), "seconds": round(v[0], 2),
                    "share": round(v[0] / span, 3), "mean_confidence": round(float(np.mean(v[1])), 3)}
                   for k, v in total.items()), key=lambda m: -m["seconds"])


class FrameThrottle:
    """Lets a frame through at most every `min_interval_s` and never while the previous one is running."""

    def __init__(self, min_interval_s: float = 0.1):
        self.min_interval_s = min_interval_s
        self._busy = threading.Lock()
        self._last = -1e9
        self.skipped = 0

    def try_start(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if now - self._last < self.min_interval_s or not self._busy.acquire(blocking=False):
            self.skipped += 1
            return False
        self._last = now
        return True

    def done(self) -> None:
        self._busy.release()


class LiveRecognizer:
    """Webcam stream helper: throttled recognition and an answer smoothed over the last `window` frames."""

    def __init__(self, backend, kb, lang: str = "en", min_interval_s: float = 0.1, window: int = 5):
        self.backend, self.kb, self.lang = backend, kb, lang
        self.throttle = FrameThrottle(min_interval_s)
        self._recent: deque = deque(maxlen=window)
        self.last: dict | None = None

    def submit(self, frame, bgr: bool = False, now: float | None = None) -> dict | None:
        """Recognise this frame if the throttle allows, else return the last answer marked skipped."""
        if not self.throttle.try_start(now):
            return {**self.last, "skipped": True} if self.last else None
        try:
            start = time.perf_counter()
            try:
                pred = self.backend.predict(load_image(frame, bgr=bgr), TOP_K)
            except ImageInputError as exc:
                return {"status": "error", "error": exc.code, "message": exc.message(self.lang), "skipped": False}
            except (RecognitionError, ModelUnavailable) as exc:
                return {"status": "error", "error": getattr(exc, "code", "model_unavailable"), "message": str(exc),
                        "skipped": False}
            self._recent.append(pred)
            rec = recognition_from_prediction(self._smoothed(), self.kb, self.lang, TOP_K,
                                              getattr(self.backend, "accept_confidence", ACCEPT_CONFIDENCE),
                                              getattr(self.backend, "name", "?"), (time.perf_counter() - start) * 1000)
            self.last = {**rec.to_dict(), "skipped": False}
            return self.last
        finally:
            self.throttle.done()

    def _smoothed(self) -> Prediction:
        """Mean confidences over the recent frames (an id missing from a frame counts 0 there)."""
        n = len(self._recent)
        acc: Counter = Counter()
        for p in self._recent:
            for i, c in p.candidates:
                acc[i] += c / n
        none = sum(p.none_confidence for p in self._recent) / n
        return Prediction([(i, round(c, 4)) for i, c in acc.most_common(TOP_K)], round(none, 4), self._recent[-1].source)
