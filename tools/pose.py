"""Pose coach entry points: video / webcam frames → MediaPipe landmarks → reps, cues, overlay.

Why this file: it is the only place that touches MediaPipe (Pose, model_complexity=1, whose model
ships in the mediapipe 0.10.21 wheel; complexity 0 and 2 download at run time and are never used).
It loads frames within limits, picks one person, flags dark / tiny / empty input with clear messages,
and hands landmark arrays to the MediaPipe-free engine (`tools.reps`, `tools.form_cues`).
Each joint angle blends the 2-D image angle with the one from MediaPipe's metric 3-D world landmarks
by how far the limb leaves the image plane (see `reps.compute_features`), so side and front views
both count. Nothing here raises on bad input: results carry bilingual warnings instead.
"""
from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Iterable, Iterator

import cv2
import numpy as np

from tools import form_cues, reps
from tools.pose_overlay import draw_hud, draw_skeleton, write_gif, write_mp4

MAX_SECONDS = 60.0     # s of video analysed; the rest is skipped with a warning
MAX_FRAMES = 900       # analysed frames at most (60 s × 15 fps)
SAMPLE_FPS = 15.0      # frames per second analysed (reps last ≥ 0.5 s; 15 fps keeps > 7 frames a rep)
MAX_SIDE = 640         # px; longer frame side is downscaled to this before pose estimation
DARK_LUMA = 40         # mean luma (0–255) under which a video counts as dark
BRIGHTEN_LUMA = 70     # frames darker than this are gamma-brightened before pose estimation
TINY_SIDE = 160        # px; a shorter frame side under this is 'tiny'
SMALL_PERSON = 0.3     # person box / frame (larger of height, width fraction) under this is 'small'
MIN_PERSON_FRAC = 0.1  # fraction of frames with a person under which the result is 'no person'
REACQUIRE_S = 1.0      # s without a person before looking for people again
BEST_VIEW = {"shoulder_press": "front", "lat_pulldown": "front"}   # arms move across the body; others: side
VIEW_ZH = {"side": "侧面", "front": "正面"}


class PoseEstimator:
    """MediaPipe Pose (complexity 1) on BGR frames, optionally inside a region of interest."""

    def __init__(self, static_image_mode: bool = False, min_detection_confidence: float = 0.5):
        self.static, self.min_det, self._pose = static_image_mode, min_detection_confidence, None

    def process(self, frame_bgr: np.ndarray, roi: tuple[int, int, int, int] | None = None) -> dict:
        """{'image': (33, 4) normalised to the full frame or None, 'world': (33, 4) metres or None}."""
        if self._pose is None:
            import mediapipe as mp   # heavy: imported on first use

            self._pose = mp.solutions.pose.Pose(static_image_mode=self.static, model_complexity=1,
                                                smooth_landmarks=True, enable_segmentation=False,
                                                min_detection_confidence=self.min_det, min_tracking_confidence=0.5)
        h, w = frame_bgr.shape[:2]
        x0, y0, x1, y1 = roi or (0, 0, w, h)
        rgb = cv2.cvtColor(np.ascontiguousarray(frame_bgr[y0:y1, x0:x1]), cv2.COLOR_BGR2RGB)
        rgb.flags.writeable = False
        res = self._pose.process(rgb)
        if res.pose_landmarks is None:
            return {"image": None, "world": None}
        cw, ch = x1 - x0, y1 - y0
        img = np.array([[(p.x * cw + x0) / w, (p.y * ch + y0) / h, p.z * cw / w, p.visibility]
                        for p in res.pose_landmarks.landmark])
        world = np.array([[p.x, p.y, p.z, v] for p, v in zip(res.pose_world_landmarks.landmark, img[:, 3])])
        return {"image": img, "world": world}

    def close(self) -> None:
        if self._pose is not None:
            self._pose.close()
            self._pose = None


# ---------------------------------------------------------------- frames and checks
def iter_video(path: str | Path, info: dict, *, max_seconds: float = MAX_SECONDS, sample_fps: float = SAMPLE_FPS,
               max_side: int = MAX_SIDE, max_frames: int = MAX_FRAMES) -> Iterator[tuple[float, np.ndarray]]:
    """(t_s, BGR frame) at ≤ sample_fps for the first max_seconds / max_frames, longer side ≤ max_side px;
    fills info (fps, size, truncated, error)."""
    info.update(fps=None, size=None, truncated=False, error=None)
    src = _gif_frames(path) if str(path).lower().endswith(".gif") else _cv_frames(path, info)
    next_t, n = 0.0, 0
    try:
        for t, frame in src:
            if t > max_seconds or n >= max_frames:
                info["truncated"] = True
                break
            if t + 1e-6 < next_t:
                continue
            next_t, n = t + 1.0 / sample_fps, n + 1
            h, w = frame.shape[:2]
            info["size"] = info["size"] or [w, h]
            if max(h, w) > max_side:
                k = max_side / max(h, w)
                frame = cv2.resize(frame, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA)
            yield t, frame
    except Exception as exc:   # corrupt stream mid-way: keep what was read
        info["error"] = f"{type(exc).__name__}: {exc}"


def _cv_frames(path, info) -> Iterator[tuple[float, np.ndarray]]:
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        info["error"] = "cannot open"
        return
    fps = cap.get(cv2.CAP_PROP_FPS)
    info["fps"] = fps = fps if fps and math.isfinite(fps) and 1 <= fps <= 240 else 30.0
    i = 0
    try:
        while True:
            ok, frame = cap.read()
            if not ok or frame is None:
                break
            yield i / fps, frame
            i += 1
    finally:
        cap.release()


def _gif_frames(path) -> Iterator[tuple[float, np.ndarray]]:
    from PIL import Image, ImageSequence

    with Image.open(path) as im:
        t = 0.0
        for fr in ImageSequence.Iterator(im):
            yield t, cv2.cvtColor(np.asarray(fr.convert("RGB")), cv2.COLOR_RGB2BGR)
            t += max(fr.info.get("duration", 100), 20) / 1000


def brightness(frame: np.ndarray) -> float:
    """Mean luma 0–255."""
    return float(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).mean())


def _brighten(frame: np.ndarray) -> np.ndarray:
    lut = (255 * (np.arange(256) / 255) ** 0.5).astype(np.uint8)   # gamma 0.5 lifts shadows
    return cv2.LUT(frame, lut)


def person_box(landmarks: np.ndarray, w: int, h: int, pad: float = 0.1) -> tuple[int, int, int, int]:
    """Pixel box around the visible landmarks, padded by a fraction of its size."""
    pts = landmarks[landmarks[:, 3] >= 0.3] if (landmarks[:, 3] >= 0.3).sum() >= 4 else landmarks
    x0, y0 = pts[:, 0].min() * w, pts[:, 1].min() * h
    x1, y1 = pts[:, 0].max() * w, pts[:, 1].max() * h
    px, py = (x1 - x0) * pad, (y1 - y0) * pad
    return (int(max(0, x0 - px)), int(max(0, y0 - py)), int(min(w, x1 + px)), int(min(h, y1 + py)))


def find_people(frame: np.ndarray, estimator: PoseEstimator, max_people: int = 3) -> list[tuple[int, int, int, int]]:
    """Boxes of the people in a frame, largest first: detect one, blank it out, detect again."""
    img, boxes = frame.copy(), []
    h, w = frame.shape[:2]
    fill = np.median(frame.reshape(-1, 3), 0).astype(np.uint8)
    for _ in range(max_people):
        lm = estimator.process(img)["image"]
        if lm is None:
            break
        x0, y0, x1, y1 = person_box(lm, w, h, pad=0.15)
        if (x1 - x0) * (y1 - y0) < 16 or any(_overlap(b, (x0, y0, x1, y1)) > 0.5 for b in boxes):
            break
        boxes.append((x0, y0, x1, y1))
        img[y0:y1, x0:x1] = fill
    return sorted(boxes, key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))


def _overlap(a, b) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    return ix * iy / max(1, min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1])))


def _roi(box, w: int, h: int) -> tuple[int, int, int, int]:
    """Generous crop around a chosen person: room to squat, bend over or lie down."""
    x0, y0, x1, y1 = box
    bw, bh = x1 - x0, y1 - y0
    side = max(bw, bh) * 1.5
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = side / 2
    return int(max(0, cx - half)), int(max(0, cy - half)), int(min(w, cx + half)), int(min(h, cy + half))


class PersonTracker:
    """Tracking-mode landmarks for one person per frame; with several people, the largest one."""

    def __init__(self):
        self.track, self.finder = PoseEstimator(), PoseEstimator(static_image_mode=True)
        self.roi, self.lost_since, self.last_search, self.max_people = None, 0.0, -math.inf, 0

    def process(self, t: float, frame: np.ndarray) -> dict:
        h, w = frame.shape[:2]
        if self.lost_since is not None and (self.last_search == -math.inf or min(
                t - self.last_search, t - self.lost_since) >= REACQUIRE_S):
            self.last_search = t
            boxes = find_people(frame, self.finder)
            self.max_people = max(self.max_people, len(boxes))
            self.roi = _roi(boxes[0], w, h) if len(boxes) > 1 else None
        out = self.track.process(frame, self.roi)
        if out["image"] is None:
            self.lost_since = t if self.lost_since is None else self.lost_since
        else:
            self.lost_since = None
        return out

    def close(self) -> None:
        self.track.close()
        self.finder.close()


def extract_landmarks(frames: Iterable[tuple[float, np.ndarray]], tracker: PersonTracker | None = None) -> dict:
    """Landmarks for each (t_s, BGR) frame: image/world arrays (T, 33, 4), NaN-free (visibility 0 when
    nobody is seen), plus frame checks (brightness, size, person size) and the processing speed."""
    own = tracker is None
    tracker = tracker or PersonTracker()
    times, imgs, worlds, luma, person, size = [], [], [], [], [], None
    t0 = time.perf_counter()
    try:
        for t, frame in frames:
            h, w = frame.shape[:2]
            size = [w, h]
            lum = brightness(frame)
            out = tracker.process(t, _brighten(frame) if lum < BRIGHTEN_LUMA else frame)
            times.append(t), luma.append(lum)
            if out["image"] is None:
                imgs.append(np.zeros((33, 4))), worlds.append(np.zeros((33, 4)))
            else:
                imgs.append(out["image"]), worlds.append(out["world"])
                x0, y0, x1, y1 = person_box(out["image"], w, h, pad=0.0)
                person.append(max((x1 - x0) / w, (y1 - y0) / h))
    finally:
        if own:
            tracker.close()
    dt = time.perf_counter() - t0
    n = len(times)
    return {"image": np.array(imgs).reshape(n, 33, 4), "world": np.array(worlds).reshape(n, 33, 4),
            "times_s": np.array(times, float), "size": size, "brightness": float(np.median(luma)) if luma else 0.0,
            "person_frames": len(person), "person_size": float(np.median(person)) if person else 0.0,
            "several_people": tracker.max_people > 1, "process_fps": round(n / dt, 1) if dt > 0 else 0.0}


# ---------------------------------------------------------------- analysis
def warning(code: str, severity: str = "warn", **kw) -> dict:
    return {"code": code, "severity": severity, "message": form_cues.message(code, **kw)}


def detect_view(image: np.ndarray, aspect: float) -> str | None:
    """'front', 'side' or 'angled' from shoulder width / torso length in the image; None if unseen."""
    p, vis = reps.landmark_xyz(image, aspect), image[..., 3] >= reps.MIN_VISIBILITY
    ok = vis[:, list(reps.SHOULDER)].all(1) & vis[:, list(reps.HIP)].all(1)
    if ok.sum() < 3:
        return None
    sw = np.linalg.norm(p[ok, 11] - p[ok, 12], axis=-1)
    tl = np.linalg.norm((p[ok, 11] + p[ok, 12] - p[ok, 23] - p[ok, 24]) / 2, axis=-1)
    r = float(np.median(sw / (tl + 1e-9)))
    return "front" if r > 0.45 else "side" if r < 0.2 else "angled"


def analyze_landmarks(image: np.ndarray, world: np.ndarray | None, times_s: np.ndarray, exercise: str | None = None,
                      lang: str = "en", *, aspect: float = 4 / 3, space: str = "world",
                      warnings: list[dict] | None = None) -> dict:
    """Reps, timed cues and warnings from landmark arrays (T, 33, 4); no MediaPipe needed.

    space: 'world' (blend 2-D image and 3-D world angles, default) or 'image' (2-D only: film squat-like
    moves from the side, presses from the front).
    """
    w = world if space == "world" else None
    res = reps.count_reps(image, times_s, exercise, world=w, aspect=aspect)
    warns = list(warnings or [])
    key, view = res["exercise"], detect_view(image, aspect)
    cues: list[dict] = []
    if key is None:
        warns.append(warning("unknown_exercise"))
    else:
        info = reps.exercise_info(key)
        cues = form_cues.form_cues(key, res, image, times_s, world=w, aspect=aspect)
        if res["valid_fraction"] < 0.5:
            warns.append(warning("low_visibility", name=info["name"]["en"], name_zh=info["name"]["zh"],
                                 pct=100 * res["valid_fraction"]))
        best = BEST_VIEW.get(key, "side")
        if view in VIEW_ZH and view != best:
            warns.append(warning("view_hint", "info", view=view, view_zh=VIEW_ZH[view], best=best,
                                 best_zh=VIEW_ZH[best], name=info["name"]["en"].lower(), name_zh=info["name"]["zh"]))
    return _result(res, cues, warns, view, lang, exercise is None, len(times_s))


def _result(res: dict, cues: list[dict], warns: list[dict], view, lang: str, auto: bool, frames: int) -> dict:
    key = res["exercise"]
    info = reps.exercise_info(key) if key else {"name": {"en": "", "zh": ""}, "knowledge_id": None}
    summary = form_cues.summarize_cues(cues, lang)
    if key:
        conf = res["detection"]["confidence"]
        head = form_cues.message("summary", name=info["name"]["en"], name_zh=info["name"]["zh"], reps=res["reps"],
                                 how=f" (detected automatically, {conf:.0%} sure)" if auto else "",
                                 how_zh=f"（自动识别，置信度 {conf:.0%}）" if auto else "")
        no_issues = form_cues.message("no_issues")
        tail = [s["text"] for s in summary[:3]] or [no_issues.get(lang, no_issues["en"])]
        tail += [w["message"].get(lang, w["message"]["en"]) for w in warns if w["severity"] == "warn"][:2]
        text = ("" if lang == "zh" else " ").join([head.get(lang, head["en"]), *tail])
    else:
        text = ("" if lang == "zh" else " ").join(w["message"].get(lang, w["message"]["en"])
                                                  for w in warns if w["severity"] == "warn")
    return {"ok": key is not None and not any(w["code"] in ("no_person", "unreadable") for w in warns),
            "exercise": key, "exercise_name": info["name"], "knowledge_id": info["knowledge_id"],
            "auto_detected": auto and key is not None, "confidence": res["detection"]["confidence"] if key else 0.0,
            "angle": res.get("spec", {}).get("signal"), "reps": res["reps"], "rep_list": res["rep_list"],
            "partial_reps": res["partials"], "cues": cues, "cue_summary": summary, "warnings": warns,
            "view": view, "frames_analysed": frames, "valid_fraction": res["valid_fraction"], "text": text,
            "lang": lang}


def _no_result(warns: list[dict], lang: str, frames: int) -> dict:
    empty = {"exercise": None, "reps": 0, "rep_list": [], "partials": [], "valid_fraction": 0.0,
             "detection": {"confidence": 0.0}}
    return _result(empty, [], warns, None, lang, False, frames)


def analyze_video(path: str | Path, exercise: str | None = None, lang: str = "en", out_dir: str | Path | None = None,
                  overlay: str = "gif", *, max_seconds: float = MAX_SECONDS, sample_fps: float = SAMPLE_FPS,
                  space: str = "world") -> dict:
    """Count reps and give form cues for an exercise video (any OpenCV-readable file or a GIF).

    exercise: a key of tools.reps.SPECS or None to detect it. lang: 'en' or 'zh' for `text` and the
    cue summary (every cue also carries both languages). out_dir: where to write the overlay
    ('gif' or 'mp4'); None for no overlay. Never raises on bad input: see `ok` and `warnings`.
    """
    if exercise is not None and exercise not in reps.SPECS:
        return _no_result([warning("unsupported_exercise", keys=", ".join(reps.SPECS))], lang, 0)
    info: dict = {}
    frames = lambda: iter_video(path, info, max_seconds=max_seconds, sample_fps=sample_fps)  # noqa: E731
    return _analyze(frames, info, exercise, lang, out_dir, overlay, space, Path(str(path)).stem, max_seconds)


def analyze_frames(frames: list[np.ndarray], fps: float, exercise: str | None = None, lang: str = "en",
                   out_dir: str | Path | None = None, overlay: str = "gif", space: str = "world") -> dict:
    """Same as analyze_video for in-memory BGR frames recorded at `fps` (e.g. a webcam clip)."""
    if exercise is not None and exercise not in reps.SPECS:
        return _no_result([warning("unsupported_exercise", keys=", ".join(reps.SPECS))], lang, 0)
    keep = min(len(frames), MAX_FRAMES, int(MAX_SECONDS * fps))
    info = {"fps": fps, "size": [frames[0].shape[1], frames[0].shape[0]] if len(frames) else None,
            "truncated": keep < len(frames)}
    frames = frames[:keep]
    gen = lambda: ((i / fps, f) for i, f in enumerate(frames))  # noqa: E731
    return _analyze(gen, info, exercise, lang, out_dir, overlay, space, "frames", MAX_SECONDS)


def _analyze(frames, info, exercise, lang, out_dir, overlay, space, stem, max_seconds) -> dict:
    lm = extract_landmarks(frames())
    n = len(lm["times_s"])
    if n == 0:
        return _no_result([warning("unreadable", detail=info.get("error") or "no frames")], lang, 0)
    w, h = info.get("size") or lm["size"]
    warns = []
    if min(w, h) < TINY_SIDE:
        warns.append(warning("tiny", w=w, h=h))
    if lm["brightness"] < DARK_LUMA:
        warns.append(warning("dark", value=lm["brightness"]))
    if info.get("truncated"):
        warns.append(warning("truncated", "info", s=max_seconds))
    if lm["person_frames"] < max(1, MIN_PERSON_FRAC * n):
        out = _no_result([warning("no_person"), *warns], lang, n)
    else:
        if lm["several_people"]:
            warns.append(warning("several_people", "info"))
        if lm["person_size"] < SMALL_PERSON:
            warns.append(warning("small_person"))
        aspect = lm["size"][0] / lm["size"][1]
        out = analyze_landmarks(lm["image"], lm["world"], lm["times_s"], exercise, lang, aspect=aspect, space=space,
                                warnings=warns)
    out.update(frames_with_person=lm["person_frames"], duration_s=round(float(lm["times_s"][-1]), 2),
               video_fps=info.get("fps"), process_fps=lm["process_fps"], size=[w, h], overlay_path=None)
    if out_dir is not None and overlay:
        out["overlay_path"] = write_overlay(frames(), lm["image"], out, Path(out_dir) / f"pose_{stem}.{overlay}")
    return out


def write_overlay(frames: Iterable[tuple[float, np.ndarray]], image: np.ndarray, result: dict,
                  path: Path) -> str | None:
    """Skeleton, running count and the latest cue drawn on each analysed frame → GIF or MP4."""
    ends = [r["end_s"] for r in result["rep_list"]]
    name = result["exercise_name"]["en"] or "Pose"

    def drawn():
        for i, (t, frame) in enumerate(frames):
            if i >= len(image):
                break
            f = draw_skeleton(frame, image[i] if image[i, :, 3].any() else None)
            recent = [c for c in result["cues"] if 0 <= t - c["t_s"] <= 2.5]
            lines = [name] + ([recent[-1]["message"]["en"][:60]] if recent else [])
            yield draw_hud(f, lines, big=str(sum(e <= t for e in ends)))

    path.parent.mkdir(parents=True, exist_ok=True)
    fps = min(SAMPLE_FPS, result.get("video_fps") or SAMPLE_FPS)   # the analysed frame rate
    try:
        return (write_mp4 if path.suffix == ".mp4" else write_gif)(drawn(), path, fps)
    except (ValueError, OSError, cv2.error):
        return None


# ---------------------------------------------------------------- webcam
class LiveCoach:
    """Webcam coach: feed frames one at a time, get the running count, the newest cue and an overlay.

    Throttled: a frame arriving sooner than min_interval_s after the last analysed one is only redrawn.
    Features are smoothed as they arrive (the same causal One-Euro filter as for videos) and the count
    is re-run over the session every RECOUNT_S with the video code path, so both give the same numbers;
    the shown count never goes down. Without an exercise it is detected once enough motion is seen.
    """
    RECOUNT_S = 0.5          # s between recounts
    HISTORY_FRAMES = 9000    # ≈ 10 min at 15 fps; older frames are folded into a count offset
    CUE_SHOW_S = 4.0         # s a cue stays on screen

    def __init__(self, exercise: str | None = None, lang: str = "en", *, min_interval_s: float = 1 / SAMPLE_FPS,
                 tracker: PersonTracker | None = None):
        self.given, self.lang, self.min_interval_s = exercise, lang, min_interval_s
        self.tracker = tracker or PersonTracker()
        self.reset()

    def reset(self) -> None:
        self.times, self.images, self.worlds, self.feats, self.filters = [], [], [], {}, {}
        self.exercise, self.key, self.state = self.given, self.given, "setup"
        self.count, self.offset, self.cued, self.cued_p, self.cues = 0, 0, 0, 0, []
        self.last, self.last_t, self.last_count_t, self.landmarks, self.t0 = None, -math.inf, -math.inf, None, None

    def update(self, frame: np.ndarray, t_s: float | None = None, *, rgb: bool = False, draw: bool = True) -> dict:
        """One webcam frame (BGR, or RGB with rgb=True) at time t_s (s; default: monotonic clock).

        Returns {reps, exercise, exercise_name, state, person, cue (text in lang or None), cues,
        warnings, t_s, skipped, frame (overlay, same colour order as the input, when draw)}."""
        now = time.monotonic()
        self.t0 = now if self.t0 is None else self.t0
        t = now - self.t0 if t_s is None else float(t_s)
        bgr = cv2.cvtColor(frame, cv2.COLOR_RGB2BGR) if rgb else frame
        if self.last is not None and t - self.last_t < self.min_interval_s - 2e-3:   # 2 ms: timestamp jitter
            out = {**self.last, "skipped": True, "t_s": t}
        else:
            self.last_t = t
            out = self.last = self._step(t, bgr)
        if draw:
            f = draw_skeleton(bgr, self.landmarks)
            name = out["exercise_name"]["en"] or "Pose coach"
            cue = next((c["message"]["en"] for c in reversed(self.cues) if t - c["shown_s"] <= self.CUE_SHOW_S), None)
            draw_hud(f, [name] + ([cue[:60]] if cue else []), big=str(out["reps"]))
            out["frame"] = cv2.cvtColor(f, cv2.COLOR_BGR2RGB) if rgb else f
        return out

    def _step(self, t: float, bgr: np.ndarray) -> dict:
        h, w = bgr.shape[:2]
        lum = brightness(bgr)
        res = self.tracker.process(t, _brighten(bgr) if lum < BRIGHTEN_LUMA else bgr)
        img = res["image"] if res["image"] is not None else np.zeros((33, 4))
        world = res["world"] if res["world"] is not None else np.zeros((33, 4))
        self.landmarks = res["image"]
        for k, v in reps.compute_features(img, world, aspect=w / h).items():
            self.feats.setdefault(k, []).append(self.filters.setdefault(k, reps.OneEuro())(t, float(v[0])))
        self.times.append(t), self.images.append(img), self.worlds.append(world)
        if len(self.times) > self.HISTORY_FRAMES:
            self._fold()
        if t - self.last_count_t >= self.RECOUNT_S:
            self.last_count_t = t
            self._recount(t, w / h)
        warns = []
        if lum < DARK_LUMA:
            warns.append(warning("dark", value=lum))
        if res["image"] is None:
            warns.append(warning("no_person"))
        elif self.state == "setup":
            warns.append(warning("setup", "info"))
        info = reps.exercise_info(self.key) if self.key else {"name": {"en": "", "zh": ""}}
        recent = [c for c in self.cues if t - c["shown_s"] <= self.CUE_SHOW_S]
        return {"reps": self.count, "exercise": self.key, "exercise_name": info["name"], "state": self.state,
                "person": res["image"] is not None, "warnings": warns, "cues": self.cues, "t_s": t, "skipped": False,
                "cue": recent[-1]["message"].get(self.lang, recent[-1]["message"]["en"]) if recent else None}

    def _recount(self, t: float, aspect: float) -> None:
        times = np.array(self.times)
        feats = {k: np.array(v) for k, v in self.feats.items()}
        res = reps.count_from_features(feats, times, self.exercise)
        self.key, self.state = res["exercise"], res["state"]
        if res["exercise"] and self.exercise is None and res["reps"] >= 1 and res["detection"]["confidence"] >= 0.6:
            self.exercise = res["exercise"]          # lock the detected exercise once a rep confirms it
        self.count = max(self.count, self.offset + res["reps"])
        new, part = res["rep_list"][self.cued:], res["partials"][self.cued_p:]
        if res["exercise"] and (new or part):
            for c in form_cues.form_cues(res["exercise"], {**res, "rep_list": new, "partials": part},
                                         np.array(self.images), times, world=np.array(self.worlds), aspect=aspect):
                self.cues.append({**c, "shown_s": t})
            self.cued, self.cued_p = len(res["rep_list"]), len(res["partials"])

    def _fold(self) -> None:
        """Drop the older half of the history; its reps become a fixed offset."""
        half = len(self.times) // 2
        cut = self.times[half]
        res = reps.count_from_features({k: np.array(v) for k, v in self.feats.items()}, np.array(self.times),
                                       self.exercise)
        done = sum(r["end_s"] < cut for r in res["rep_list"])
        self.offset += done
        self.cued = max(0, self.cued - done)
        self.cued_p = max(0, self.cued_p - sum(p["end_s"] < cut for p in res["partials"]))
        self.times, self.images, self.worlds = self.times[half:], self.images[half:], self.worlds[half:]
        self.feats = {k: v[half:] for k, v in self.feats.items()}

    def close(self) -> None:
        self.tracker.close()
